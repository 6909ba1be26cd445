// Compressed bundles stay compressed in the wasm heap: loading a q4 or codebook
// bundle and running it once at batch 1 grows the heap by at most the bundle
// size + the planned activations + 1 MB, and by clearly less than the fp32
// bundle of the same model does. node --test runs this file in its own process,
// so the runtime starts here with its initial 16 MB memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel, runtimeHeapEnd, runtimeMemoryBytes } from 'qcomp-wasm';
import { inputBatch, loadFashionSubset, makePreprocessor } from '../../js/demo/fashion_data.mjs';
import { bundlesDir, repoRoot } from './helpers/paths.mjs';

const MB = 1 << 20;
const SLACK = 1 * MB;
// A heap-end probe must be larger than any free block so it lands at the top of the heap.
const PROBE = 8 * MB;
const MODELS = ['lenet300', 'lenet5'];
const VARIANTS = [
  { suffix: 'q4', scheme: 'q4_block', maxRatio: 0.2 },
  { suffix: 'cb4', scheme: 'codebook', maxRatio: 0.2 },
  // 3-bit indices are widened to 4 bits once per plan (kernels/quant/prepared_weight.h): 1.33x the index bytes.
  { suffix: 'cb3', scheme: 'codebook', maxRatio: 0.3 },
];

function bundlePath(file) {
  const full = path.join(bundlesDir, `${file}.qcb`);
  if (!existsSync(full)) {
    throw new Error(`${full} is missing; make it with scripts/convert-fixtures.sh ` +
      '(needs build/native/qcomp with the --weights option)');
  }
  return full;
}

async function readBytes(file) {
  const buf = await readFile(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The planned activation arena when model.info reports one. It does not yet (the arena is
 * planned on the first run, after info is read), so the bound is then bundle + 1 MB: stricter.
 */
function plannedActivationBytes(info) {
  const v = info.arenaBytes ?? info.arena;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

const loaded = [];
let subset;
let memoryAtStart;

before(async () => {
  subset = await loadFashionSubset(repoRoot);
  memoryAtStart = await runtimeMemoryBytes();
});

// Models stay loaded until the end so a later load cannot reuse their freed blocks.
after(() => {
  for (const m of loaded) m.dispose();
});

/** Heap and memory growth of loading `bytes` and running one image. */
async function measureLoadAndRun(bytes) {
  const endBefore = await runtimeHeapEnd(PROBE);
  const memoryBefore = await runtimeMemoryBytes();
  const model = await loadModel(bytes);
  loaded.push(model);
  const [input] = model.info.inputs;
  const [output] = model.info.outputs;
  const out = await model.run({ [input.name]: inputBatch(subset, makePreprocessor(model.info.preprocess), 0, 1) });
  const memoryAfter = await runtimeMemoryBytes();
  const endAfter = await runtimeHeapEnd(PROBE);
  const logits = out[output.name];
  assert.deepEqual(logits.dims, [1, 10]);
  assert.ok(logits.data.every(Number.isFinite), `non-finite logits ${logits.data}`);
  return { model, heapGrowth: endAfter - endBefore, memoryGrowth: memoryAfter - memoryBefore };
}

test('the runtime starts with a small heap', () => {
  assert.ok(memoryAtStart <= 32 * MB, `wasm memory is already ${memoryAtStart} bytes before any model`);
});

for (const name of MODELS) {
  for (const variant of VARIANTS) {
    test(`${name}-${variant.suffix}: stored compressed, and loading + one run does not inflate the weights`, async (t) => {
      const fp32Bytes = await readBytes(bundlePath(name));
      const bytes = await readBytes(bundlePath(`${name}-${variant.suffix}`));
      assert.ok(bytes.byteLength < variant.maxRatio * fp32Bytes.byteLength,
        `${name}-${variant.suffix}.qcb is ${bytes.byteLength} bytes, not < ${variant.maxRatio} x the fp32 bundle ` +
        `(${fp32Bytes.byteLength} bytes): are the weights stored inflated?`);

      const got = await measureLoadAndRun(bytes);
      const weights = got.model.info.layers.filter((l) => l.dims.length >= 2 && l.scheme !== 'dense');
      assert.ok(weights.length > 0, `${name}-${variant.suffix}: no compressed tensor in ${JSON.stringify(got.model.info.layers)}`);
      for (const l of weights) assert.equal(l.scheme, variant.scheme, `tensor ${l.tensor}`);

      const budget = bytes.byteLength + plannedActivationBytes(got.model.info) + SLACK;
      assert.ok(got.heapGrowth <= budget,
        `heap grew by ${got.heapGrowth} bytes loading + running ${name}-${variant.suffix} ` +
        `(bundle ${bytes.byteLength} bytes); the limit is ${budget}`);
      assert.ok(got.memoryGrowth <= budget,
        `wasm memory grew by ${got.memoryGrowth} bytes loading + running ${name}-${variant.suffix}; the limit is ${budget}`);

      // The same measurement for the fp32 bundle: inflated weights would cost as much as its weights do.
      const ref = await measureLoadAndRun(fp32Bytes);
      const saved = fp32Bytes.byteLength - bytes.byteLength;
      assert.ok(got.heapGrowth <= ref.heapGrowth - saved / 2,
        `${name}-${variant.suffix} grew the heap by ${got.heapGrowth} bytes, fp32 by ${ref.heapGrowth}: ` +
        `expected at least ${Math.round(saved / 2)} bytes less (half the ${saved} bytes the bundle saves)`);
      t.diagnostic(`${name}-${variant.suffix}: heap +${got.heapGrowth} (bundle ${bytes.byteLength}), ` +
        `fp32 heap +${ref.heapGrowth} (bundle ${fp32Bytes.byteLength}), memory +${got.memoryGrowth}`);
    });
  }
}
