// What the kernel generators see of the WebGPU backend: dispatch a generated kernel over views and
// raw buffers, copy between storages, and upload constant tables once.
/// <reference types="@webgpu/types" />
import type { TensorView } from '../backend.js';

/** A kernel operand: a tensor's storage or a backend-owned buffer (tables, the error flag). */
export type Operand = TensorView | GPUBuffer;

export interface Gpu {
  /**
   * Run the kernel `key` (its WGSL made by `code` on first use): binding 0 holds `params` (i32;
   * floats as bits), then `reads` (read-only) and `writes` (read-write), in that order.
   */
  dispatch(key: string, code: () => string, reads: readonly Operand[], writes: readonly Operand[], params: readonly number[], groups: readonly [number, number, number]): void;
  /** Copy `elements` 32-bit values from one storage to another (offsets in elements). */
  copy(src: TensorView, dst: TensorView, elements: number, srcOffset?: number, dstOffset?: number): void;
  /** A read-only buffer holding `data`, uploaded once per array object. */
  table(data: Int32Array): GPUBuffer;
  /** The flag buffer index kernels report an out-of-range index into (checked at the next read). */
  readonly errors: GPUBuffer;
}
