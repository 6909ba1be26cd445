// Which wasm build a model runs on and with how many threads: the `threads` load
// option against what the platform allows. The threaded build needs shared
// memory, which browsers grant only to cross-origin isolated pages (COOP/COEP
// headers); Node runs the single-thread build (Emscripten's ES-module thread
// glue does not start there).
import { InvalidArgumentError } from './errors.js';
import { isNode } from './env.js';

/** `'auto'`: as many threads as the platform allows (up to 4); a number: at most that many. */
export type ThreadsOption = 'auto' | number;

export type RuntimeBuild = 'single-thread' | 'pthreads';

export interface ThreadChoice {
  readonly build: RuntimeBuild;
  readonly threads: number;
}

/** Threads 'auto' asks for at most: beyond 4, small models gain little and the pool costs memory. */
export const AUTO_MAX_THREADS = 4;
/** The most threads a model can ask for (src/common/parallel.h kMaxThreads). */
export const MAX_THREADS = 16;

/** What 'auto' means here: the cores the platform reports, up to AUTO_MAX_THREADS. */
export function autoThreadCount(): number {
  const cores = typeof navigator === 'object' && navigator?.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  return Math.min(cores, AUTO_MAX_THREADS);
}

let warned = false;

/** One console warning per page (realm) about threads: the first message wins. */
export function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}

/** Internal (tests): forget that the single-thread warning was given. */
export function resetThreadsWarning(): void {
  warned = false;
}

function checkThreads(threads: ThreadsOption | undefined): ThreadsOption {
  if (threads === undefined || threads === 'auto') return 'auto';
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InvalidArgumentError(`threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  return threads;
}

/**
 * The build and thread count for a load. Where threads are wanted but cannot run,
 * one console warning per page (realm) names the cause, and the model runs single-threaded.
 */
export function chooseThreads(option: ThreadsOption | undefined): ThreadChoice {
  const threads = checkThreads(option);
  if (threads === 1) return { build: 'single-thread', threads: 1 };
  if (isNode()) {
    if (threads !== 'auto') warnOnce(`qcomp-wasm: threads: ${threads} ignored, Node runs the single-thread build`);
    return { build: 'single-thread', threads: 1 };
  }
  if (globalThis.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') {
    warnOnce('qcomp-wasm: running single-threaded: the page is not cross-origin isolated, so there is no ' +
      'SharedArrayBuffer for threads (serve it with the headers Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp)');
    return { build: 'single-thread', threads: 1 };
  }
  const count = threads === 'auto' ? autoThreadCount() : threads;
  return count > 1 ? { build: 'pthreads', threads: count } : { build: 'single-thread', threads: 1 };
}
