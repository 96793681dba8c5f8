// Version counters for in-place writes (PyTorch's `tensor._version`). The counter lives on the
// storage, so views (reshape, detach) share it. Every write into an existing tensor's memory bumps
// it; autograd records the versions of the tensors an op saves and checks them in backward().
import type { Storage } from '../backend/backend.js';

/** The number of in-place writes into `s` so far. */
export function versionOf(s: Storage): number {
  return s.version ?? 0;
}

/** Record one in-place write into `t`'s memory (assign, optimizer updates, weight loading). */
export function bumpVersion(t: { readonly storage: Storage }): void {
  t.storage.version = (t.storage.version ?? 0) + 1;
}
