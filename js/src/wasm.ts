// The wasm runtime: instantiated once per JS realm and build (lazily, memoized)
// and shared by every model. qcomp.wasm, the single-thread build, is a
// standalone module (no Emscripten JS glue): we compile it (bytes from disk in
// Node, streamed with fetch in browsers and workers), give it its two imports
// and drive its C API (src/bindings/c_api.cc). qcomp-mt.wasm, the pthreads build,
// comes with Emscripten's ES-module glue (qcomp-mt.mjs + qcomp-mt.worker.js),
// which creates the shared memory and the Web Workers; it exports the same C API.
// The package ships both modules gzipped (qcomp.wasm.gz, qcomp-mt.wasm.gz: the
// package stays under 500 KB); they are inflated on the way to the compiler with
// the platform's DecompressionStream. A module served uncompressed (wasmUrl, or a
// server that sends the .gz with Content-Encoding: gzip) is used as it is.
import type { ByteStore } from './cache.js';
import { isNode, readFileNode, fetchBytes, fetchResponse, gunzipIfGzip, platformSha256, toHex, wasmResponse } from './env.js';
import { InternalError, IoError, OutOfMemoryError, QcompError } from './errors.js';
import type { RuntimeBuild } from './threads.js';

/** The exports of qcomp.wasm: the C API of src/bindings/c_api.cc. Pointers are numbers. */
interface Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  qc_alloc(size: number): number;
  qc_free(ptr: number): void;
  qc_model_new(): number;
  qc_model_delete(model: number): void;
  qc_model_set_memory_cap(model: number, bytes: number): number;
  qc_model_load(model: number, bytes: number, size: number, sha256: number): number;
  qc_model_info(model: number): number;
  qc_model_input(model: number, index: number, dims: number, rank: number): number;
  qc_model_run(model: number): number;
  qc_model_output_count(model: number): number;
  qc_model_output_rank(model: number, k: number): number;
  qc_model_output_dim(model: number, k: number, axis: number): number;
  qc_model_output_dtype(model: number, k: number): number;
  qc_model_output_data(model: number, k: number): number;
  qc_model_output_bytes(model: number, k: number): number;
  qc_model_error_code(model: number): number;
  qc_model_error_message(model: number): number;
  /** Threaded build only: sets the threads of every later run, returns the count in use. */
  qc_set_thread_count?(threads: number): number;
}

const REQUIRED_EXPORTS = ['memory', '_initialize', 'qc_alloc', 'qc_free', 'qc_model_new', 'qc_model_set_memory_cap',
  'qc_model_load', 'qc_model_run'];

export interface RuntimeOptions {
  /** Where qcomp.wasm lives (gzipped or not); defaults to qcomp.wasm.gz next to this module. */
  wasmUrl?: string | URL;
  /** Threaded build: the threads its first user wants (the worker pool is sized at start). */
  threads?: number;
  /** Where to keep the single-thread runtime fetched over http (verified against RUNTIME_SHA256). */
  store?: ByteStore | undefined;
}

// The SHA-256 of dist/qcomp.wasm.gz, put in by scripts/bundle-js.mjs (esbuild define):
// a cached runtime is used only when it hashes to it, so an entry left by another
// version of the package (stale) or damaged (corrupt) is dropped and fetched again.
declare const __QCOMP_WASM_SHA256__: string | undefined;
/** Hex SHA-256 of the qcomp.wasm.gz this JS was built with ('' in unbundled builds: no runtime caching). */
export const RUNTIME_SHA256: string = typeof __QCOMP_WASM_SHA256__ === 'string' ? __QCOMP_WASM_SHA256__ : '';

const utf8 = new TextDecoder();

/** One native model (a qc_model handle): every call returns a status or a value, never throws in wasm. */
export class NativeModel {
  readonly #runtime: Runtime;
  readonly #exports: Exports;
  #handle: number;
  // Kept across runs (each run passes the input dims and reads the output dtypes):
  // a heap block for dims, and dtype names by their (static) native string.
  #dims = { ptr: 0, count: 0 };
  readonly #dtypeNames = new Map<number, string>();

  constructor(runtime: Runtime, exports: Exports, handle: number) {
    this.#runtime = runtime;
    this.#exports = exports;
    this.#handle = handle;
  }

  /** Caps the heap bytes this model may hold (bundle + inputs + plan); 0: no cap. 0 or an error code. */
  setMemoryCap(bytes: number): number {
    return callNative(() => this.#exports.qc_model_set_memory_cap(this.#handle, bytes));
  }

  /**
   * Loads the bundle at `ptr` (a qc_alloc block the model then owns, even on failure); 0 or
   * an error code. `sha256`: the SHA-256 of the bundle's first size-32 bytes, if known.
   */
  load(ptr: number, size: number, sha256?: Uint8Array): number {
    let digestPtr = 0;
    try {
      if (sha256) digestPtr = this.#runtime.copyIn(sha256);
    } catch (e) {
      this.#runtime.free(ptr);
      throw e;
    }
    try {
      return callNative(() => this.#exports.qc_model_load(this.#handle, ptr, size, digestPtr));
    } finally {
      if (digestPtr) this.#runtime.free(digestPtr);
    }
  }

  /** The model's info JSON, or undefined on failure (see errorCode). */
  info(): string | undefined {
    const ptr = callNative(() => this.#exports.qc_model_info(this.#handle)) >>> 0;
    return ptr === 0 ? undefined : this.#runtime.string(ptr);
  }

  /** A heap buffer for input `index` with these dims (to be filled in full), or 0 on failure. */
  inputBuffer(index: number, dims: readonly number[]): number {
    if (dims.length > this.#dims.count) {
      const old = this.#dims.ptr;
      this.#dims = { ptr: 0, count: 0 };  // never left holding a freed block
      if (old) this.#runtime.free(old);
      const count = Math.max(dims.length, 8);
      this.#dims = { ptr: this.#runtime.alloc(count * 8), count };
    }
    const dimsPtr = this.#dims.ptr;
    new Float64Array(this.#runtime.heap().buffer, dimsPtr, dims.length).set(dims);
    return callNative(() => this.#exports.qc_model_input(this.#handle, index, dimsPtr, dims.length)) >>> 0;
  }

  /** Runs the model on the inputs written into the input buffers; 0 or an error code. */
  run(): number {
    return callNative(() => this.#exports.qc_model_run(this.#handle));
  }

  outputCount(): number {
    return callNative(() => this.#exports.qc_model_output_count(this.#handle));
  }

  outputDims(k: number): number[] {
    const rank = callNative(() => this.#exports.qc_model_output_rank(this.#handle, k));
    const dims: number[] = [];
    for (let axis = 0; axis < rank; axis++) dims.push(callNative(() => this.#exports.qc_model_output_dim(this.#handle, k, axis)));
    return dims;
  }

  outputDtype(k: number): string {
    const ptr = callNative(() => this.#exports.qc_model_output_dtype(this.#handle, k)) >>> 0;
    let name = this.#dtypeNames.get(ptr);
    if (name === undefined) this.#dtypeNames.set(ptr, name = this.#runtime.string(ptr));
    return name;
  }

  /** Output k of the last run as a heap view (stale after the next call into wasm). */
  outputBytes(k: number): Uint8Array {
    const ptr = callNative(() => this.#exports.qc_model_output_data(this.#handle, k)) >>> 0;
    const size = callNative(() => this.#exports.qc_model_output_bytes(this.#handle, k)) >>> 0;
    return this.#runtime.heap().subarray(ptr, ptr + size);
  }

  errorCode(): number {
    return callNative(() => this.#exports.qc_model_error_code(this.#handle));
  }

  errorMessage(): string {
    return this.#runtime.string(callNative(() => this.#exports.qc_model_error_message(this.#handle)) >>> 0);
  }

  /** Frees the native model; later calls are no-ops. */
  delete(): void {
    const handle = this.#handle;
    this.#handle = 0;
    if (this.#dims.ptr) this.#runtime.free(this.#dims.ptr);
    this.#dims = { ptr: 0, count: 0 };
    if (handle) callNative(() => this.#exports.qc_model_delete(handle));
  }
}

/** The instantiated runtime: native model factory and heap access. */
export class Runtime {
  readonly #exports: Exports;
  readonly build: RuntimeBuild;
  /** The most threads a run can use: 1, or the worker pool plus the calling thread. */
  readonly maxThreads: number;
  #threads = 1;

  constructor(exports: Exports, build: RuntimeBuild = 'single-thread', maxThreads = 1) {
    this.#exports = exports;
    this.build = build;
    this.maxThreads = maxThreads;
  }

  /** Sets the threads of the next runs (clamped to maxThreads); returns the count in use. */
  useThreads(threads: number): number {
    const wanted = Math.max(1, Math.min(threads, this.maxThreads));
    if (wanted !== this.#threads && this.#exports.qc_set_thread_count) {
      const setter = this.#exports.qc_set_thread_count;
      this.#threads = callNative(() => setter(wanted));
    }
    return this.#threads;
  }

  /** A fresh view of the whole heap. Views go stale when memory grows: never keep one across a call into wasm. */
  heap(): Uint8Array {
    return new Uint8Array(this.#exports.memory.buffer);
  }

  /** A NUL-terminated UTF-8 string in the heap. */
  string(ptr: number): string {
    if (ptr === 0) return '';
    const heap = this.heap();
    const end = heap.indexOf(0, ptr);
    const bytes = heap.subarray(ptr, end < 0 ? heap.length : end);
    // TextDecoder refuses views of shared memory (the threaded build's): decode a copy.
    return utf8.decode(heap.buffer instanceof ArrayBuffer ? bytes : bytes.slice());
  }

  newModel(): NativeModel {
    const handle = callNative(() => this.#exports.qc_model_new()) >>> 0;
    if (handle === 0) throw new OutOfMemoryError('cannot allocate a model in the wasm heap');
    return new NativeModel(this, this.#exports, handle);
  }

  /** A new 64-byte-aligned heap block of `size` bytes; the caller owns it. */
  alloc(size: number): number {
    const ptr = callNative(() => this.#exports.qc_alloc(size)) >>> 0;
    if (ptr === 0) throw new OutOfMemoryError(`cannot allocate ${size} bytes in the wasm heap`);
    return ptr;
  }

  /** Copies bytes into a new 64-byte-aligned heap block; the caller owns it. */
  copyIn(bytes: Uint8Array): number {
    const ptr = this.alloc(Math.max(bytes.byteLength, 1));
    this.heap().set(bytes, ptr);
    return ptr;
  }

  free(ptr: number): void {
    callNative(() => this.#exports.qc_free(ptr));
  }

  /** Bytes of the WebAssembly memory (it only grows). */
  memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /**
   * Where the allocator's used heap ends: the address a fresh `probeBytes` block
   * gets (then freed). The probe must exceed every free block to land at the top.
   */
  heapEnd(probeBytes: number): number {
    const ptr = this.alloc(probeBytes);
    this.free(ptr);
    return ptr;
  }
}

/** Runs a call into wasm, turning traps and stray throws into InternalError. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof QcompError) throw e;
    if (e instanceof Error) throw new InternalError(`wasm runtime failed: ${e.message}`);
    throw new InternalError(`wasm runtime threw ${String(e)}`);
  }
}

const runtimes = new Map<RuntimeBuild, Promise<Runtime>>();

// Resolved once the runtime being started has handed its bytes to the compiler (or
// has failed before that): main-thread work that waits for it (hashing the bundle)
// then overlaps the compile, which runs off the main thread.
let compiling: Promise<void> = Promise.resolve();
let markCompiling: () => void = () => {};

/** Internal: see `compiling` above. */
export function runtimeCompiling(): Promise<void> {
  return compiling;
}

/** The shared runtime of a build, instantiated on first use. A failed start is retried by the next call. */
export function getRuntime(options: RuntimeOptions = {}, build: RuntimeBuild = 'single-thread'): Promise<Runtime> {
  let runtime = runtimes.get(build);
  if (!runtime) {
    compiling = new Promise<void>((resolve) => { markCompiling = resolve; });
    runtime = build === 'pthreads' ? startThreadedRuntime(options) : startRuntime(options);
    runtimes.set(build, runtime);
    const done = markCompiling;
    runtime.then(done, () => { done(); runtimes.delete(build); });
  }
  return runtime;
}

/** Internal, for tests and benchmarks (not a stable API): bytes of the runtime's WebAssembly memory. */
export async function runtimeMemoryBytes(): Promise<number> {
  return (await getRuntime()).memoryBytes();
}

/**
 * Internal, for tests and benchmarks (not a stable API): the end of the runtime's
 * allocated heap, probed with a block of `probeBytes` (default 4 MiB); the
 * difference of two calls is what was allocated (and kept) in between.
 */
export async function runtimeHeapEnd(probeBytes = 4 << 20): Promise<number> {
  return (await getRuntime()).heapEnd(probeBytes);
}

// What the standalone module imports: a growth notice (heap views are re-read on
// every use anyway) and exit, which only abort() reaches (a bug: every C API call
// catches C++ exceptions); it becomes an InternalError in the calling JS.
const IMPORTS = {
  env: { emscripten_notify_memory_growth: () => {} },
  wasi_snapshot_preview1: {
    proc_exit: (code: number) => {
      throw new InternalError(`wasm runtime aborted (exit code ${code})`);
    },
  },
};

async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const url = options.wasmUrl ?? new URL('./qcomp.wasm.gz', import.meta.url);
  const wasmModule = await compileWasm(url, options.store);
  try {
    const instance = await WebAssembly.instantiate(wasmModule, IMPORTS);
    const exports = instance.exports as unknown as Exports;
    const missing = REQUIRED_EXPORTS.filter((name) => !(name in exports));
    if (missing.length) throw new InternalError(`${String(url)}: runtime lacks ${missing.join(', ')} (is it the qcomp build?)`);
    exports._initialize();
    return new Runtime(exports);
  } catch (e) {
    if (e instanceof QcompError) throw e;
    throw new InternalError(`cannot start the wasm runtime from ${String(url)}: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** What Emscripten's glue (qcomp-mt.mjs) resolves to: the C API as `_name` functions and the memory. */
type ThreadedModule = { wasmMemory: WebAssembly.Memory } & Record<string, unknown>;

// Emscripten warns the first time the browser main thread waits for another thread.
// We do so on purpose: a run's caller waits (spinning) for its helpers to finish their
// share of a layer, a millisecond or less. Other messages pass through.
function quietBlockingWarning(text: string): void {
  if (!text.startsWith('Blocking on the main thread')) console.warn(text);
}

/**
 * Starts the pthreads build through its Emscripten glue, which takes the module we
 * compile from qcomp-mt.wasm.gz (instantiateWasm), starts qcomp-mt.worker.js next
 * to itself and pre-spawns `threads - 1` Web Workers
 * (a thread started later from the browser main thread could not run before the
 * caller returns to the event loop, so the pool is all a run can use).
 */
async function startThreadedRuntime(options: RuntimeOptions): Promise<Runtime> {
  const url = new URL('./qcomp-mt.mjs', import.meta.url);
  const threads = Math.max(2, options.threads ?? 2);
  try {
    const glue = await import(/* webpackIgnore: true */ /* @vite-ignore */ url.href);
    const wasmUrl = new URL('./qcomp-mt.wasm.gz', import.meta.url);
    let failed: (e: unknown) => void = () => {};
    const loadFailed = new Promise<never>((_, reject) => { failed = reject; });
    // The glue's own fetch would hand the gzip bytes to the compiler: give it the module.
    const instantiateWasm = (imports: WebAssembly.Imports, received: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
      compileWasm(wasmUrl, undefined)
        .then(async (m) => received(await WebAssembly.instantiate(m, imports), m))
        .catch((e: unknown) => failed(e));
      return {};
    };
    const module = await Promise.race([
      glue.default({ qcPoolSize: threads - 1, printErr: quietBlockingWarning, instantiateWasm }) as Promise<ThreadedModule>,
      loadFailed,
    ]);
    const exports: Record<string, unknown> = { memory: module.wasmMemory, _initialize: () => {} };
    for (const name of Object.keys(module)) if (name.startsWith('_qc_')) exports[name.slice(1)] = module[name];
    const missing = [...REQUIRED_EXPORTS, 'qc_set_thread_count'].filter((name) => !exports[name]);
    if (missing.length) throw new InternalError(`${url.href}: runtime lacks ${missing.join(', ')} (is it the qcomp-mt build?)`);
    return new Runtime(exports as unknown as Exports, 'pthreads', threads);
  } catch (e) {
    if (e instanceof QcompError) throw e;
    throw new InternalError(`cannot start the threaded wasm runtime from ${url.href}: ${(e as Error)?.message ?? String(e)}`);
  }
}

async function compileWasm(url: string | URL, store: ByteStore | undefined): Promise<WebAssembly.Module> {
  const where = String(url);
  if (isNode() && isFileLocation(url)) return compile(await gunzipIfGzip(await readFileNode(url), where), where);
  if (store && RUNTIME_SHA256) {
    const key = new URL(url, globalThis.location?.href).href;
    if (key.startsWith('http:') || key.startsWith('https:')) {
      return compile(await gunzipIfGzip(await cachedRuntimeBytes(key, store), where), where);
    }
  }
  if (typeof WebAssembly.compileStreaming === 'function') {
    let response: Response | undefined;
    try {
      response = await fetchResponse(url);
      markCompiling();
      return await WebAssembly.compileStreaming(wasmResponse(response, /\.gz$/.test(String(url).split(/[?#]/)[0]!)));
    } catch (e) {
      if (!response) throw e;
      // Streaming unsupported or the stream failed: fall back to bytes.
    }
  }
  return compile(await gunzipIfGzip(await fetchBytes(url), where), where);
}

/** The runtime's bytes, cache-first: a cached copy must hash to RUNTIME_SHA256, a fetched one is kept if it does. */
async function cachedRuntimeBytes(key: string, store: ByteStore): Promise<Uint8Array> {
  const sha256 = async (bytes: Uint8Array) => toHex((await platformSha256(bytes)) ?? new Uint8Array(0));
  const cached = await store.get(key);
  if (cached) {
    if (await sha256(cached) === RUNTIME_SHA256) return cached;
    await store.delete(key);
  }
  const bytes = await fetchBytes(key);
  if (await sha256(bytes) === RUNTIME_SHA256) await store.put(key, bytes);
  return bytes;
}

function isFileLocation(url: string | URL): boolean {
  if (url instanceof URL) return url.protocol === 'file:';
  return url.startsWith('file:') || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(url);
}

async function compile(bytes: Uint8Array, where: string): Promise<WebAssembly.Module> {
  markCompiling();
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new IoError(`${where} is not a valid WebAssembly module: ${(e as Error).message}`);
  }
}
