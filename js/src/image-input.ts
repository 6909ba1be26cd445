// Tells images from tensors (no imports: it goes into every chunk that needs it).
import type { ImageInput } from './image.js';

/** True for what the image helpers take: an object with a numeric width and height (not a tensor). */
export function isImageInput(value: unknown): value is ImageInput {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || 'dims' in value) return false;
  const v = value as { width?: unknown; height?: unknown };
  return typeof v.width === 'number' && typeof v.height === 'number';
}
