// loadModel and the Model it returns: the bundle bytes go into the wasm heap
// (owned by the native model from then on), inputs are copied in and
// outputs copied out on every run; runs of one model are queued.
import type { ByteStore } from './cache.js';
import type { ClassifyInput, ClassifyOptions, Prediction } from './classify.js';
import { dataFromBytes, isDType } from './dtypes.js';
import { DisposedError, InternalError, InvalidArgumentError, OutOfMemoryError, QcompError, errorFromCode } from './errors.js';
import { checkFeeds } from './feeds.js';
import type { Feeds } from './feeds.js';
import { deepFreeze, parseInfo } from './info.js';
import type { ModelInfo } from './info.js';
import { platformSha256 } from './env.js';
import type { ProgressCallback } from './env.js';
import { DIGEST_BYTES, checkSha256Option, readSource } from './source.js';
import type { ModelSource } from './source.js';
import { Tensor } from './tensor.js';
import { autoThreadCount, chooseThreads, warnOnce } from './threads.js';
import type { ThreadChoice, ThreadsOption } from './threads.js';
import { getRuntime, runtimeCompiling } from './wasm.js';
import { fromWireError } from './worker-protocol.js';
import type { NativeModel, Runtime, RuntimeOptions } from './wasm.js';

export interface LoadOptions {
  /** Where qcomp.wasm lives (default: next to this module). Only the first load in a realm uses it. */
  wasmUrl?: string | URL;
  /**
   * Threads that split each layer's work (default `'auto'`). `'auto'`: in a browser page or
   * worker that is cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin`
   * and `Cross-Origin-Embedder-Policy: require-corp`), the threaded build (qcomp-mt.wasm) with
   * as many threads as `navigator.hardwareConcurrency` reports, up to 4; elsewhere the
   * single-thread build, after one console warning per page when isolation is what is missing.
   * A number n (1 to 16): at most n threads, on the same conditions (1: always the
   * single-thread build). Node always runs the single-thread build. The threaded build's
   * Web Workers are started by its first load, sized for the larger of that load's threads
   * and `'auto'`: later loads get at most that many. `model.info.runtime` says what a model got.
   */
  threads?: ThreadsOption;
  /**
   * Called while the bundle downloads (streamed) with `{ loaded, total }` in bytes; `total` is
   * undefined while the size is unknown. The last call has `loaded === total`. Bundles from
   * bytes, files or the cache report once, complete.
   */
  onProgress?: ProgressCallback;
  /**
   * Name of a cache (browsers, workers) that keeps the runtime (qcomp.wasm) and bundles fetched
   * over http(s) across page loads, in the Cache API (IndexedDB where there is none). Entries are
   * cache-first and verified before use: a bundle against the SHA-256 stored in it (and `sha256`
   * if given), the runtime against the hash of the qcomp.wasm this package was built with; an
   * entry that fails is dropped and fetched again. Needs WebCrypto (secure contexts). Not used by
   * the threaded build (qcomp-mt.*) or in Node (see `cacheDir`).
   */
  cache?: string;
  /** Node: a directory that keeps bundles (and a runtime from `wasmUrl`) fetched over http(s), verified like `cache`. */
  cacheDir?: string;
  /**
   * The bundle's expected SHA-256 (64 hex digits, as `qcomp inspect` and `model.info.sha256` show).
   * A bundle with another one is refused (IntegrityError); a cached one is dropped and fetched again.
   */
  sha256?: string;
  /**
   * Run the model in a dedicated Web Worker (module worker `worker.js` of this package) behind the
   * same Model API, so runs never block the calling thread. The bundle is fetched by the worker
   * (URLs) or copied once and transferred (bytes); run inputs are copied once and transferred,
   * outputs transferred back without copies. Needs a global `Worker` (browsers).
   */
  worker?: boolean;
  /** With `worker: true`: where worker.js is served when it is not next to this module. */
  workerUrl?: string | URL;
  /**
   * The most wasm heap bytes this model may hold: its bundle, its input buffers and the
   * plan of each run (activations and values computed while planning). A load or run
   * that would need more rejects with OutOfMemoryError and allocates nothing more; the
   * model and the runtime stay usable. Default: no cap beyond the wasm memory (2 GiB).
   */
  maxMemoryBytes?: number;
}

export interface Model {
  /** Inputs, outputs, labels, preprocessing, per-layer schemes and the compression report. */
  readonly info: ModelInfo;
  /** True once dispose() was called. */
  readonly disposed: boolean;
  /**
   * Runs the model. Resolves to one new Tensor per output, keyed by output name (copies,
   * not views of wasm memory). Calls are queued; do not modify the input data until the
   * promise settles.
   */
  run(feeds: Feeds): Promise<Record<string, Tensor>>;
  /**
   * Classifies one example: an image (ImageData, raw pixels `{ data, width, height }`, an
   * HTMLImageElement, canvas or ImageBitmap, preprocessed as `info.preprocess` says) or a
   * tensor for the model's only input. Resolves to the `topK` best classes (default 5), named by
   * the bundle's labels, with softmax scores.
   */
  classify(input: ClassifyInput, options?: ClassifyOptions): Promise<Prediction[]>;
  /** Frees the wasm memory of the model (after the runs already queued). Calling it twice is a no-op. */
  dispose(): void;
}

// Frees the native model of a Model the caller forgot to dispose.
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<NativeModel>((native) => { try { native.delete(); } catch { /* already gone */ } })
  : undefined;

function fail(native: NativeModel, code: number, context: string): QcompError {
  const err = errorFromCode(code, native.errorMessage());
  if (context) err.message = `${err.message} (${context})`;
  return err;
}

class QcompModel implements Model {
  readonly #runtime: Runtime;
  readonly #info: ModelInfo;
  readonly #threads: number;
  #native: NativeModel | undefined;
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(runtime: Runtime, native: NativeModel, info: ModelInfo) {
    this.#runtime = runtime;
    this.#native = native;
    this.#info = info;
    this.#threads = info.runtime.threads;
    finalizer?.register(this, native, this);
  }

  get info(): ModelInfo {
    this.#checkAlive('info');
    return this.#info;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  run(feeds: Feeds): Promise<Record<string, Tensor>> {
    let inputs: Tensor[];
    try {
      this.#checkAlive('run');
      inputs = checkFeeds(this.#info.inputs, feeds);
    } catch (e) {
      return Promise.reject(e);
    }
    const job = this.#queue.then(() => this.#runNow(inputs));
    this.#queue = job.catch(() => undefined);
    return job;
  }

  async classify(input: ClassifyInput, options?: ClassifyOptions): Promise<Prediction[]> {
    this.#checkAlive('classify');
    return (await import('./classify.js')).classifyWith(this, input, options);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    finalizer?.unregister(this);
    this.#queue.then(() => {
      const native = this.#native;
      this.#native = undefined;
      native?.delete();
    }).catch(() => undefined);
  }

  #checkAlive(what: string): void {
    if (this.#disposed) {
      throw new DisposedError(`model${this.#info.name ? ` '${this.#info.name}'` : ''} was disposed; cannot use ${what}`);
    }
  }

  #runNow(inputs: Tensor[]): Record<string, Tensor> {
    const native = this.#native;
    if (!native) throw new DisposedError('model was disposed before its run started');
    inputs.forEach((t, i) => {
      const ptr = native.inputBuffer(i, t.dims);
      if (ptr === 0) throw fail(native, native.errorCode() || 900, `input '${this.#info.inputs[i]?.name}'`);
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      this.#runtime.heap().set(bytes, ptr);
    });
    this.#runtime.useThreads(this.#threads);
    const code = native.run();
    if (code !== 0) throw fail(native, code, '');
    const outputs: Record<string, Tensor> = {};
    const count = native.outputCount();
    for (let k = 0; k < count; k++) {
      const name = this.#info.outputs[k]?.name ?? `output${k}`;
      const dtype = native.outputDtype(k);
      if (!isDType(dtype)) throw new InternalError(`output '${name}' has dtype ${dtype}, which the JS API does not support`);
      const dims = native.outputDims(k);
      outputs[name] = new Tensor(dtype, dataFromBytes(dtype, native.outputBytes(k)), dims);
    }
    return outputs;
  }
}
Object.defineProperty(QcompModel, 'name', { value: 'QcompModel' }); // kept through minification (errors.ts)

function checkCacheOptions({ cache, cacheDir }: LoadOptions): void {
  if (cache !== undefined && (typeof cache !== 'string' || cache.length === 0)) {
    throw new InvalidArgumentError(`cache must be a non-empty string (a cache name), got ${JSON.stringify(cache)}`);
  }
  if (cacheDir !== undefined && (typeof cacheDir !== 'string' || cacheDir.length === 0)) {
    throw new InvalidArgumentError(`cacheDir must be a non-empty directory path, got ${JSON.stringify(cacheDir)}`);
  }
}

/** The runtime of the chosen build; the single-thread one, after a warning, if the threaded one cannot start. */
async function runtimeFor(choice: ThreadChoice, options: RuntimeOptions): Promise<Runtime> {
  if (choice.build === 'pthreads') {
    try {
      return await getRuntime({ ...options, threads: Math.max(choice.threads, autoThreadCount()) }, 'pthreads');
    } catch (e) {
      warnOnce(`qcomp-wasm: running single-threaded: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return getRuntime(options);
}

/**
 * Loads a .qcb bundle: a file path or file: URL (Node), an http(s) URL, or the bytes.
 * Rejects with BundleFormatError / IntegrityError / ModelError (naming what is at fault)
 * when the bundle is invalid, IoError when it cannot be read.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('loadModel: options must be an object');
  const cap = options.maxMemoryBytes;
  if (cap !== undefined && !(Number.isSafeInteger(cap) && cap > 0)) {
    throw new InvalidArgumentError(`maxMemoryBytes must be a positive integer number of bytes, got ${String(cap)}`);
  }
  const choice = chooseThreads(options.threads);
  const sha256 = checkSha256Option(options.sha256);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidArgumentError('onProgress must be a function');
  }
  // Loaded on demand (separate chunks of dist/): what only some loads need stays off the import path.
  checkCacheOptions(options);
  if (options.worker) {
    const parts = { checkFeeds, deepFreeze, fromWireError, classify: async () => (await import('./classify.js')).classifyWith };
    return (await import('./worker-client.js')).loadInWorker(source, options, choice, parts);
  }
  const store: ByteStore | undefined = options.cache !== undefined || options.cacheDir !== undefined
    ? await (await import('./cache.js')).openStore(options) : undefined;
  const runtimeOptions: RuntimeOptions = { store };
  if (options.wasmUrl !== undefined) runtimeOptions.wasmUrl = options.wasmUrl;
  const starting = runtimeFor(choice, runtimeOptions);
  starting.catch(() => undefined); // awaited below, after the bundle is read: not an unhandled rejection meanwhile
  const { bytes, label, digest: known } = await readSource(source, { onProgress: options.onProgress, store, sha256 });
  if (cap !== undefined && bytes.byteLength > cap) {
    throw new OutOfMemoryError(`${label}: the bundle has ${bytes.byteLength} bytes, above maxMemoryBytes (${cap})`);
  }
  // The runtime compares the platform's SHA-256 of the bundle (all but the stored
  // digest) with the stored one; without it, it hashes the bundle itself. Hashing
  // waits until the runtime is compiling (Node hashes on the main thread).
  const hashing = known !== undefined || bytes.byteLength <= DIGEST_BYTES ? known
    : runtimeCompiling().then(() => platformSha256(bytes.subarray(0, bytes.byteLength - DIGEST_BYTES)));
  const [runtime, digest] = await Promise.all([starting, hashing]);
  const native = runtime.newModel();
  try {
    if (cap !== undefined) {
      const code = native.setMemoryCap(cap);
      if (code !== 0) throw fail(native, code, 'maxMemoryBytes');
    }
    const ptr = runtime.copyIn(bytes);
    const code = native.load(ptr, bytes.byteLength, digest); // takes ownership of ptr
    if (code !== 0) throw fail(native, code, `loading ${label}`);
    const json = native.info();
    if (json === undefined) throw fail(native, native.errorCode(), `reading the info of ${label}`);
    const info = parseInfo(json, bytes.byteLength, {
      build: runtime.build,
      threads: Math.min(choice.threads, runtime.maxThreads),
    });
    return new QcompModel(runtime, native, info);
  } catch (e) {
    try { native.delete(); } catch { /* keep the first error */ }
    throw e;
  }
}
