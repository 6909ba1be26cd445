// Repository paths the node tests use.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bundlesDir = path.join(repoRoot, 'build', 'models');
export const modelsDir = path.join(repoRoot, 'models');

/** The path of build/models/<name>.qcb; fails with the command that makes it when it is missing. */
export function fixtureBundle(name) {
  const file = path.join(bundlesDir, `${name}.qcb`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing; convert it first: build/native/qcomp convert models/${name}.onnx ` +
      `-o build/models/${name}.qcb --labels models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1`);
  }
  return file;
}
