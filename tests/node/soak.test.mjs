// Soak: many runs and load/dispose cycles must not grow the wasm heap, and concurrent
// run() calls must each get their own correct result.
//   SOAK_RUNS    runs of one model after warm-up (default 100000)
//   SOAK_CYCLES  load/run/dispose cycles after warm-up (default 1000)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadModel, runtimeHeapEnd, runtimeMemoryBytes } from 'qcomp-wasm';
import { fixtureBundle } from './helpers/paths.mjs';

const RUNS = Number(process.env.SOAK_RUNS ?? 100_000);
const CYCLES = Number(process.env.SOAK_CYCLES ?? 1_000);

// A distinct input per index, so a mixed-up result is noticed.
function inputFor(i, size) {
  const data = new Float32Array(size);
  for (let k = 0; k < size; k++) data[k] = ((k * 7 + i * 13) % 101) / 101;
  return data;
}

async function heapState() {
  return { memory: await runtimeMemoryBytes(), heapEnd: await runtimeHeapEnd() };
}

// Flat: the wasm memory did not grow, and the allocator's heap end moved by at most
// 4 KiB (free-list placement varies by a block or two; a leak of even one 16-byte block
// per run or per cycle would move it by 1.6 MB over 100,000 runs, 16 KB over 1,000 cycles).
function assertFlat(start, end, what) {
  assert.equal(end.memory, start.memory, `${what}: wasm memory grew`);
  assert.ok(end.heapEnd - start.heapEnd <= 4096, `${what}: heap end moved from ${start.heapEnd} to ${end.heapEnd}`);
}

test(`${RUNS} runs keep the wasm memory flat after warm-up`, async () => {
  const model = await loadModel(fixtureBundle('lenet300'));
  try {
    const inputs = Array.from({ length: 8 }, (_, i) => inputFor(i, 784));
    const expected = [];
    for (const data of inputs) expected.push([...(await model.run({ input: { data, dims: [1, 1, 28, 28] } })).logits.data]);
    for (let i = 0; i < 1000; i++) await model.run({ input: { data: inputs[i % 8], dims: [1, 1, 28, 28] } });
    const start = await heapState();
    let checked = 0;
    for (let i = 0; i < RUNS; i++) {
      const out = await model.run({ input: { data: inputs[i % 8], dims: [1, 1, 28, 28] } });
      if (i % 997 === 0) {
        assert.deepEqual([...out.logits.data], expected[i % 8], `run ${i}`);
        checked++;
      }
    }
    const end = await heapState();
    assertFlat(start, end, `after ${RUNS} runs`);
    console.log(`soak: ${RUNS} runs, ${checked} checked against the reference, wasm memory ${end.memory} bytes, ` +
      `heap end ${start.heapEnd} -> ${end.heapEnd}`);
  } finally {
    model.dispose();
  }
});

test(`${CYCLES} load/run/dispose cycles keep the wasm memory flat`, async () => {
  const bytes = new Uint8Array(await readFile(fixtureBundle('lenet5')));
  const data = inputFor(3, 784);
  const cycle = async () => {
    const model = await loadModel(bytes);
    const out = await model.run({ input: { data, dims: [1, 1, 28, 28] } });
    model.dispose();
    await model.run({ input: { data, dims: [1, 1, 28, 28] } }).catch(() => undefined);  // rejected: disposed
    return [...out.logits.data];
  };
  const expected = await cycle();
  for (let i = 0; i < 20; i++) await cycle();
  await new Promise((r) => setImmediate(r));  // dispose() frees after the queued runs
  const start = await heapState();
  for (let i = 0; i < CYCLES; i++) assert.deepEqual(await cycle(), expected, `cycle ${i}`);
  await new Promise((r) => setImmediate(r));
  const end = await heapState();
  assertFlat(start, end, `after ${CYCLES} cycles`);
  console.log(`soak: ${CYCLES} load/dispose cycles, wasm memory ${end.memory} bytes, heap end ${start.heapEnd} -> ${end.heapEnd}`);
});

test('concurrent run() calls on one model and across models give each caller its own result', async () => {
  const a = await loadModel(fixtureBundle('lenet300'));
  const b = await loadModel(fixtureBundle('lenet5'));
  try {
    const N = 200;
    const inputs = Array.from({ length: N }, (_, i) => inputFor(i, 784));
    const expectA = [], expectB = [];
    for (const data of inputs) {
      expectA.push([...(await a.run({ input: { data, dims: [1, 1, 28, 28] } })).logits.data]);
      expectB.push([...(await b.run({ input: { data, dims: [1, 1, 28, 28] } })).logits.data]);
    }
    // All issued at once, interleaved between the two models, with mixed batch sizes.
    const pending = [];
    for (let i = 0; i < N; i++) {
      pending.push(a.run({ input: { data: inputs[i], dims: [1, 1, 28, 28] } }).then((o) => ['a', i, o.logits]));
      pending.push(b.run({ input: { data: inputs[i], dims: [1, 1, 28, 28] } }).then((o) => ['b', i, o.logits]));
      if (i % 10 === 0) {
        const two = new Float32Array(2 * 784);
        two.set(inputs[i]);
        two.set(inputs[(i + 1) % N], 784);
        pending.push(a.run({ input: { data: two, dims: [2, 1, 28, 28] } }).then((o) => ['a2', i, o.logits]));
      }
    }
    const results = await Promise.all(pending);
    for (const [which, i, logits] of results) {
      if (which === 'a') assert.deepEqual([...logits.data], expectA[i], `a run ${i}`);
      else if (which === 'b') assert.deepEqual([...logits.data], expectB[i], `b run ${i}`);
      else {
        assert.deepEqual(logits.dims, [2, 10]);
        // Batched rows may differ from batch-1 results only by float summation order.
        const rows = [expectA[i], expectA[(i + 1) % N]].flat();
        logits.data.forEach((v, k) => assert.ok(Math.abs(v - rows[k]) <= 1e-4 * Math.max(1, Math.abs(rows[k])), `a2 ${i}[${k}]`));
      }
    }
    console.log(`soak: ${results.length} concurrent runs across 2 models, all correct`);
  } finally {
    a.dispose();
    b.dispose();
  }
});
