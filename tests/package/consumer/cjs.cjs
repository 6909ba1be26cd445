// A plain CommonJS consumer of the installed package: require(), the bundle as a Buffer,
// run() on preprocessed float input in batches. Prints one JSON line per bundle.
// Usage: node cjs.cjs IMAGES.gz LABELS.gz BUNDLE.qcb...
const { readFileSync } = require('node:fs');
const { loadModel, Tensor, ShapeError, imageToTensor } = require('qcomp-wasm');

async function main() {
  const [imagesFile, labelsFile, ...bundles] = process.argv.slice(2);
  const { readSubset } = await import('./fashion.mjs');
  const subset = readSubset(imagesFile, labelsFile);
  const size = subset.width * subset.height;
  for (const bundle of bundles) {
    const model = await loadModel(readFileSync(bundle));
    const [input] = model.info.inputs;
    const [output] = model.info.outputs;
    let correct = 0;
    const BATCH = 100;
    for (let start = 0; start < subset.count; start += BATCH) {
      const count = Math.min(BATCH, subset.count - start);
      const data = new Float32Array(count * size);
      for (let k = 0; k < count; k++) {
        const one = imageToTensor({ data: subset.pixels.subarray((start + k) * size, (start + k + 1) * size),
          width: subset.width, height: subset.height, channels: 1 }, model.info);
        data.set(one.data, k * size);
      }
      const out = await model.run({ [input.name]: new Tensor('float32', data, [count, 1, subset.height, subset.width]) });
      const logits = out[output.name].data;
      for (let k = 0; k < count; k++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (logits[k * 10 + c] > logits[k * 10 + best]) best = c;
        if (best === subset.labels[start + k]) correct++;
      }
    }
    let shapeError = '';
    try { await model.run({ [input.name]: new Tensor('float32', new Float32Array(10), [1, 10]) }); } catch (e) {
      shapeError = e instanceof ShapeError ? e.code : `not a ShapeError: ${e}`;
    }
    console.log(JSON.stringify({ bundle, name: model.info.name, count: subset.count, correct, runtime: model.info.runtime, shapeError }));
    model.dispose();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
