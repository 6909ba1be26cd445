// Image helpers and classify in Node: pixels -> input with the bundle's preprocessing
// (bit-exact with the reference preprocessing), layouts, typed errors for what cannot fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, imageToTensor, ShapeError, InvalidArgumentError, DisposedError } from 'qcomp-wasm';
import { inputBatch, loadFashionSubset, makePreprocessor } from '../../js/demo/fashion_data.mjs';
import { fixtureBundle, repoRoot } from './helpers/paths.mjs';

test('gray, RGB and RGBA pixels give the reference input; classify names the labels', async () => {
  const model = await loadModel(fixtureBundle('lenet5'));
  try {
    const subset = await loadFashionSubset(repoRoot);
    const want = inputBatch(subset, makePreprocessor(model.info.preprocess), 3, 1);
    const gray = subset.pixels.subarray(3 * 784, 4 * 784);
    const rgba = new Uint8ClampedArray(784 * 4);
    const rgb = new Uint8Array(784 * 3);
    gray.forEach((p, i) => { rgba.set([p, p, p, 255], i * 4); rgb.set([p, p, p], i * 3); });
    for (const image of [{ data: gray, width: 28, height: 28 }, { data: rgba, width: 28, height: 28 },
      { data: rgb, width: 28, height: 28, channels: 3 }]) {
      const t = imageToTensor(image, model.info);
      assert.deepEqual(t.dims, [1, 1, 28, 28]);
      assert.deepEqual(t.data, want.data);
    }
    const top = await model.classify({ data: gray, width: 28, height: 28 }, { topK: 10 });
    assert.equal(top.length, 10);
    assert.deepEqual(top.map((p) => p.label), top.map((p) => model.info.labels[p.index]));
    assert.ok(Math.abs(top.reduce((s, p) => s + p.score, 0) - 1) < 1e-9);
    const logits = (await model.run({ input: want })).logits.data;
    assert.equal(top[0].index, logits.indexOf(Math.max(...logits)));
    assert.deepEqual(await model.classify(want.data, { topK: 2 }), top.slice(0, 2));
  } finally {
    model.dispose();
  }
});

test('what cannot fit is a typed error', async () => {
  const model = await loadModel(fixtureBundle('lenet300'));
  const bad = [
    [() => imageToTensor({ data: new Uint8Array(100), width: 10, height: 10 }, model.info), ShapeError],
    [() => imageToTensor({ data: new Uint8Array(784 * 2), width: 28, height: 28 }, model.info), ShapeError],
    [() => imageToTensor({ data: new Float32Array(784), width: 28, height: 28 }, model.info), ShapeError],
    [() => imageToTensor({ data: new Uint8Array(784), width: 28.5, height: 28 }, model.info), ShapeError],
    [() => imageToTensor(new Float32Array(784), model.info), InvalidArgumentError],
    [() => imageToTensor({ data: new Uint8Array(784), width: 28, height: 28 }, model.info, { input: 'nope' }), InvalidArgumentError],
  ];
  for (const [make, cls] of bad) assert.throws(make, cls, make.toString());
  await assert.rejects(model.classify(new Float32Array(784 * 2)), ShapeError, 'a batch of two');
  await assert.rejects(model.classify(new Float32Array(784), { topK: 0 }), InvalidArgumentError);
  await assert.rejects(model.classify({ data: new Uint8Array(10), width: 2, height: 5 }), ShapeError);
  model.dispose();
  await assert.rejects(model.classify(new Float32Array(784)), DisposedError);
});
