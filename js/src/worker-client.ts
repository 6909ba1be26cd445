// `loadModel(src, { worker: true })`: the model lives in a dedicated module worker
// (worker.ts, shipped as dist/worker.js next to this module) and this Model forwards
// to it. Inputs are checked here (typed errors at the call, as in-thread), copied
// once into fresh buffers and transferred; outputs come back transferred. The worker
// handles messages in order, so runs are queued as in-thread; dispose() lets the runs
// already sent finish, then terminates the worker (its whole wasm memory goes with it).
import type { ClassifyInput, ClassifyOptions, Prediction } from './classify.js';
//
// dist/worker-client.js is a chunk of its own, loaded by the first worker-mode load: the
// classes it shares with the rest of the API come from './index.js' (one copy of each,
// so instanceof holds), the internals it needs from `CoreParts`.
import { report } from './env.js';
import { DisposedError, InternalError, InvalidArgumentError, IoError, Tensor } from './index.js';
import type { QcompError, Feeds, ModelInfo, LoadOptions, Model, ModelSource } from './index.js';
import type { checkFeeds } from './feeds.js';
import type { deepFreeze } from './info.js';
import type { classifyWith } from './classify.js';
import type { ThreadChoice } from './threads.js';
import type { Reply, Request, WireTensor, WorkerLoadOptions } from './worker-protocol.js';

/** Internals of the core the worker client uses (passed in, so that there is one copy of each). */
export interface CoreParts {
  checkFeeds: typeof checkFeeds;
  deepFreeze: typeof deepFreeze;
  classify: () => Promise<typeof classifyWith>;
  fromWireError: (e: { name: string; errc: number; message: string }) => QcompError;
}

interface Pending {
  resolve(reply: Reply & { op: 'done' }): void;
  reject(error: QcompError): void;
  onProgress?: LoadOptions['onProgress'];
}

/** One worker and the requests waiting for its replies. */
class WorkerChannel {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: QcompError | undefined;

  readonly #parts: CoreParts;

  constructor(worker: Worker, where: string, parts: CoreParts) {
    this.#worker = worker;
    this.#parts = parts;
    worker.onmessage = (event: MessageEvent<Reply>) => this.#receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      const detail = event.message ? `: ${event.message}` : ' (not found, not a module, or it threw)';
      this.#fail(new IoError(`the qcomp-wasm worker ${where} failed${detail}`));
    };
    worker.onmessageerror = () => this.#fail(new InternalError('a message from the qcomp-wasm worker could not be read'));
  }

  request(message: Request, transfer: Transferable[] = [], onProgress?: LoadOptions['onProgress']): Promise<Reply & { op: 'done' }> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject, onProgress });
      try {
        this.#worker.postMessage(message, transfer);
      } catch (e) {
        this.#pending.delete(message.id);
        reject(new InvalidArgumentError(`cannot send to the worker: ${(e as Error)?.message ?? String(e)}`));
      }
    });
  }

  nextId(): number {
    return this.#nextId++;
  }

  terminate(reason: QcompError): void {
    this.#worker.terminate();
    this.#fail(reason);
  }

  #receive(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    if (reply.op === 'progress') {
      report(pending.onProgress, reply.loaded, reply.total);
      return;
    }
    this.#pending.delete(reply.id);
    if (reply.op === 'done') pending.resolve(reply);
    else pending.reject(this.#parts.fromWireError(reply.error));
  }

  #fail(error: QcompError): void {
    this.#dead ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

function toWire(name: string, t: Tensor): { tensor: WireTensor; buffer: ArrayBuffer } {
  const data = t.data.slice(); // a fresh buffer holding just this tensor: transferring it leaves the caller's data alone
  return { tensor: { name, dtype: t.dtype, data, dims: [...t.dims] }, buffer: data.buffer as ArrayBuffer };
}

class WorkerModel implements Model {
  readonly #channel: WorkerChannel;
  readonly #info: ModelInfo;
  readonly #parts: CoreParts;
  #disposed = false;

  constructor(channel: WorkerChannel, info: ModelInfo, parts: CoreParts) {
    this.#channel = channel;
    this.#info = info;
    this.#parts = parts;
  }

  get info(): ModelInfo {
    this.#checkAlive('info');
    return this.#info;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    this.#checkAlive('run');
    const inputs = this.#parts.checkFeeds(this.#info.inputs, feeds).map((t, i) => toWire(this.#info.inputs[i]!.name, t));
    const reply = await this.#channel.request({ id: this.#channel.nextId(), op: 'run', inputs: inputs.map((x) => x.tensor) },
      inputs.map((x) => x.buffer));
    const outputs: Record<string, Tensor> = {};
    for (const t of reply.outputs ?? []) outputs[t.name] = new Tensor(t.dtype, t.data, t.dims);
    return outputs;
  }

  async classify(input: ClassifyInput, options?: ClassifyOptions): Promise<Prediction[]> {
    this.#checkAlive('classify');
    return (await this.#parts.classify())(this, input, options);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const gone = new DisposedError('model was disposed');
    this.#channel.request({ id: this.#channel.nextId(), op: 'dispose' })
      .catch(() => undefined)
      .then(() => this.#channel.terminate(gone))
      .catch(() => undefined);
  }

  #checkAlive(what: string): void {
    if (this.#disposed) {
      throw new DisposedError(`model${this.#info.name ? ` '${this.#info.name}'` : ''} was disposed; cannot use ${what}`);
    }
  }
}

/** Where the bundle comes from, as the worker can read it: an absolute URL, or bytes to transfer. */
function sourceForWorker(source: ModelSource): { source: string | ArrayBuffer; transfer: Transferable[] } {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const copy = source instanceof Uint8Array ? source.slice().buffer : source.slice(0);
    return { source: copy as ArrayBuffer, transfer: [copy as ArrayBuffer] };
  }
  if (source instanceof URL) return { source: source.href, transfer: [] };
  if (typeof source === 'string' && source.length > 0) return { source: new URL(source, globalThis.location?.href).href, transfer: [] };
  throw new InvalidArgumentError(
    `loadModel: source must be a path, URL, Uint8Array or ArrayBuffer, got ${source === null ? 'null' : typeof source}`);
}

/** loadModel with `worker: true`; `choice`: the threads the caller's realm allows (it warned, if it had to). */
export async function loadInWorker(source: ModelSource, options: LoadOptions, choice: ThreadChoice,
  parts: CoreParts): Promise<Model> {
  if (typeof Worker !== 'function') {
    throw new InvalidArgumentError('worker: true needs Web Workers (a global Worker), which this platform lacks');
  }
  const { source: wireSource, transfer } = sourceForWorker(source);
  let worker: Worker;
  const where = options.workerUrl === undefined ? 'worker.js' : String(options.workerUrl);
  try {
    // Literal `new URL('./worker.js', import.meta.url)`: bundlers (Vite, webpack, esbuild) see it and emit the worker.
    worker = options.workerUrl === undefined
      ? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
      : new Worker(new URL(options.workerUrl, globalThis.location?.href), { type: 'module' });
  } catch (e) {
    throw new IoError(`cannot start the qcomp-wasm worker ${where}: ${(e as Error)?.message ?? String(e)}`);
  }
  const channel = new WorkerChannel(worker, where, parts);
  const wireOptions: WorkerLoadOptions = {
    // The worker warns about nothing: this realm already chose (and warned once per page).
    threads: choice.build === 'pthreads' ? choice.threads : 1,
    progress: options.onProgress !== undefined,
  };
  if (options.wasmUrl !== undefined) wireOptions.wasmUrl = new URL(options.wasmUrl, globalThis.location?.href).href;
  if (options.cache !== undefined) wireOptions.cache = options.cache;
  if (options.sha256 !== undefined) wireOptions.sha256 = options.sha256;
  if (options.maxMemoryBytes !== undefined) wireOptions.maxMemoryBytes = options.maxMemoryBytes;
  try {
    const reply = await channel.request({ id: channel.nextId(), op: 'load', source: wireSource, options: wireOptions },
      transfer, options.onProgress);
    if (!reply.info) throw new InternalError('the worker loaded no model info');
    return new WorkerModel(channel, parts.deepFreeze(reply.info), parts);
  } catch (e) {
    channel.terminate(e as QcompError);
    throw e;
  }
}
