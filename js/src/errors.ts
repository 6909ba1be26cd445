// Typed errors. The runtime reports a stable numeric code (qc::Errc in
// src/common/error.h) plus a message naming what is at fault; errorFromCode
// turns that pair into the matching Error subclass.

/** Names of the runtime's error codes, as qc::errc_name() spells them. */
const ERRC_NAMES: Readonly<Record<number, string>> = {
  100: 'truncated',
  101: 'bad_magic',
  102: 'bad_version',
  103: 'offset_out_of_range',
  104: 'section_overlap',
  105: 'shape_overflow',
  106: 'bad_section',
  107: 'bad_graph',
  108: 'bad_tensor_record',
  109: 'bad_metadata',
  110: 'unknown_scheme',
  111: 'limit_exceeded',
  200: 'checksum_mismatch',
  201: 'hash_mismatch',
  300: 'unsupported_op',
  301: 'invalid_model',
  302: 'onnx_parse',
  400: 'shape_mismatch',
  401: 'invalid_argument',
  402: 'dtype_mismatch',
  403: 'out_of_memory',
  404: 'disposed',
  500: 'io',
  900: 'internal',
};

/** The name of a runtime error code ("bad_magic" for 101); "unknown" if it has none. */
export function errcName(errc: number): string {
  return ERRC_NAMES[errc] ?? 'unknown';
}

/** Base class of every error this package throws. */
export class QcompError extends Error {
  /** Stable name of the code, e.g. "bad_magic". */
  readonly code: string;
  /** Stable numeric code shared with the C++ runtime (qc::Errc). */
  readonly errc: number;

  constructor(message: string, errc = 900) {
    super(message);
    this.name = new.target.name;
    this.errc = errc;
    this.code = errcName(errc);
  }
}

/** The bundle bytes are malformed (errc 100-199). */
export class BundleFormatError extends QcompError {
  constructor(message: string, errc = 100) {
    super(message, errc);
  }
}

/** A checksum or the SHA-256 of the bundle does not match (errc 200-299). */
export class IntegrityError extends QcompError {
  constructor(message: string, errc = 200) {
    super(message, errc);
  }
}

/** The model is invalid or cannot be run (errc 301-399). */
export class ModelError extends QcompError {
  constructor(message: string, errc = 301) {
    super(message, errc);
  }
}

/** The model uses an operator the runtime does not implement (errc 300). */
export class UnsupportedOpError extends ModelError {
  constructor(message: string, errc = 300) {
    super(message, errc);
  }
}

/** A tensor's dims or dtype do not fit (errc 400 shape_mismatch, 402 dtype_mismatch). */
export class ShapeError extends QcompError {
  constructor(message: string, errc = 400) {
    super(message, errc);
  }
}

/** An argument is wrong: unknown or missing input name, bad option (errc 401). */
export class InvalidArgumentError extends QcompError {
  constructor(message: string, errc = 401) {
    super(message, errc);
  }
}

/** The wasm heap cannot grow to hold the model or its activations (errc 403). */
export class OutOfMemoryError extends QcompError {
  constructor(message: string, errc = 403) {
    super(message, errc);
  }
}

/** The model was disposed (errc 404). */
export class DisposedError extends QcompError {
  constructor(message: string, errc = 404) {
    super(message, errc);
  }
}

/** Reading the model or the runtime failed (errc 500). */
export class IoError extends QcompError {
  constructor(message: string, errc = 500) {
    super(message, errc);
  }
}

/** A bug or an unexpected state in the runtime (errc 900 and any unknown code). */
export class InternalError extends QcompError {
  constructor(message: string, errc = 900) {
    super(message, errc);
  }
}

// The class names users see (e.name, stack traces, the console): minified builds
// rename classes, so they are set here (esbuild's keepNames would name every function).
for (const [cls, name] of [
  [QcompError, 'QcompError'],
  [BundleFormatError, 'BundleFormatError'],
  [IntegrityError, 'IntegrityError'],
  [ModelError, 'ModelError'],
  [UnsupportedOpError, 'UnsupportedOpError'],
  [ShapeError, 'ShapeError'],
  [InvalidArgumentError, 'InvalidArgumentError'],
  [OutOfMemoryError, 'OutOfMemoryError'],
  [DisposedError, 'DisposedError'],
  [IoError, 'IoError'],
  [InternalError, 'InternalError'],
] as const) {
  Object.defineProperty(cls, 'name', { value: name });
}

/** Maps a runtime error code and its message to the matching error class. */
export function errorFromCode(errc: number, message: string): QcompError {
  const text = message || `qcomp runtime error ${errcName(errc)} (${errc})`;
  if (errc >= 100 && errc <= 199) return new BundleFormatError(text, errc);
  if (errc >= 200 && errc <= 299) return new IntegrityError(text, errc);
  if (errc === 300) return new UnsupportedOpError(text, errc);
  if (errc >= 301 && errc <= 399) return new ModelError(text, errc);
  if (errc === 400 || errc === 402) return new ShapeError(text, errc);
  if (errc === 401) return new InvalidArgumentError(text, errc);
  if (errc === 403) return new OutOfMemoryError(text, errc);
  if (errc === 404) return new DisposedError(text, errc);
  if (errc === 500) return new IoError(text, errc);
  return new InternalError(text, errc);
}
