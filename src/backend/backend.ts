// The Backend interface (alloc / free / write / read / run) and the choice of the active backend.
// Backends know nothing above this file: they see storages, shapes, dtypes and primitive names.
import { AxonError, UseAfterFreeError } from '../errors.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { KernelOp, PrimAttrs } from '../ops/prims.js';
import type { BoostRequest, Forest } from '../doctor/gbt.js';
import type { LeakNearestRequest } from '../doctor/leakage.js';
import { TsBackend } from './ts/ts-backend.js';
import { WasmBackend, type AdamArgs, type SgdArgs } from './wasm/wasm-backend.js';

/**
 * A block of memory owned by a backend. Tensors point at storages (several tensors may share one,
 * e.g. after `reshape`). `generation` grows when the storage is released, so a stale handle fails
 * loudly instead of reading recycled memory.
 */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  readonly size: number;
  /** Backend-private handle: a typed array on `ts`, an offset into linear memory on `wasm`. */
  handle: unknown;
  released: boolean;
}

/** What a kernel sees of a tensor: its storage, shape and dtype (always contiguous, row-major). */
export interface TensorView {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface Backend {
  readonly name: string;
  /** A zero-filled storage of `size` elements. */
  alloc(dtype: DType, size: number): Storage;
  /** Copy `data` into the storage (length must equal its size). */
  write(storage: Storage, data: ArrayLike<number>): void;
  /** A copy of the storage's contents as a typed array of its dtype. */
  read(storage: Storage): TypedArray;
  /**
   * Optional: the storage's values without a copy, where the backend can lend them safely (memory
   * that never moves: the reference backend's arrays, shared wasm memory), else null (use read).
   * Read-only, and valid only while the storage lives and nothing writes it: for host-side scans of
   * large tensors (the doctor's data checks), not for keeping.
   */
  peek?(storage: Storage): TypedArray | null;
  /** Give the memory back; later use of the storage throws UseAfterFreeError. */
  free(storage: Storage): void;
  /** Run primitive `op` on `inputs`, writing into the already-allocated `out`. */
  run<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void;
  /** Bytes and storages currently held. */
  memory(): { bytes: number; storages: number };
  /**
   * Optional fused optimizer steps, in place on the given tensors. They return false when they do
   * not apply (e.g. a dtype without a kernel); optimizers then compose primitives as usual.
   */
  adamUpdate?(param: TensorView, grad: TensorView, m: TensorView, v: TensorView, args: AdamArgs): boolean;
  sgdUpdate?(param: TensorView, grad: TensorView, buf: TensorView | null, args: SgdArgs): boolean;
  /**
   * Optional fused forward of scaled dot-product attention (no weights, no gradient): q (B, L, E),
   * k (B, S, E), v (B, S, Ev) → out (B, L, Ev), all contiguous. False when it does not apply (a
   * dtype or mask layout without a kernel); scaledDotProductAttention then runs its composite.
   */
  attention?(q: TensorView, k: TensorView, v: TensorView, out: TensorView, args: AttentionArgs): boolean;
  /**
   * Optional: the training doctor's near-duplicate search compiled ahead (the JavaScript version,
   * doctor/duplicates.ts, runs interpreted in a program's first fit). The same answers as that
   * version; null when it does not apply (another dtype or backend), and the doctor runs its own.
   */
  nearRows?(req: NearRowsRequest): Uint8Array | null;
  /**
   * Optional, with nearRows: the rows of x (n × d, float32) projected on k directions r (w × k)
   * over the column window a … a + w − 1 (Σ in float32, columns ascending), read in place, and
   * each row's 30-bit key of its projections' bit patterns (doctor/duplicates.ts, projectionKey).
   * Null for other dtypes.
   */
  projectRows?(x: Storage, n: number, d: number, a: number, w: number, r: Float32Array, k: number): { p: Float32Array; keys: Int32Array } | null;
  /**
   * Optional: the training doctor's baselines compiled ahead (their JavaScript, doctor/gbt.ts and
   * doctor/logistic.ts, runs interpreted in a program's first fit): the gradient-boosted trees'
   * loop (the same trees as `boost`) and scoring (as `forestScores`), and the mean softmax
   * cross-entropy of X·W with its gradient (hostObjective's, without the L2 penalty). Host arrays
   * in and out.
   */
  boostTrees?(req: BoostRequest): Forest;
  /** Optional: the doctor's single-feature nearest-neighbour leak counts (doctor/leakage.ts, LeakNearestRequest), compiled: the same counts. */
  leakNearest?(req: LeakNearestRequest): Int32Array;
  /**
   * Optional: the doctor's column statistics of a float32 matrix (doctor/column-stats.ts) in one
   * compiled pass: per column the min and max over every row (a NaN wins), and the float64 sums
   * and sums of squares over every row (rows ≥ n) or over the spread 8-row blocks of a sample of
   * `rows` rows, summed in the JavaScript's order (the same numbers). Null for other dtypes.
   */
  columnStats?(x: Storage, n: number, d: number, rows: number): { lo: Float32Array; hi: Float32Array; sum: Float64Array; sq: Float64Array } | null;
  forestScores?(forest: Forest, X: Uint8Array, m: number, d: number): Float64Array;
  softmaxRegression?(X: Float32Array, labels: Int32Array, n: number, D: number, K: number, W: Float64Array): { f: number; g: Float64Array };
}

/**
 * Arguments of Backend.nearRows (see doctor/duplicates.ts, nearCount): per row of `other`, whether
 * a training row sharing one of its hash buckets lies within √limit (standardized distance).
 */
export interface NearRowsRequest {
  /** Training rows (n × d) and the rows checked against them (m × d), row-major from the storages' start. */
  train: Storage;
  other: Storage;
  n: number;
  m: number;
  d: number;
  /** Projections of the rows (n × k and m × k), k = tables · bits. */
  pTrain: Float32Array;
  pOther: Float32Array;
  tables: number;
  bits: number;
  /** 1 / bucket width, and each projection's grid offset (k). */
  invWidth: number;
  offsets: Float64Array;
  /** Columns measured, in this order, and every column's inverse scale (d). */
  order: Int32Array;
  inv: Float64Array;
  /** Squared distance at or below which a pair is near. */
  limit: number;
  /** Candidates measured per row at most. */
  maxChecks: number;
  /** Rows of `other` not to check (1: already an exact duplicate). */
  skip: Uint8Array;
}

/** Arguments of Backend.attention. */
export interface AttentionArgs {
  /** Multiplies q·kᵀ. */
  scale: number;
  /** Query i sees keys j ≤ i (top-left aligned). */
  causal: boolean;
  /** (L, S) or (B, L, S): bool (true = attend) or a float added to the scores; null for none. */
  mask: TensorView | null;
}
export type { AdamArgs, SgdArgs };

const registry = new Map<string, () => Backend>([
  ['ts', () => new TsBackend()],
  ['wasm', () => new WasmBackend()],
]);
const instances = new Map<string, Backend>();
let active: Backend | null = null;
/** null: `wasm` where it loads (Node with the built kernels), else `ts`. */
let defaultName: string | null = null;

function defaultBackend(): Backend {
  if (defaultName !== null) return getBackend(defaultName);
  try {
    return getBackend('wasm');
  } catch {
    return getBackend('ts');
  }
}

/** Make a backend available under `name` (constructed lazily on first use). */
export function registerBackend(name: string, factory: () => Backend, { makeDefault = false } = {}): void {
  registry.set(name, factory);
  if (makeDefault) defaultName = name;
}

export function getBackend(name?: string): Backend {
  if (name === undefined) {
    if (active === null) active = defaultBackend();
    return active;
  }
  let b = instances.get(name);
  if (b === undefined) {
    const f = registry.get(name);
    if (f === undefined) {
      throw new AxonError('setBackend', `unknown backend '${name}'; available: ${[...registry.keys()].join(', ')}`);
    }
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** Switch the backend new tensors are created on. Tensors already made stay where they are. */
export function setBackend(name: string): Backend {
  active = getBackend(name);
  return active;
}

export function listBackends(): string[] {
  return [...registry.keys()];
}

export function assertLive(op: string, s: Storage): void {
  if (s.released) {
    throw new UseAfterFreeError(op, `a tensor's memory was already released (dispose() or the end of the training step that created it); keep a result with .clone() or compute it again`);
  }
}
