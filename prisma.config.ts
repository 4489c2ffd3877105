import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection URL from here. `generate` needs no database, so an unset DATABASE_URL must not
// fail: fall back to the same default as libs/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/rates' },
});
