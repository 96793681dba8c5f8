// The layout of the control block the calling thread and the workers share: one 16-int slot per
// worker (go / done sequence numbers, the kernel to run, a ready flag) and 32 float64 arguments.
// Dispatch is Atomics.store + notify on `go`; completion is the worker storing `done` = `go`.

export const SLOT_INTS = 16;
export const GO = 0;
export const DONE = 1;
export const FN = 2;
export const NARGS = 3;
export const READY = 4;
export const ARGS_PER_WORKER = 32;
/** FN value that tells a worker to exit. */
export const EXIT = -1;

/** Kernel exports a worker may be asked to run, by index. */
export const PARALLEL_FNS = ['gemmBatched', 'binaryF32', 'compareF32', 'whereF32', 'unaryF32', 'rsqrtF32', 'reduceF32', 'adamF32', 'sgdF32'] as const;
export type ParallelFn = (typeof PARALLEL_FNS)[number];

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  index: number;
}
