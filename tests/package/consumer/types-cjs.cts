// Type-checked against the installed package's declarations (require condition).
import qcomp = require('qcomp-wasm');

async function main(): Promise<number> {
  const model: qcomp.Model = await qcomp.loadModel(new Uint8Array(8), { cacheDir: '/tmp/x', sha256: 'ab' });
  const top: qcomp.Prediction[] = await model.classify(new Float32Array(784));
  const err: qcomp.QcompError = new qcomp.DisposedError('gone');
  model.dispose();
  return top.length + err.errc;
}
export = main;
