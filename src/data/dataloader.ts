// DataLoader: batches of a Dataset in sequential, seeded-shuffled or sampler order, like
// torch.utils.data.DataLoader. Also the samplers for oversampling (WeightedRandomSampler).
import { ValueError } from '../errors.js';
import { indexSelect } from '../ops/indexing.js';
import { fromArray } from '../tensor/creation.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { defaultCollate, type Collated } from './collate.js';
import { checkIndex, tensorBase, type Dataset, type TensorDataset } from './dataset.js';
import { groupByLabel, isPositiveInt, labelArray, permutation, resolveGenerator, type Label, type SeedOptions } from './random-order.js';

/** A source of sample indices for one epoch; iterating it again starts a new epoch. */
export interface Sampler extends Iterable<number> {
  /** Number of indices one epoch yields. */
  readonly length: number;
}

export interface DataLoaderOptions<T, B> extends SeedOptions {
  /** Samples per batch. Default 1. */
  batchSize?: number;
  /** Reshuffle the samples at the start of every epoch. Default false. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Turn a list of samples into a batch. Default: `defaultCollate` (stacks rows). */
  collate?: (samples: T[]) => B;
  /** Where indices come from instead of 0..N−1 (e.g. WeightedRandomSampler). Not with `shuffle`. */
  sampler?: Sampler;
}

/**
 * Iterates over a dataset in batches, like `torch.utils.data.DataLoader`.
 *
 * With `shuffle`, each epoch (each `for … of`) draws a fresh permutation from the loader's
 * generator: `new Generator(seed)` when `seed` is given, else `generator`, else the default
 * generator (seed it with `manualSeed`). Two loaders with the same seed therefore produce the same
 * sequence of epoch orders. A TensorDataset (or a Subset of one) is batched with one `indexSelect`
 * per tensor (no per-row copies); other datasets go through `collate` sample by sample.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... }   // xb (64, 784), yb (64,); loader.length batches
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly sampler: Sampler | null;
  /** The generator that shuffling draws from. */
  readonly generator: Generator;
  private readonly collate: ((samples: T[]) => B) | null;
  /** The epoch being iterated (the latest iterator), until it is exhausted. */
  private current: { start: number[] | null; done: number } | null = null;
  /** A mid-epoch state from loadStateDict, for the next iteration. */
  private pending: { epochStart: number[]; generator: number[]; batchesDone: number } | null = null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, sampler, collate } = options;
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function' || typeof dataset.length !== 'number') {
      throw new ValueError('DataLoader', 'the first argument must be a Dataset (an object with `length` and `get(i)`), e.g. new TensorDataset(x, y)');
    }
    if (!isPositiveInt(batchSize)) throw new ValueError('DataLoader', `batchSize must be a positive integer, got ${String(batchSize)}`);
    if (sampler !== undefined && shuffle) {
      throw new ValueError('DataLoader', 'shuffle and sampler can not be used together: the sampler decides the order; drop `shuffle: true`');
    }
    const n = sampler ? sampler.length : dataset.length;
    if (dataset.length === 0) throw new ValueError('DataLoader', 'the dataset is empty (length 0); check the data source or the split that produced it');
    if (n === 0) throw new ValueError('DataLoader', 'the sampler yields no indices (length 0); give it numSamples ≥ 1');
    if (dropLast && batchSize > n) {
      throw new ValueError('DataLoader', `batchSize ${batchSize} is larger than the ${n} samples and dropLast is true, so no batch would be produced; lower batchSize to at most ${n} or set dropLast: false`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.sampler = sampler ?? null;
    this.generator = resolveGenerator('DataLoader', options);
    this.collate = collate ?? null;
  }

  /** Number of samples one epoch visits. */
  get numSamples(): number {
    return this.sampler ? this.sampler.length : this.dataset.length;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.numSamples;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * One epoch of batches. The epoch's order is fixed (drawn) when iteration starts. After
   * `loadStateDict` of a mid-epoch state, the next iteration redraws that epoch's order and
   * starts after the batches already done.
   */
  [Symbol.iterator](): Iterator<B> {
    const g = this.orderGenerator();
    const pending = this.pending;
    this.pending = null;
    if (pending && g) g.setState(pending.epochStart);
    const start = g ? g.getState() : null;
    const order = this.epochOrder();
    if (pending && g) g.setState(pending.generator); // a shared generator moved on after the draw
    const nBatches = this.dropLast ? Math.floor(order.length / this.batchSize) : Math.ceil(order.length / this.batchSize);
    const fast = this.collate === null ? tensorBase(this.dataset as Dataset<unknown>) : null;
    const epoch = { start, done: Math.min(pending?.batchesDone ?? 0, nBatches) };
    this.current = epoch;
    return {
      next: (): IteratorResult<B> => {
        if (epoch.done >= nBatches) {
          if (this.current === epoch) this.current = null; // the epoch is over
          return { done: true, value: undefined };
        }
        const b = epoch.done++;
        const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
        return { done: false, value: fast ? (fastBatch(fast.base, fast.rows, idx) as B) : this.slowBatch(idx) };
      },
    };
  }

  /**
   * Where the loader stands, for a training checkpoint (like torchdata's StatefulDataLoader): the
   * state of the generator its order is drawn from, and for an epoch in progress that generator's
   * state before the epoch's draw and the batches already yielded. JSON-able.
   */
  stateDict(): DataLoaderState {
    const g = this.orderGenerator();
    const cur = this.current;
    return {
      generator: g ? g.getState() : null,
      epochStart: cur ? cur.start : null,
      batchesDone: cur ? cur.done : 0,
    };
  }

  /** Restore `stateDict()`: the next iteration continues the saved epoch after its done batches. */
  loadStateDict(sd: DataLoaderState): void {
    const g = this.orderGenerator();
    if (!Number.isInteger(sd.batchesDone) || sd.batchesDone < 0) throw new ValueError('DataLoader.loadStateDict', `batchesDone must be an integer ≥ 0, got ${String(sd.batchesDone)}`);
    if ((sd.generator === null) !== (g === null)) {
      throw new ValueError('DataLoader.loadStateDict', `the state was saved from a loader ${sd.generator === null ? 'without' : 'with'} a random order but this one ${g === null ? 'has none' : 'shuffles'}; build the loader as it was`);
    }
    if (g && sd.generator) g.setState(sd.generator);
    this.current = null;
    if (g && sd.batchesDone > 0 && sd.epochStart === null) throw new ValueError('DataLoader.loadStateDict', 'a state with batches done needs epochStart (the generator state before that epoch was drawn)');
    this.pending = sd.batchesDone > 0 ? { epochStart: sd.epochStart ?? [], generator: sd.generator ?? [], batchesDone: sd.batchesDone } : null;
  }

  /** The generator each epoch's order is drawn from (the sampler's, when it has one), or null. */
  private orderGenerator(): Generator | null {
    if (this.sampler) return (this.sampler as { generator?: Generator }).generator ?? null;
    return this.shuffle ? this.generator : null;
  }

  /** The sample indices of the next epoch, in order (draws from the generator when shuffling). */
  private epochOrder(): Int32Array {
    const len = this.dataset.length;
    if (this.sampler) {
      const out = Int32Array.from(this.sampler);
      out.forEach((i) => checkIndex('DataLoader (sampler)', i, len));
      return out;
    }
    if (this.shuffle) return permutation(len, this.generator);
    return Int32Array.from({ length: len }, (_, i) => i);
  }

  private slowBatch(idx: Int32Array): B {
    const samples = Array.from(idx, (i) => this.dataset.get(i));
    return this.collate ? this.collate(samples) : (defaultCollate(samples) as B);
  }
}

/** What `DataLoader.stateDict()` returns. */
export interface DataLoaderState {
  /** The order generator's state now (null for a loader without a random order). */
  generator: number[] | null;
  /** Its state before the current epoch's order was drawn (null between epochs). */
  epochStart: number[] | null;
  /** Batches of the current epoch already yielded (0 between epochs). */
  batchesDone: number;
}

/** One batch of a TensorDataset: `indexSelect` of every tensor with an int32 index tensor. */
function fastBatch(base: TensorDataset, rows: readonly number[] | null, idx: Int32Array): Tensor[] {
  const picked = rows === null ? idx : idx.map((i) => rows[i]!);
  const index = fromArray(picked, [picked.length], 'int32', base.tensors[0]!.storage.backend);
  return base.tensors.map((t) => indexSelect(t, 0, index)); // each (B, ...)
}

export interface WeightedRandomSamplerOptions extends SeedOptions {
  /** Draw with replacement (an index may repeat within an epoch). Default true. */
  replacement?: boolean;
}

/**
 * Draws `numSamples` indices per epoch, index i with probability ∝ `weights[i]`, like
 * `torch.utils.data.WeightedRandomSampler`. With `classBalancedWeights(labels)` every class is
 * drawn equally often on average: oversampling of rare classes. Without replacement, a draw of
 * `numSamples` distinct indices follows the same successive-sampling law as `torch.multinomial`.
 *
 * @example
 * const sampler = new WeightedRandomSampler(classBalancedWeights(y), y.shape[0], { seed: 0 });
 * const loader = new DataLoader(ds, { batchSize: 32, sampler });
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Float64Array;
  readonly length: number;
  readonly replacement: boolean;
  readonly generator: Generator;
  private readonly cumulative: Float64Array;

  constructor(weights: Tensor | ArrayLike<number>, numSamples: number, options: WeightedRandomSamplerOptions = {}) {
    const { replacement = true } = options;
    const w = Float64Array.from(weights instanceof Tensor ? weights.data() : weights);
    if (weights instanceof Tensor && weights.ndim !== 1) {
      throw new ValueError('WeightedRandomSampler', `weights must be 1-D (one per sample), got shape [${weights.shape.join(',')}]`);
    }
    if (w.length === 0) throw new ValueError('WeightedRandomSampler', 'weights is empty; give one weight per sample');
    w.forEach((v, i) => {
      if (!(v >= 0) || !Number.isFinite(v)) throw new ValueError('WeightedRandomSampler', `weight ${i} is ${v}; weights must be finite and ≥ 0`);
    });
    if (!isPositiveInt(numSamples)) throw new ValueError('WeightedRandomSampler', `numSamples must be a positive integer, got ${String(numSamples)}`);
    const positive = w.reduce((c, v) => c + (v > 0 ? 1 : 0), 0);
    if (positive === 0) throw new ValueError('WeightedRandomSampler', 'all weights are 0; at least one sample needs a positive weight');
    if (!replacement && numSamples > positive) {
      throw new ValueError('WeightedRandomSampler', `numSamples ${numSamples} exceeds the ${positive} samples with positive weight, which is impossible without replacement; lower numSamples or set replacement: true`);
    }
    this.weights = w;
    this.length = numSamples;
    this.replacement = replacement;
    this.generator = resolveGenerator('WeightedRandomSampler', options);
    this.cumulative = new Float64Array(w.length);
    let acc = 0;
    w.forEach((v, i) => { acc += v; this.cumulative[i] = acc; });
  }

  [Symbol.iterator](): Iterator<number> {
    const drawn = this.replacement ? this.withReplacement() : this.withoutReplacement();
    return drawn[Symbol.iterator]();
  }

  private withReplacement(): Int32Array {
    const c = this.cumulative;
    const total = c[c.length - 1]!;
    const out = new Int32Array(this.length);
    for (let k = 0; k < out.length; k++) {
      const u = this.generator.uniform() * total;
      // First i with c[i] > u: never a zero-weight index, since those do not raise c.
      let lo = 0;
      let hi = c.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      out[k] = lo;
    }
    return out;
  }

  private withoutReplacement(): Int32Array {
    // Efraimidis–Spirakis: the k largest keys u^(1/w) are a weighted draw without replacement.
    // Keys are compared as log(u)/w to keep precision for large weights.
    const keys: { i: number; key: number }[] = [];
    this.weights.forEach((w, i) => {
      const u = this.generator.uniform();
      if (w > 0) keys.push({ i, key: Math.log(u === 0 ? Number.MIN_VALUE : u) / w });
    });
    keys.sort((a, b) => b.key - a.key || a.i - b.i);
    return Int32Array.from(keys.slice(0, this.length), (k) => k.i);
  }
}

/**
 * Per-sample weights 1 / (number of samples of that sample's class), for a WeightedRandomSampler
 * that draws every class equally often. Labels: a 1-D tensor or an array of numbers or strings.
 *
 * @example
 * classBalancedWeights([0, 0, 0, 1]); // [1/3, 1/3, 1/3, 1]
 */
export function classBalancedWeights(labels: Tensor | ArrayLike<Label>): number[] {
  const l = labelArray('classBalancedWeights', labels);
  if (l.length === 0) throw new ValueError('classBalancedWeights', 'labels is empty');
  const groups = groupByLabel(l);
  return l.map((v) => 1 / groups.get(v)!.length);
}
