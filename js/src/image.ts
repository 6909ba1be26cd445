// Images to model input: ImageData, raw pixels, or anything a canvas can draw
// (HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, video), turned
// into a batch-1 tensor for the model's image input with the bundle's preprocessing
// (x = (pixel * scale - mean) / std, per channel). Layouts: [N, C, H, W] (C = 1 or 3),
// [N, H, W, C], [N, H, W] (gray) and [N, H*W] (gray, flattened); free H and W take the
// image's size. Drawable images are resized to fixed H and W; pixel arrays must fit.
import { ShapeError, InvalidArgumentError } from './errors.js';
import type { ModelInfo, Preprocess, TensorSpec } from './info.js';
import { Tensor } from './tensor.js';
import { isImageInput } from './image-input.js';

/** Pixels in memory: row-major, `channels` bytes per pixel (1 gray, 3 RGB, 4 RGBA; default: from the length). */
export interface RawPixels {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels?: 1 | 3 | 4;
}

/** What the image helpers and `model.classify` accept as an image. */
export type ImageInput = ImageData | RawPixels | CanvasImageSource;

export interface ImageTensorOptions {
  /** The input to fill (default: the model's first input). */
  input?: string;
}

interface Layout {
  order: 'nchw' | 'nhwc' | 'flat';
  channels: 1 | 3;
  height: number; // -1: free
  width: number;
  features: number; // 'flat' only: H*W
}

interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

function layoutOf(spec: TensorSpec): Layout {
  const d = spec.dims;
  const channelsOf = (c: number | undefined): 1 | 3 | undefined => (c === 1 || c === 3 ? c : undefined);
  if (d.length === 4) {
    const c1 = channelsOf(d[1]);
    if (c1) return { order: 'nchw', channels: c1, height: d[2] ?? -1, width: d[3] ?? -1, features: 0 };
    const c3 = channelsOf(d[3]);
    if (c3) return { order: 'nhwc', channels: c3, height: d[1] ?? -1, width: d[2] ?? -1, features: 0 };
  } else if (d.length === 3) {
    return { order: 'nchw', channels: 1, height: d[1] ?? -1, width: d[2] ?? -1, features: 0 };
  } else if (d.length === 2 && (d[1] ?? -1) > 0) {
    return { order: 'flat', channels: 1, height: -1, width: -1, features: d[1] ?? 0 };
  }
  throw new ShapeError(`input '${spec.name}' with dims [${d.join(', ')}] is not an image input ` +
    '([N, C, H, W] or [N, H, W, C] with C 1 or 3, [N, H, W], or [N, H*W])');
}

function checkSize(what: string, width: number, height: number): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0) {
    throw new ShapeError(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
}

/** The pixels of an image with bytes (ImageData, RawPixels). */
function pixelsOfArray(image: { data: unknown; width: number; height: number; channels?: unknown }): Pixels {
  const { data, width, height } = image;
  checkSize('image', width, height);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new ShapeError('image: data must be a Uint8Array or Uint8ClampedArray of pixels', 402);
  }
  const channels = image.channels ?? data.length / (width * height);
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ShapeError(`image: ${data.length} bytes are not ${width}x${height} pixels of 1, 3 or 4 channels`);
  }
  if (data.length !== width * height * channels) {
    throw new ShapeError(`image: ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
  return { data, width, height, channels };
}

function naturalSize(image: CanvasImageSource): [number, number] {
  const i = image as { naturalWidth?: number; naturalHeight?: number; videoWidth?: number; videoHeight?: number;
    displayWidth?: number; displayHeight?: number; width?: unknown; height?: unknown };
  const w = i.naturalWidth || i.videoWidth || i.displayWidth || (typeof i.width === 'number' ? i.width : 0);
  const h = i.naturalHeight || i.videoHeight || i.displayHeight || (typeof i.height === 'number' ? i.height : 0);
  return [w, h];
}

/** Draws an image on a width x height canvas and reads its RGBA pixels. */
function pixelsOfDrawable(image: CanvasImageSource, width: number, height: number): Pixels {
  checkSize('image', width, height);
  let context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null = null;
  if (typeof OffscreenCanvas === 'function') {
    context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  } else if (typeof document === 'object' && document !== null) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new InvalidArgumentError('image: drawing it needs a canvas (OffscreenCanvas or a DOM); pass its pixels instead');
  context.drawImage(image, 0, 0, width, height);
  return { data: context.getImageData(0, 0, width, height).data, width, height, channels: 4 };
}

function channelParam(v: number | readonly number[], c: number, what: string, channels: number): number {
  if (typeof v === 'number') return v;
  if (v.length === 1) return v[0] as number;
  if (v.length === channels) return v[c] as number;
  throw new ShapeError(`preprocess ${what} has ${v.length} values for a ${channels}-channel input`);
}

/**
 * Pixel value -> input value for one channel, as a 256-entry table. A scale of 1/k (k an
 * integer, e.g. 1/255) divides by k: that rounds like the `pixel / 255` most models were
 * trained with, bit for bit.
 */
function pixelTable(pre: Preprocess, c: number, channels: number): Float32Array {
  const mean = channelParam(pre.mean, c, 'mean', channels);
  const std = channelParam(pre.std, c, 'std', channels);
  const divisor = Math.round(1 / pre.scale);
  const divide = divisor > 1 && Math.abs(1 / pre.scale - divisor) < 1e-9 * divisor;
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) {
    const x = divide ? Math.fround(p / divisor) : Math.fround(p * pre.scale);
    table[p] = mean === 0 && std === 1 ? x : Math.fround((x - mean) / std);
  }
  return table;
}

/**
 * The model input (batch 1) for an image, with the bundle's preprocessing (`info.preprocess`)
 * for float32 inputs and the raw pixels for uint8 inputs. Gray inputs take gray pixels as
 * they are and RGB(A) ones as luma (0.299 R + 0.587 G + 0.114 B); RGB inputs replicate gray
 * pixels; alpha is ignored. Throws ShapeError when the image cannot fit the input.
 */
export function imageToTensor(image: ImageInput, info: ModelInfo, options: ImageTensorOptions = {}): Tensor {
  if (!isImageInput(image)) throw new InvalidArgumentError('imageToTensor: expected ImageData, raw pixels or a drawable image');
  const spec = options.input === undefined ? info.inputs[0] : info.inputs.find((s) => s.name === options.input);
  if (!spec) throw new InvalidArgumentError(`imageToTensor: the model has no input ${options.input ?? ''}`.trim());
  if (spec.dtype !== 'float32' && spec.dtype !== 'uint8') {
    throw new ShapeError(`input '${spec.name}' is ${spec.dtype}; images fill float32 or uint8 inputs`, 402);
  }
  const layout = layoutOf(spec);
  let pixels: Pixels;
  if ('data' in image && (image as { data?: unknown }).data !== undefined) {
    pixels = pixelsOfArray(image as RawPixels);
  } else {
    const [w, h] = naturalSize(image as CanvasImageSource);
    const side = layout.order === 'flat' ? Math.round(Math.sqrt(layout.features)) : 0;
    const width = layout.order === 'flat' ? (w * h === layout.features ? w : side) : layout.width > 0 ? layout.width : w;
    const height = layout.order === 'flat' ? (w * h === layout.features ? h : side) : layout.height > 0 ? layout.height : h;
    pixels = pixelsOfDrawable(image as CanvasImageSource, width, height);
  }
  const { width, height } = pixels;
  if (layout.order === 'flat' ? width * height !== layout.features
    : (layout.width > 0 && layout.width !== width) || (layout.height > 0 && layout.height !== height)) {
    const want = layout.order === 'flat' ? `${layout.features} pixels` : `${layout.width}x${layout.height}`.replace(/-1/g, '?');
    throw new ShapeError(`input '${spec.name}' takes ${want} images, got ${width}x${height}; resize it first`);
  }
  const C = layout.channels;
  const plane = width * height;
  const raw = spec.dtype === 'uint8';
  const tables = raw ? [] : Array.from({ length: C }, (_, c) => pixelTable(info.preprocess, c, C));
  const out = raw ? new Uint8Array(plane * C) : new Float32Array(plane * C);
  const src = pixels.data;
  const stride = pixels.channels;
  for (let i = 0; i < plane; i++) {
    const at = i * stride;
    const r = src[at] as number;
    const g = stride >= 3 ? src[at + 1] as number : r;
    const b = stride >= 3 ? src[at + 2] as number : r;
    for (let c = 0; c < C; c++) {
      const p = C === 3 ? (c === 0 ? r : c === 1 ? g : b) : r === g && g === b ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      const index = layout.order === 'nhwc' ? i * C + c : c * plane + i;
      out[index] = raw ? p : (tables[c] as Float32Array)[p] as number;
    }
  }
  const dims = layout.order === 'flat' ? [1, plane]
    : spec.dims.length === 3 ? [1, height, width]
      : layout.order === 'nchw' ? [1, C, height, width] : [1, height, width, C];
  return new Tensor(spec.dtype, out, dims);
}
