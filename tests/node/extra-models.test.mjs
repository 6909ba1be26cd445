// Every extra ONNX model that was converted (build/models/extra/<name>.qcb) gives
// the output ONNX Runtime / PyTorch recorded for it (models/extra/<name>.output.npy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadModel, Tensor } from 'qcomp-wasm';
import { readNpy } from './helpers/npy.mjs';
import { bundlesDir, modelsDir, repoRoot } from './helpers/paths.mjs';

const TOLERANCE = 1e-4;
const extraDir = path.join(modelsDir, 'extra');
const names = existsSync(extraDir)
  ? readdirSync(extraDir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort()
  : [];

/** models/extra/<name>.<kind>.npy for a single tensor, <name>.<kind><k>.npy for several. */
function npyFor(name, kind, index, total) {
  return path.join(extraDir, total === 1 ? `${name}.${kind}.npy` : `${name}.${kind}${index}.npy`);
}

if (names.length === 0) {
  test('extra models', { skip: `no models/extra/*.onnx` }, () => {});
}

for (const name of names) {
  const bundle = path.join(bundlesDir, 'extra', `${name}.qcb`);
  const skip = existsSync(bundle) ? false : `${path.relative(repoRoot, bundle)} was not converted`;
  test(`extra model ${name} matches its recorded output`, { skip }, async () => {
    const model = await loadModel(bundle);
    try {
      const { inputs, outputs } = model.info;
      const feeds = {};
      for (const [i, spec] of inputs.entries()) {
        const arr = await readNpy(npyFor(name, 'input', i, inputs.length));
        const data = arr.dtype === spec.dtype ? arr.data : Array.from(arr.data); // e.g. float64 .npy -> float32
        feeds[spec.name] = new Tensor(spec.dtype, data, arr.dims);
      }
      const result = await model.run(feeds);
      for (const [k, spec] of outputs.entries()) {
        const want = await readNpy(npyFor(name, 'output', k, outputs.length));
        const got = result[spec.name];
        assert.ok(got, `output '${spec.name}' missing`);
        assert.deepEqual([...got.dims], want.dims, `output '${spec.name}' dims`);
        for (let i = 0; i < want.data.length; i++) {
          const a = Number(got.data[i]);
          const b = Number(want.data[i]);
          if (!(Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b)))) {
            assert.fail(`output '${spec.name}'[${i}] = ${a}, expected ${b} (tolerance ${TOLERANCE} abs+rel)`);
          }
        }
      }
    } finally {
      model.dispose();
    }
  });
}
