// After `vite build`: writes a gzip and a brotli copy beside each text asset, which the API serves to browsers that
// accept them (@fastify/static preCompressed), and prints the page's size: what a first visit downloads.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../../dist/dashboard', import.meta.url));
const TEXT = /\.(?:html|js|css|svg)$/;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const rows = [];
for (const path of files(dist).filter((file) => TEXT.test(file))) {
  const raw = readFileSync(path);
  const gzip = gzipSync(raw, { level: 9 });
  const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  writeFileSync(`${path}.gz`, gzip);
  writeFileSync(`${path}.br`, brotli);
  rows.push({ file: relative(dist, path), raw: raw.length, gzip: gzip.length, brotli: brotli.length });
}
const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip, brotli: sum.brotli + row.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const row of [...rows, { file: 'total', ...total }]) {
  console.log(`dashboard ${row.file.padEnd(28)} ${kb(row.raw).padStart(10)} raw ${kb(row.gzip).padStart(10)} gzip ${kb(row.brotli).padStart(10)} brotli`);
}
