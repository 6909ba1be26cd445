// A plain ES-module consumer of the installed package: loads each bundle by path and
// classifies the test subset from raw pixels. Prints one JSON line per bundle.
// Usage: node esm.mjs IMAGES.gz LABELS.gz BUNDLE.qcb...
import { loadModel, QcompError, version } from 'qcomp-wasm';
import { readSubset } from './fashion.mjs';

const [imagesFile, labelsFile, ...bundles] = process.argv.slice(2);
const subset = readSubset(imagesFile, labelsFile);
const size = subset.width * subset.height;
for (const bundle of bundles) {
  const model = await loadModel(bundle);
  let correct = 0;
  for (let i = 0; i < subset.count; i++) {
    const pixels = { data: subset.pixels.subarray(i * size, (i + 1) * size), width: subset.width, height: subset.height };
    const [best] = await model.classify(pixels, { topK: 1 });
    if (best.index === subset.labels[i]) correct++;
  }
  const top3 = await model.classify({ data: subset.pixels.subarray(0, size), width: subset.width, height: subset.height }, { topK: 3 });
  const { runtime, name } = model.info;
  model.dispose();
  let disposedError = '';
  try { await model.run({}); } catch (e) { disposedError = e instanceof QcompError ? e.name : `not typed: ${e}`; }
  console.log(JSON.stringify({ bundle, name, version, count: subset.count, correct, top3, runtime, disposedError }));
}
