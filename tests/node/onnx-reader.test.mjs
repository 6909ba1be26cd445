// bench/lib/onnx-reader.mjs, the benchmark's ONNX initializer reader: hand-encoded
// protobuf messages (both float encodings, packed and unpacked dims, INT64), bad
// input, and the lenet300 fixture: its weights run through a plain-JS MLP must give
// ONNX Runtime's logits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-web';
import { readOnnxGraph } from '../../bench/lib/onnx-reader.mjs';
import { configureOrt, ORT_SESSION_OPTIONS } from '../../bench/lib/runners.mjs';
import { repoRoot } from './helpers/paths.mjs';
import { lenField, strField, tag, varint } from './helpers/protobuf.mjs';

const f32Bytes = (values) => [...new Uint8Array(Float32Array.from(values).buffer)];
const msg = (...fields) => fields.flat();

function model(graphFields) {
  return Uint8Array.from(msg(tag(1, 0), varint(8), lenField(7, msg(...graphFields))));  // ir_version 8, graph
}

describe('readOnnxGraph', () => {
  test('reads raw_data and packed float_data tensors, packed and unpacked dims, INT64 and nodes', () => {
    const rawTensor = msg(tag(1, 0), varint(2), tag(1, 0), varint(3), tag(2, 0), varint(1), strField(8, 'w'),
      lenField(9, f32Bytes([1, -2, 3.5, 0.25, 0, -1e-3])));
    const floatDataTensor = msg(lenField(1, varint(2)), tag(2, 0), varint(1), lenField(4, f32Bytes([7, -8])),
      strField(8, 'b'));
    const int64Tensor = msg(lenField(1, varint(3)), tag(2, 0), varint(7), lenField(7, [...varint(-1), ...varint(5),
      ...varint(2 ** 40)]), strField(8, 'shape'));
    const attr = msg(strField(1, 'transB'), tag(3, 0), varint(1), tag(20, 0), varint(2));
    const node = msg(strField(1, 'x'), strField(1, 'w'), strField(1, 'b'), strField(2, 'y'), strField(4, 'Gemm'),
      lenField(5, attr));
    const g = readOnnxGraph(model([lenField(1, node), strField(2, 'g'), lenField(5, rawTensor),
      lenField(5, floatDataTensor), lenField(5, int64Tensor), lenField(11, strField(1, 'x')),
      lenField(11, strField(1, 'w')), lenField(12, strField(1, 'y'))]));
    assert.deepEqual(g.inputs, ['x']);  // 'w' is an initializer
    assert.deepEqual(g.outputs, ['y']);
    const w = g.initializers.get('w');
    assert.deepEqual(w.dims, [2, 3]);
    assert.deepEqual([...w.data], [1, -2, 3.5, 0.25, 0, Math.fround(-1e-3)]);
    assert.deepEqual([...g.initializers.get('b').data], [7, -8]);
    assert.deepEqual([...g.initializers.get('shape').data], [-1n, 5n, 2n ** 40n]);
    assert.equal(g.nodes.length, 1);
    assert.equal(g.nodes[0].opType, 'Gemm');
    assert.deepEqual(g.nodes[0].inputs, ['x', 'w', 'b']);
    assert.equal(g.nodes[0].attributes.transB.i, 1);
  });

  test('rejects truncated fields, wrong raw_data sizes and unsupported data types', () => {
    const good = model([lenField(5, msg(lenField(1, varint(1)), tag(2, 0), varint(1), strField(8, 't'),
      lenField(9, f32Bytes([1]))))]);
    assert.throws(() => readOnnxGraph(good.subarray(0, good.length - 2)), /runs past|truncated/);
    const shortRaw = model([lenField(5, msg(lenField(1, varint(2)), tag(2, 0), varint(1), strField(8, 't'),
      lenField(9, f32Bytes([1]))))]);
    assert.throws(() => readOnnxGraph(shortRaw), /t: raw_data has 4 bytes for 2 floats/);
    const int8 = model([lenField(5, msg(lenField(1, varint(1)), tag(2, 0), varint(3), strField(8, 'q'),
      lenField(9, [1])))]);
    assert.throws(() => readOnnxGraph(int8), /q has data type 3/);
    assert.throws(() => readOnnxGraph(Uint8Array.from(tag(1, 0))), /truncated varint/);
    assert.throws(() => readOnnxGraph(Uint8Array.from(msg(tag(1, 0), varint(8)))), /no graph/);
  });

  test('lenet300: shapes, and its weights in a plain-JS MLP give ONNX Runtime\'s logits', async () => {
    const buf = await readFile(path.join(repoRoot, 'models', 'lenet300.onnx'));
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const g = readOnnxGraph(bytes);
    const shapes = Object.fromEntries([...g.initializers].map(([name, t]) => [name, t.dims]));
    assert.deepEqual(shapes, {
      'fc1.weight': [300, 784], 'fc1.bias': [300], 'fc2.weight': [100, 300], 'fc2.bias': [100],
      'fc3.weight': [10, 100], 'fc3.bias': [10],
    });
    assert.deepEqual(g.nodes.map((n) => n.opType), ['Flatten', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);

    const x = new Float32Array(784).map((_, i) => ((i * 37) % 101) / 101);
    const dense = (input, name, relu) => {
      const w = g.initializers.get(`${name}.weight`);
      const b = g.initializers.get(`${name}.bias`).data;
      const [n, k] = w.dims;
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        let s = b[r];
        for (let c = 0; c < k; c++) s += input[c] * w.data[r * k + c];
        y[r] = relu ? Math.max(0, s) : s;
      }
      return y;
    };
    const logits = dense(dense(dense(x, 'fc1', true), 'fc2', true), 'fc3', false);

    configureOrt(ort);
    const session = await ort.InferenceSession.create(bytes, ORT_SESSION_OPTIONS);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
    const want = out[session.outputNames[0]].data;
    await session.release();
    assert.equal(want.length, 10);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(logits[i] - want[i]) <= 1e-4, `logit ${i}: ${logits[i]} vs ${want[i]}`);
  });
});
