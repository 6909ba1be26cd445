// The wasm runtime: instantiated once per JS realm (lazily, memoized) and
// shared by every model. The .wasm is compiled by us and handed to the
// Emscripten glue through its instantiateWasm hook, so the same code path runs
// in Node (bytes read from disk) and in browsers/workers (streamed with fetch).
import { isNode, readFileNode, fetchBytes } from './env.js';
import { InternalError, IoError, OutOfMemoryError, QcompError } from './errors.js';

/** Module.QcModel (src/bindings/wasm_model.h) as Embind exposes it. */
export interface NativeModel {
  load(ptr: number, size: number): number;
  info(): string;
  inputBuffer(index: number, dimsCsv: string): number;
  run(): number;
  outputCount(): number;
  outputDims(k: number): string;
  outputDtype(k: number): string;
  outputPtr(k: number): number;
  outputBytes(k: number): number;
  errorCode(): number;
  errorMessage(): string;
  delete(): void;
}

interface EmscriptenModule {
  _qc_alloc(size: number): number;
  _qc_free(ptr: number): void;
  QcModel: new () => NativeModel;
  HEAPU8?: Uint8Array;
}

type ReceiveInstance = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

export interface RuntimeOptions {
  /** Where qcomp.wasm lives; defaults to the file next to this module. */
  wasmUrl?: string | URL;
}

/** The instantiated runtime: native model factory and heap access. */
export class Runtime {
  readonly #module: EmscriptenModule;
  readonly #memory: WebAssembly.Memory | undefined;

  constructor(module: EmscriptenModule, memory: WebAssembly.Memory | undefined) {
    this.#module = module;
    this.#memory = memory;
  }

  /** A fresh view of the whole heap. Views go stale when memory grows: never keep one across a call into wasm. */
  heap(): Uint8Array {
    if (this.#memory) return new Uint8Array(this.#memory.buffer);
    const heap = this.#module.HEAPU8;
    if (!heap) throw new InternalError('wasm runtime exposes neither its memory nor HEAPU8');
    return heap;
  }

  newModel(): NativeModel {
    return callNative(() => new this.#module.QcModel());
  }

  /** Copies bytes into a new 64-byte-aligned heap block; the caller owns it. */
  copyIn(bytes: Uint8Array): number {
    const ptr = callNative(() => this.#module._qc_alloc(Math.max(bytes.byteLength, 1))) >>> 0;
    if (ptr === 0) throw new OutOfMemoryError(`cannot allocate ${bytes.byteLength} bytes in the wasm heap`);
    this.heap().set(bytes, ptr);
    return ptr;
  }

  free(ptr: number): void {
    callNative(() => this.#module._qc_free(ptr));
  }

  /** Bytes of the WebAssembly memory (it only grows). */
  memoryBytes(): number {
    return this.heap().byteLength;
  }

  /**
   * Where the allocator's used heap ends: the address a fresh `probeBytes` block
   * gets (then freed). The probe must exceed every free block to land at the top.
   */
  heapEnd(probeBytes: number): number {
    const ptr = callNative(() => this.#module._qc_alloc(probeBytes)) >>> 0;
    if (ptr === 0) throw new OutOfMemoryError(`cannot allocate a ${probeBytes}-byte heap probe`);
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

let runtime: Promise<Runtime> | undefined;

/** The shared runtime, instantiated on first use. A failed start is retried by the next call. */
export function getRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  if (!runtime) {
    runtime = startRuntime(options);
    runtime.catch(() => { runtime = undefined; });
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

async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const url = options.wasmUrl ?? new URL('./qcomp.wasm', import.meta.url);
  const [glue, wasmModule] = await Promise.all([import('./qcomp.mjs'), compileWasm(url)]);
  const createModule = glue.default as (arg: Record<string, unknown>) => Promise<EmscriptenModule>;
  let memory: WebAssembly.Memory | undefined;
  let failInstantiate: (e: unknown) => void = () => {};
  const instantiateFailed = new Promise<never>((_, reject) => { failInstantiate = reject; });
  const instantiateWasm = (imports: WebAssembly.Imports, receive: ReceiveInstance) => {
    WebAssembly.instantiate(wasmModule, imports).then((instance) => {
      memory = findMemory(instance, imports);
      receive(instance, wasmModule);
    }, failInstantiate);
    return {};
  };
  try {
    const module = await Promise.race([createModule({ instantiateWasm }), instantiateFailed]);
    if (typeof module._qc_alloc !== 'function' || typeof module.QcModel !== 'function') {
      throw new InternalError(`${String(url)}: runtime lacks _qc_alloc or QcModel (is it the qcomp build?)`);
    }
    return new Runtime(module, memory);
  } catch (e) {
    if (e instanceof QcompError) throw e;
    throw new InternalError(`cannot start the wasm runtime from ${String(url)}: ${(e as Error)?.message ?? String(e)}`);
  }
}

function findMemory(instance: WebAssembly.Instance, imports: WebAssembly.Imports): WebAssembly.Memory | undefined {
  for (const value of Object.values(instance.exports)) {
    if (value instanceof WebAssembly.Memory) return value;
  }
  const imported = imports.env?.memory ?? imports.a?.memory;
  return imported instanceof WebAssembly.Memory ? imported : undefined;
}

async function compileWasm(url: string | URL): Promise<WebAssembly.Module> {
  const where = String(url);
  if (isNode() && isFileLocation(url)) return compile(await readFileNode(url), where);
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // Served with the wrong MIME type or streaming unsupported: fall back to bytes.
    }
  }
  return compile(await fetchBytes(url), where);
}

function isFileLocation(url: string | URL): boolean {
  if (url instanceof URL) return url.protocol === 'file:';
  return url.startsWith('file:') || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(url);
}

async function compile(bytes: Uint8Array, where: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new IoError(`${where} is not a valid WebAssembly module: ${(e as Error).message}`);
  }
}
