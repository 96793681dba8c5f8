// Runs the op fixture cases (test/fixtures/ops.json: every op, forward and backward) and returns
// plain numbers. The browser suite bundles this file against the shipped dist/browser/axon.js and
// runs it in a page and in a worker; the same function runs in Node, and the results are compared.
import * as ax from '../../../src/index.js';
import type { DType, Tensor } from '../../../src/index.js';
import { asList, OPS } from '../../op-table.js';

export interface FixtureTensor { shape: number[]; dtype: DType; data: (number | string)[]; requiresGrad?: boolean }
export interface OpCase { name: string; op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown>; outputs: FixtureTensor[]; cotangents?: FixtureTensor[]; grads?: (FixtureTensor | null)[] }
export interface Values { shape: number[]; dtype: string; data: number[] }
export interface OpResult { name: string; outputs: Values[]; grads: (Values | null)[]; error?: string }

const decode = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

/** `cast` float inputs to float32 (the SIMD kernels' dtype) or keep the fixture's float64. */
function input(f: FixtureTensor, cast: 'float32' | null): Tensor {
  const t = ax.fromArray(f.data.map(decode), f.shape, cast && isFloat(f.dtype) ? cast : f.dtype);
  if (f.requiresGrad) t.requiresGrad_(true);
  return t;
}

const values = (t: Tensor): Values => ({ shape: [...t.shape], dtype: t.dtype, data: Array.from(t.data(), Number) });

export function runOpCases(cases: readonly OpCase[], cast: 'float32' | null = null): OpResult[] {
  return cases.map((c) => {
    try {
      const inputs = c.inputs.map((i) => input(i, cast));
      const outs = asList(OPS[c.op]!(inputs, c.attrs));
      const result: OpResult = { name: c.name, outputs: outs.map(values), grads: [] };
      if (c.cotangents && c.grads) {
        const objective = outs.map((o, k) => ax.sum(ax.mul(o, input(c.cotangents![k]!, cast)))).reduce((a, b) => ax.add(a, b));
        const wrt = c.grads.flatMap((g, i) => (g === null ? [] : [inputs[i]!]));
        const got = ax.gradients(objective, wrt, { allowUnused: true });
        let k = 0;
        result.grads = c.grads.map((g) => (g === null ? null : ((t) => (t ? values(t) : null))(got[k++] ?? null)));
      }
      return result;
    } catch (e) {
      return { name: c.name, outputs: [], grads: [], error: `${(e as Error).name}: ${(e as Error).message}` };
    }
  });
}

/** The backend and kernel build the results came from. */
export function where(): { backend: string; variant: string | null; threads: number } { // threads: what kernels may use now
  const s = ax.threadStatus();
  return { backend: ax.getBackend().name, variant: s.variant, threads: s.requested };
}
