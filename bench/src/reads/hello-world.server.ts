import Fastify from 'fastify';

/** The reads baseline: a bare Fastify app with one JSON route, in its own process like the service. */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ event: 'listening', address })}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`hello-world failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
