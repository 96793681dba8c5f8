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
import { gradients, permute, type Tensor } from '../../src/index.js';
import { assertClose, assertValuesClose, fixtureValues, fromFixture, onBackend, readJson, ROOT, vjpObjective, type FixtureTensor } from '../helpers.js';
import { asList } from '../op-table.js';
import { EDGE_OPS, PRIM_VIA } from '../edge-table.js';
import { TOL } from '../tolerances.js';

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

for (const c of fx.cases) {
  test(`edges vs torch: ${c.name}`, async () => {
    const fn = EDGE_OPS[c.op];
    assert.ok(fn, `op ${c.op} is missing from test/edge-table.ts`);
    const tol = c.dtype === 'float32' ? TOL.edgesF32 : TOL.fixtureF64;
    const leaves = c.inputs.map((i) => fromFixture(i));
    const args = leaves.map((t, i) => (c.inputs[i]!.permute ? permute(t, c.inputs[i]!.permute!) : t));
    const outs = asList(fn(args, c.attrs));
    assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
    for (const [k, o] of outs.entries()) {
      assert.equal(o.dtype, onBackend(c.outputs[k]!.dtype), `${c.name}: output ${k} dtype`);
      await assertClose(o, { shape: c.outputs[k]!.shape, data: fixtureValues(c.outputs[k]!) }, tol, `${c.name} output ${k}`);
    }
    if (!c.cotangents || !c.grads) return;
    const wrt = c.grads.flatMap((g, i) => (g === null ? [] : [i]));
    const objective = vjpObjective(outs, c.cotangents);
    // No differentiable path from the inputs (e.g. a step function): every gradient is 0, as in PyTorch.
    const got = objective.requiresGrad ? gradients(objective, wrt.map((i) => leaves[i]!), { allowUnused: true }) : wrt.map(() => null);
    for (const [j, i] of wrt.entries()) {
      const want = c.grads[i]!;
      const g: Tensor | null | undefined = got[j];
      const data = g ? await g.dataAsync() : new Float64Array(want.data.length); // unused: zero gradient
      assertValuesClose({ shape: g ? g.shape : want.shape, data }, { shape: want.shape, data: fixtureValues(want) }, tol, `${c.name} grad ${i}`);
    }
  });
}
