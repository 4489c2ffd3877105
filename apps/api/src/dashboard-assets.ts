import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` puts the dashboard (Vite, apps/dashboard): dist/dashboard, beside dist/apps. */
export const DASHBOARD_DIR = join(__dirname, '..', '..', '..', 'dashboard');

/** Vite names what it bundles after the content's hash, so a name never changes meaning: cache it for good. */
const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.(?:js|css|svg|png|woff2)$/;
/** The copies `npm run build` compresses ahead of time; their headers are those of the file they compress. */
const COMPRESSED_COPY = /\.(?:br|gz)$/;

/**
 * The page may load and ask nothing but this origin: no CDN, no third-party fonts, no beacons. Inline styles are allowed
 * because the charting library positions its canvases with style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the dashboard at `/`: hashed assets immutable for a year, everything else (index.html) revalidated on every
 * load (`no-cache` with an ETag), so a new build reaches an open browser at its next reload. Routes are made for the
 * files found at startup (no wildcard), so every other path still reaches the API's own 404.
 */
export async function serveDashboard(app: NestFastifyApplication, dir = DASHBOARD_DIR): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('Dashboard').warn(`no dashboard at ${dir} (npm run build makes it); / is not served`);
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    // Nothing here calls reply.sendFile, and a second registration may not decorate again.
    decorateReply: false,
    cacheControl: false,
    dotfiles: 'ignore',
    preCompressed: true,
    setHeaders: (reply: FastifyReply, path: string) => {
      const file = path.replaceAll('\\', '/').replace(COMPRESSED_COPY, '');
      const hashed = HASHED_ASSET.test(file);
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
      if (file.endsWith('.html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('referrer-policy', 'no-referrer');
      }
    },
  });
}
