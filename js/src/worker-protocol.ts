// Messages between a Worker-mode Model (worker-client.ts, the caller's thread) and
// worker.ts (the dedicated worker that owns the runtime and the model).
import type { DType, TensorData } from './dtypes.js';
import { errorFromCode } from './errors.js';
import type { QcompError } from './errors.js';
import type { ModelInfo } from './info.js';
import type { ThreadsOption } from './threads.js';

/** Load options as they cross to the worker (URLs resolved against the caller's location). */
export interface WorkerLoadOptions {
  threads: ThreadsOption;
  wasmUrl?: string;
  cache?: string;
  sha256?: string;
  maxMemoryBytes?: number;
  progress: boolean;
}

export interface WireTensor {
  name: string;
  dtype: DType;
  data: TensorData;
  dims: number[];
}

export type Request =
  | { id: number; op: 'load'; source: string | ArrayBuffer; options: WorkerLoadOptions }
  | { id: number; op: 'run'; inputs: WireTensor[] }
  | { id: number; op: 'dispose' };

export interface WireError {
  name: string;
  message: string;
  errc: number;
}

export type Reply =
  | { id: number; op: 'progress'; loaded: number; total: number | undefined }
  | { id: number; op: 'done'; info?: ModelInfo; outputs?: WireTensor[] }
  | { id: number; op: 'failed'; error: WireError };

/** The typed error again, on the caller's side (the class follows from the code, as for the runtime's errors). */
export function fromWireError(e: WireError): QcompError {
  return errorFromCode(e.errc, e.message);
}
