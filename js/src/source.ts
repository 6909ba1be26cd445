// Turns what loadModel accepts (path, URL, bytes) into the bundle bytes.
import { fetchBytes, isNode, readFileNode } from './env.js';
import { InvalidArgumentError } from './errors.js';

/** A bundle: a file path (Node), a URL (http(s): anywhere, file: in Node) or its bytes. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

export interface SourceBytes {
  bytes: Uint8Array;
  /** How to name the source in error messages. */
  label: string;
}

const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

export async function readSource(source: ModelSource): Promise<SourceBytes> {
  if (source instanceof Uint8Array) return { bytes: source, label: `${source.byteLength}-byte buffer` };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: `${source.byteLength}-byte buffer` };
  if (source instanceof URL) return { bytes: await readUrl(source), label: source.href };
  if (typeof source === 'string') {
    if (source.length === 0) throw new InvalidArgumentError('loadModel: empty path');
    if (URL_SCHEME.test(source)) return { bytes: await readUrl(new URL(source)), label: source };
    if (isNode()) return { bytes: await readFileNode(source), label: source };
    return { bytes: await fetchBytes(new URL(source, globalThis.location?.href)), label: source };
  }
  throw new InvalidArgumentError(
    `loadModel: source must be a path, URL, Uint8Array or ArrayBuffer, got ${source === null ? 'null' : typeof source}`);
}

async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:' && isNode()) return readFileNode(url);
  return fetchBytes(url);
}
