// Child process of loader.test.mjs (a fresh realm, so a fresh runtime): serves the
// runtime one way over http, loads lenet300 through it with wasmUrl, runs one zero
// image and prints one JSON line: { ok, logits, requests } or { ok: false, error, message }.
// Usage: node load-runtime-over-http.mjs plain-gz|encoded-gz|raw|damaged-gz
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadModel } from 'qcomp-wasm';
import { fixtureBundle, repoRoot } from './paths.mjs';

const variant = process.argv[2];
const gz = await readFile(path.join(repoRoot, 'dist', 'qcomp.wasm.gz'));
const served = {
  'plain-gz': ['/qcomp.wasm.gz', gz, { 'content-type': 'application/gzip' }],
  'encoded-gz': ['/qcomp.wasm.gz', gz, { 'content-type': 'application/wasm', 'content-encoding': 'gzip' }],
  raw: ['/qcomp.wasm', gunzipSync(gz), { 'content-type': 'application/wasm' }],
  'damaged-gz': ['/qcomp.wasm.gz', gz.subarray(0, gz.byteLength >> 1), { 'content-type': 'application/gzip' }],
}[variant];
if (!served) throw new Error(`unknown variant ${variant}`);
const bundle = await readFile(fixtureBundle('lenet300'));
const requests = [];
const server = createServer((req, res) => {
  requests.push(req.url);
  if (req.url === served[0]) res.writeHead(200, served[2]).end(served[1]);
  else if (req.url === '/lenet300.qcb') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bundle);
  else res.writeHead(404).end('not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  const model = await loadModel(`${base}/lenet300.qcb`, { wasmUrl: `${base}${served[0]}` });
  const out = await model.run({ input: { data: new Float32Array(784), dims: [1, 1, 28, 28] } });
  console.log(JSON.stringify({ ok: true, logits: Array.from(out.logits.data), requests }));
  model.dispose();
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: e?.name, message: e?.message, requests }));
} finally {
  server.close();
}
