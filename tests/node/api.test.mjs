// The public API: Tensor, errors, model.info, run() validation, bad bundles,
// dispose and queued concurrent runs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  loadModel, Tensor, version, errorFromCode, QcompError, BundleFormatError, IntegrityError, ModelError,
  UnsupportedOpError, ShapeError, InvalidArgumentError, OutOfMemoryError, DisposedError, IoError, InternalError,
} from 'qcomp-wasm';
import { inputBatch, loadFashionSubset, makePreprocessor } from '../../js/demo/fashion_data.mjs';
import { sectionsOf, withFlippedByte } from './helpers/bundle_bytes.mjs';
import { fixtureBundle, modelsDir, repoRoot } from './helpers/paths.mjs';

describe('package', () => {
  test('version matches package.json', async () => {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(version, pkg.version);
  });
});

describe('Tensor', () => {
  test('holds dtype, data and frozen dims', () => {
    const t = new Tensor('float32', new Float32Array(6), [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.equal(t.size, 6);
    assert.deepEqual(t.dims, [2, 3]);
    assert.ok(Object.isFrozen(t.dims));
    assert.deepEqual(new Tensor('int32', new Int32Array(4)).dims, [4]);
    assert.deepEqual(new Tensor('float32', new Float32Array(1), []).dims, []);
    assert.deepEqual(new Tensor('float32', new Float32Array(0), [0, 5]).dims, [0, 5]);
  });

  test('converts plain arrays to the dtype\'s typed array', () => {
    assert.ok(new Tensor('float32', [1, 2, 3]).data instanceof Float32Array);
    const i64 = new Tensor('int64', [1, 2n], [2]);
    assert.ok(i64.data instanceof BigInt64Array);
    assert.deepEqual([...i64.data], [1n, 2n]);
    assert.deepEqual([...new Tensor('bool', [true, false, 1]).data], [1, 0, 1]);
  });

  test('Tensor.from reads the dtype from the typed array', () => {
    assert.equal(Tensor.from(new Int8Array(2)).dtype, 'int8');
    assert.equal(Tensor.from(new BigInt64Array(2)).dtype, 'int64');
    assert.equal(Tensor.from(Buffer.alloc(3)).dtype, 'uint8');
  });

  test('rejects data that does not fit dims or dtype with ShapeError', () => {
    const cases = [
      () => new Tensor('float32', new Float32Array(5), [2, 3]),
      () => new Tensor('float32', new Float32Array(6), [2, -3]),
      () => new Tensor('float32', new Float32Array(6), [2, 1.5]),
      () => new Tensor('float32', new Float32Array(6), [2, NaN]),
      () => new Tensor('float32', new Float32Array(6), ['2', 3]),
      () => new Tensor('float32', new Int32Array(6), [6]),
      () => new Tensor('int64', new Int32Array(6), [6]),
      () => new Tensor('uint8', new Uint8ClampedArray(2)),
      () => new Tensor('float16', new Uint16Array(2)),
      () => new Tensor('float32', 3),
    ];
    for (const make of cases) {
      assert.throws(make, (e) => e instanceof ShapeError && e instanceof QcompError && e.message.length > 0, make.toString());
    }
    assert.throws(() => new Tensor('float32', new Int32Array(1)), (e) => e.errc === 402 && e.code === 'dtype_mismatch');
    assert.throws(() => new Tensor('float32', new Float32Array(1), [2]), (e) => e.errc === 400 && e.code === 'shape_mismatch');
  });
});

describe('errors', () => {
  test('errorFromCode maps runtime codes to classes', () => {
    const expect = [
      [100, BundleFormatError, 'truncated'], [101, BundleFormatError, 'bad_magic'], [111, BundleFormatError, 'limit_exceeded'],
      [200, IntegrityError, 'checksum_mismatch'], [201, IntegrityError, 'hash_mismatch'],
      [300, UnsupportedOpError, 'unsupported_op'], [301, ModelError, 'invalid_model'], [302, ModelError, 'onnx_parse'],
      [400, ShapeError, 'shape_mismatch'], [401, InvalidArgumentError, 'invalid_argument'], [402, ShapeError, 'dtype_mismatch'],
      [403, OutOfMemoryError, 'out_of_memory'], [404, DisposedError, 'disposed'], [500, IoError, 'io'],
      [900, InternalError, 'internal'], [12345, InternalError, 'unknown'],
    ];
    for (const [errc, cls, code] of expect) {
      const e = errorFromCode(errc, `message ${errc}`);
      assert.ok(e instanceof cls, `${errc} -> ${e.name}`);
      assert.ok(e instanceof QcompError && e instanceof Error);
      assert.equal(e.errc, errc);
      assert.equal(e.code, code);
      assert.equal(e.name, cls.name);
      assert.equal(e.message, `message ${errc}`);
    }
    assert.match(errorFromCode(101, '').message, /bad_magic/);
  });
});

describe('model', () => {
  let bundlePath;
  let bundleBytes;
  let model;
  let subset;
  let table;

  before(async () => {
    bundlePath = fixtureBundle('lenet300');
    bundleBytes = new Uint8Array(await readFile(bundlePath));
    model = await loadModel(bundlePath);
    subset = await loadFashionSubset(repoRoot);
    table = makePreprocessor(model.info.preprocess);
  });
  after(() => model?.dispose());

  const image = (i, count = 1) => inputBatch(subset, table, i, count);

  test('info describes the bundle', async () => {
    const { info } = model;
    assert.ok(Object.isFrozen(info));
    assert.equal(typeof info.name, 'string');
    assert.deepEqual(info.inputs.map((s) => ({ ...s, dims: [...s.dims] })), [{ name: 'input', dims: [-1, 1, 28, 28], dtype: 'float32' }]);
    assert.deepEqual(info.outputs.map((s) => ({ ...s, dims: [...s.dims] })), [{ name: 'logits', dims: [-1, 10], dtype: 'float32' }]);
    const labels = (await readFile(path.join(modelsDir, 'data', 'labels.txt'), 'utf8')).trim().split('\n');
    assert.deepEqual([...info.labels], labels);
    assert.ok(Math.abs(info.preprocess.scale - 1 / 255) < 1e-12);
    assert.equal(Number(info.preprocess.mean), 0);
    assert.equal(Number(info.preprocess.std), 1);
    assert.equal(info.bundleBytes, bundleBytes.byteLength);
    // INTEGRITY (the last 32 bytes) holds the SHA-256 of everything before it.
    const digest = createHash('sha256').update(bundleBytes.subarray(0, bundleBytes.length - 32)).digest('hex');
    assert.equal(info.sha256, digest);
    assert.ok(info.layers.length >= 6, `${info.layers.length} layers`);
    let elements = 0;
    for (const layer of info.layers) {
      assert.equal(typeof layer.tensor, 'string');
      assert.equal(typeof layer.scheme, 'string');
      assert.ok(Number.isInteger(layer.schemeId) && layer.schemeId >= 0);
      assert.ok(layer.bytes > 0, `${layer.tensor} bytes`);
      elements += layer.dims.reduce((a, b) => a * b, 1);
    }
    assert.equal(elements, info.compression.parameters, 'layer elements vs the compression report');
    assert.equal(info.compression.layers.length, info.layers.length);
    assert.deepEqual({ ...info.runtime }, { build: 'single-thread', threads: 1, simd: true });
  });

  test('run returns named outputs as copies, not heap views', async () => {
    const out = await model.run({ input: image(0) });
    assert.deepEqual(Object.keys(out), ['logits']);
    const { logits } = out;
    assert.ok(logits instanceof Tensor);
    assert.equal(logits.dtype, 'float32');
    assert.deepEqual(logits.dims, [1, 10]);
    assert.equal(logits.data.buffer.byteLength, 40);
    const again = (await model.run({ input: image(0) })).logits;
    assert.deepEqual(again.data, logits.data);
    logits.data.fill(0);
    assert.notDeepEqual((await model.run({ input: image(0) })).logits.data, logits.data);
  });

  test('accepts a Tensor, { data, dims } or a bare typed array (free batch inferred)', async () => {
    const batch = image(0, 3);
    const want = (await model.run({ input: batch })).logits;
    assert.deepEqual(want.dims, [3, 10]);
    const viaTensor = (await model.run({ input: new Tensor('float32', batch.data, batch.dims) })).logits;
    const viaArray = (await model.run({ input: batch.data })).logits;
    assert.deepEqual(viaTensor.data, want.data);
    assert.deepEqual(viaArray.data, want.data);
    assert.deepEqual(viaArray.dims, [3, 10]);
  });

  test('reads inputs through their byteOffset', async () => {
    const one = image(5);
    const big = new Float32Array(one.data.length + 7);
    big.set(one.data, 7);
    const view = big.subarray(7);
    assert.deepEqual((await model.run({ input: { data: view, dims: one.dims } })).logits.data,
      (await model.run({ input: one })).logits.data);
  });

  test('rejects unknown or missing inputs with InvalidArgumentError naming the expected ones', async () => {
    await assert.rejects(model.run({ image: image(0) }), (e) => e instanceof InvalidArgumentError && /image/.test(e.message) && /'input'/.test(e.message));
    await assert.rejects(model.run({ input: image(0), extra: image(0) }), InvalidArgumentError);
    await assert.rejects(model.run({}), (e) => e instanceof InvalidArgumentError && /missing input 'input'/.test(e.message));
    await assert.rejects(model.run(null), InvalidArgumentError);
    await assert.rejects(model.run({ input: 'pixels' }), InvalidArgumentError);
  });

  test('rejects wrong dims or dtype with ShapeError', async () => {
    const data = new Float32Array(784);
    await assert.rejects(model.run({ input: { data, dims: [1, 1, 28, 27] } }), ShapeError);
    await assert.rejects(model.run({ input: { data, dims: [1, 784] } }), (e) => e instanceof ShapeError && /\[\?, 1, 28, 28\]/.test(e.message));
    await assert.rejects(model.run({ input: { data, dims: [2, 1, 28, 28] } }), ShapeError);
    await assert.rejects(model.run({ input: new Float32Array(783) }), ShapeError);
    await assert.rejects(model.run({ input: { data: new Int32Array(784), dims: [1, 1, 28, 28] } }),
      (e) => e instanceof ShapeError && e.errc === 402 && /float32/.test(e.message));
    // The model is still usable afterwards.
    assert.deepEqual((await model.run({ input: image(0) })).logits.dims, [1, 10]);
  });

  test('bad bundles fail with typed errors and leave the runtime usable', async () => {
    const sections = sectionsOf(bundleBytes);
    const data = sections.data;
    const cases = [
      ['empty', new Uint8Array(0), BundleFormatError],
      ['truncated', bundleBytes.subarray(0, Math.floor(bundleBytes.length / 2)), BundleFormatError],
      ['truncated by one byte', bundleBytes.subarray(0, bundleBytes.length - 1), BundleFormatError],
      ['bad magic', withFlippedByte(bundleBytes, 0), BundleFormatError, 'bad_magic'],
      ['flipped weight byte', withFlippedByte(bundleBytes, data.offset + Math.floor(data.size / 2)), IntegrityError],
      ['flipped hash byte', withFlippedByte(bundleBytes, bundleBytes.length - 1), IntegrityError],
      ['garbage', new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff), BundleFormatError],
    ];
    for (const [what, bytes, cls, code] of cases) {
      await assert.rejects(loadModel(bytes), (e) => {
        assert.ok(e instanceof cls, `${what}: got ${e?.name}: ${e?.message}`);
        assert.ok(e.message.length > 10, `${what}: message '${e.message}'`);
        if (code) assert.equal(e.code, code, what);
        return true;
      });
    }
    await assert.rejects(loadModel(path.join(repoRoot, 'build', 'models', 'no-such-model.qcb')),
      (e) => e instanceof IoError && /no-such-model\.qcb/.test(e.message));
    await assert.rejects(loadModel(42), InvalidArgumentError);

    const want = (await model.run({ input: image(3) })).logits.data;
    const fresh = await loadModel(bundleBytes);
    try {
      assert.deepEqual((await fresh.run({ input: image(3) })).logits.data, want);
    } finally {
      fresh.dispose();
    }
  });

  test('loads from an ArrayBuffer, an offset view and a file: URL', async () => {
    const want = (await model.run({ input: image(1) })).logits.data;
    const padded = new Uint8Array(bundleBytes.length + 13);
    padded.set(bundleBytes, 13);
    const sources = [bundleBytes.slice().buffer, padded.subarray(13), pathToFileURL(bundlePath), pathToFileURL(bundlePath).href];
    for (const source of sources) {
      const m = await loadModel(source);
      try {
        assert.deepEqual((await m.run({ input: image(1) })).logits.data, want);
      } finally {
        m.dispose();
      }
    }
  });

  test('dispose frees the model; later use throws DisposedError; twice is a no-op', async () => {
    const m = await loadModel(bundleBytes);
    const queued = m.run({ input: image(2) });
    m.dispose();
    assert.equal(m.disposed, true);
    assert.deepEqual((await queued).logits.dims, [1, 10], 'a run queued before dispose still completes');
    await assert.rejects(m.run({ input: image(2) }), (e) => e instanceof DisposedError && e.errc === 404);
    assert.throws(() => m.info, DisposedError);
    m.dispose();
  });

  test('concurrent runs are queued and each gets its own result', async () => {
    const count = 24;
    const sequential = [];
    for (let i = 0; i < count; i++) sequential.push((await model.run({ input: image(i) })).logits.data);
    const other = await loadModel(bundleBytes);
    try {
      const runs = [];
      for (let i = 0; i < count; i++) runs.push((i % 2 ? other : model).run({ input: image(i) }));
      const batched = model.run({ input: image(0, count) });
      const results = await Promise.all(runs);
      results.forEach((r, i) => assert.deepEqual(r.logits.data, sequential[i], `image ${i}`));
      const all = (await batched).logits.data;
      for (let i = 0; i < count; i++) {
        const row = all.subarray(i * 10, i * 10 + 10);
        for (let c = 0; c < 10; c++) assert.ok(Math.abs(row[c] - sequential[i][c]) <= 1e-5, `batched image ${i}`);
      }
    } finally {
      other.dispose();
    }
  });
});
