// Node loads over http: onProgress, the cacheDir cache (cache-first, verified: a corrupt
// entry is dropped and fetched again), the pinned sha256, and worker: true refused.
// (Its own file, so its own process.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadModel, IntegrityError, InvalidArgumentError } from 'qcomp-wasm';
import { fixtureBundle } from './helpers/paths.mjs';

let server;
let base;
let dir;
let bundle;
const requests = [];

before(async () => {
  bundle = await readFile(fixtureBundle('lenet300'));
  server = createServer((req, res) => {
    requests.push(req.url);
    if (req.url !== '/lenet300.qcb') return res.writeHead(404).end();
    // Two chunks, so that progress has something in between.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bundle.length) });
    res.write(bundle.subarray(0, 100_000));
    setTimeout(() => res.end(bundle.subarray(100_000)), 20);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  dir = await mkdtemp(path.join(tmpdir(), 'qcomp-cache-'));
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function logitsOf(model) {
  const out = await model.run({ input: { data: new Float32Array(784).fill(0.5), dims: [1, 1, 28, 28] } });
  return Array.from(out.logits.data);
}

test('onProgress streams the download; the last event is complete', async () => {
  const events = [];
  const model = await loadModel(`${base}/lenet300.qcb`, { onProgress: (p) => events.push(p) });
  model.dispose();
  assert.ok(events.length >= 2, JSON.stringify(events));
  assert.deepEqual(events.at(-1), { loaded: bundle.length, total: bundle.length });
  assert.ok(events[0].loaded < bundle.length && events[0].total === bundle.length);
});

test('cacheDir: second load from the directory; a corrupt entry is dropped and fetched again', async () => {
  const reference = await loadModel(bundle);
  const want = await logitsOf(reference);
  reference.dispose();
  requests.length = 0;
  const first = await loadModel(`${base}/lenet300.qcb`, { cacheDir: dir });
  first.dispose();
  const files = await readdir(dir);
  assert.equal(files.length, 1);
  assert.deepEqual(await readFile(path.join(dir, files[0])), bundle);
  const events = [];
  const second = await loadModel(`${base}/lenet300.qcb`, { cacheDir: dir, onProgress: (p) => events.push(p) });
  assert.deepEqual(await logitsOf(second), want);
  second.dispose();
  assert.deepEqual(requests, ['/lenet300.qcb'], 'the second load did not fetch');
  assert.deepEqual(events, [{ loaded: bundle.length, total: bundle.length }]);

  const damaged = Buffer.from(bundle);
  damaged[damaged.length >> 1] ^= 0xff;
  await writeFile(path.join(dir, files[0]), damaged);
  const third = await loadModel(`${base}/lenet300.qcb`, { cacheDir: dir });
  assert.deepEqual(await logitsOf(third), want);
  third.dispose();
  assert.equal(requests.length, 2, 'the corrupt entry was fetched again');
  assert.deepEqual(await readFile(path.join(dir, files[0])), bundle, 'and replaced');
});

test('sha256 pins the bundle: another one is an IntegrityError', async () => {
  const stored = bundle.subarray(bundle.length - 32).toString('hex');
  const model = await loadModel(bundle, { sha256: stored.toUpperCase() });
  assert.equal(model.info.sha256, stored);
  model.dispose();
  await assert.rejects(loadModel(bundle, { sha256: '0'.repeat(64) }), (e) => e instanceof IntegrityError && /expected 0{64}/.test(e.message));
  await assert.rejects(loadModel(`${base}/lenet300.qcb`, { cacheDir: dir, sha256: '1'.repeat(64) }), IntegrityError);
  await assert.rejects(loadModel(bundle, { sha256: 'xyz' }), InvalidArgumentError);
});

test('bad options are InvalidArgumentError; worker: true needs Web Workers', async () => {
  for (const options of [{ cache: '' }, { cache: 3 }, { cacheDir: '' }, { onProgress: 'no' }]) {
    await assert.rejects(loadModel(bundle, options), InvalidArgumentError, JSON.stringify(options));
  }
  await assert.rejects(loadModel(bundle, { worker: true }), (e) => e instanceof InvalidArgumentError && /Web Workers/.test(e.message));
});
