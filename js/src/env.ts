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

/** Fetches a URL as bytes; IoError naming the URL on failure. */
export async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new IoError(`cannot fetch ${String(url)}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new IoError(`cannot fetch ${String(url)}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
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
