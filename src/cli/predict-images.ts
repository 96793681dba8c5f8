// `axon predict model.safetensors --images DIR`: classify every PNG/JPEG in DIR (and its
// sub-folders) with a model saved by `axon fit --images … --save`, resized as it was trained.
import { platform } from '../platform/current.js';
import { imageFormat, readImage } from '../data/image.js';
import { resize } from '../data/transforms.js';
import { stack } from '../ops/movement.js';
import { softmax } from '../ops/activation.js';
import { predict } from '../train/fit.js';
import type { Module } from '../nn/module.js';

/** What axon fit --images saves beside the weights. */
export interface ImagePrep { format: 'axon-fit-images-1'; classes: string[]; size: number; channels: 1 | 3 }

function imageFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of platform.listDir('axon predict', dir).filter((n) => !n.startsWith('.')).sort()) {
    const p = platform.joinPath(dir, name);
    if (platform.isDirectory(p)) out.push(...imageFiles(p));
    else if (imageFormat(platform.readHead('axon predict', p, 8)) !== null) out.push(p);
  }
  return out;
}

/** The file, predicted class and class probabilities of every image under `dir`. */
export function predictImages(model: Module, prep: ImagePrep, dir: string): { files: string[]; predictions: string[]; probabilities: number[][] } {
  const files = imageFiles(dir);
  const size = resize(prep.size);
  const x = stack(files.map((f) => size(readImage(f, { channels: prep.channels })))); // (N, C, size, size)
  const K = prep.classes.length;
  const p = files.length === 0 ? new Float32Array(0) : softmax(predict(model, x), { dim: -1 }).data();
  const probabilities = files.map((_, i) => Array.from(p.slice(i * K, (i + 1) * K), (v) => Number(v.toFixed(6))));
  const predictions = probabilities.map((row) => prep.classes[row.indexOf(Math.max(...row))]!);
  return { files, predictions, probabilities };
}
