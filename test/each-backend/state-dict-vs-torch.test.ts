// State dicts against PyTorch (test/fixtures/state-dicts.{json,safetensors}, written by
// scripts/fixtures/gen_state_dicts.py): for every layer type with a torch twin, Axon's stateDict()
// has exactly torch's keys, shapes and dtypes (what torch's strict load_state_dict checks, so an
// Axon-saved file loads into torch), and torch's state dict loads strictly into Axon and gives
// torch's outputs, directly and through a saved safetensors file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Module, ModuleConfig, Tensor } from '../../src/index.js';
import { assertClose, readJson, ROOT, values } from '../helpers.js';
import { TOL } from '../tolerances.js';

interface Case {
  name: string; axon: ModuleConfig; call: string; inputs: number; outputs: number;
  keys: { key: string; shape: number[]; dtype: string }[];
}
const fx = readJson<{ generator_sha256: string; cases: Case[] }>('test/fixtures/state-dicts.json');
const file = ax.loadSafetensorsSync(path.join(ROOT, 'test/fixtures/state-dicts.safetensors')).tensors;
const dir = mkdtempSync(path.join(tmpdir(), 'axon-sd-'));

test('state-dict fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_state_dicts.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_state_dicts.py changed but test/fixtures/state-dicts.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_state_dicts.py');
});

/** Axon has no int64: torch's int64 buffers (num_batches_tracked) are int32 in Axon and load either way. */
const AXON_DTYPE: Record<string, string> = { float32: 'float32', int64: 'int32', float64: 'float64' };

function part(c: Case, kind: 'state' | 'input' | 'output'): Record<string, Tensor> {
  const pre = `${c.name}/${kind}/`;
  return Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith(pre)).map(([k, t]) => [k.slice(pre.length), t]));
}

/** Run the module the way its torch twin was called; every output tensor in order. */
function run(m: Module, call: string, i: Tensor[]): Tensor[] {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const f = m as any;
  switch (call) {
    case 'x': return [f.forward(i[0])];
    case 'rnn': { const [o, h] = f.forward(i[0]); return [o, h]; }
    case 'lstm': { const [o, [h, c]] = f.forward(i[0]); return [o, h, c]; }
    case 'cell': return [f.forward(i[0], i[1])];
    case 'lstmcell': return f.forward(i[0], [i[1], i[2]]);
    case 'attention': return [f.forward(i[0], i[1], i[2])];
    case 'decoder': return [f.forward(i[0], i[1])];
    default: throw new Error(`unknown call ${call}`);
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  const x = await a.dataAsync();
  const y = await b.dataAsync();
  let m = 0;
  for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k]! - y[k]!));
  return m;
}

for (const c of fx.cases) {
  test(`state-dict keys, shapes and dtypes equal torch's: ${c.name}`, () => {
    const sd = ax.moduleFromConfig(c.axon).stateDict();
    // The key set (torch's strict load checks the set; Axon's order is module by module as torch's,
    // though fields within a module may be declared in another order).
    assert.deepEqual(Object.keys(sd).sort(), c.keys.map((k) => k.key).sort(), 'key set');
    for (const k of c.keys) {
      assert.deepEqual([...sd[k.key]!.shape], k.shape, `${k.key} shape`);
      assert.equal(sd[k.key]!.dtype, AXON_DTYPE[k.dtype], `${k.key} dtype (torch ${k.dtype})`);
    }
  });

  test(`torch state dict loads strictly and outputs match: ${c.name}`, async (t) => {
    const inputs = Object.values(part(c, 'input'));
    const want = Object.values(part(c, 'output'));
    assert.equal(inputs.length, c.inputs);
    const m = ax.moduleFromConfig(c.axon);
    assert.deepEqual(m.loadStateDict(part(c, 'state')), { missingKeys: [], unexpectedKeys: [] });
    m.eval();
    const got = ax.noGrad(() => run(m, c.call, inputs));
    assert.equal(got.length, c.outputs);
    for (const [i, g] of got.entries()) await assertClose(g, { shape: want[i]!.shape, data: await want[i]!.dataAsync() }, TOL.torchLayerF32, `${c.name} output ${i}`);
    const diffs = await Promise.all(got.map((g, i) => maxDiff(g, want[i]!)));
    t.diagnostic(`${c.name}: max |axon − torch| = ${Math.max(...diffs).toExponential(2)}`);

    // Round trip through Axon's own file: same keys as torch's, same outputs after load().
    const f = path.join(dir, `${c.name}.safetensors`);
    await ax.saveAsync(m, f);
    const saved = ax.loadSafetensorsSync(f).tensors;
    assert.deepEqual(Object.keys(saved).sort(), c.keys.map((k) => k.key).sort(), 'saved keys');
    const again = ax.noGrad(() => run(ax.load(f), c.call, inputs));
    for (const [i, g] of again.entries()) assert.deepEqual(await values(g), await values(got[i]!), `${c.name} output ${i} after save/load`);
  });
}
