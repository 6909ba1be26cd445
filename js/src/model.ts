// loadModel and the Model it returns: the bundle bytes go into the wasm heap
// (owned by the native model from then on), inputs are copied in and
// outputs copied out on every run; runs of one model are queued.
import { dataFromBytes, isDType } from './dtypes.js';
import { DisposedError, InternalError, InvalidArgumentError, OutOfMemoryError, QcompError, errorFromCode } from './errors.js';
import { checkFeeds } from './feeds.js';
import type { Feeds } from './feeds.js';
import { parseInfo } from './info.js';
import type { ModelInfo } from './info.js';
import { platformSha256 } from './env.js';
import { readSource } from './source.js';
import type { ModelSource } from './source.js';
import { Tensor } from './tensor.js';
import { autoThreadCount, chooseThreads, warnOnce } from './threads.js';
import type { ThreadChoice, ThreadsOption } from './threads.js';
import { getRuntime } from './wasm.js';
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
  /** Frees the wasm memory of the model (after the runs already queued). Calling it twice is a no-op. */
  dispose(): void;
}

// A valid bundle ends with the SHA-256 of everything before it.
const DIGEST_BYTES = 32;

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
  const cap = options.maxMemoryBytes;
  if (cap !== undefined && !(Number.isSafeInteger(cap) && cap > 0)) {
    throw new InvalidArgumentError(`maxMemoryBytes must be a positive integer number of bytes, got ${String(cap)}`);
  }
  const choice = chooseThreads(options.threads);
  const starting = runtimeFor(choice, options.wasmUrl === undefined ? {} : { wasmUrl: options.wasmUrl });
  starting.catch(() => undefined); // awaited below, after the bundle is read: not an unhandled rejection meanwhile
  const { bytes, label } = await readSource(source);
  if (cap !== undefined && bytes.byteLength > cap) {
    throw new OutOfMemoryError(`${label}: the bundle has ${bytes.byteLength} bytes, above maxMemoryBytes (${cap})`);
  }
  // The runtime compares the platform's SHA-256 of the bundle (all but the stored
  // digest) with the stored one; without it, it hashes the bundle itself.
  const [runtime, digest] = await Promise.all([
    starting,
    bytes.byteLength > DIGEST_BYTES ? platformSha256(bytes.subarray(0, bytes.byteLength - DIGEST_BYTES)) : undefined,
  ]);
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
