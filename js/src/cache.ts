// Where loadModel keeps downloaded bytes (the runtime wasm and bundles fetched
// over http) between page loads: the Cache API (`cache: 'name'`), IndexedDB where
// there is no Cache API, or a directory in Node (`cacheDir`). A store only holds
// bytes; the caller verifies every entry before use (source.ts: the bundle's own
// SHA-256, wasm.ts: the runtime's build-time SHA-256) and drops a bad one. Every
// store error is swallowed: a cache that fails is a cache miss, never a failed load.
// dist/cache.js is a chunk of its own, loaded by the first load with a cache: it
// shares no classes with the rest (loadModel checks the options before).
import { isNode, platformSha256, toHex } from './env.js';

export interface ByteStore {
  /** What the store is, for messages ("Cache API 'models'"). */
  readonly kind: string;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface CacheOptions {
  cache?: string | undefined;
  cacheDir?: string | undefined;
}

/** The store for these options, or undefined when caching is off or nothing can store here. */
export async function openStore(options: CacheOptions): Promise<ByteStore | undefined> {
  const { cache, cacheDir } = options;
  // Entries are verified with SHA-256: without WebCrypto (insecure contexts) there is no cache.
  if (!globalThis.crypto?.subtle) return undefined;
  if (cacheDir !== undefined && isNode()) return new DirStore(cacheDir);
  if (cache === undefined) return undefined;
  if (typeof caches === 'object' && caches !== null) return new CacheApiStore(cache);
  if (typeof indexedDB === 'object' && indexedDB !== null) return new IndexedDbStore(cache);
  return undefined;
}

async function quietly<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch {
    return fallback;
  }
}

class CacheApiStore implements ByteStore {
  readonly kind: string;
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
    this.kind = `Cache API '${name}'`;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return quietly(async () => {
      const hit = await (await caches.open(this.#name)).match(key);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
    }, undefined);
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return quietly(async () => {
      const body = new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
      });
      await (await caches.open(this.#name)).put(key, body);
    }, undefined);
  }

  delete(key: string): Promise<void> {
    return quietly(async () => { await (await caches.open(this.#name)).delete(key); }, undefined);
  }
}

const IDB_STORE = 'entries';

/** IndexedDB database `qcomp-wasm:<name>`, one object store of byte arrays keyed by URL. */
class IndexedDbStore implements ByteStore {
  readonly kind: string;
  readonly #name: string;
  #db: Promise<IDBDatabase> | undefined;

  constructor(name: string) {
    this.#name = `qcomp-wasm:${name}`;
    this.kind = `IndexedDB '${this.#name}'`;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(this.#name, 1);
      request.onupgradeneeded = () => { request.result.createObjectStore(IDB_STORE); };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    this.#db.catch(() => { this.#db = undefined; });
    return this.#db;
  }

  async #request<T>(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(IDB_STORE, mode);
      const request = make(tx.objectStore(IDB_STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return quietly(async () => {
      const value: unknown = await this.#request('readonly', (s) => s.get(key));
      if (value instanceof Uint8Array) return value;
      if (value instanceof ArrayBuffer) return new Uint8Array(value);
      return undefined;
    }, undefined);
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return quietly(async () => { await this.#request('readwrite', (s) => s.put(bytes, key)); }, undefined);
  }

  delete(key: string): Promise<void> {
    return quietly(async () => { await this.#request('readwrite', (s) => s.delete(key)); }, undefined);
  }
}

/** Node: one file per key in a directory, named by the SHA-256 of the key, written atomically. */
class DirStore implements ByteStore {
  readonly kind: string;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir.replace(/[\\/]+$/, '') || dir;
    this.kind = `cache directory ${dir}`;
  }

  async #file(key: string): Promise<string> {
    const digest = await platformSha256(new TextEncoder().encode(key));
    if (!digest) throw new Error('no SHA-256');
    return `${this.#dir}/${toHex(digest)}.bin`;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return quietly(async () => {
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      const buf = await fs.readFile(await this.#file(key));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }, undefined);
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return quietly(async () => {
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      const file = await this.#file(key);
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.mkdir(this.#dir, { recursive: true });
      try {
        await fs.writeFile(temp, bytes);
        await fs.rename(temp, file);
      } catch (e) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        throw e;
      }
    }, undefined);
  }

  delete(key: string): Promise<void> {
    return quietly(async () => {
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      await fs.rm(await this.#file(key), { force: true });
    }, undefined);
  }
}
