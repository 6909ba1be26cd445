// Where we run, and Node's file reading loaded only when running in Node so
// that browser bundles never pull node: modules in.
import { IoError } from './errors.js';

export function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

/** Reads a whole file in Node; IoError naming the file on failure. */
export async function readFileNode(file: string | URL): Promise<Uint8Array> {
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  try {
    const buf = await fs.readFile(typeof file === 'string' && file.startsWith('file:') ? new URL(file) : file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new IoError(`cannot read ${String(file)}: ${(e as Error).message}`);
  }
}

/** Download progress of a bundle: bytes received so far and the expected total (undefined when the server does not say). */
export interface Progress {
  readonly loaded: number;
  readonly total: number | undefined;
}

export type ProgressCallback = (progress: Progress) => void;

/** Calls the user's progress callback; an exception there must not break the load. */
export function report(onProgress: ProgressCallback | undefined, loaded: number, total: number | undefined): void {
  if (!onProgress) return;
  try {
    onProgress({ loaded, total });
  } catch {
    // the callback's problem, not the load's
  }
}

/** GETs a URL; IoError naming the URL when it cannot be fetched or the status is not 2xx. */
export async function fetchResponse(url: string | URL): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new IoError(`cannot fetch ${String(url)}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new IoError(`cannot fetch ${String(url)}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/**
 * Fetches a URL as bytes; IoError naming the URL on failure. With `onProgress`, the body
 * is streamed and each chunk reported; the last report always has loaded === total.
 */
export async function fetchBytes(url: string | URL, onProgress?: ProgressCallback): Promise<Uint8Array> {
  const response = await fetchResponse(url);
  try {
    const length = response.headers.get('content-length');
    const total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    if (!onProgress || !response.body) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      report(onProgress, bytes.byteLength, bytes.byteLength);
      return bytes;
    }
    const reader = response.body.getReader();
    let buffer = new Uint8Array(total ?? 1 << 16);
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > buffer.byteLength) {
        // No or a wrong Content-Length (a compressed transfer gives the compressed size): grow.
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, loaded + value.byteLength));
        grown.set(buffer.subarray(0, loaded));
        buffer = grown;
      }
      buffer.set(value, loaded);
      loaded += value.byteLength;
      if (loaded !== total) report(onProgress, loaded, total !== undefined && loaded < total ? total : undefined);
    }
    report(onProgress, loaded, loaded);
    return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded);
  } catch (e) {
    if (e instanceof IoError) throw e;
    throw new IoError(`cannot read ${String(url)}: ${(e as Error)?.message ?? String(e)}`);
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Whether bytes start like a gzip member (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The bytes inflated when they are gzip (Node's zlib, else the platform's DecompressionStream), else as they are. */
export async function gunzipIfGzip(bytes: Uint8Array, where: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    if (isNode()) {  // Node's web streams cost ~50 ms on first use; zlib inflates the runtime in ~2 ms
      const zlib = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:zlib');
      const out = zlib.gunzipSync(bytes);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new IoError(`${where}: damaged gzip data: ${(e as Error)?.message ?? String(e)}`);
  }
}

/**
 * The response typed application/wasm (for WebAssembly.compileStreaming), its body
 * inflated when `gzipped` (the URL names a .gz) and the server did not already send
 * it with a Content-Encoding that fetch has undone.
 */
export function wasmResponse(response: Response, gzipped: boolean): Response {
  const inflate = gzipped && response.body && !response.headers.get('content-encoding');
  const body = inflate ? response.body!.pipeThrough(new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>) : response.body;
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * SHA-256 computed by the platform (WebCrypto: native code, and asynchronous, so it
 * overlaps the runtime's start), or undefined where there is none (insecure browser
 * contexts, Node without a global crypto) or it fails; the runtime then hashes itself.
 */
export async function platformSha256(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  try {
    return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  } catch {
    return undefined;
  }
}
