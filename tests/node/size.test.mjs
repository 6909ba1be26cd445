// Download budget of the single-thread runtime: the module and the API's JavaScript
// a page needs to run a model stay within 120 KB brotli (quality 11, as
// docs/BENCHMARKS.md reports sizes). Checks the built files. Counted: the main-thread
// import path, index.js + the module of qcomp.wasm.gz (inflated: served as a .wasm
// with brotli it is that size; the package keeps it gzipped to stay under 500 KB, and
// the .gz as shipped is reported too). Reported but not counted: the pthreads build
// (qcomp-mt.*, fetched only by cross-origin-isolated pages that ask for threads),
// worker.js (only with worker: true) and index.cjs (Node's require).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gunzipSync } from 'node:zlib';
import { repoRoot } from './helpers/paths.mjs';

const BUDGET_BROTLI_BYTES = 120_000;
const dist = path.join(repoRoot, 'dist');

function brotliBytes(bytes) {
  return brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
  }).byteLength;
}

test('runtime wasm + JS download is within the brotli budget', () => {
  const files = readdirSync(dist).filter((name) => /\.(wasm|wasm\.gz|js|mjs|cjs)$/.test(name)).sort();
  const shipped = files.filter((name) => name === 'index.js' || name === 'qcomp.wasm.gz');
  const notCounted = files.filter((name) => !shipped.includes(name));
  assert.ok(shipped.includes('qcomp.wasm.gz'), `dist/ lacks qcomp.wasm.gz (has ${shipped.join(', ')}); run npm run build`);
  assert.ok(shipped.includes('index.js'), `dist/ lacks index.js (has ${shipped.join(', ')}); run npm run build`);
  const sizes = shipped.map((name) => {
    const stored = readFileSync(path.join(dist, name));
    const bytes = name.endsWith('.gz') ? gunzipSync(stored) : stored;
    return { name: name.replace(/\.gz$/, ''), raw: bytes.byteLength, brotli: brotliBytes(bytes), stored: stored.byteLength };
  });
  const total = sizes.reduce((sum, s) => sum + s.brotli, 0);
  const report = sizes.map((s) => `${s.name} ${s.raw} raw / ${s.brotli} br`).join(', ');
  const asShipped = sizes.reduce((sum, s) => sum + (s.name === 'index.js' ? s.brotli : s.stored), 0);
  console.log(`# download: ${total} bytes brotli (${report}); budget ${BUDGET_BROTLI_BYTES}; ` +
    `qcomp.wasm.gz served as shipped + index.js brotli: ${asShipped}; not counted: ${notCounted.join(', ') || 'none'}`);
  assert.ok(total <= BUDGET_BROTLI_BYTES, `dist/ runtime files are ${total} bytes brotli, over the ${BUDGET_BROTLI_BYTES}-byte budget: ${report}`);
});
