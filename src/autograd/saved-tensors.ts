// The tensors a gradient rule reads in backward() — its node's inputs and output, "saved" by the
// forward op — are checked when a kernel actually reads them: they must not have been written in
// place since the forward (version counters, tensor/version.ts), and the graph must not have been
// released by an earlier backward() (PyTorch's "backward through the graph a second time").
// Checking reads, not the recorded inputs, means an op whose rule only needs shapes (add, sum,
// reshape) never complains, as in PyTorch, where such ops save no tensors.
import { GraphFreedError, InplaceModificationError } from '../errors.js';
import type { Storage } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import { versionOf } from '../tensor/version.js';

/** What a recorded node saved: the storages its rule may read and their versions at the forward. */
export interface SavedNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Versions of each input's storage, then of the output's, when the node was recorded. */
  readonly versions: readonly number[];
  /** The call stack where the node was made (only while anomaly detection is on). */
  readonly stack?: string;
}

interface Active { node: SavedNode; out: Tensor }
let active: Active | null = null;
const released = new WeakSet<SavedNode>();

/** Versions to store on a new node (inputs, then the output). */
export function versionsAt(inputs: readonly Tensor[], out: Tensor): number[] {
  const v = new Array<number>(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) v[i] = versionOf(inputs[i]!.storage);
  v[inputs.length] = versionOf(out.storage);
  return v;
}

/** Run `node`'s gradient rule (`fn`), checking every saved tensor its kernels read. */
export function withSaved<T>(node: SavedNode, out: Tensor, fn: () => T): T {
  const prev = active;
  active = { node, out };
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/** The node whose rule is running (null outside backward). */
export function activeNode(): SavedNode | null {
  return active === null ? null : active.node;
}

/** Called by dispatch for every kernel run while a rule is active: checks the inputs it reads. */
export function checkSavedReads(inputs: readonly Tensor[]): void {
  if (active === null) return;
  const { node, out } = active;
  for (const t of inputs) {
    const s = t.storage;
    const k = savedIndex(node, out, s);
    if (k < 0) continue;
    if (released.has(node)) {
      throw new GraphFreedError('backward', `Trying to backward through the graph a second time: the tensors '${node.op}' saved for its gradient were released by an earlier backward(); pass { retainGraph: true } to the first backward() (or gradients()) if you need to backward through the same graph again`);
    }
    const now = versionOf(s);
    if (now !== node.versions[k]) {
      const what = k === node.inputs.length ? 'its output' : `its input ${k}`;
      throw new InplaceModificationError('backward', `one of the tensors needed for gradient computation by '${node.op}' (${what}) has been modified by an inplace operation: saved at version ${node.versions[k]}, now ${now}; compute the change out of place (or after backward()), or clone the tensor before the op`);
    }
  }
}

function savedIndex(node: SavedNode, out: Tensor, s: Storage): number {
  for (let i = 0; i < node.inputs.length; i++) if (node.inputs[i]!.storage === s) return i;
  return out.storage === s ? node.inputs.length : -1;
}

/** After a backward() without retainGraph: later reads of these nodes' saved tensors throw. */
export function releaseGraph(nodes: Iterable<SavedNode>): void {
  for (const n of nodes) released.add(n);
}
