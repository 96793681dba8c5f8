// The control block the calling thread and the workers share. A job is a kernel export, an
// argument template and a range [0, total) cut into chunks; every participating thread claims
// chunks with a compare-and-swap on one word (job id << 16 | next chunk), so a worker that the OS
// has not scheduled yet simply takes fewer chunks instead of stalling the job. Workers are woken
// by Atomics.notify on their own `go` slot; the caller waits for the `done` count.
import { VOID_EXPORTS } from './kernel-exports.generated.js';

/** Int32 slots. */
export const CLAIM = 0;
export const DONE = 1;
export const WORKER_BASE = 16;
export const SLOT_INTS = 4;
export const GO = 0;
export const READY = 1;
/** Low 16 bits of CLAIM when no chunk may be claimed. */
export const CLOSED = 0xffff;
export const MAX_CHUNKS = 0xfff0;

/** Float64 parameter slots. */
export const P_FN = 0;
export const P_NARGS = 1;
export const P_TOTAL = 2;
export const P_CHUNK = 3;
export const P_RANGE = 4; // index in the args of the range start (the end follows it)
export const P_SCRATCH = 5; // index in the args of the thread's scratch pointer, or -1
export const P_ARGS = 8;
export const MAX_ARGS = 24;
export const P_SCRATCH_TABLE = P_ARGS + MAX_ARGS; // scratch pointer of thread t (0 = the caller)
export const MAX_THREADS = 64;
export const PARAM_COUNT = P_SCRATCH_TABLE + MAX_THREADS;
/** FN value that tells the workers to exit. */
export const EXIT = -1;

/**
 * Kernel exports a worker may be asked to run, by index: every export that returns nothing, as
 * generated from assembly/ by the build (so the caller's and the workers' lists are one list).
 */
export const PARALLEL_FNS = VOID_EXPORTS;
export type ParallelFn = (typeof PARALLEL_FNS)[number];

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  index: number;
}

/**
 * Claim and run chunks of the current job until none is left; returns how many this thread ran.
 * Shared by the caller and the workers. `thread` selects the scratch pointer (0 = the caller).
 */
export function drain(ctrl: Int32Array, params: Float64Array, fns: readonly ((...a: number[]) => void)[], thread: number, args: number[]): number {
  let ran = 0;
  for (;;) {
    const w = Atomics.load(ctrl, CLAIM);
    const next = w & 0xffff;
    if (next === CLOSED) return ran;
    // Read the job after seeing it open; the CAS below proves it did not change meanwhile.
    const chunks = Math.ceil(params[P_TOTAL]! / params[P_CHUNK]!);
    if (next >= chunks) return ran;
    const fn = params[P_FN]!;
    const n = params[P_NARGS]!;
    const total = params[P_TOTAL]!;
    const chunk = params[P_CHUNK]!;
    const range = params[P_RANGE]!;
    const scratch = params[P_SCRATCH]!;
    args.length = n;
    for (let i = 0; i < n; i++) args[i] = params[P_ARGS + i]!;
    if (scratch >= 0) args[scratch] = params[P_SCRATCH_TABLE + thread]!;
    if (Atomics.compareExchange(ctrl, CLAIM, w, w + 1) !== w) continue;
    args[range] = next * chunk;
    args[range + 1] = Math.min(total, (next + 1) * chunk);
    fns[fn]!(...args);
    ran++;
    if (Atomics.add(ctrl, DONE, 1) + 1 === chunks) Atomics.notify(ctrl, DONE);
  }
}
