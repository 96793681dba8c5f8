// Mixture of Experts: routing and mixing values, renormalized top-k weights, capacity drops, the
// Switch load-balancing loss and the usage histogram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { assertValuesClose } from '../../helpers.js';
import { TOL } from '../../tolerances.js';

test('MoE with topK = nExperts mixes every expert by its gate probability', () => {
  ax.manualSeed(1);
  const moe = new ax.MoE(6, { nExperts: 3, topK: 3, hidden: 8 });
  const x = ax.randn([2, 4, 6]);
  const y = moe.forward(x);
  const p = ax.softmax(moe.gate.forward(x), { dim: -1 }); // (2, 4, 3)
  let want: ax.Tensor = ax.zeros([2, 4, 6]);
  moe.experts.forEach((e, i) => { want = ax.add(want, ax.mul(e.forward(x), ax.slice(p, [null, null, [i, i + 1]]))); });
  assertValuesClose({ shape: y.shape, data: y.data() }, { shape: want.shape, data: want.data() }, TOL.float32);
  assert.deepEqual(moe.lastUsage, [8, 8, 8]);
});

test('MoE top-1 uses only the most probable expert with weight 1 (renormalized)', () => {
  ax.manualSeed(2);
  const moe = new ax.MoE(4, { nExperts: 4, topK: 1, hidden: 8 });
  const x = ax.randn([5, 4]);
  const y = moe.forward(x);
  const choice = ax.argmax(moe.gate.forward(x), { dim: -1 }).data();
  for (let n = 0; n < 5; n++) {
    const row = ax.select(x, 0, n).unsqueeze(0);
    const want = moe.experts[choice[n]!]!.forward(row);
    assertValuesClose({ shape: [1, 4], data: ax.select(y, 0, n).data() }, { shape: want.shape, data: want.data() }, TOL.float32, `token ${n}`);
  }
  assert.equal(moe.lastUsage.reduce((a, b) => a + b, 0), 5);
});

test('MoE load-balancing loss is nExperts · Σ f·P and carries gradient to the gate', () => {
  ax.manualSeed(3);
  const moe = new ax.MoE(4, { nExperts: 3, topK: 2, hidden: 4 });
  const x = ax.randn([6, 4]);
  moe.forward(x);
  const p = ax.softmax(moe.gate.forward(x), { dim: -1 }).data();
  const f = [0, 0, 0];
  for (let n = 0; n < 6; n++) {
    const row = [0, 1, 2].sort((a, b) => p[n * 3 + b]! - p[n * 3 + a]! || a - b);
    f[row[0]!]! += 1 / 12; f[row[1]!]! += 1 / 12;
  }
  const P = [0, 1, 2].map((e) => [0, 1, 2, 3, 4, 5].reduce((s, n) => s + p[n * 3 + e]!, 0) / 6);
  const want = 3 * (f[0]! * P[0]! + f[1]! * P[1]! + f[2]! * P[2]!);
  assert.ok(Math.abs(moe.lastAuxLoss!.item() - want) < 1e-6, `${moe.lastAuxLoss!.item()} vs ${want}`);
  moe.lastAuxLoss!.backward();
  assert.ok(moe.gate.weight.grad!.abs().sum().item() > 0);
});

test('MoE capacity factor drops overflow tokens; usage histogram accumulates and sums to 1', () => {
  ax.manualSeed(4);
  const moe = new ax.MoE(4, { nExperts: 2, topK: 1, hidden: 4, capacityFactor: 0.5 });
  const x = ax.randn([8, 4]);
  const y = moe.forward(x);
  assert.ok(moe.lastUsage.every((u) => u <= 2), JSON.stringify(moe.lastUsage)); // ⌈0.5·8·1/2⌉ = 2
  const zeroRows = Array.from({ length: 8 }, (_, n) => ax.select(y, 0, n).abs().sum().item() === 0).filter(Boolean).length;
  assert.equal(zeroRows, 8 - moe.lastUsage.reduce((a, b) => a + b, 0));
  moe.forward(x);
  const h = moe.usageHistogram();
  assert.ok(Math.abs(h[0]! + h[1]! - 1) < 1e-12);
  assert.deepEqual(moe.usage, moe.lastUsage.map((u) => 2 * u));
});

test('GPT with moe blocks: MoE in place of the MLP, aux loss added to loss(), state dict keys', () => {
  ax.manualSeed(5);
  const g = new ax.GPT({ vocabSize: 10, contextLength: 8, nLayer: 2, nHead: 2, nEmbd: 8, moe: { nExperts: 4, topK: 2 } });
  assert.ok('h.1.mlp.experts.3.c_fc.weight' in g.stateDict() && 'h.0.mlp.gate.weight' in g.stateDict());
  const x = ax.tensor([[1, 2, 3, 4]], { dtype: 'int32' });
  const y = ax.tensor([[2, 3, 4, 5]], { dtype: 'int32' });
  const l = g.loss(x, y).item();
  const ce = ax.crossEntropy(g.forward(x).reshape([-1, 10]), y.reshape([-1])).item();
  const aux = g.auxLoss()!.item();
  assert.ok(Math.abs(l - (ce + 0.01 * aux)) < 1e-5, `${l} vs ${ce} + 0.01·${aux}`);
  assert.ok(aux >= 2 - 1e-6, `two layers, each ≥ 1 (balanced minimum), got ${aux}`);
});
