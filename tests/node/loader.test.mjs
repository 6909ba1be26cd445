// The fetch path browsers and workers use: runtime and bundle over http.
// (Its own file, so its own process: the runtime is instantiated once per realm.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadModel, IoError } from 'qcomp-wasm';
import { fixtureBundle, repoRoot } from './helpers/paths.mjs';

let server;
let base;
const requests = [];

before(async () => {
  const files = {
    '/qcomp.wasm.gz': [path.join(repoRoot, 'dist', 'qcomp.wasm.gz'), 'application/gzip'],
    '/lenet300.qcb': [fixtureBundle('lenet300'), 'application/octet-stream'],
  };
  server = createServer(async (req, res) => {
    requests.push(req.url);
    const file = files[req.url];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file[1] }).end(await readFile(file[0]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

test('a runtime that cannot be fetched is an IoError, and the next load retries', async () => {
  await assert.rejects(loadModel(`${base}/lenet300.qcb`, { wasmUrl: `${base}/no-runtime.wasm` }),
    (e) => e instanceof IoError && /no-runtime\.wasm/.test(e.message) && /404/.test(e.message));
});

test('loads the runtime (the shipped qcomp.wasm.gz) and a bundle over http', async () => {
  const model = await loadModel(`${base}/lenet300.qcb`, { wasmUrl: `${base}/qcomp.wasm.gz` });
  try {
    assert.ok(requests.includes('/qcomp.wasm.gz'), 'the runtime came from wasmUrl');
    const out = await model.run({ input: { data: new Float32Array(784), dims: [1, 1, 28, 28] } });
    assert.deepEqual(out.logits.dims, [1, 10]);
    const local = await loadModel(fixtureBundle('lenet300'));
    try {
      assert.equal(local.info.sha256, model.info.sha256);
    } finally {
      local.dispose();
    }
  } finally {
    model.dispose();
  }
});

test('a missing bundle URL is an IoError naming the URL and status', async () => {
  await assert.rejects(loadModel(new URL(`${base}/missing.qcb`)),
    (e) => e instanceof IoError && /missing\.qcb/.test(e.message) && /404/.test(e.message));
});

// Each way of serving the runtime in a fresh process (the runtime is instantiated once per realm).
function loadOverHttp(variant) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'tests', 'node', 'helpers', 'load-runtime-over-http.mjs'), variant],
    { encoding: 'utf8', cwd: repoRoot });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test('the runtime served gzipped, with Content-Encoding: gzip, or inflated gives the same logits', () => {
  const plain = loadOverHttp('plain-gz');
  assert.ok(plain.ok, plain.message);
  for (const variant of ['encoded-gz', 'raw']) {
    const r = loadOverHttp(variant);
    assert.ok(r.ok, `${variant}: ${r.message}`);
    assert.deepEqual(r.logits, plain.logits, variant);
  }
});

test('a damaged gzipped runtime is an IoError naming it', () => {
  const r = loadOverHttp('damaged-gz');
  assert.equal(r.ok, false);
  assert.equal(r.error, 'IoError', r.message);
  assert.match(r.message, /qcomp\.wasm\.gz/);
});
