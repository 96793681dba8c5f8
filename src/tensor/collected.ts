// Storages the garbage collector has proved unreachable, given back synchronously. The backends'
// FinalizationRegistry returns memory only when the event loop runs, so a long synchronous loop
// (a hand-written training loop evaluating under noGrad, predict() or generate() each step) would
// fill the wasm heap before any callback ran. Here every storage that no scope owns is watched
// through a WeakRef, and once the number watched has doubled, a sweep gives back the memory of
// those the collector has already cleared — only storages nothing can reach any more.
// A WeakRef read during a synchronous run keeps its target alive until that run ends (the
// "kept objects" of the spec), which would pin every live storage a sweep looks at; so each sweep
// ends with the host's checkpoint (Node: a private vm context's microtasks), which clears that list (Node only;
// elsewhere storages are left to the FinalizationRegistry, as before). The one visible effect:
// code that reads the same WeakRef of its own twice in one synchronous run may see its target
// collected in between if it dropped every other reference to it. When a sweep finds most storages
// still there, it runs a full collection itself, at most 10% of the time unless 2,048 storages
// are waiting (see sweepCollected).
import type { Storage } from '../backend/backend.js';
import { platform } from '../platform/current.js';

const node = platform.gcHooks;

interface Watched { readonly ref: WeakRef<Storage>; readonly giveBack: () => void }
let watched: Watched[] = [];
const MIN_SWEEP = 256;
let nextSweep = MIN_SWEEP;
// A forced collection is allowed when the time since the last one is ≥ 10× what one takes (≤ 10%).
// What one takes: the shortest of the last four, so that a collection stretched by the process
// being descheduled (a busy machine) does not hold off the next ones for seconds.
const GC_BUDGET = 10;
// …except past this many watched storages, where it runs whatever the time says: on a busy machine
// a collection stretched by descheduling would otherwise hold the next ones off while a fast loop
// (batch-1 predict(), ~20 µs a call) piles up thousands of dead storages.
const HARD_CAP = 2048;
const gcTimes: number[] = [];
let gcEnded = -Infinity;

/** Watch `s` (a storage no scope owns): its memory is given back soon after the collector takes it. */
export function watchStorage(s: Storage): void {
  if (node === null || s.backend.collector === undefined) return;
  watched.push({ ref: new WeakRef(s), giveBack: s.backend.collector(s) });
  if (watched.length >= nextSweep) sweepCollected();
}

function pass(): number {
  const live: Watched[] = [];
  let n = 0;
  for (const w of watched) {
    const s = w.ref.deref();
    if (s === undefined) { w.giveBack(); n++; } else if (!s.released) live.push(w);
  }
  watched = live;
  node!.checkpoint(); // un-pin the storages this pass just read
  return n;
}

/**
 * Give back the memory of every watched storage the collector took; returns how many. When most
 * are still there, runs the collector itself (within its time budget) and looks again, so a
 * synchronous loop's memory stays flat instead of waiting for the engine's next full collection.
 */
export function sweepCollected(): number {
  if (node === null) return 0;
  const before = watched.length;
  let n = pass();
  const now = performance.now();
  const typical = gcTimes.length > 0 ? Math.min(...gcTimes) : 0;
  let next = Math.max(MIN_SWEEP, 2 * watched.length);
  if (n < before / 2) {
    const gc = node.gc();
    if (gc !== null && (now - gcEnded >= GC_BUDGET * typical || watched.length >= HARD_CAP)) {
      gc();
      gcEnded = performance.now();
      gcTimes.push(gcEnded - now);
      if (gcTimes.length > 4) gcTimes.shift();
      n += pass();
      next = Math.max(MIN_SWEEP, 2 * watched.length);
    } else if (gc !== null) {
      next = watched.length + MIN_SWEEP; // not yet within the budget: look again soon
    }
  }
  nextSweep = next;
  return n;
}
