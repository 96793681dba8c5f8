// The contract between the wasm backend and its fast paths: what a path needs from the backend
// (pointers, the parallel runner, scratch and metadata memory), the path type, and the thresholds
// below which a job stays on the calling thread.
import type { TensorView } from '../backend.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import type { KERNEL_PARAMS, KernelExports } from './kernel-exports.generated.js';
import type { ParallelFn } from './protocol.js';

/** The parameter names of kernel F (from its AssemblyScript signature). */
export type KernelParam<F extends ParallelFn> = (typeof KERNEL_PARAMS)[F][number];

/**
 * A parallel job over [0, total): chunks aligned to `align` units of at least `minPart` units.
 * `range` names the two adjacent parameters of F that receive a chunk's start and end.
 */
export interface ParallelJob<F extends ParallelFn, R extends readonly [KernelParam<F>, KernelParam<F>]> {
  total: number;
  align: number;
  minPart: number;
  range: R;
}

/** F's arguments by name, less the range pair and `scratch` (the running thread's scratch memory, filled in). */
export type JobArgs<F extends ParallelFn, R extends readonly [KernelParam<F>, KernelParam<F>]> = {
  readonly [P in Exclude<KernelParam<F>, R[number] | 'scratch'>]: number;
};

/** What the fast paths need from the backend. */
export interface Engine {
  readonly ex: KernelExports;
  /** Byte offset of a tensor's storage in linear memory. */
  ptr(v: TensorView): number;
  /**
   * Run kernel `fn` over a job's range in chunks across threads (one call on the caller when the
   * job is small), with `args` by parameter name; a parameter named `scratch` gets the running
   * thread's scratch memory.
   */
  parallel<F extends ParallelFn, const R extends readonly [KernelParam<F>, KernelParam<F>]>(fn: F, job: ParallelJob<F, R>, args: JobArgs<F, R>): void;
  /** A cached copy in linear memory of an array that never changes (e.g. an im2col gather map). */
  constant(data: Int32Array): number;
  /** Threads the next parallel job may use (the caller included). */
  threads(): number;
  /**
   * A buffer of at least `bytes` bytes that the next jobs' threads share (e.g. an operand packed
   * once for every part of a product); valid until the next call of `shared`.
   */
  shared(bytes: number): number;
  /** Bytes of scratch each thread has. */
  readonly scratchBytes: number;
  /** Write i32 values into the per-call metadata block (read by the kernel of the next job). */
  meta(values: readonly number[]): number;
  /**
   * A scratch buffer of at least `bytes` bytes, apart from `shared`'s, for a path that runs other
   * jobs between writing and reading it (a recurrent step's product); `release` gives it back.
   */
  temp(bytes: number): { readonly ptr: number; release(): void };
  /** memmove within linear memory. */
  copyBytes(dst: number, src: number, bytes: number): void;
}

/** A wasm implementation of one primitive; false when it does not apply (the reference runs). */
export type FastPath<K extends KernelOp> = (e: Engine, ins: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]) => boolean;

/** Fast paths by primitive name: `satisfies FastPaths` on a family's table rejects a misspelt op. */
export type FastPaths = { readonly [K in KernelOp]?: FastPath<K> };

/** Below this many elements an elementwise op is not worth waking a thread. */
export const ELEMS_PER_PART = 32768;
/** Transcendentals cost ~20 flops per element: worth a thread sooner. */
export const TRANS_PER_PART = 8192;
/** GEMM work per thread below which the product stays on the caller. */
export const FLOPS_PER_PART = 1 << 20;

export const f32 = (...vs: TensorView[]): boolean => vs.every((v) => v.dtype === 'float32');
