// ImageFolder: a dataset of image files laid out one sub-folder per class (torchvision's
// ImageFolder). Files are listed once; each image is decoded when it is asked for.
import { platform } from '../platform/current.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { imageFormat, readImage, type DecodeImageOptions } from './image.js';
import type { Transform } from './transforms.js';

export interface ImageFolderOptions extends Omit<DecodeImageOptions, 'source'> {
  /** Applied to each decoded image (C, H, W), e.g. compose(resize(32), normalize([0.5], [0.5])). */
  transform?: Transform;
}

/**
 * Images under `root/<class>/<file>`: classes are the sub-folder names in sorted order, sample i
 * is `[image (C, H, W) in [0, 1], class index]`. Every file must be a PNG or JPEG (hidden files,
 * starting with '.', are skipped); anything else is reported by name when the folder is listed.
 *
 * Shape: get(i) → [(C, H, W), number].
 *
 * @example
 * const ds = new ImageFolder('data/digits', { channels: 1, transform: resize(28) });
 * const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0 }); // [(64, 1, 28, 28), (64)]
 */
export class ImageFolder implements Dataset<[Tensor, number]> {
  /** Class names (sorted sub-folder names); class i is `classes[i]`. */
  readonly classes: string[];
  /** Every sample's file path and class index, in order. */
  readonly samples: [string, number][];

  constructor(readonly root: string, private readonly opts: ImageFolderOptions = {}) {
    const entries = platform.listDir('ImageFolder', root).filter((d) => !d.startsWith('.')).sort();
    this.classes = entries.filter((d) => platform.isDirectory(platform.joinPath(root, d)));
    if (this.classes.length === 0) throw new ValueError('ImageFolder', `'${root}' has no class sub-folders; lay images out as ${root}/<class>/<image>.png`);
    this.samples = [];
    this.classes.forEach((cls, k) => {
      for (const f of platform.listDir('ImageFolder', platform.joinPath(root, cls)).filter((n) => !n.startsWith('.')).sort()) {
        const file = platform.joinPath(root, cls, f);
        if (platform.isDirectory(file)) continue;
        if (imageFormat(platform.readHead('ImageFolder', file, 8)) === null) {
          throw new ValueError('ImageFolder', `${file} is not a PNG or JPEG image (class folder '${cls}'); remove it or move it out of ${root}`);
        }
        this.samples.push([file, k]);
      }
    });
  }

  get length(): number {
    return this.samples.length;
  }

  /** Decode image i (and apply the transform). */
  get(i: number): [Tensor, number] {
    if (!Number.isInteger(i) || i < 0 || i >= this.samples.length) {
      throw new ValueError('ImageFolder', `index ${i} is out of range for ${this.samples.length} images; use 0..${this.samples.length - 1}`);
    }
    const [file, label] = this.samples[i]!;
    const { transform, ...decode } = this.opts;
    const img = readImage(file, decode);
    return [transform ? transform(img) : img, label];
  }
}
