// The Backend interface: buffers (alloc / free / write / read), the primitive kernels (run), and one
// typed seam of optional fused kernels. Backends know nothing above this file: they see storages,
// shapes, dtypes and primitive names (prims.ts). Choosing the active backend is registry.ts's job.
import { UseAfterFreeError } from '../errors.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { KernelOp, PrimAttrs } from './prims.js';

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
  /** In-place writes so far (PyTorch's `_version`): autograd checks that saved tensors kept theirs. */
  version?: number;
  /**
   * Set by tensor/lifetime.ts when the first tensor over this storage is made (its owner is fixed
   * then). A field rather than a WeakSet: a WeakSet insert per op cost ~1 µs of batch-1 latency.
   */
  tracked?: boolean;
}

/** What a kernel sees of a tensor: its storage, shape and dtype (always contiguous, row-major). */
export interface TensorView {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface Backend {
  readonly name: string;
  /**
   * A zero-filled storage of `size` elements. `scoped`: the caller hands it at once to an open
   * library scope (tensor/lifetime.ts), which either frees it or calls `watch` when it leaves the
   * scopes; until then the scope holds it, so a backend may skip registering it with the garbage
   * collector (a FinalizationRegistry register + unregister per op is ~1 µs of batch-1 latency).
   */
  alloc(dtype: DType, size: number, scoped?: boolean): Storage;
  /**
   * Let the garbage collector reclaim a storage allocated with `scoped` once it is unreachable
   * (called when it leaves the last scope without being freed). Does nothing for a storage that
   * is released or already watched. Absent: alloc never defers.
   */
  watch?(storage: Storage): void;
  /** Copy `data` into the storage (length must equal its size). */
  write(storage: Storage, data: ArrayLike<number>): void;
  /**
   * A copy of the storage's contents as a typed array of its dtype. Backends with `syncRead: false`
   * (WebGPU) throw SyncReadError here; their contents come back through readAsync.
   */
  read(storage: Storage): TypedArray;
  /** false when read() cannot work (GPU memory): callers use readAsync. Absent means true. */
  readonly syncRead?: boolean;
  /** The contents read back asynchronously (all pending kernels finish first). Absent: read(). */
  readAsync?(storage: Storage): Promise<TypedArray>;
  /** Give the memory back; later use of the storage throws UseAfterFreeError. */
  free(storage: Storage): void;
  /** Run primitive `op` on `inputs`, writing into the already-allocated `out`. */
  run<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void;
  /** Bytes and storages currently held. */
  memory(): { bytes: number; storages: number };
  /**
   * A function that gives back `storage`'s memory without referring to the storage object, for
   * when the garbage collector has taken it (tensor/collected.ts). Calling it after free(), after
   * the FinalizationRegistry did, or twice, does nothing.
   */
  collector?(storage: Storage): () => void;
  /** The fused kernels this backend has (see FusedOps); each one missing is composed of primitives. */
  readonly fused?: FusedKernels;
  /** Release what the backend holds outside the JS heap (threads, a GPU device); see closeBackend. */
  close?(): void;
}

/**
 * The fused kernels a backend may offer, by name: the tensors each one reads and writes and its
 * arguments. A fused kernel computes what a composite of primitives computes (tested equal to it),
 * in fewer passes. It returns false when it does not apply (a dtype or layout without a kernel);
 * the caller then runs the composite. Adding one: an entry here, its kernel in a backend's
 * `fused`, its caller through runFused, and a test against the composite.
 */
export interface FusedOps {
  /**
   * One Adam/AdamW step in place on param, m and v (all the same size): the update rule of
   * optim/adam.ts without amsgrad.
   */
  adam: { views: { param: TensorView; grad: TensorView; m: TensorView; v: TensorView }; args: AdamArgs };
  /**
   * Scaled dot-product attention forward (no weights, no gradient): q (B, L, E), k (B, S, E),
   * v (B, S, Ev) → out (B, L, Ev), all contiguous. mask: (L, S) or (B, L, S), bool (true =
   * attend) or a float added to the scores; null for none.
   */
  attention: { views: { q: TensorView; k: TensorView; v: TensorView; out: TensorView; mask: TensorView | null }; args: AttentionArgs };
  /**
   * Linear layer forward (no gradient): out = x·weightᵀ + bias, then max(0, ·) when `relu`, with
   * x (N, in), weight (out, in), bias (out) or null, out (N, out), all contiguous: what ops/linalg.ts's
   * composite computes (a transB GEMM, a broadcast add, relu) with the same kernels, so the same bits,
   * in one call instead of three ops (batch-1 inference is dominated by per-op overhead).
   */
  linear: { views: { x: TensorView; weight: TensorView; bias: TensorView | null; out: TensorView }; args: LinearArgs };
}
export type FusedOp = keyof FusedOps;
/** A backend's kernel for fused op K: true when it ran, false when it does not apply. */
export type FusedKernel<K extends FusedOp> = (views: FusedOps[K]['views'], args: FusedOps[K]['args']) => boolean;
export type FusedKernels = { readonly [K in FusedOp]?: FusedKernel<K> };

/** Run fused op `op` on `backend` if it has a kernel that applies; false means "compose it". */
export function runFused<K extends FusedOp>(backend: Backend, op: K, views: FusedOps[K]['views'], args: FusedOps[K]['args']): boolean {
  const kernel: FusedKernel<K> | undefined = backend.fused?.[op];
  return kernel !== undefined && kernel(views, args);
}

/** Hyper-parameters of one fused Adam/AdamW step. */
export interface AdamArgs {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  /** AdamW: decay the weights directly instead of adding wd·p to the gradient. */
  decoupled: boolean;
  /** 1-based step number (for the bias corrections). */
  step: number;
}

/** Arguments of the fused linear forward. */
export interface LinearArgs {
  /** Apply ReLU to the result (a Linear followed by a ReLU). */
  relu: boolean;
}

/** Arguments of the fused attention. */
export interface AttentionArgs {
  /** Multiplies q·kᵀ. */
  scale: number;
  /** Query i sees keys j ≤ i (top-left aligned). */
  causal: boolean;
}

/** A storage's contents, asynchronously: readAsync where the backend has it, else read(). */
export function readStorageAsync(storage: Storage): Promise<TypedArray> {
  const b = storage.backend;
  return b.readAsync !== undefined ? b.readAsync(storage) : Promise.resolve(b.read(storage));
}

export function assertLive(op: string, s: Storage): void {
  if (s.released) {
    throw new UseAfterFreeError(op, `a tensor's memory was already released (dispose() or the end of the training step that created it); keep a result with .clone() or compute it again`);
  }
}
