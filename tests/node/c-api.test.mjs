// The C API of qcomp.wasm called directly (below the TS layer, which cannot produce
// these calls): size arithmetic on 32-bit wasm must not wrap, bad arguments are error
// codes, and the instance stays usable after each.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { convertOnnx, padFanOutOnnx } from './helpers/onnx_model.mjs';
import { fixtureBundle, repoRoot } from './helpers/paths.mjs';

const OUT_OF_MEMORY = 403;
const INVALID_ARGUMENT = 401;
let api;
let bundle;

before(async () => {
  const wasm = await WebAssembly.compile(gunzipSync(await readFile(path.join(repoRoot, 'dist', 'qcomp.wasm.gz'))));
  const instance = await WebAssembly.instantiate(wasm, {
    env: { emscripten_notify_memory_growth: () => {} },
    wasi_snapshot_preview1: { proc_exit: (code) => { throw new Error(`proc_exit ${code}`); } },
  });
  api = instance.exports;
  api._initialize();
  bundle = new Uint8Array(await readFile(fixtureBundle('lenet5')));
});

const heap = () => new Uint8Array(api.memory.buffer);
const message = (m) => {
  const p = api.qc_model_error_message(m) >>> 0;
  const h = heap();
  return new TextDecoder().decode(h.subarray(p, h.indexOf(0, p)));
};

function load(bytes) {
  const m = api.qc_model_new();
  const p = api.qc_alloc(bytes.length) >>> 0;
  heap().set(bytes, p);
  assert.equal(api.qc_model_load(m, p, bytes.length, 0), 0);
  return m;
}
const loadLenet5 = () => load(bundle);

function inputPtr(m, dims) {
  const d = api.qc_alloc(8 * dims.length) >>> 0;
  new Float64Array(api.memory.buffer, d, dims.length).set(dims);
  const p = api.qc_model_input(m, 0, d, dims.length) >>> 0;
  api.qc_free(d);
  return p;
}

function runsCorrectly(m) {
  const p = inputPtr(m, [1, 1, 28, 28]);
  assert.notEqual(p, 0);
  assert.equal(api.qc_model_run(m), 0, message(m));
  assert.equal(api.qc_model_output_count(m), 1);
  assert.equal(api.qc_model_output_bytes(m, 0), 40);
}

test('qc_alloc of nearly 4 GiB returns 0 instead of a wrapped small block', () => {
  for (const size of [0xffffffff, 0xffffffc1, 0xfffffff0]) assert.equal(api.qc_alloc(size) >>> 0, 0, `qc_alloc(${size})`);
  const p = api.qc_alloc(100) >>> 0;
  assert.notEqual(p, 0);
  assert.equal(p % 64, 0);
  api.qc_free(p);
});

test('an input of exactly 2^32 bytes is refused, not a wrapped 1-byte buffer', () => {
  // x: float [1, n]; n = 2^30 elements: 4 * 2^30 + 1 wrapped to 1 in 32-bit size_t arithmetic.
  const m = load(convertOnnx(padFanOutOnnx(1, 1), 'pad_small'));
  try {
    assert.equal(inputPtr(m, [1, 2 ** 30]), 0);
    assert.equal(api.qc_model_error_code(m), OUT_OF_MEMORY, message(m));
    assert.notEqual(inputPtr(m, [1, 3]), 0);
    assert.equal(api.qc_model_run(m), 0, message(m));
  } finally {
    api.qc_model_delete(m);
  }
});

test('an input larger than the wasm address space is refused', () => {
  const m = loadLenet5();
  try {
    // 1,369,000 x 784 floats = 4.29e9 bytes: more than a 32-bit size_t.
    assert.equal(inputPtr(m, [1369000, 1, 28, 28]), 0);
    assert.equal(api.qc_model_error_code(m), OUT_OF_MEMORY, message(m));
    // The input was left unset: running now is an error, not a read of stale memory.
    assert.equal(api.qc_model_run(m), INVALID_ARGUMENT);
    runsCorrectly(m);
  } finally {
    api.qc_model_delete(m);
  }
});

test('qc_model_set_memory_cap validates its argument and caps loads, inputs and plans', () => {
  const m = api.qc_model_new();
  try {
    for (const bad of [-1, NaN, 1.5, Infinity, 2 ** 60]) {
      assert.equal(api.qc_model_set_memory_cap(m, bad), INVALID_ARGUMENT, String(bad));
    }
    assert.equal(api.qc_model_set_memory_cap(m, bundle.length - 1), 0);
    const p = api.qc_alloc(bundle.length) >>> 0;
    heap().set(bundle, p);
    assert.equal(api.qc_model_load(m, p, bundle.length, 0), OUT_OF_MEMORY);
    assert.match(message(m), /memory cap/);
    assert.equal(api.qc_model_set_memory_cap(m, 0), 0);  // no cap
    const q = api.qc_alloc(bundle.length) >>> 0;
    heap().set(bundle, q);
    assert.equal(api.qc_model_load(m, q, bundle.length, 0), 0, message(m));
    runsCorrectly(m);
    assert.equal(api.qc_model_set_memory_cap(m, bundle.length + 4096), 0);
    assert.equal(inputPtr(m, [2, 1, 28, 28]), 0);  // 6 KB of input over a 4 KB allowance
    assert.equal(api.qc_model_error_code(m), OUT_OF_MEMORY);
  } finally {
    api.qc_model_delete(m);
  }
  const again = loadLenet5();
  runsCorrectly(again);
  api.qc_model_delete(again);
});
