// The module worker of `loadModel(src, { worker: true })` (dist/worker.js): loads
// one model with the in-thread loader and serves its runs. Outputs go back
// transferred (they are fresh copies out of the wasm heap). The caller terminates
// the worker after dispose, which frees the runtime and all its memory.
// Everything comes from the package entry, ./index.js (dist/worker.js stays a few
// hundred bytes instead of a second copy of the runtime's JavaScript; the page has
// usually fetched index.js already), so the error classes are index.js's own.
import { QcompError, loadModel, Tensor } from './index.js';
import type { Model } from './index.js';
import type { Reply, Request, WireError, WireTensor } from './worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let model: Model | undefined;

async function handle(request: Request): Promise<void> {
  const { id } = request;
  try {
    if (request.op === 'load') {
      const { options } = request;
      const loaded = await loadModel(request.source, {
        threads: options.threads,
        ...(options.wasmUrl !== undefined ? { wasmUrl: options.wasmUrl } : {}),
        ...(options.cache !== undefined ? { cache: options.cache } : {}),
        ...(options.sha256 !== undefined ? { sha256: options.sha256 } : {}),
        ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
        ...(options.progress ? { onProgress: ({ loaded: done, total }) => scope.postMessage({ id, op: 'progress', loaded: done, total }) } : {}),
      });
      model?.dispose();
      model = loaded;
      scope.postMessage({ id, op: 'done', info: loaded.info });
    } else if (request.op === 'run') {
      if (!model) throw new Error('no model loaded');
      const feeds = Object.fromEntries(request.inputs.map((t) => [t.name, new Tensor(t.dtype, t.data, t.dims)]));
      const result = await model.run(feeds);
      const outputs: WireTensor[] = Object.entries(result).map(([name, t]) => ({ name, dtype: t.dtype, data: t.data, dims: [...t.dims] }));
      scope.postMessage({ id, op: 'done', outputs }, outputs.map((t) => t.data.buffer as ArrayBuffer));
    } else if (request.op === 'dispose') {
      model?.dispose();
      model = undefined;
      scope.postMessage({ id, op: 'done' });
    }
  } catch (e) {
    scope.postMessage({ id, op: 'failed', error: toWireError(e) });
  }
}

function toWireError(e: unknown): WireError {
  if (e instanceof QcompError) return { name: e.name, message: e.message, errc: e.errc };
  const message = e instanceof Error ? e.message : String(e);
  return { name: 'InternalError', message: `worker: ${message}`, errc: 900 };
}

scope.onmessage = (event) => { void handle(event.data); };
