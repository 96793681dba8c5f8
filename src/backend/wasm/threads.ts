// The thread-count setting of the wasm backend. Kept apart from the pool so it can be set before
// the backend exists (e.g. `setNumThreads(2)` before the first tensor is made).
import { ValueError } from '../../errors.js';
import { platform } from '../../platform/current.js';

let requested: number | null = null;
let cores: number | null = null;
const listeners = new Set<(n: number) => void>();

/** Threads kernels may use, the calling thread included (default: the cores available). */
export function getNumThreads(): number {
  return requested ?? (cores ??= Math.max(1, platform.cores()));
}

/** Set the number of threads the wasm backend's kernels use (1 = no worker threads). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new ValueError('setNumThreads', `expected an integer thread count between 1 and 256, got ${n}`);
  }
  requested = n;
  for (const f of listeners) f(n);
}

/** Called by the pool to follow later changes. */
export function onNumThreads(f: (n: number) => void): void {
  listeners.add(f);
}
