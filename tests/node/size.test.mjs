// Download budget of the single-thread runtime: what a user fetches to run a
// model (dist/qcomp.wasm + the API's JavaScript) stays within 120 KB brotli
// (quality 11, as docs/BENCHMARKS.md reports sizes). Checks the built files. Counted:
// the main-thread import path, index.js + qcomp.wasm. Reported but not counted: the
// pthreads build (qcomp-mt.*, fetched only by cross-origin-isolated pages that ask for
// threads), worker.js (only with worker: true) and index.cjs (Node's require).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { repoRoot } from './helpers/paths.mjs';

const BUDGET_BROTLI_BYTES = 120_000;
const dist = path.join(repoRoot, 'dist');

function brotliBytes(bytes) {
  return brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
  }).byteLength;
}

test('runtime wasm + JS download is within the brotli budget', () => {
  const files = readdirSync(dist).filter((name) => /\.(wasm|js|mjs|cjs)$/.test(name)).sort();
  const shipped = files.filter((name) => name === 'index.js' || name === 'qcomp.wasm');
  const notCounted = files.filter((name) => !shipped.includes(name));
  assert.ok(shipped.includes('qcomp.wasm'), `dist/ lacks qcomp.wasm (has ${shipped.join(', ')}); run npm run build`);
  assert.ok(shipped.includes('index.js'), `dist/ lacks index.js (has ${shipped.join(', ')}); run npm run build`);
  const sizes = shipped.map((name) => {
    const bytes = readFileSync(path.join(dist, name));
    return { name, raw: bytes.byteLength, brotli: brotliBytes(bytes) };
  });
  const total = sizes.reduce((sum, s) => sum + s.brotli, 0);
  const report = sizes.map((s) => `${s.name} ${s.raw} raw / ${s.brotli} br`).join(', ');
  console.log(`# download: ${total} bytes brotli (${report}); budget ${BUDGET_BROTLI_BYTES}; not counted: ${notCounted.join(', ') || 'none'}`);
  assert.ok(total <= BUDGET_BROTLI_BYTES, `dist/ runtime files are ${total} bytes brotli, over the ${BUDGET_BROTLI_BYTES}-byte budget: ${report}`);
});
