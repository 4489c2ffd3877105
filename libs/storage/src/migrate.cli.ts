import { loadConfig } from '@binance-rates/config';
import { applyMigrations } from './migrate';

/** `npm run migrate:deploy`: applies pending migrations to DATABASE_URL (creating the database if needed). */
async function main(): Promise<void> {
  const { database } = loadConfig();
  const applied = await applyMigrations({ databaseUrl: database.url });
  const target = new URL(database.url);
  target.password = target.password ? '***' : '';
  if (applied.length === 0) {
    console.log(`No pending migrations for ${target.toString()}`);
  } else {
    console.log(`Applied ${applied.length} migration(s) to ${target.toString()}:\n  ${applied.join('\n  ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
