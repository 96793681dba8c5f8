// The primitives the wasm kernels run, for the layouts of layout.ts. Each path returns false when
// it does not apply (another dtype, an unsupported layout); the backend then runs the reference
// kernel on views of the same memory, so every op works on wasm either way.
import type { TensorView } from '../backend.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import { KERNELS } from '../ts/kernels.js';
import type { Engine, FastPath, FastPaths } from './engine.js';
import { ACTIVATION_PATHS } from './paths-activation.js';
import { NORM_PATHS } from './paths-norm.js';
import { ELEMENTWISE_PATHS } from './paths-elementwise.js';
import { matmul } from './paths-matmul.js';
import { MOVEMENT_PATHS } from './paths-movement.js';
import { RECURRENT_PATHS } from './paths-recurrent.js';
import { REDUCE_PATHS } from './paths-reduce.js';

export type { Engine } from './engine.js';

/** The wasm path of each primitive that has one (a misspelt or mistyped entry fails to compile). */
const table: FastPaths = { ...ELEMENTWISE_PATHS, ...REDUCE_PATHS, ...MOVEMENT_PATHS, ...RECURRENT_PATHS, ...ACTIVATION_PATHS, ...NORM_PATHS, matmul };

const isKernelOp = (k: string): k is KernelOp => k in KERNELS;

/** The ops with a wasm kernel (for tests and docs). */
export const FAST_OPS: readonly KernelOp[] = Object.keys(table).filter(isKernelOp);

/** Run `op` with a wasm kernel if one applies; false means "use the reference kernel". */
export function runFast<K extends KernelOp>(e: Engine, op: K, ins: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): boolean {
  const f: FastPath<K> | undefined = table[op];
  return f !== undefined && f(e, ins, out, attrs);
}
