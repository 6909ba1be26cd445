// Limits: the maxMemoryBytes cap (bundle, inputs, plan), real wasm out-of-memory,
// arenas past 4 GiB (a 32-bit size_t would wrap), and the instance staying usable
// after each: the same runtime then loads and runs a good bundle correctly.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadModel, InvalidArgumentError, OutOfMemoryError, ShapeError, runtimeMemoryBytes } from 'qcomp-wasm';
import { convertOnnx, padFanOutOnnx } from './helpers/onnx_model.mjs';
import { fixtureBundle } from './helpers/paths.mjs';

let lenet5Bytes;
let reference;  // lenet5 logits for a fixed input, from a fresh load
const input = new Float32Array(784).map((_, i) => (i % 29) / 29);

async function checkGoodModelRuns() {
  const model = await loadModel(lenet5Bytes);
  try {
    const out = await model.run({ input: { data: input, dims: [1, 1, 28, 28] } });
    assert.deepEqual([...out.logits.data], reference);
  } finally {
    model.dispose();
  }
}

before(async () => {
  lenet5Bytes = new Uint8Array(await readFile(fixtureBundle('lenet5')));
  const model = await loadModel(lenet5Bytes);
  reference = [...(await model.run({ input: { data: input, dims: [1, 1, 28, 28] } })).logits.data];
  model.dispose();
});

describe('maxMemoryBytes', () => {
  test('must be a positive integer', async () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity, '100', 2 ** 60]) {
      await assert.rejects(loadModel(lenet5Bytes, { maxMemoryBytes: bad }), InvalidArgumentError, String(bad));
    }
  });

  test('a bundle larger than the cap is rejected before it is copied in', async () => {
    await assert.rejects(loadModel(lenet5Bytes, { maxMemoryBytes: lenet5Bytes.byteLength - 1 }),
      (e) => e instanceof OutOfMemoryError && /maxMemoryBytes/.test(e.message));
    await checkGoodModelRuns();
  });

  test('a run whose plan exceeds the cap fails with OutOfMemoryError; smaller runs still work', async () => {
    // lenet5's bundle plus room for batch 1 but not for batch 256.
    const model = await loadModel(lenet5Bytes, { maxMemoryBytes: lenet5Bytes.byteLength + (1 << 20) });
    try {
      const one = await model.run({ input: { data: input, dims: [1, 1, 28, 28] } });
      assert.deepEqual([...one.logits.data], reference);
      const big = new Float32Array(256 * 784);
      await assert.rejects(model.run({ input: { data: big, dims: [256, 1, 28, 28] } }),
        (e) => e instanceof OutOfMemoryError && /memory cap/.test(e.message), 'batch 256 under a 1 MiB plan cap');
      const again = await model.run({ input: { data: input, dims: [1, 1, 28, 28] } });
      assert.deepEqual([...again.logits.data], reference);
    } finally {
      model.dispose();
    }
  });

  test('input buffers count against the cap', async () => {
    const model = await loadModel(lenet5Bytes, { maxMemoryBytes: lenet5Bytes.byteLength + 4096 });
    try {
      await assert.rejects(model.run({ input: { data: input, dims: [1, 1, 28, 28] } }), OutOfMemoryError);
    } finally {
      model.dispose();
    }
    await checkGoodModelRuns();
  });
});

describe('wasm out of memory', () => {
  let padBundle;
  before(() => {
    // Four outputs of ~1.2 GB each, alive together: a 4.8 GB arena (past 2^32).
    padBundle = convertOnnx(padFanOutOnnx(300_000_000, 4), 'pad_fan_out');
  });

  test('an arena past 4 GiB is an OutOfMemoryError, not a wrapped 32-bit size', async () => {
    const model = await loadModel(padBundle);
    try {
      const before = await runtimeMemoryBytes();
      await assert.rejects(model.run({ x: { data: new Float32Array(4), dims: [1, 4] } }),
        (e) => e instanceof OutOfMemoryError, 'four 1.2 GB outputs');
      assert.equal(await runtimeMemoryBytes(), before, 'nothing was allocated for the refused plan');
    } finally {
      model.dispose();
    }
    await checkGoodModelRuns();
  });

  test('an arena the heap cannot grow to (2.4 GB > 2 GiB) is an OutOfMemoryError; the instance stays usable', async () => {
    const model = await loadModel(convertOnnx(padFanOutOnnx(300_000_000, 2), 'pad_fan_out2'));
    try {
      await assert.rejects(model.run({ x: { data: new Float32Array(4), dims: [1, 4] } }),
        (e) => e instanceof OutOfMemoryError && /cannot allocate|memory/.test(e.message));
    } finally {
      model.dispose();
    }
    await checkGoodModelRuns();
  });

  test('a real allocation failure after the heap has grown: one model fits, a second does not', async () => {
    // Pad's reference kernel also allocates an int64 index map per output axis (2x the
    // output along the padded axis), so the peak is ~3x the output: 1.2 GB for `one`,
    // whose 400 MB plan stays; `two` then needs ~1.8 GB more than the 2 GiB limit allows.
    const one = await loadModel(convertOnnx(padFanOutOnnx(100_000_000, 1), 'pad_one'));
    const two = await loadModel(convertOnnx(padFanOutOnnx(150_000_000, 1), 'pad_one_b'));
    try {
      const out = await one.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] } });
      assert.deepEqual(out.y0.dims, [1, 100_000_002]);
      assert.deepEqual([...out.y0.data.subarray(0, 3)], [1, 2, 0]);
      assert.ok(await runtimeMemoryBytes() > 1e9, 'the heap grew past 1 GB');
      await assert.rejects(two.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] } }), OutOfMemoryError);
      await assert.rejects(two.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] } }), OutOfMemoryError);
      // `one` still runs (its plan is kept) with the same answer.
      const again = await one.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] } });
      assert.deepEqual([...again.y0.data.subarray(0, 3)], [1, 2, 0]);
    } finally {
      one.dispose();
      two.dispose();
    }
    await checkGoodModelRuns();
  });

  test('bad dims stay ShapeErrors', async () => {
    const model = await loadModel(lenet5Bytes);
    try {
      await assert.rejects(model.run({ input: { data: new Float32Array(784), dims: [1, 1, 784] } }), ShapeError);
    } finally {
      model.dispose();
    }
  });
});
