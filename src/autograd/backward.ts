// Reverse-mode differentiation over the recorded tape: topological order, then one rule per node,
// accumulating gradients per tensor. `backward` fills leaves' `.grad`; `gradients` returns them.
import { GradError } from '../errors.js';
import { shapesEqual, shapeStr, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, execute, executeReshape } from '../ops/dispatch.js';
import type { PrimOp } from '../backend/prims.js';
import * as E from '../ops/elementwise.js';
import { bmm } from '../ops/linalg.js';
import { cat } from '../ops/movement.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { LEADING_GRAD, RULES, type GradPart, type ProductGrad, type SliceGrad, type VjpRule } from './rules.js';
import { zerosOf } from './sum-to-shape.js';
import { releaseGraph, withSaved, type SavedNode } from './saved-tensors.js';
import { checkGradient, isAnomalyEnabled } from './anomaly.js';
import { closeIteration, keep, scope, scopeDepth, unkeep } from '../tensor/lifetime.js';
import type { Storage } from '../backend/backend.js';

/** Tensors reachable from `roots` through recorded nodes, parents before children reversed. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [t, done] = stack.pop()!;
    if (done) { order.push(t); continue; }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    if (t.node) for (const i of t.node.inputs) if (i.requiresGrad && !seen.has(i)) stack.push([i, false]);
  }
  return order; // children after their inputs
}

function seedGrad(op: string, root: Tensor, g: Tensor | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new GradError(op, `the tensor does not require grad (no input had requiresGrad, or it was computed inside noGrad); create parameters with { requiresGrad: true }`);
  }
  if (g === undefined) {
    if (root.numel !== 1) {
      throw new GradError(op, `output has shape ${shapeStr(root.shape)}; a gradient can only be implied for a one-element output — reduce it (e.g. .sum() or .mean()) or pass a gradient of the same shape`);
    }
    return E.cast(asTensor(op, 1, root), root.dtype).detach();
  }
  if (!shapesEqual(g.shape, root.shape)) {
    throw new GradError(op, `gradient shape ${shapeStr(g.shape)} does not match the output shape ${shapeStr(root.shape)}`);
  }
  return E.cast(g, root.dtype);
}

interface Pending { readonly p: ProductGrad; readonly shape: Shape }

const reshapeTo = (g: Tensor, shape: Shape): Tensor => (shapesEqual(g.shape, shape) ? g : executeReshape(g, [...shape]));

/** One product, reshaped to the shape it takes in a gradient. */
const runProduct = ({ a, b, transA, transB }: ProductGrad, shape: Shape): Tensor => reshapeTo(bmm(a, b, transA, transB), shape);

/** Append `v` to the list `m` holds for `k`. */
function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

/**
 * The sum of waiting products, each reshaped to its shape. Products with the same transposes and
 * result shape are one GEMM: op(a)·op(b) summed over the list is the product of the a's and the
 * b's concatenated along their inner (K) dim.
 */
function runProducts(list: readonly Pending[]): Tensor {
  const groups = new Map<string, Pending[]>();
  for (const q of list) {
    const { a, b, transA, transB } = q.p;
    const key = `${transA ? 1 : 0}${transB ? 1 : 0}|${a.dtype}|${a.shape[0]}|${transA ? a.shape[2] : a.shape[1]}|${transB ? b.shape[1] : b.shape[2]}|${q.shape.join(',')}`;
    pushTo(groups, key, q);
  }
  let total: Tensor | null = null;
  for (const g of groups.values()) {
    const { transA, transB } = g[0]!.p;
    const a = g.length === 1 ? g[0]!.p.a : cat(g.map((q) => q.p.a), transA ? 1 : 2); // (B, ΣK, M) or (B, M, ΣK)
    const b = g.length === 1 ? g[0]!.p.b : cat(g.map((q) => q.p.b), transB ? 2 : 1); // (B, N, ΣK) or (B, ΣK, N)
    const part = runProduct({ kind: 'product', a, b, transA, transB }, g[0]!.shape);
    total = total === null ? part : E.add(total, part);
  }
  return total!;
}

/**
 * When `parts` are disjoint blocks along one dim of a tensor of `shape` (unit steps, full extent in
 * every other dim), that dim and the blocks in order, with `[start, length]` for each gap between
 * or around them (a gap's gradient is zero); null when they overlap or are strided.
 */
function tiling(parts: readonly SliceGrad[], shape: Shape): { dim: number; order: (SliceGrad | [number, number])[] } | null {
  if (shape.length === 0) return null;
  const first = parts[0]!;
  // The dim a part does not cover in full (the first part decides; dim 0 when it covers all).
  let dim = first.value.shape.findIndex((n, j) => n !== shape[j]);
  if (dim < 0) dim = 0;
  for (const q of parts) {
    const { starts, steps } = q.attrs;
    if (q.value.ndim !== shape.length || q.value.dtype !== first.value.dtype) return null;
    for (let j = 0; j < shape.length; j++) {
      if (steps[j] !== 1) return null;
      if (j !== dim && (starts[j] !== 0 || q.value.shape[j] !== shape[j])) return null;
    }
  }
  const sorted = [...parts].sort((a, b) => a.attrs.starts[dim]! - b.attrs.starts[dim]!);
  const order: (SliceGrad | [number, number])[] = [];
  let at = 0;
  for (const q of sorted) {
    const s = q.attrs.starts[dim]!;
    if (s < at) return null; // overlap
    if (s > at) order.push([at, s - at]);
    order.push(q);
    at = s + q.value.shape[dim]!;
  }
  if (at < shape[dim]!) order.push([at, shape[dim]! - at]);
  return { dim, order };
}

/**
 * Propagate from roots; returns the gradient of every tensor on the way (leaves included).
 * `wanted`: tensors whose own gradient the caller reads (gradients()' inputs), which must get it
 * whole even where an intermediate's gradient may otherwise be passed on or left partial.
 */
function propagate(roots: readonly Tensor[], seeds: readonly Tensor[], createGraph: boolean, retainGraph: boolean, wanted: ReadonlySet<Tensor> = new Set()): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>();
  // For each tensor, the gradient buffer this pass allocated for it alone: nothing else refers to
  // it, so slice contributions may be added into it in place (only when no graph is recorded).
  const ownedFor = new Map<Tensor, Tensor>();
  // Products waiting to be added to a tensor's gradient (see ProductGrad), each with the shape it
  // takes there: run together, as one GEMM, at the tensor's turn in the reverse order (leaves
  // included: every tensor that receives a gradient is in that order). Only when no graph is
  // recorded and anomaly mode is off (it checks each product).
  const pending = new Map<Tensor, Pending[]>();
  const defer = !createGraph && !isAnomalyEnabled();
  // Slice gradients waiting for their tensor's turn: when they are disjoint blocks along one dim
  // (an LSTM's per-step gradients of its stacked input projection, the h' and c' rows of a cell's
  // output) its gradient is their concatenation (zeros in the gaps), written once, instead of a
  // zero-filled buffer plus one in-place add per slice.
  const slices = new Map<Tensor, SliceGrad[]>();
  const settleSlices = (t: Tensor): void => {
    const list = slices.get(t);
    if (list === undefined) return;
    slices.delete(t);
    // The rows of t's gradient its node's rule reads (LEADING_GRAD), when it reads only leading ones.
    const lead = t.node && !wanted.has(t) ? LEADING_GRAD[t.node.op]?.(t.shape[0] ?? 0, t.ndim, t.node.inputs[0]?.ndim ?? 0) : undefined;
    const tiled = !grads.has(t) && (list.length > 1 || lead !== undefined) ? tiling(list, t.shape) : null;
    if (tiled !== null) {
      const { dim, order } = tiled;
      const dtype = list[0]!.value.dtype;
      // A trailing gap past those rows is left out, not zeroed.
      const last = order[order.length - 1]!;
      if (lead !== undefined && dim === 0 && Array.isArray(last)) {
        if (last[0] >= lead) order.pop();
        else last[1] = Math.min(last[1], lead - last[0]);
      }
      const pieces = order.map((q) => (Array.isArray(q) ? zerosOf(t, t.shape.map((n, j) => (j === dim ? q[1] : n)), dtype) : q.value)); // a gap: zeros
      const g = E.cast(cat(pieces, dim), t.dtype); // t's shape (or its leading rows, see above)
      grads.set(t, g);
      ownedFor.set(t, g);
      return;
    }
    for (const q of list) addSlice(t, q);
  };
  const accumulate = (t: Tensor, g: GradPart): void => {
    if (g instanceof Tensor) { add(t, g); return; }
    if (g.kind === 'slice' && defer) { pushTo(slices, t, g); return; }
    if (g.kind === 'product') {
      if (defer) pushTo(pending, t, { p: g, shape: t.shape });
      else add(t, runProduct(g, t.shape));
      return;
    }
    addSlice(t, g);
  };
  // At t's turn (every contribution to it has arrived): move its waiting products on to its input
  // when t is only a reshape of it and has no other gradient (a weight viewed per call: (out, in)
  // -> (1, out, in)); else run them into t's gradient. True when they moved on.
  const settle = (t: Tensor): boolean => {
    const list = pending.get(t);
    if (list === undefined) return false;
    pending.delete(t);
    const node = t.node;
    const x = node?.inputs[0];
    if (node?.op === 'reshape' && !grads.has(t) && !wanted.has(t) && x !== undefined && x.requiresGrad) {
      for (const q of list) pushTo(pending, x, { p: q.p, shape: x.shape });
      return true;
    }
    add(t, runProducts(list));
    return false;
  };
  const add = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    if (!prev) { grads.set(t, g); return; }
    const sum = E.add(prev, g);
    grads.set(t, sum);
    ownedFor.set(t, sum);
  };
  const addSlice = (t: Tensor, g: SliceGrad): void => {
    const prev = grads.get(t);
    if (createGraph) {
      grads.set(t, execute('sliceAdd', [prev ?? zerosOf(t), g.value], g.attrs, t.shape, t.dtype));
      return;
    }
    let acc = prev !== undefined && ownedFor.get(t) === prev && prev.dtype === t.dtype ? prev : null;
    if (!acc) {
      acc = prev ? E.clone(E.cast(prev, t.dtype)) : zerosOf(t);
      ownedFor.set(t, acc);
      grads.set(t, acc);
    }
    acc.storage.backend.run('sliceAdd', [acc, E.cast(g.value, t.dtype)], acc, g.attrs); // in place
  };
  roots.forEach((r, i) => accumulate(r, seeds[i]!));
  const ran: SavedNode[] = [];
  const run = (): void => {
    const order = topoOrder(roots);
    const anomaly = isAnomalyEnabled();
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t.node;
      settleSlices(t);
      if (settle(t)) { ran.push(node!); continue; } // the reshape's rule is not needed
      const g = grads.get(t);
      if (!node || !g) continue;
      const rule = RULES[node.op] as VjpRule<PrimOp>;
      const needs = node.inputs.map((x) => x.requiresGrad);
      const gi = withSaved(node, t, () => rule(g, { inputs: node.inputs, out: t, attrs: node.attrs, needs }));
      ran.push(node);
      node.inputs.forEach((x, k) => {
        const gk = gi[k];
        if (!gk || !needs[k]) return;
        if (anomaly) {
          const gt = gk instanceof Tensor ? gk : gk.kind === 'slice' ? gk.value : runProduct(gk, x.shape);
          checkGradient(node, k, gt);
          accumulate(x, !(gk instanceof Tensor) && gk.kind === 'product' ? gt : gk);
          return;
        }
        accumulate(x, gk);
      });
    }
  };
  if (createGraph) enableGrad(run);
  else noGrad(() => { run(); return grads; }); // the gradients escape the block (lifetime.ts)
  if (!retainGraph) releaseGraph(ran);
  return grads;
}

export interface BackwardOptions {
  /** The gradient of some scalar w.r.t. the root (default 1 for a one-element root). */
  grad?: Tensor;
  /**
   * Keep the graph usable for another backward() (PyTorch's retain_graph). Default false: a second
   * backward() through the same ops throws GraphFreedError once it needs a tensor they saved.
   */
  retainGraph?: boolean;
}

/**
 * Backpropagate from `root`: every leaf with requiresGrad gets its gradient added to `.grad`.
 * `grad` is the gradient of some scalar with respect to `root` (default 1 for a one-element root).
 */
export function backward(root: Tensor, grad?: Tensor | BackwardOptions, opts: BackwardOptions = {}): void {
  const o = grad instanceof Tensor || grad === undefined ? { ...opts, grad: grad ?? opts.grad } : { ...grad, ...opts };
  if (scopeDepth() === 0) closeIteration(graphStorages(root));
  // The gradients of intermediates are temporaries: only the leaves' .grad outlive this scope.
  scope(() => {
    const seed = seedGrad('backward', root, o.grad);
    const grads = propagate([root], [seed], false, o.retainGraph ?? false);
    const owned = new Set<unknown>();
    for (const [t, g] of grads) {
      if (t.node !== null || !t.requiresGrad) continue;
      let gl = E.cast(g, t.dtype);
      // Each .grad owns its memory (a rule may hand the same tensor to two inputs).
      if (owned.has(gl.storage) || gl === seed) gl = noGrad(() => E.clone(gl));
      const old = t.grad;
      t.grad = keep(old ? noGrad(() => E.add(old, gl)) : gl);
      owned.add(t.grad.storage);
      if (old) unkeep(old);
    }
  });
}

/** Storages of every tensor `root` was computed from (recorded nodes, and sources outside scopes). */
function graphStorages(root: Tensor): Set<Storage> {
  const out = new Set<Storage>();
  const seen = new Set<Tensor>();
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    out.add(t.storage);
    for (const i of t.node?.inputs ?? t.sources ?? []) stack.push(i);
  }
  return out;
}

export interface GradientsOptions {
  /** Gradients of some scalar w.r.t. each output (default 1 for one-element outputs). */
  gradOutputs?: readonly (Tensor | undefined)[];
  /** Record the backward pass so the results can be differentiated again. Default false. */
  createGraph?: boolean;
  /** Return null (instead of throwing) for inputs the outputs do not depend on. Default false. */
  allowUnused?: boolean;
  /** Keep the graph for another backward()/gradients() through it. Default: createGraph (as PyTorch). */
  retainGraph?: boolean;
}

/** Gradients of `outputs` w.r.t. `inputs` without touching `.grad` (like torch.autograd.grad). */
export function gradients(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradientsOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const seeds = outs.map((o, i) => seedGrad('gradients', o, opts.gradOutputs?.[i]));
  const grads = propagate(outs, seeds, opts.createGraph ?? false, opts.retainGraph ?? opts.createGraph ?? false, new Set(inputs));
  return inputs.map((x, i) => {
    const g = grads.get(x);
    if (g === undefined && !opts.allowUnused) {
      throw new GradError('gradients', `input ${i} (shape ${shapeStr(x.shape)}) was not used to compute the outputs (or does not require grad); pass allowUnused: true to get null`);
    }
    return g === undefined ? null : E.cast(g, x.dtype);
  });
}

/**
 * Turn a scalar function into one that returns its gradient w.r.t. every argument.
 *
 * @example
 * const df = grad((x) => x.mul(x).sum());
 * df(tensor([1, 2, 3]))[0]; // [2, 4, 6]
 */
export function grad(f: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => Tensor[] {
  return (...args) => valueAndGrad(f)(...args)[1];
}

/** Like `grad`, but also returns the function's value: `[value, grads]`. */
export function valueAndGrad(f: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => [Tensor, Tensor[]] {
  return (...args) => {
    const xs = args.map((a) => a.detach().requiresGrad_(true));
    const y = enableGrad(() => f(...xs));
    const gs = gradients(y, xs, { allowUnused: true });
    return [y.detach(), gs.map((g, i) => g ?? zerosOf(xs[i]!))];
  };
}
