// Every primitive and layer at its edges (zeros, ties, kinks, ±inf, NaN, huge and tiny values,
// size-0/size-1 dims, permuted inputs), forward and gradients, float64 and float32, against
// PyTorch (test/fixtures/edges.json, written by scripts/fixtures/gen_edges.py). Data-driven: each
// case names its op (test/edge-table.ts), inputs, attrs and expected values, so any case of the
// same format added to the fixture runs. NaN must sit exactly where PyTorch has NaN, ±inf must
// match by sign, finite values within the tolerance table. Deliberate differences from PyTorch
// are marked in the generator (their expected values are Axon's convention; docs/numerics.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gradients, permute, setBackend, type Tensor } from '../../src/index.js';
import { assertValuesClose, FLOAT64, fixtureValues, fromFixture, onBackend, readJson, ROOT, TEST_BACKEND, vjpObjective, type FixtureTensor } from '../helpers.js';
import { asList } from '../op-table.js';
import { EDGE_OPS, PRIM_VIA } from '../edge-table.js';
import { TOL, type Tol } from '../tolerances.js';

interface EdgeInput extends FixtureTensor { permute?: number[] }
interface Case {
  name: string; op: string; attrs: Record<string, unknown>; dtype: 'float64' | 'float32'; deliberate?: string;
  inputs: EdgeInput[]; outputs: FixtureTensor[]; cotangents?: FixtureTensor[]; grads?: (FixtureTensor | null)[];
}
const fx = readJson<{ generator_sha256: string; torch_version: string; cases: Case[] }>('test/fixtures/edges.json');

test('edge fixtures are fresh (generator unchanged since they were written)', () => {
  const h = createHash('sha256');
  for (const f of ['gen_edges.py', 'gen_ops.py']) h.update(readFileSync(path.join(ROOT, 'scripts/fixtures', f)));
  assert.equal(h.digest('hex'), fx.generator_sha256, 'scripts/fixtures/gen_edges.py or gen_ops.py changed but test/fixtures/edges.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_edges.py');
});

test('every op of the op table and every primitive has edge cases', () => {
  const covered = new Set(fx.cases.map((c) => c.op));
  for (const op of Object.keys(EDGE_OPS)) assert.ok(covered.has(op), `no edge case for ${op}`);
  for (const [prim, op] of Object.entries(PRIM_VIA)) assert.ok(covered.has(op), `primitive ${prim}: no edge case for ${op}, the op that reaches it`);
});

test('edge cases come in float64 and float32, with gradients, permuted inputs and empty dims', () => {
  const has = (f: (c: Case) => boolean): boolean => fx.cases.some(f);
  assert.ok(has((c) => c.dtype === 'float32') && has((c) => c.dtype === 'float64'));
  assert.ok(has((c) => c.inputs.some((i) => i.permute)) && has((c) => c.inputs.some((i) => i.shape.includes(0))));
  assert.ok(fx.cases.filter((c) => c.grads).length > fx.cases.length / 2);
});

/** The smallest normal float32: below it (and above 0) a GPU may flush values to zero (WGSL allows it). */
const FLT_MIN = 2 ** -126;
const subnormal = (v: number): boolean => v !== 0 && Math.abs(v) < FLT_MIN;
const flush = (v: number): number => (subnormal(v) ? 0 * Math.sign(v) : v);
/** Whether a float32 case's inputs or PyTorch's results hold float32 subnormals. */
const touchesSubnormals = (c: Case): boolean =>
  [...c.inputs, ...c.outputs, ...(c.grads ?? []).flatMap((g) => (g ? [g] : []))].some((t) => t.dtype === 'float32' && fixtureValues(t).some(subnormal));

interface Result { outs: { shape: readonly number[]; data: ArrayLike<number> }[]; grads: ({ shape: readonly number[]; data: ArrayLike<number> } | null)[] }

/** The case's outputs and gradients on the active backend; `flushInputs`: subnormal inputs as ±0 first. */
async function compute(c: Case, flushInputs: boolean): Promise<Result> {
  const fn = EDGE_OPS[c.op];
  assert.ok(fn, `op ${c.op} is missing from test/edge-table.ts`);
  const leaves = c.inputs.map((i) => fromFixture(flushInputs ? { ...i, data: fixtureValues(i).map(flush) } : i));
  const args = leaves.map((t, i) => (c.inputs[i]!.permute ? permute(t, c.inputs[i]!.permute!) : t));
  const outs = asList(fn(args, c.attrs));
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  for (const [k, o] of outs.entries()) assert.equal(o.dtype, onBackend(c.outputs[k]!.dtype), `${c.name}: output ${k} dtype`);
  const result: Result = { outs: [], grads: [] };
  for (const o of outs) result.outs.push({ shape: o.shape, data: await o.dataAsync() });
  if (!c.cotangents || !c.grads) return result;
  const wrt = c.grads.flatMap((g, i) => (g === null ? [] : [i]));
  const objective = vjpObjective(outs, c.cotangents);
  // No differentiable path from the inputs (e.g. a step function): every gradient is 0, as in PyTorch.
  const got = objective.requiresGrad ? gradients(objective, wrt.map((i) => leaves[i]!), { allowUnused: true }) : wrt.map(() => null);
  for (const [j, i] of wrt.entries()) {
    const want = c.grads[i]!;
    const g: Tensor | null | undefined = got[j];
    result.grads[i] = g ? { shape: g.shape, data: await g.dataAsync() } : { shape: want.shape, data: new Float64Array(want.data.length) }; // unused: zero gradient
  }
  return result;
}

function compare(c: Case, got: Result, want: Result, tol: Tol, against: string, flushBoth: boolean): void {
  const f = (d: ArrayLike<number>): ArrayLike<number> => (flushBoth ? Array.from(d, flush) : d);
  for (const [k, o] of got.outs.entries()) {
    assertValuesClose({ shape: o.shape, data: f(o.data) }, { shape: want.outs[k]!.shape, data: f(want.outs[k]!.data) }, tol, `${c.name} output ${k} (vs ${against})`);
  }
  for (const [i, g] of got.grads.entries()) {
    if (!g) continue;
    assertValuesClose({ shape: g.shape, data: f(g.data) }, { shape: want.grads[i]!.shape, data: f(want.grads[i]!.data) }, tol, `${c.name} grad ${i} (vs ${against})`);
  }
}

/**
 * WebGPU's documented sin/cos difference (docs/webgpu.md): beyond |x| = 8192 they are WGSL's
 * built-ins, which bound nothing there; such elements must only lie in [−1, 1] (outputs) and
 * their gradients (−sin or cos times the cotangent) within the largest |cotangent| (or NaN). Returns
 * `want` with those elements replaced by what the GPU gave, after checking that bound.
 */
function bigTrigAsGot(c: Case, got: Result, want: Result): Result {
  if (c.op !== 'sin' && c.op !== 'cos') return want;
  const x = fixtureValues(c.inputs[0]!);
  const big = (v: number): boolean => Number.isFinite(v) && Math.abs(v) > 8192;
  if (!x.some(big)) return want;
  // The output's elements follow the (possibly permuted) input's order: read it permuted.
  setBackend('ts');
  let xo: ArrayLike<number>;
  try {
    const t = fromFixture(c.inputs[0]!);
    xo = (c.inputs[0]!.permute ? permute(t, c.inputs[0]!.permute) : t).data(); // permute copies
  } finally {
    void setBackend('webgpu');
  }
  const cot = Math.max(0, ...(c.cotangents ? fixtureValues(c.cotangents[0]!).map(Math.abs) : []));
  const patch = (g: ArrayLike<number>, w: ArrayLike<number>, at: ArrayLike<number>, bound: (v: number) => boolean, what: string): number[] =>
    Array.from(w, (v, i) => {
      if (!big(at[i]!)) return v;
      assert.ok(bound(g[i]!), `${c.name} ${what}: element ${i} (x = ${at[i]}) is ${g[i]}, outside what sin/cos can give`);
      return g[i]!;
    });
  return {
    outs: want.outs.map((o, k) => (k === 0 ? { shape: o.shape, data: patch(got.outs[0]!.data, o.data, xo, (v) => Math.abs(v) <= 1, 'output') } : o)),
    grads: want.grads.map((g, i) => (i === 0 && g ? { shape: g.shape, data: patch(got.grads[0]!.data, g.data, x, (v) => Number.isNaN(v) || Math.abs(v) <= cot, 'grad') } : g)),
  };
}

/** PyTorch's expected values as a Result. */
function torchResult(c: Case): Result {
  return {
    outs: c.outputs.map((o) => ({ shape: o.shape, data: fixtureValues(o) })),
    grads: (c.grads ?? []).map((g) => (g ? { shape: g.shape, data: fixtureValues(g) } : null)),
  };
}

// Without float64 (WebGPU) the cases computing in float64 would run in float32 on values float32
// cannot hold (1e300, 1e-300): they are not run there; their float32 twins are (checked below).
const usesFloat64 = (c: Case): boolean => [...c.inputs, ...c.outputs].some((t) => t.dtype === 'float64');
const runnable = fx.cases.filter((c) => FLOAT64 || !usesFloat64(c));

test('every op with float64 edge cases has float32 edge cases too (what a backend without float64 runs)', () => {
  const f32 = new Set(fx.cases.filter((c) => !usesFloat64(c)).map((c) => c.op));
  const missing = [...new Set(fx.cases.filter(usesFloat64).map((c) => c.op))].filter((op) => !f32.has(op));
  assert.deepEqual(missing, [], `ops with only float64 edge cases: ${missing.join(', ')}`);
});

for (const c of runnable) {
  test(`edges vs torch: ${c.name}`, async () => {
    const tol = c.dtype === 'float32' ? TOL.edgesF32 : TOL.fixtureF64;
    const got = await compute(c, false);
    if (TEST_BACKEND === 'webgpu' && touchesSubnormals(c)) {
      // GPUs flush float32 subnormals to zero (WGSL allows it; docs/webgpu.md): the GPU must give
      // what the reference backend gives on the same inputs with subnormals flushed, results flushed too.
      setBackend('ts');
      let want: Result;
      try {
        want = await compute(c, true);
      } finally {
        await setBackend('webgpu');
      }
      compare(c, got, bigTrigAsGot(c, got, want), tol, 'the reference on flushed inputs', true);
      return;
    }
    compare(c, got, TEST_BACKEND === 'webgpu' ? bigTrigAsGot(c, got, torchResult(c)) : torchResult(c), tol, 'torch', false);
  });
}
