import { loadModel } from '../dist/index.js';

const rows = document.querySelector('#results tbody');
const status = document.querySelector('#status');

async function show(name) {
  const t0 = performance.now();
  const model = await loadModel(new URL(`../build/models/${name}.qcb`, import.meta.url));
  const t1 = performance.now();
  const input = model.info.inputs[0];
  const dims = input.dims.map((d) => (d < 0 ? 1 : d));
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const out = await model.run({ [input.name]: { data, dims } });
  const t2 = performance.now();
  const logits = Object.values(out)[0].data;
  const top = logits.indexOf(Math.max(...logits));
  const label = model.info.labels?.[top] ?? top;
  const tr = document.createElement('tr');
  for (const cell of [name, model.info.bundleBytes, (t1 - t0).toFixed(1), (t2 - t1).toFixed(2), label]) {
    const td = document.createElement('td');
    td.textContent = String(cell);
    tr.append(td);
  }
  rows.append(tr);
  model.dispose();
}

try {
  for (const name of ['lenet300', 'lenet5']) await show(name);
  status.textContent = 'done';
} catch (e) {
  status.textContent = `error: ${e.message}`;
}
