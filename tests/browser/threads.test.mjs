// The threaded build in Chromium (issue 4/5): with the COOP/COEP headers the page is
// cross-origin isolated and loadModel runs qcomp-mt.wasm (model.info.runtime says so)
// with results equal to the single-thread build's in Node; without them, one console
// warning per page and the single-thread build, with the same results.
// Needs dist/, build/models and Chromium (/usr/bin/chromium or $CHROMIUM).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as qcomp from '../../dist/index.js';
import { launchChromium, openHarness } from './harness.mjs';
import { makeFeeds } from './inputs.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Float weights (fp32 dense) and integer paths (int8, q4 and codebook weights, int8 activations).
const BUNDLES = [
  { file: 'build/models/lenet300.qcb', integer: false },
  { file: 'build/models/lenet5.qcb', integer: false },
  { file: 'build/models/lenet300-int8.qcb', integer: true },
  { file: 'build/models/lenet5-int8.qcb', integer: true },
  { file: 'build/models/lenet300-q4.qcb', integer: true },
  { file: 'build/models/lenet5-q4.qcb', integer: true },
  { file: 'build/models/lenet5-cb4.qcb', integer: true },
];
// Batch 32 splits every large layer across threads; batch 1 the layers' rows.
const CASES = [{ batch: 32, seed: 7 }, { batch: 1, seed: 3 }];

/** Outputs of the single-thread build in Node, keyed by file and case. */
async function nodeReference() {
  const reference = new Map();
  for (const { file } of BUNDLES) {
    const bytes = new Uint8Array(await readFile(root + file));
    const model = await qcomp.loadModel(bytes);
    for (const { batch, seed } of CASES) {
      const out = Object.values(await model.run(makeFeeds(qcomp, model.info, batch, seed)))[0];
      reference.set(`${file}@${batch}`, { dims: [...out.dims], data: Array.from(out.data) });
    }
    model.dispose();
  }
  return reference;
}

function assertSameOutputs(actual, expected, integer, label) {
  assert.deepEqual(actual.dims, expected.dims, `${label}: dims`);
  if (integer) {
    assert.deepEqual(actual.data, expected.data, `${label}: outputs differ from the Node single-thread build`);
    return;
  }
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]) / Math.max(1, Math.abs(expected.data[i])));
  }
  assert.ok(worst <= 1e-5, `${label}: relative difference ${worst} from the Node single-thread build`);
}

let browser;
let reference;

before(async () => {
  reference = await nodeReference();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('with COOP/COEP (cross-origin isolated)', () => {
  let harness;
  before(async () => { harness = await openHarness(browser, { isolated: true }); });
  after(async () => { await harness?.close(); });

  test('the page is isolated and threads default to the threaded build', async () => {
    const env = await harness.page.evaluate(() => ({
      isolated: window.harness.crossOriginIsolated,
      cores: window.harness.hardwareConcurrency,
    }));
    assert.equal(env.isolated, true);
    const { runtime } = await harness.page.evaluate((url) => window.harness.load(url), `../../${BUNDLES[0].file}`);
    const autoThreads = Math.min(env.cores, 4);
    assert.deepEqual(runtime, autoThreads > 1
      ? { build: 'pthreads', threads: autoThreads, simd: true }
      : { build: 'single-thread', threads: 1, simd: true });
  });

  for (const { file, integer } of BUNDLES) {
    test(`${file}: 2 threads on qcomp-mt.wasm match the single-thread build`, async () => {
      const { id, runtime } = await harness.page.evaluate((url) => window.harness.load(url, { threads: 2 }), `../../${file}`);
      assert.deepEqual(runtime, { build: 'pthreads', threads: 2, simd: true });
      for (const { batch, seed } of CASES) {
        const out = await harness.page.evaluate(([i, b, s]) => window.harness.run(i, b, s), [id, batch, seed]);
        assertSameOutputs(out, reference.get(`${file}@${batch}`), integer, `${file} batch ${batch}`);
      }
    });
  }

  test('threads: 1 runs the single-thread build, and no warning was given', async () => {
    const { runtime } = await harness.page.evaluate((url) => window.harness.load(url, { threads: 1 }), `../../${BUNDLES[0].file}`);
    assert.deepEqual(runtime, { build: 'single-thread', threads: 1, simd: true });
    assert.deepEqual(harness.warnings, []);
    assert.deepEqual(harness.errors, []);
  });
});

describe('without COOP/COEP (not isolated)', () => {
  let harness;
  before(async () => { harness = await openHarness(browser, { isolated: false }); });
  after(async () => { await harness?.close(); });

  test('every load warns once in all, runs single-threaded and gives the same results', async () => {
    assert.equal(await harness.page.evaluate(() => window.harness.crossOriginIsolated), false);
    for (const { file, integer } of BUNDLES) {
      for (const threads of ['auto', 2]) {
        const { id, runtime } = await harness.page.evaluate(([url, t]) => window.harness.load(url, { threads: t }),
          [`../../${file}`, threads]);
        assert.deepEqual(runtime, { build: 'single-thread', threads: 1, simd: true }, `${file} threads ${threads}`);
        for (const { batch, seed } of CASES) {
          const out = await harness.page.evaluate(([i, b, s]) => window.harness.run(i, b, s), [id, batch, seed]);
          assertSameOutputs(out, reference.get(`${file}@${batch}`), true, `${file} batch ${batch}`);
        }
      }
    }
    assert.equal(harness.warnings.length, 1, `warnings: ${JSON.stringify(harness.warnings)}`);
    assert.match(harness.warnings[0], /not cross-origin isolated/);
    assert.match(harness.warnings[0], /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(harness.warnings[0], /Cross-Origin-Embedder-Policy: require-corp/);
    assert.deepEqual(harness.errors, []);
  });
});

describe('with COOP/COEP but without the threaded build\'s files', () => {
  let harness;
  before(async () => { harness = await openHarness(browser, { isolated: true, missing: ['/dist/qcomp-mt.mjs'] }); });
  after(async () => { await harness?.close(); });

  test('loads warn once and fall back to the single-thread build', async () => {
    for (const threads of [2, 'auto']) {
      const { id, runtime } = await harness.page.evaluate(([url, t]) => window.harness.load(url, { threads: t }),
        [`../../${BUNDLES[2].file}`, threads]);
      assert.deepEqual(runtime, { build: 'single-thread', threads: 1, simd: true });
      const out = await harness.page.evaluate(([i]) => window.harness.run(i, 32, 7), [id]);
      assertSameOutputs(out, reference.get(`${BUNDLES[2].file}@32`), true, BUNDLES[2].file);
    }
    const ours = harness.warnings.filter((w) => w.startsWith('qcomp-wasm:'));
    assert.equal(ours.length, 1, JSON.stringify(harness.warnings));
    assert.match(ours[0], /running single-threaded: cannot start the threaded wasm runtime from .*qcomp-mt\.mjs/);
  });
});
