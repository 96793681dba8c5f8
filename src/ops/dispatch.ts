// Runs one primitive: allocate the output on the inputs' backend, run the kernel, and record a
// tape node when a gradient is needed. Also turns plain numbers into tensors next to a tensor.
import { AxonError, DTypeError } from '../errors.js';
import { runFused, type Backend, type FusedOp, type FusedOps, type TensorView } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { activeNode, checkSavedReads, versionsAt } from '../autograd/saved-tensors.js';
import { captureStack, checkResult, isAnomalyEnabled } from '../autograd/anomaly.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { numelOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { allocScoped, noteConsumed, releasable, scopeDepth } from '../tensor/lifetime.js';
import type { KernelOp, PrimAttrs, PrimOp } from '../backend/prims.js';

/** A tensor, or a plain number/boolean that takes its dtype from the tensor it meets. */
export type TensorLike = Tensor | number | boolean;

/** A recorded application of a primitive: what backward needs to apply its rule. */
export interface GradNode<K extends PrimOp = PrimOp> {
  readonly op: K;
  readonly inputs: readonly Tensor[];
  readonly attrs: PrimAttrs[K];
  /** Versions of the inputs' storages, then the output's, when recorded (see saved-tensors.ts). */
  readonly versions: readonly number[];
  /** The call stack where it was made, kept only while anomaly detection is on. */
  readonly stack?: string;
}

function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  const b = inputs.length > 0 ? inputs[0]!.storage.backend : getBackend();
  for (const t of inputs) {
    if (t.storage.backend !== b) {
      throw new AxonError(op, `inputs live on different backends (${b.name} and ${t.storage.backend.name}); move them with .toBackend('${b.name}')`);
    }
  }
  return b;
}

/** Whether a node should be recorded for an op on these inputs. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}

/** Attach the tape node when needed (only float outputs can carry a gradient). */
function record<K extends PrimOp>(out: Tensor, op: K, inputs: readonly Tensor[], attrs: PrimAttrs[K]): Tensor {
  if (isFloat(out.dtype) && needsGrad(inputs)) {
    const versions = versionsAt(inputs, out);
    out.node = (isAnomalyEnabled() ? { op, inputs, attrs, versions, stack: captureStack() } : { op, inputs, attrs, versions }) as GradNode;
    out.requiresGrad = true;
  } else {
    recordWithoutHistory(out, inputs);
  }
  return out;
}

/** What record() does for a result that carries no gradient (lifetime bookkeeping only). */
function recordWithoutHistory(out: Tensor, inputs: readonly Tensor[]): void {
  if (!isGradEnabled()) {
    noteConsumed(inputs);
  } else if (scopeDepth() === 0 && inputs.length > 0) {
    // Outside any scope, remember where a result without history came from, so the memory of a
    // hand-written loop's per-step tensors (masks, index math) can be released with its graph.
    // Only inputs that may be released that way: older tensors never are, and leaving them out
    // means a running value (total = total + x) can not chain every past step together.
    const fresh = inputs.filter(releasable);
    if (fresh.length > 0) out.sources = fresh;
  }
}

/**
 * Run the backend's fused kernel `op` producing a tensor of `shape`/`dtype` that needs no history,
 * or return null (nothing made) when the composite must run instead: an input needs a gradient,
 * anomaly mode checks each primitive, a gradient rule is running, or the backend has no kernel
 * that applies. `views(out)` gives the kernel's views, the output's included.
 */
export function executeFused<K extends FusedOp>(
  op: K, inputs: readonly Tensor[], shape: Shape, dtype: DType, views: (out: TensorView) => FusedOps[K]['views'], args: FusedOps[K]['args'],
): Tensor | null {
  const backend = inputs[0]!.storage.backend;
  if (backend.fused?.[op] === undefined || needsGrad(inputs) || isAnomalyEnabled() || activeNode() !== null) return null;
  for (const t of inputs) if (t.storage.backend !== backend) return null; // the composite reports it
  const out = new Tensor(backend.alloc(dtype, numelOf(shape), allocScoped()), shape, dtype);
  if (out.storage.size > 0 && !runFused(backend, op, views(out), args)) {
    out.dispose();
    return null;
  }
  recordWithoutHistory(out, inputs);
  return out;
}

/** Run kernel `op` producing a tensor of `shape`/`dtype`. Validation happens before this call. */
export function execute<K extends KernelOp>(op: K, inputs: readonly Tensor[], attrs: PrimAttrs[K], shape: Shape, dtype: DType): Tensor {
  const backend = backendOf(op, inputs);
  if (activeNode() !== null) checkSavedReads(inputs); // inside a gradient rule
  const storage = backend.alloc(dtype, numelOf(shape), allocScoped()); // the Tensor below hands it to the open scope
  const out = new Tensor(storage, shape, dtype);
  if (storage.size > 0) backend.run(op, inputs, out, attrs);
  if (isAnomalyEnabled()) checkResult(op, inputs, out);
  return record(out, op, inputs, attrs);
}

/** Reshape shares the storage; only the tape node differs. */
export function executeReshape(x: Tensor, shape: number[]): Tensor {
  const out = new Tensor(x.storage, shape, x.dtype);
  return record(out, 'reshape', [x], { shape });
}

/** The dtype a plain JS number takes next to a tensor of dtype `like` (PyTorch's "weak" scalars). */
function scalarDType(v: number | boolean, like: DType): DType {
  if (typeof v === 'boolean') return like;
  if (isFloat(like)) return like;
  return Number.isInteger(v) ? (like === 'bool' ? 'int32' : like) : 'float32';
}

/** Make `v` a tensor on `like`'s backend (numbers take a dtype compatible with `like`). */
export function asTensor(op: string, v: TensorLike, like?: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v !== 'number' && typeof v !== 'boolean') {
    throw new DTypeError(op, `expected a Tensor or a number, got ${v === null ? 'null' : typeof v}; wrap arrays with tensor([...])`);
  }
  const dtype = like ? scalarDType(v, like.dtype) : typeof v === 'boolean' ? 'bool' : 'float32';
  const backend = like ? like.storage.backend : getBackend();
  const s = backend.alloc(dtype, 1);
  backend.write(s, [Number(v)]);
  return new Tensor(s, [], dtype);
}

/** Convert two operands (at least one a tensor) into tensors. */
export function asPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor) return [a, asTensor(op, b, a)];
  if (b instanceof Tensor) return [asTensor(op, a, b), b];
  return [asTensor(op, a), asTensor(op, b)];
}
