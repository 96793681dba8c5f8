// Runs op fixture cases (test/fixtures/ops.json) on the webgpu backend of the shipped bundle in a
// Chromium page, in float32 (WGSL has no float64), reading every result back asynchronously; the
// WebGPU browser test compares them with the same cases run in Node on the ts backend.
import * as ax from '../../../src/index.js';
import type { DType, Tensor } from '../../../src/index.js';
import { asList, OPS } from '../../op-table.js';
import type { OpCase, OpResult, Values } from './ops-runner.js';

const decode = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const f32 = (d: DType): DType => (d === 'float64' ? 'float32' : d);

function input(f: OpCase['inputs'][number]): Tensor {
  const t = ax.fromArray(f.data.map(decode), f.shape, f32(f.dtype));
  if (f.requiresGrad) t.requiresGrad_(true);
  return t;
}

const values = async (t: Tensor): Promise<Values> => ({ shape: [...t.shape], dtype: t.dtype, data: Array.from(await t.dataAsync(), Number) });

/** Each case forward and backward on the active backend, results read with dataAsync. */
export async function runOpCasesAsync(cases: readonly OpCase[]): Promise<OpResult[]> {
  const out: OpResult[] = [];
  for (const c of cases) {
    try {
      const inputs = c.inputs.map(input);
      const outs = asList(OPS[c.op]!(inputs, c.attrs));
      const result: OpResult = { name: c.name, outputs: await Promise.all(outs.map(values)), grads: [] };
      if (c.cotangents && c.grads) {
        const objective = outs.map((o, k) => ax.sum(ax.mul(o, input(c.cotangents![k]!)))).reduce((a, b) => ax.add(a, b));
        const wrt = c.grads.flatMap((g, i) => (g === null ? [] : [inputs[i]!]));
        const got = ax.gradients(objective, wrt, { allowUnused: true });
        let k = 0;
        result.grads = await Promise.all(c.grads.map((g) => (g === null ? null : ((t) => (t ? values(t) : null))(got[k++] ?? null))));
      }
      out.push(result);
    } catch (e) {
      out.push({ name: c.name, outputs: [], grads: [], error: `${(e as Error).name}: ${(e as Error).message}` });
    }
  }
  return out;
}

/** Make webgpu the active backend; its adapter's name, or why there is none. */
export async function startWebGPU(): Promise<{ ok: boolean; adapter: string }> {
  try {
    const b = (await ax.setBackend('webgpu')) as unknown as { adapterName?: string; name: string };
    return { ok: true, adapter: b.adapterName ?? b.name };
  } catch (e) {
    return { ok: false, adapter: (e as Error).message };
  }
}
