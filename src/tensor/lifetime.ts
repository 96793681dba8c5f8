// Who frees tensor memory, so users never call dispose: the library runs each training step,
// evaluation batch and optimizer update inside `scope`, which releases every tensor made inside
// that is neither returned nor kept. Parameters, optimizer state and gradients are `keep`-ed.
// Storages shared by several tensors (reshape, detach) are released only when none escapes.
import type { Storage } from '../backend/backend.js';
import type { Tensor } from './tensor.js';
import { watchStorage } from './collected.js';

interface Scope { storages: Storage[] }
const stack: Scope[] = [];
const kept = new WeakSet<Storage>();

/**
 * Called by the Tensor constructor. A storage belongs to the scope where its first tensor was
 * made (its allocation); later views of it (reshape, detach) belong to that owner, not to their scope.
 */
export function trackTensor(t: Tensor): void {
  const st = t.storage;
  if (st.tracked === true) return;
  st.tracked = true;
  const s = stack[stack.length - 1];
  if (s !== undefined) s.storages.push(st);
  else { bornIn.set(st, generation); watchStorage(st); }
}

/**
 * Whether a storage allocated now will be owned by an open scope as soon as its tensor is made
 * (trackTensor): then the backend may skip the garbage collector's registration (Backend.alloc's
 * `scoped`), and the scope calls `leftScopes` for it if it outlives them.
 */
export function allocScoped(): boolean {
  return stack.length > 0;
}

/** A storage no scope holds any more and that was not freed: from now on the garbage collector decides. */
function leftScopes(st: Storage): void {
  if (!st.released) st.backend.watch?.(st);
}

// ---- training loops written without scope() ----
// A root-level backward() closes an iteration. The tensors of its graph that were made during
// that iteration (activations, batch slices, the loss) are released when the NEXT root-level
// backward() starts — by then the loop has moved on — unless that graph uses them again (a
// carried RNN state) or they are kept. Tensors made before the previous backward (the data,
// preprocessed inputs) and tensors outside the graph are never touched here.
let generation = 0;
const bornIn = new WeakMap<Storage, number>();
let pending = new Set<Storage>();

/**
 * Whether `t` could be released with a later iteration's graph: made outside any scope since the
 * last root-level backward(), or part of the last graph and waiting to be released.
 */
export function releasable(t: Tensor): boolean {
  return bornIn.get(t.storage) === generation || pending.has(t.storage);
}

/**
 * Called by a backward() outside any scope, with the storages of every tensor in its graph.
 * Releases the previous iteration's graph tensors that this graph does not use.
 */
export function closeIteration(graph: ReadonlySet<Storage>): void {
  const carry = new Set<Storage>();
  for (const st of pending) {
    if (graph.has(st)) carry.add(st);
    else if (!kept.has(st) && !st.released) st.backend.free(st);
  }
  pending = carry;
  // The first iteration shares generation 0 with everything made before the loop (the data), so
  // its graph is left to the garbage collector rather than risk releasing the data.
  if (generation > 0) for (const st of graph) if (bornIn.get(st) === generation && !kept.has(st)) pending.add(st);
  generation++;
}

/** Mark `t`'s memory as persistent: no scope will release it (parameters, optimizer state, caches). */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t.storage);
  return t;
}

/** Whether `t` was marked with `keep`. */
export function isKept(t: Tensor): boolean {
  return kept.has(t.storage);
}

/** Undo `keep` and release the memory now unless `dispose` is false. */
export function unkeep(t: Tensor, { dispose = true } = {}): void {
  kept.delete(t.storage);
  if (dispose) t.dispose();
}

function collectStorages(v: unknown, out: Set<Storage>, seen: Set<unknown>): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if ('storage' in v && 'shape' in v && 'dtype' in v) {
    const t = v as Tensor;
    out.add(t.storage);
    if (t.grad) out.add(t.grad.storage);
    return;
  }
  if (Array.isArray(v)) { for (const e of v) collectStorages(e, out, seen); return; }
  if (v instanceof Map) { for (const e of v.values()) collectStorages(e, out, seen); return; }
  if (Object.getPrototypeOf(v) === Object.prototype) for (const e of Object.values(v)) collectStorages(e, out, seen);
}

/**
 * Run `fn`; afterwards release the memory of every tensor created inside it that is not reachable
 * from its result (tensors, arrays, plain objects and Maps are searched) and not kept. Escaping
 * tensors belong to the enclosing scope. Synchronous only: a scope never spans an `await`.
 */
export function scope<T>(fn: () => T): T {
  const s: Scope = { storages: [] };
  stack.push(s);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    release(s, new Set());
    for (const st of s.storages) leftScopes(st); // the kept ones
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) throw new Error('scope: the function returned a Promise; scopes must be synchronous');
  const escaping = new Set<Storage>();
  collectStorages(result, escaping, new Set());
  release(s, escaping);
  const parent = stack[stack.length - 1];
  for (const st of s.storages) {
    if (st.released) continue;
    if (escaping.has(st) && parent) { parent.storages.push(st); continue; }
    leftScopes(st); // kept, or escaping from the outermost scope
    if (escaping.has(st) && !kept.has(st)) watchStorage(st); // no scope owns it now: the collector decides
  }
  return result;
}

function release(s: Scope, escaping: Set<Storage>): void {
  for (const st of s.storages) {
    if (!escaping.has(st) && !kept.has(st) && !st.released) st.backend.free(st);
  }
}

// ---- noGrad blocks outside any scope ----
// `noGrad(() => model.forward(xVal))` in a hand-written loop made every activation outside any
// scope, so the memory waited for the garbage collector. Such a block now runs as a scope that
// releases, when it returns, the tensors it made, used as an input of another op made without
// history, and neither returned nor kept: the intermediates. A tensor the block made but nothing
// inside consumed (a value stored on the side, `ema = add(…)`) is left alone, and so is everything
// made before the block. What it returns is left to the collector (collected.ts).
let evalScope: (Scope & { consumed: Set<Storage> }) | null = null;

/** Run `fn` (a noGrad block) releasing the intermediates it made; only outside any scope. */
export function releasingIntermediates<T>(fn: () => T): T {
  if (stack.length > 0) return fn();
  const s = { storages: [] as Storage[], consumed: new Set<Storage>() };
  stack.push(s);
  evalScope = s;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    evalScope = null;
    for (const st of s.storages) if (s.consumed.has(st) && !kept.has(st) && !st.released) st.backend.free(st);
    for (const st of s.storages) leftScopes(st);
    throw e;
  }
  stack.pop();
  evalScope = null;
  const escaping = new Set<Storage>();
  collectStorages(result, escaping, new Set());
  for (const st of s.storages) {
    if (st.released) continue;
    if (kept.has(st)) { leftScopes(st); continue; }
    if (s.consumed.has(st) && !escaping.has(st)) { st.backend.free(st); continue; }
    leftScopes(st);
    bornIn.set(st, generation); // made at the loop's level, as if outside the block
    watchStorage(st);
  }
  return result;
}

/** Called for the inputs of every op that records no history: inside a noGrad block they were consumed. */
export function noteConsumed(inputs: readonly { readonly storage: Storage }[]): void {
  if (evalScope === null) return;
  for (const t of inputs) evalScope.consumed.add(t.storage);
}

/** Number of scopes open now (0 outside any library step). */
export function scopeDepth(): number {
  return stack.length;
}
