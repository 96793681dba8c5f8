// Internal helpers shared by the data modules: picking a generator from `{ seed, generator }`,
// seeded permutations (the same Fisher–Yates as `randperm`), and turning labels into plain arrays.
import { ValueError } from '../errors.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** The randomness options every shuffling helper takes. */
export interface SeedOptions {
  /** Seed for a private generator: the same seed gives the same order on every platform. */
  seed?: number;
  /** A generator to draw from instead (advanced; shared state). Not together with `seed`. */
  generator?: Generator;
}

/** `new Generator(seed)` when a seed is given, else the given generator, else the default one. */
export function resolveGenerator(op: string, { seed, generator }: SeedOptions): Generator {
  if (seed !== undefined && generator !== undefined) {
    throw new ValueError(op, 'got both `seed` and `generator`; pass only one (a seed makes a private generator)');
  }
  if (seed !== undefined) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ValueError(op, `seed must be a finite number, got ${String(seed)}`);
    return new Generator(seed);
  }
  return generator ?? defaultGenerator;
}

/** A random permutation of 0..n−1 drawn from `g` (Fisher–Yates, identical to `randperm`). */
export function permutation(n: number, g: Generator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleInPlace(p, g);
  return p;
}

/** Shuffle `a` in place with Fisher–Yates drawing from `g`. */
export function shuffleInPlace(a: Int32Array | number[], g: Generator): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** A label: a class index, or a class name. */
export type Label = number | string;

/** Labels given as a tensor (1-D, or [N, 1]), a typed array or a plain array, as a plain array. */
export function labelArray(op: string, labels: Tensor | ArrayLike<Label>): Label[] {
  if (labels instanceof Tensor) {
    if (labels.ndim > 2 || (labels.ndim === 2 && labels.shape[1] !== 1)) {
      throw new ValueError(op, `labels must be 1-D (one label per sample), got a tensor of shape [${labels.shape.join(',')}]; for one-hot labels use .argmax({ dim: 1 })`);
    }
    return Array.from(labels.data());
  }
  const out = Array.from(labels);
  out.forEach((v, i) => {
    if (typeof v === 'string') return;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ValueError(op, `label ${i} is ${v === null ? 'null' : String(v)}; labels must be numbers or strings (drop or fill missing labels first)`);
    }
  });
  return out;
}

/** Sample indices grouped by label, classes in first-appearance order. */
export function groupByLabel(labels: readonly Label[]): Map<Label, number[]> {
  const groups = new Map<Label, number[]>();
  labels.forEach((l, i) => {
    const g = groups.get(l);
    if (g) g.push(i);
    else groups.set(l, [i]);
  });
  return groups;
}

/** Whether `n` is an integer ≥ 1. */
export function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}
