// Turns what loadModel accepts (path, URL, bytes) into the bundle bytes:
// streamed with progress over http, cache-first when a store is given (an entry
// is used only when its bytes hash to the SHA-256 stored at their end, and to the
// pinned `sha256` when one is given; a bad entry is dropped and fetched again).
import type { ByteStore } from './cache.js';
import { fetchBytes, isNode, platformSha256, readFileNode, report, toHex } from './env.js';
import type { ProgressCallback } from './env.js';
import { IntegrityError, InvalidArgumentError } from './errors.js';

/** A bundle: a file path (Node), a URL (http(s): anywhere, file: in Node) or its bytes. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

export interface SourceOptions {
  onProgress?: ProgressCallback | undefined;
  store?: ByteStore | undefined;
  /** Expected SHA-256 of the bundle (lowercase hex), if pinned. */
  sha256?: string | undefined;
}

export interface SourceBytes {
  bytes: Uint8Array;
  /** How to name the source in error messages. */
  label: string;
  /** The SHA-256 of all but the last 32 bytes, when already computed (and equal to the stored one). */
  digest?: Uint8Array | undefined;
  /** Where the bytes came from. */
  from: 'bytes' | 'file' | 'network' | 'cache';
}

/** Bytes at the end of a bundle: the SHA-256 of everything before them. */
export const DIGEST_BYTES = 32;

const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** Checks and normalizes the `sha256` load option. */
export function checkSha256Option(sha256: unknown): string | undefined {
  if (sha256 === undefined) return undefined;
  if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw new InvalidArgumentError(`sha256 must be 64 hex digits, got ${JSON.stringify(sha256)}`);
  }
  return sha256.toLowerCase();
}

/** The SHA-256 stored at the end of a bundle, as hex ('' when too short to have one). */
export function storedSha256(bytes: Uint8Array): string {
  return bytes.byteLength > DIGEST_BYTES ? toHex(bytes.subarray(bytes.byteLength - DIGEST_BYTES)) : '';
}

/**
 * The digest of a bundle's content when it matches the digest stored at its end (and
 * `expected`, if given); undefined when it does not or cannot be computed.
 */
export async function verifiedDigest(bytes: Uint8Array, expected?: string): Promise<Uint8Array | undefined> {
  const stored = storedSha256(bytes);
  if (!stored || (expected !== undefined && stored !== expected)) return undefined;
  const digest = await platformSha256(bytes.subarray(0, bytes.byteLength - DIGEST_BYTES));
  return digest && toHex(digest) === stored ? digest : undefined;
}

export async function readSource(source: ModelSource, options: SourceOptions = {}): Promise<SourceBytes> {
  const got = await readAny(source, options);
  if (got.from !== 'network' && got.from !== 'cache') report(options.onProgress, got.bytes.byteLength, got.bytes.byteLength);
  if (options.sha256 !== undefined && storedSha256(got.bytes) !== options.sha256) {
    throw new IntegrityError(`${got.label}: bundle SHA-256 is ${storedSha256(got.bytes) || 'missing'}, ` +
      `expected ${options.sha256}`, 201);
  }
  return got;
}

async function readAny(source: ModelSource, options: SourceOptions): Promise<SourceBytes> {
  if (source instanceof Uint8Array) return { bytes: source, label: `${source.byteLength}-byte buffer`, from: 'bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: `${source.byteLength}-byte buffer`, from: 'bytes' };
  if (source instanceof URL) return readUrl(source, source.href, options);
  if (typeof source === 'string') {
    if (source.length === 0) throw new InvalidArgumentError('loadModel: empty path');
    if (URL_SCHEME.test(source)) return readUrl(new URL(source), source, options);
    if (isNode()) return { bytes: await readFileNode(source), label: source, from: 'file' };
    return readUrl(new URL(source, globalThis.location?.href), source, options);
  }
  throw new InvalidArgumentError(
    `loadModel: source must be a path, URL, Uint8Array or ArrayBuffer, got ${source === null ? 'null' : typeof source}`);
}

async function readUrl(url: URL, label: string, options: SourceOptions): Promise<SourceBytes> {
  if (url.protocol === 'file:' && isNode()) return { bytes: await readFileNode(url), label, from: 'file' };
  const { store, sha256, onProgress } = options;
  const cacheable = store !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
  if (cacheable) {
    const cached = await store.get(url.href);
    if (cached) {
      const digest = await verifiedDigest(cached, sha256);
      if (digest) {
        report(onProgress, cached.byteLength, cached.byteLength);
        return { bytes: cached, label, digest, from: 'cache' };
      }
      await store.delete(url.href); // corrupt, or stale against the pinned sha256: fetch again
    }
  }
  const bytes = await fetchBytes(url, onProgress);
  if (!cacheable) return { bytes, label, from: 'network' };
  const digest = await verifiedDigest(bytes, sha256);
  if (digest) await store.put(url.href, bytes);
  return { bytes, label, digest, from: 'network' };
}
