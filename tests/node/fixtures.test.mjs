// The fixture bundles reproduce the PyTorch reference on all 1,000 subset images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel } from 'qcomp-wasm';
import { argmaxRows, inputBatch, loadFashionSubset, makePreprocessor } from '../../js/demo/fashion_data.mjs';
import { readNpy } from './helpers/npy.mjs';
import { fixtureBundle, modelsDir, repoRoot } from './helpers/paths.mjs';

const BATCH = 100;
const TOLERANCE = 1e-4;

for (const name of ['lenet300', 'lenet5']) {
  test(`${name}: logits, argmax and accuracy match the reference on the 1000-image subset`, async () => {
    const fixtures = JSON.parse(await readFile(path.join(modelsDir, 'fixtures.json'), 'utf8'));
    assert.ok(fixtures.models?.[name], `models/fixtures.json has no entry for ${name}`);
    const expectedAccuracy = fixtures.models[name].subset_accuracy_1000;
    const reference = await readNpy(path.join(modelsDir, 'data', `${name}-logits1000.npy`));
    const subset = await loadFashionSubset(repoRoot);
    assert.deepEqual(reference.dims, [subset.count, 10]);

    const model = await loadModel(fixtureBundle(name));
    try {
      const [input] = model.info.inputs;
      const [output] = model.info.outputs;
      const table = makePreprocessor(model.info.preprocess);
      const logits = new Float32Array(subset.count * 10);
      for (let start = 0; start < subset.count; start += BATCH) {
        const count = Math.min(BATCH, subset.count - start);
        const out = await model.run({ [input.name]: inputBatch(subset, table, start, count) });
        const result = out[output.name];
        assert.deepEqual(result.dims, [count, 10]);
        logits.set(result.data, start * 10);
      }

      let maxDiff = 0;
      let worst = -1;
      for (let i = 0; i < logits.length; i++) {
        const d = Math.abs(logits[i] - reference.data[i]);
        if (!(d <= maxDiff)) { maxDiff = d; worst = i; }
      }
      assert.ok(maxDiff <= TOLERANCE,
        `max |logit diff| ${maxDiff} at image ${Math.floor(worst / 10)} class ${worst % 10} exceeds ${TOLERANCE}`);

      const got = argmaxRows(logits, 10);
      const want = argmaxRows(reference.data, 10);
      const mismatched = [];
      for (let i = 0; i < subset.count; i++) if (got[i] !== want[i]) mismatched.push(i);
      assert.deepEqual(mismatched, [], `argmax differs from the reference on images ${mismatched.slice(0, 20)}`);

      let correct = 0;
      for (let i = 0; i < subset.count; i++) if (got[i] === subset.labels[i]) correct++;
      const accuracy = Number((correct / subset.count).toFixed(4));
      assert.equal(accuracy, expectedAccuracy);
    } finally {
      model.dispose();
    }
  });
}
