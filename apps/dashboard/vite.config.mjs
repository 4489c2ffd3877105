import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard is built into dist/dashboard, which the API serves at `/` (apps/api/src/dashboard-assets.ts). Every
 * asset name carries its content hash, so the API can let browsers keep them for good; index.html is the only file
 * they revalidate.
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    // The module preload polyfill would be the only inline script; every browser this targets has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    sourcemap: false,
  },
});
