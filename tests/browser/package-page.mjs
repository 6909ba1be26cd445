// Runs in tests/browser/package.html: the package as a page uses it (main thread and
// worker mode, progress, cache, image helpers), driven by package.test.mjs via window.pkg.
import * as qcomp from '../../dist/index.js';
import { makeFeeds } from './inputs.mjs';

const models = [];

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function errorOf(e) {
  return { name: e?.name, code: e?.code, typed: e instanceof qcomp.QcompError, message: String(e?.message ?? e) };
}

/** A canvas holding gray pixels (R = G = B). */
function grayCanvas(pixels, width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([pixels[i], pixels[i], pixels[i], 255], i * 4);
  context.putImageData(image, 0, 0);
  return { canvas, image };
}

window.pkg = {
  /** Loads a bundle (URL relative to the page); resolves to its id, runtime, progress events and sha256. */
  async load(url, options = {}) {
    const events = [];
    try {
      const model = await qcomp.loadModel(new URL(url, location.href).href, { ...options, onProgress: (p) => events.push({ ...p }) });
      models.push(model);
      return { id: models.length - 1, runtime: { ...model.info.runtime }, events, sha256: model.info.sha256, name: model.info.name };
    } catch (e) {
      return { error: errorOf(e), events };
    }
  },

  /** One run on pseudo-random inputs: the first output's values and dims. */
  async run(id, batch, seed) {
    const out = Object.values(await models[id].run(makeFeeds(qcomp, models[id].info, batch, seed)))[0];
    return { dims: [...out.dims], data: Array.from(out.data) };
  },

  /** Several runs started at once (queued): each one's first output. */
  async runConcurrently(id, seeds) {
    const outs = await Promise.all(seeds.map((s) => models[id].run(makeFeeds(qcomp, models[id].info, 1, s))));
    return outs.map((o) => Array.from(Object.values(o)[0].data));
  },

  /** classify() of one gray image given as raw pixels, ImageData, a canvas and an <img> (PNG). */
  async classifyImage(id, pixels, width, height, topK) {
    const model = models[id];
    const { canvas, image } = grayCanvas(pixels, width, height);
    const img = new Image();
    img.src = canvas.toDataURL('image/png');
    await img.decode();
    const raw = { data: new Uint8Array(pixels), width, height, channels: 1 };
    const result = {};
    for (const [kind, input] of Object.entries({ raw, imageData: image, canvas, img })) {
      result[kind] = (await model.classify(input, { topK })).map((p) => ({ ...p }));
    }
    return result;
  },

  /** What a bad call rejects with. */
  async badRun(id, kind) {
    const model = models[id];
    try {
      if (kind === 'dims') await model.run({ [model.info.inputs[0].name]: new qcomp.Tensor('float32', new Float32Array(5), [1, 5]) });
      if (kind === 'dtype') await model.run({ [model.info.inputs[0].name]: new qcomp.Tensor('int32', new Int32Array(784), [1, 1, 28, 28]) });
      if (kind === 'image') await model.classify({ data: new Uint8Array(100), width: 10, height: 10 });
      return { error: null };
    } catch (e) {
      return { error: errorOf(e) };
    }
  },

  /** Disposes a model; then what run(), classify() and info reject or throw with. */
  async dispose(id) {
    const model = models[id];
    model.dispose();
    const errors = {};
    try { await model.run({ input: new Float32Array(784) }); } catch (e) { errors.run = errorOf(e); }
    try { await model.classify(new Float32Array(784)); } catch (e) { errors.classify = errorOf(e); }
    try { void model.info; } catch (e) { errors.info = errorOf(e); }
    return { disposed: model.disposed, errors };
  },

  /** A cache entry's byte count and SHA-256, or null (Cache API). */
  async cacheEntry(cacheName, url) {
    const hit = await (await caches.open(cacheName)).match(new URL(url, location.href).href);
    if (!hit) return null;
    const bytes = new Uint8Array(await hit.arrayBuffer());
    return { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  },

  /** Flips one byte in the middle of a cache entry (Cache API), as a damaged disk would. */
  async corruptCacheEntry(cacheName, url) {
    const cache = await caches.open(cacheName);
    const key = new URL(url, location.href).href;
    const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
    bytes[bytes.length >> 1] ^= 0x5a;
    await cache.put(key, new Response(bytes));
  },

  /** Hides the Cache API from the package, so it falls back to IndexedDB. */
  hideCacheApi() {
    Object.defineProperty(window, 'caches', { value: undefined, configurable: true });
  },

  /** An IndexedDB entry's byte count and SHA-256, or null. */
  async indexedDbEntry(cacheName, url) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`qcomp-wasm:${cacheName}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (!db.objectStoreNames.contains('entries')) return null;
    const value = await new Promise((resolve, reject) => {
      const request = db.transaction('entries').objectStore('entries').get(new URL(url, location.href).href);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return value ? { bytes: value.byteLength, sha256: await sha256Hex(value) } : null;
  },
};
window.pkgReady = true;
