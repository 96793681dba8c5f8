// The Backend interface (alloc / free / write / read / run) and the choice of the active backend.
// Backends know nothing above this file: they see storages, shapes, dtypes and primitive names.
import { AxonError, UseAfterFreeError } from '../errors.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { KernelOp, PrimAttrs } from '../ops/prims.js';
import type { DoctorKernels } from '../doctor/kernels.js';
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
  /** Optional: the training doctor's hot loops compiled (see doctor/kernels.ts); each missing one runs as the doctor's JavaScript. */
  readonly doctor?: DoctorKernels;
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
