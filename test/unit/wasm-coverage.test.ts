// Every wasm fast path runs, and agrees with the reference kernels, on the float32 version of the
// op fixtures (test/fixtures/ops.json: forward and backward) plus a few calls below for paths no
// op fixture reaches. A fast path that none of them runs fails here by name: add a case to
// scripts/fixtures/gen_ops.py (or a call to EXTRA). Exact layouts and edge values are
// wasm-vs-ts.test.ts's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { FAST_OPS } from '../../src/backend/wasm/fast-paths.js';
import { lstmCell } from '../../src/ops/lstm-cell.js';
import { lstmSequence } from '../../src/ops/lstm-sequence.js';
import { gruSequence } from '../../src/ops/gru-sequence.js';
import { rnnSequence } from '../../src/ops/rnn-sequence.js';
import { fixtureValues, readJson, type FixtureTensor } from '../helpers.js';
import { asList, OPS } from '../op-table.js';
import { closeEnough, TOL } from '../tolerances.js';

interface Case { name: string; op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown>; cotangents?: FixtureTensor[]; grads?: (FixtureTensor | null)[] }
const cases = readJson<{ cases: Case[] }>('test/fixtures/ops.json').cases;

const f32 = (f: FixtureTensor, backend: ax.Backend): Tensor =>
  ax.fromArray(fixtureValues(f), f.shape, f.dtype === 'float64' ? 'float32' : f.dtype, backend);

/** Outputs, then gradients of Σ out·cot w.r.t. the float inputs, all in float32 on `backend`. */
function run(c: Case, backend: ax.Backend): Tensor[] {
  const inputs = c.inputs.map((i) => f32(i, backend));
  const grad = c.cotangents !== undefined && c.grads !== undefined;
  const wrt = grad ? inputs.filter((t, i) => c.grads![i] !== null && t.dtype === 'float32') : [];
  for (const t of wrt) t.requiresGrad_(true);
  const outs = asList(OPS[c.op]!(inputs, c.attrs));
  if (wrt.length === 0) return outs;
  const objective = outs.map((o, k) => ax.sum(ax.mul(o, f32(c.cotangents![k]!, backend)))).reduce((a, b) => ax.add(a, b));
  return [...outs, ...ax.gradients(objective, wrt, { allowUnused: true }).filter((g): g is Tensor => g !== undefined && g !== null)];
}

/** Paths the op fixtures do not reach (conv fixtures live in conv-vs-torch; clone is not in the op table). */
const EXTRA: Record<string, (b: ax.Backend) => Tensor[]> = {
  clone: (b) => [ax.clone(ax.fromArray([1, -2, 3.5], [3], 'float32', b))],
  unfoldFold: (b) => {
    const x = ax.fromArray(Array.from({ length: 2 * 3 * 5 * 4 }, (_, i) => Math.sin(i)), [2, 3, 5, 4], 'float32', b);
    const cols = ax.unfold(x, 2, { padding: 1, stride: 2 });
    return [cols, ax.fold(cols, [5, 4], 2, { padding: 1, stride: 2 })];
  },
  sliceUpdate: () => [ax.sliceUpdate(ax.zeros([4, 5]), [[1, 3], [0, 5, 2]], ax.ones([2, 3]))],
  maxPool: (b) => {
    const x = ax.fromArray(Array.from({ length: 2 * 3 * 7 * 6 }, (_, i) => Math.sin(i)), [2, 3, 7, 6], 'float32', b).requiresGrad_();
    const [y, idx] = ax.maxPool2dWithIndices(x, 3, { stride: 2, padding: 1, ceilMode: true });
    const [g] = ax.gradients(ax.sum(ax.mul(y, y)), [x]);
    return [y, ax.cast(idx, 'float32'), g!];
  },
  lstmCell: (b) => {
    // The fused cell step and its gradient (lstm-cell-fused.test.ts checks them against the composite).
    const pre = ax.fromArray(Array.from({ length: 3 * 4 * 5 }, (_, i) => 2 * Math.sin(i)), [3, 20], 'float32', b).requiresGrad_();
    const c = ax.fromArray(Array.from({ length: 3 * 5 }, (_, i) => Math.cos(i)), [3, 5], 'float32', b).requiresGrad_();
    const out = lstmCell(pre, c);
    const [gp, gc] = ax.gradients(ax.sum(ax.add(ax.mul(out.h, 2), out.c)), [pre, c]);
    return [out.h, out.c, gp!, gc!];
  },
  lstmSequence: (b) => {
    // The sequence-level LSTM and its gradient (lstm-sequence.test.ts checks them against the composite).
    const gi = ax.fromArray(Array.from({ length: 4 * 3 * 4 * 5 }, (_, i) => 2 * Math.sin(i)), [4, 3, 20], 'float32', b).requiresGrad_();
    const whh = ax.fromArray(Array.from({ length: 20 * 5 }, (_, i) => 0.5 * Math.cos(i)), [20, 5], 'float32', b).requiresGrad_();
    const h0 = ax.fromArray(Array.from({ length: 3 * 5 }, (_, i) => Math.sin(3 * i)), [3, 5], 'float32', b).requiresGrad_();
    const c0 = ax.fromArray(Array.from({ length: 3 * 5 }, (_, i) => Math.cos(i)), [3, 5], 'float32', b).requiresGrad_();
    const r = lstmSequence(gi, whh, h0, c0, { reverse: true });
    const gs = ax.gradients(ax.sum(ax.add(ax.sum(r.out, { dim: [0] }), ax.add(ax.mul(r.h, 2), r.c))), [gi, whh, h0, c0]);
    return [r.out, r.h, r.c, ...gs.map((g) => g!)];
  },
  gruSequence: (b) => {
    // The sequence-level GRU and its gradient (gru-sequence.test.ts checks them against the composite).
    const gi = ax.fromArray(Array.from({ length: 4 * 3 * 3 * 5 }, (_, i) => 2 * Math.sin(i)), [4, 3, 15], 'float32', b).requiresGrad_();
    const whh = ax.fromArray(Array.from({ length: 15 * 5 }, (_, i) => 0.5 * Math.cos(i)), [15, 5], 'float32', b).requiresGrad_();
    const bhh = ax.fromArray(Array.from({ length: 15 }, (_, i) => 0.1 * i - 0.7), [15], 'float32', b).requiresGrad_();
    const h0 = ax.fromArray(Array.from({ length: 3 * 5 }, (_, i) => Math.sin(3 * i)), [3, 5], 'float32', b).requiresGrad_();
    const r = gruSequence(gi, whh, bhh, h0, { reverse: true });
    const gs = ax.gradients(ax.sum(ax.add(ax.sum(r.out, { dim: [0] }), ax.mul(r.h, 2))), [gi, whh, bhh, h0]);
    return [r.out, r.h, ...gs.map((g) => g!)];
  },
  rnnSequence: (b) => {
    // The sequence-level Elman RNN and its gradient (rnn-sequence.test.ts checks them against the composite).
    const gi = ax.fromArray(Array.from({ length: 4 * 3 * 5 }, (_, i) => 2 * Math.sin(i)), [4, 3, 5], 'float32', b).requiresGrad_();
    const whh = ax.fromArray(Array.from({ length: 5 * 5 }, (_, i) => 0.4 * Math.cos(i)), [5, 5], 'float32', b).requiresGrad_();
    const h0 = ax.fromArray(Array.from({ length: 3 * 5 }, (_, i) => Math.sin(3 * i)), [3, 5], 'float32', b).requiresGrad_();
    const r = rnnSequence(gi, whh, h0, { reverse: true, relu: true });
    const gs = ax.gradients(ax.sum(ax.add(ax.sum(r.out, { dim: [0] }), ax.mul(r.h, 2))), [gi, whh, h0]);
    return [r.out, r.h, ...gs.map((g) => g!)];
  },
  layerNorm: (b) => {
    // The fused layer norm and its gradient (layer-norm-fused.test.ts checks them against the composite).
    const x = ax.fromArray(Array.from({ length: 5 * 3 * 7 }, (_, i) => 2 * Math.sin(i)), [5, 3, 7], 'float32', b).requiresGrad_();
    const w = ax.fromArray(Array.from({ length: 7 }, (_, i) => Math.cos(i)), [7], 'float32', b).requiresGrad_();
    const bias = ax.fromArray(Array.from({ length: 7 }, (_, i) => 0.1 * i), [7], 'float32', b).requiresGrad_();
    const y = ax.layerNorm(x, 7, w, bias);
    const gs = ax.gradients(ax.sum(ax.mul(y, y)), [x, w, bias]);
    return [y, ...gs.map((g) => g!)];
  },
  softmax: (b) => {
    // The fused softmax, log-softmax and their gradient (softmax-fused.test.ts checks them against the composite).
    const x = ax.fromArray(Array.from({ length: 4 * 3 * 9 }, (_, i) => 3 * Math.sin(i)), [4, 3, 9], 'float32', b).requiresGrad_();
    const y = ax.softmax(x);
    const l = ax.logSoftmax(x);
    const [g] = ax.gradients(ax.add(ax.sum(ax.mul(y, y)), ax.sum(ax.mul(l, y))), [x]);
    return [y, l, g!];
  },
};

type Result = { name: string; shape: readonly number[]; data: ArrayLike<number> };

test('every wasm fast path runs on the float32 op fixtures and agrees with the reference kernels', () => {
  const wasm = ax.getBackend('wasm');
  const ts = ax.getBackend('ts');
  assert.ok(wasm instanceof WasmBackend);
  const ran = new Set<string>();
  try {
    const jobs: [string, (b: ax.Backend) => Tensor[]][] = [...cases.map((c): [string, (b: ax.Backend) => Tensor[]] => [c.name, (b) => run(c, b)]), ...Object.entries(EXTRA)];
    for (const [name, f] of jobs) {
      const results = (b: ax.Backend): Result[] => ax.scope(() => {
        ax.setBackend(b.name);
        return f(b).map((t, k) => ({ name: `${name} result ${k}`, shape: t.shape, data: t.data() }));
      });
      const want = results(ts);
      wasm.startProfile();
      const got = results(wasm);
      for (const r of wasm.stopProfile()) if (r.path === 'wasm') ran.add(r.op);
      assert.equal(got.length, want.length, `${name}: number of results`);
      got.forEach((g, k) => {
        assert.deepEqual(g.shape, want[k]!.shape, `${g.name}: shape`);
        for (let i = 0; i < g.data.length; i++) {
          const [x, y] = [g.data[i]!, want[k]!.data[i]!];
          if (!(Number.isNaN(x) && Number.isNaN(y)) && !closeEnough(x, y, TOL.gemmF32)) assert.fail(`${g.name}: element ${i} is ${x} on wasm but ${y} on ts`);
        }
      });
    }
  } finally {
    ax.setBackend('wasm');
  }
  const missing = FAST_OPS.filter((op) => !ran.has(op));
  assert.deepEqual(missing, [], `wasm fast paths that no float32 op fixture ran: ${missing.join(', ')}`);
});
