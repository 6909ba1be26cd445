// The threads load option in Node: Node runs the single-thread build; 'auto' says
// nothing, an explicit thread count warns once per process; bad values are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, InvalidArgumentError } from 'qcomp-wasm';
import { fixtureBundle } from './helpers/paths.mjs';

function captureWarnings() {
  const original = console.warn;
  const warnings = [];
  console.warn = (...args) => warnings.push(args.join(' '));
  return { warnings, restore: () => { console.warn = original; } };
}

test('Node: auto and numbers run single-threaded, one warning for an explicit count', async () => {
  const bundle = fixtureBundle('lenet300');
  const capture = captureWarnings();
  try {
    for (const threads of [undefined, 'auto', 1, 2, 4, 'auto']) {
      const model = await loadModel(bundle, threads === undefined ? {} : { threads });
      assert.deepEqual({ ...model.info.runtime }, { build: 'single-thread', threads: 1, simd: true }, `threads ${threads}`);
      model.dispose();
    }
  } finally {
    capture.restore();
  }
  assert.equal(capture.warnings.length, 1, JSON.stringify(capture.warnings));
  assert.match(capture.warnings[0], /threads: 2 ignored, Node runs the single-thread build/);
});

test('threads must be auto or an integer from 1 to 16', async () => {
  const bundle = fixtureBundle('lenet300');
  for (const threads of [0, -1, 1.5, 17, '2', null, Number.NaN]) {
    await assert.rejects(loadModel(bundle, { threads }), (e) => e instanceof InvalidArgumentError && /threads must be/.test(e.message),
      `threads ${String(threads)}`);
  }
});
