// The package in Chromium (issue 5): a page imports dist/index.js as an ES module and
// fetches nothing until loadModel; loads report progress; models run on the main thread
// and in a Worker (worker: true) with the results of Node (bit-exact for integer
// paths, 1e-5 for float); image helpers and classify; typed errors and dispose in both
// modes; exactly one threads warning without COOP/COEP, the threaded build with them;
// `cache`: a reload with the network cut still loads and runs, a corrupted entry is
// replaced, not used, and IndexedDB stands in where there is no Cache API.
// Needs dist/, build/models and Chromium (/usr/bin/chromium or $CHROMIUM).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as qcomp from '../../dist/index.js';
import { startServer } from '../../web-demo/serve.mjs';
import { launchChromium } from './harness.mjs';
import { makeFeeds } from './inputs.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLES = [
  { file: 'build/models/lenet300.qcb', integer: false },
  { file: 'build/models/lenet5-int8.qcb', integer: true },
  { file: 'build/models/lenet5-q4.qcb', integer: true },
];
const CASES = [{ batch: 4, seed: 11 }, { batch: 1, seed: 5 }];
const CACHE = 'qcomp-test';
const PAGE = 'tests/browser/package.html';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function nodeReference() {
  const reference = new Map();
  for (const { file } of BUNDLES) {
    const model = await qcomp.loadModel(new Uint8Array(await readFile(root + file)));
    for (const { batch, seed } of CASES) {
      const out = Object.values(await model.run(makeFeeds(qcomp, model.info, batch, seed)))[0];
      reference.set(`${file}@${batch}`, { dims: [...out.dims], data: Array.from(out.data) });
    }
    model.dispose();
  }
  return reference;
}

function assertSameOutputs(actual, expected, integer, label) {
  assert.deepEqual(actual.dims, expected.dims, `${label}: dims`);
  if (integer) {
    assert.deepEqual(actual.data, expected.data, `${label}: differs from Node`);
    return;
  }
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]) / Math.max(1, Math.abs(expected.data[i])));
  }
  assert.ok(worst <= 1e-5, `${label}: relative difference ${worst} from Node`);
}

/** A page of its own browser context (own caches), with its requests and console warnings recorded. */
async function openPage(browser, serverOptions = {}) {
  const { server, url } = await startServer({ port: 0, ...serverOptions });
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const warnings = [];
  const errors = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e));
  const open = async () => {
    await page.goto(`${url}${PAGE}`);
    await page.waitForFunction(() => window.pkgReady === true, null, { timeout: 30000 });
  };
  await open();
  return {
    page, context, requests, warnings, errors, open,
    call: (name, ...args) => page.evaluate(([n, a]) => window.pkg[n](...a), [name, args]),
    async close() {
      await context.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let browser;
let reference;

before(async () => {
  reference = await nodeReference();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('the package in a page without COOP/COEP', () => {
  let p;
  before(async () => { p = await openPage(browser); });
  after(async () => { await p?.close(); });

  test('importing it fetches nothing but the modules', async () => {
    assert.deepEqual([...p.requests].sort(), ['/dist/index.js', '/tests/browser/inputs.mjs', `/${PAGE}`,
      '/tests/browser/package-page.mjs'].sort());
    assert.deepEqual(p.warnings, []);
  });

  for (const worker of [false, true]) {
    const where = worker ? 'in a Worker' : 'on the main thread';
    test(`${where}: progress events, and the results of Node`, async () => {
      for (const { file, integer } of BUNDLES) {
        const size = (await readFile(root + file)).byteLength;
        const loaded = await p.call('load', `../../${file}`, { worker });
        assert.equal(loaded.error, undefined, JSON.stringify(loaded.error));
        assert.deepEqual(loaded.runtime, { build: 'single-thread', threads: 1, simd: true });
        const { events } = loaded;
        assert.ok(events.length >= 1, 'progress events');
        assert.deepEqual(events.at(-1), { loaded: size, total: size }, `${file}: last progress event`);
        for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded, 'loaded never decreases');
        for (const { batch, seed } of CASES) {
          const out = await p.call('run', loaded.id, batch, seed);
          assertSameOutputs(out, reference.get(`${file}@${batch}`), integer, `${file} batch ${batch} ${where}`);
        }
        const concurrent = await p.call('runConcurrently', loaded.id, [1, 2, 3, 1]);
        assert.deepEqual(concurrent[0], concurrent[3], 'queued runs keep their inputs apart');
        assert.notDeepEqual(concurrent[0], concurrent[1]);
      }
      if (worker) assert.ok(p.requests.includes('/dist/worker.js'), 'the worker came from dist/worker.js');
    });

    test(`${where}: classify() of raw pixels, ImageData, canvas and <img> equals Node's`, async () => {
      const file = 'build/models/lenet5.qcb';
      const raw = gunzipSync(await readFile(`${root}models/data/test1000-images-idx3-ubyte.gz`));
      const { id } = await p.call('load', `../../${file}`, { worker, threads: 1 });
      const local = await qcomp.loadModel(root + file);
      try {
        for (const image of [0, 1, 7]) {
          const pixels = Array.from(raw.subarray(16 + image * 784, 16 + (image + 1) * 784));
          const got = await p.call('classifyImage', id, pixels, 28, 28, 3);
          const want = (await local.classify({ data: Uint8Array.from(pixels), width: 28, height: 28 }, { topK: 3 }))
            .map((x) => ({ ...x }));
          for (const kind of ['raw', 'imageData', 'canvas', 'img']) {
            assert.deepEqual(got[kind].map((x) => [x.index, x.label]), want.map((x) => [x.index, x.label]), `image ${image} ${kind}`);
            got[kind].forEach((x, k) => assert.ok(Math.abs(x.score - want[k].score) <= 1e-5, `image ${image} ${kind} score`));
          }
        }
      } finally {
        local.dispose();
      }
    });

    test(`${where}: bad input gives typed errors; after dispose, DisposedError`, async () => {
      const { id } = await p.call('load', `../../${BUNDLES[0].file}`, { worker, threads: 1 });
      const dims = (await p.call('badRun', id, 'dims')).error;
      assert.deepEqual([dims?.name, dims?.code, dims?.typed], ['ShapeError', 'shape_mismatch', true], JSON.stringify(dims));
      assert.equal((await p.call('badRun', id, 'dtype')).error.code, 'dtype_mismatch');
      assert.equal((await p.call('badRun', id, 'image')).error.name, 'ShapeError');
      const { disposed, errors } = await p.call('dispose', id);
      assert.equal(disposed, true);
      for (const what of ['run', 'classify', 'info']) {
        assert.equal(errors[what]?.name, 'DisposedError', `${what} after dispose: ${JSON.stringify(errors[what])}`);
        assert.equal(errors[what].typed, true);
      }
      const broken = await p.call('load', '../../models/fixtures.json', { worker });
      assert.equal(broken.error?.name, 'BundleFormatError', JSON.stringify(broken.error));
      const missing = await p.call('load', '../../build/models/nope.qcb', { worker });
      assert.equal(missing.error?.name, 'IoError', JSON.stringify(missing.error));
    });
  }

  test('one threads warning in all, for main-thread and worker loads', () => {
    const ours = p.warnings.filter((w) => w.startsWith('qcomp-wasm:'));
    assert.equal(ours.length, 1, JSON.stringify(p.warnings));
    assert.match(ours[0], /not cross-origin isolated/);
    assert.deepEqual(p.errors, []);
  });
});

describe('the package in a page with COOP/COEP', () => {
  let p;
  before(async () => { p = await openPage(browser, { isolated: true }); });
  after(async () => { await p?.close(); });

  for (const worker of [false, true]) {
    test(`threads: 2 ${worker ? 'in a Worker' : 'on the main thread'} runs the threaded build, with the results of Node`, async () => {
      for (const { file, integer } of BUNDLES) {
        const loaded = await p.call('load', `../../${file}`, { worker, threads: 2 });
        assert.equal(loaded.error, undefined, JSON.stringify(loaded.error));
        assert.deepEqual(loaded.runtime, { build: 'pthreads', threads: 2, simd: true });
        for (const { batch, seed } of CASES) {
          assertSameOutputs(await p.call('run', loaded.id, batch, seed), reference.get(`${file}@${batch}`), integer, `${file} ${batch}`);
        }
      }
      assert.deepEqual(p.warnings.filter((w) => w.startsWith('qcomp-wasm:')), []);
    });
  }
});

describe('cache', () => {
  // The page shell may come from the HTTP cache; the runtime and bundles never do: only the package's cache keeps them.
  const cacheControl = (path) => (/\.(wasm|wasm\.gz|qcb)$/.test(path) ? 'no-store' : 'max-age=3600');
  const bundle = BUNDLES[1];
  const wasmPath = '/dist/qcomp.wasm.gz';

  for (const worker of [false, true]) {
    test(`${worker ? 'worker' : 'main thread'}: offline reload loads from the cache; a corrupted entry is replaced`, async () => {
      const p = await openPage(browser, { cacheControl });
      try {
        const fileBytes = await readFile(root + bundle.file);
        const wasmBytes = await readFile(`${root}dist/qcomp.wasm.gz`);
        const first = await p.call('load', `../../${bundle.file}`, { cache: CACHE, worker, threads: 1 });
        assert.equal(first.error, undefined, JSON.stringify(first.error));
        assert.deepEqual(await p.call('cacheEntry', CACHE, `../../${bundle.file}`), { bytes: fileBytes.length, sha256: sha256(fileBytes) });
        assert.deepEqual(await p.call('cacheEntry', CACHE, wasmPath), { bytes: wasmBytes.length, sha256: sha256(wasmBytes) });

        await p.context.setOffline(true);
        p.requests.length = 0;
        await p.open();
        const offline = await p.call('load', `../../${bundle.file}`, { cache: CACHE, worker, threads: 1 });
        assert.equal(offline.error, undefined, `offline load: ${JSON.stringify(offline.error)}`);
        assert.deepEqual(offline.events.at(-1), { loaded: fileBytes.length, total: fileBytes.length });
        assertSameOutputs(await p.call('run', offline.id, 4, 11), reference.get(`${bundle.file}@4`), true, 'offline run');
        const uncached = await p.call('load', '../../build/models/lenet300-q4.qcb', { cache: CACHE, worker, threads: 1 });
        assert.equal(uncached.error?.name, 'IoError', 'the network really is cut');

        await p.context.setOffline(false);
        await p.call('corruptCacheEntry', CACHE, `../../${bundle.file}`);
        await p.call('corruptCacheEntry', CACHE, wasmPath);
        assert.notEqual((await p.call('cacheEntry', CACHE, `../../${bundle.file}`)).sha256, sha256(fileBytes));
        p.requests.length = 0;
        await p.open();
        const repaired = await p.call('load', `../../${bundle.file}`, { cache: CACHE, worker, threads: 1 });
        assert.equal(repaired.error, undefined, JSON.stringify(repaired.error));
        assertSameOutputs(await p.call('run', repaired.id, 4, 11), reference.get(`${bundle.file}@4`), true, 'after repair');
        assert.ok(p.requests.includes(`/${bundle.file}`) && p.requests.includes(wasmPath), `refetched: ${p.requests}`);
        assert.deepEqual(await p.call('cacheEntry', CACHE, `../../${bundle.file}`), { bytes: fileBytes.length, sha256: sha256(fileBytes) });
        assert.deepEqual(await p.call('cacheEntry', CACHE, wasmPath), { bytes: wasmBytes.length, sha256: sha256(wasmBytes) });
        assert.deepEqual(p.errors, []);
      } finally {
        await p.close();
      }
    });
  }

  test('a bundle that is not the pinned sha256 is refused, and its cache entry dropped', async () => {
    const p = await openPage(browser, { cacheControl });
    try {
      const fileBytes = await readFile(root + bundle.file);
      const stored = sha256(fileBytes.subarray(0, fileBytes.length - 32));
      const ok = await p.call('load', `../../${bundle.file}`, { cache: CACHE, threads: 1, sha256: stored });
      assert.equal(ok.error, undefined, JSON.stringify(ok.error));
      assert.equal(ok.sha256, stored);
      const stale = await p.call('load', `../../${bundle.file}`, { cache: CACHE, threads: 1, sha256: 'ab'.repeat(32) });
      assert.equal(stale.error?.name, 'IntegrityError', JSON.stringify(stale.error));
      assert.equal(await p.call('cacheEntry', CACHE, `../../${bundle.file}`), null, 'the entry that did not match was dropped');
    } finally {
      await p.close();
    }
  });

  test('without the Cache API, IndexedDB keeps runtime and bundle, and an offline reload runs', async () => {
    const p = await openPage(browser, { cacheControl });
    try {
      const fileBytes = await readFile(root + bundle.file);
      await p.call('hideCacheApi');
      const first = await p.call('load', `../../${bundle.file}`, { cache: CACHE, threads: 1 });
      assert.equal(first.error, undefined, JSON.stringify(first.error));
      assert.deepEqual(await p.call('indexedDbEntry', CACHE, `../../${bundle.file}`), { bytes: fileBytes.length, sha256: sha256(fileBytes) });
      assert.notEqual(await p.call('indexedDbEntry', CACHE, wasmPath), null);
      await p.context.setOffline(true);
      await p.open();
      await p.call('hideCacheApi');
      const offline = await p.call('load', `../../${bundle.file}`, { cache: CACHE, threads: 1 });
      assert.equal(offline.error, undefined, JSON.stringify(offline.error));
      assertSameOutputs(await p.call('run', offline.id, 4, 11), reference.get(`${bundle.file}@4`), true, 'offline, IndexedDB');
    } finally {
      await p.close();
    }
  });
});
