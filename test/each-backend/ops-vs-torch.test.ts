// Every op, forward and backward, against PyTorch float64 reference values
// (test/fixtures/ops.json, written by scripts/fixtures/gen_ops.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertGradsMatch, fixtureValues, FLOAT64, fromFixture, onBackend, readJson, ROOT, vjpObjective, type FixtureTensor } from '../helpers.js';
import { asList, OPS } from '../op-table.js';
import { TOL } from '../tolerances.js';

interface Case {
  name: string; op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown>;
  outputs: FixtureTensor[]; cotangents?: FixtureTensor[]; grads?: (FixtureTensor | null)[];
}
const fx = readJson<{ generator_sha256: string; torch_version: string; cases: Case[] }>('test/fixtures/ops.json');

test('op fixtures are fresh (generator unchanged since they were written)', () => {
  const script = readFileSync(path.join(ROOT, 'scripts/fixtures/gen_ops.py'));
  const sha = createHash('sha256').update(script).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_ops.py changed but test/fixtures/ops.json did not: re-run the generator (npm run fixtures)');
});

test('every op in the table has fixture cases', () => {
  const covered = new Set(fx.cases.map((c) => c.op));
  for (const op of Object.keys(OPS)) assert.ok(covered.has(op), `no PyTorch fixture case for ${op}`);
});

for (const c of fx.cases) {
  test(`torch parity: ${c.name}`, async () => {
    const fn = OPS[c.op];
    assert.ok(fn, `op ${c.op} is missing from test/op-table.ts`);
    // WGSL promises sin/cos to an absolute 2⁻¹¹ only (tolerances.ts): that bound where there is no float64 (WebGPU).
    const tol = !FLOAT64 && (c.op === 'sin' || c.op === 'cos') ? TOL.webgpuSinCosF32 : TOL.fixtureF64;
    const inputs = c.inputs.map((i) => fromFixture(i));
    const outs = asList(fn(inputs, c.attrs));
    assert.equal(outs.length, c.outputs.length, 'number of outputs');
    for (const [k, o] of outs.entries()) {
      assert.equal(o.dtype, onBackend(c.outputs[k]!.dtype), `output ${k} dtype`);
      await assertClose(o, { shape: c.outputs[k]!.shape, data: fixtureValues(c.outputs[k]!) }, tol, `${c.name} output ${k}`);
    }
    if (!c.cotangents || !c.grads) return;
    const pairs = c.grads.flatMap((g, i) => (g === null ? [] : [[`grad ${i}`, inputs[i]!, g] as [string, Tensor, FixtureTensor]]));
    await assertGradsMatch(c.name, vjpObjective(outs, c.cotangents), pairs, tol);
  });
}
