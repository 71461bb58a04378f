import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text the browser downloads; fonts (woff2 is compressed already) and images are left alone. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|woff)$/;

/**
 * Writes a `.br` and a `.gz` twin beside each compressible file of a built folder (default
 * `dist/console`), once at build time at the highest levels, so the hub sends compressed files
 * without compressing on every request (`@fastify/static` `preCompressed`). A twin that would not
 * be smaller is not written.
 */
function precompress(dir: string): { files: number; bytes: number; brotli: number } {
  const totals = { files: 0, bytes: 0, brotli: 0 };
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const inner = precompress(path);
      totals.files += inner.files;
      totals.bytes += inner.bytes;
      totals.brotli += inner.brotli;
      continue;
    }
    if (!COMPRESSIBLE.test(name)) continue;
    const content = readFileSync(path);
    const br = brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    const gz = gzipSync(content, { level: 9 });
    if (br.length < content.length) writeFileSync(`${path}.br`, br);
    if (gz.length < content.length) writeFileSync(`${path}.gz`, gz);
    totals.files += 1;
    totals.bytes += content.length;
    totals.brotli += Math.min(br.length, content.length);
  }
  return totals;
}

const dir = process.argv[2] ?? 'dist/console';
const { files, bytes, brotli } = precompress(dir);
console.log(
  `precompress: ${files} files in ${dir}, ${(bytes / 1024).toFixed(0)} KB → ${(brotli / 1024).toFixed(0)} KB with brotli`,
);
