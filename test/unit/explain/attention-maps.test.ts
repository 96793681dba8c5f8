// Attention maps of a GPT: causal, rows that sum to 1, the weights the layer really averages with,
// and attention rollout's definition; SmoothGrad reproducible from a seeded generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { assertClose } from '../../helpers.js';
import { TOL } from '../../tolerances.js';

test('attentionMaps on a GPT: one causal (B, heads, T, T) map per block, rows summing to 1, and the rollout of them', async () => {
  ax.manualSeed(3);
  const gpt = new ax.GPT({ ...ax.GPT_DEFAULTS, vocabSize: 20, contextLength: 16, nLayer: 3, nHead: 2, nEmbd: 16 }).eval();
  const ids = ax.randint(0, 20, [2, 6]);
  const maps = ax.attentionMaps(gpt, ids);
  assert.deepEqual(maps.layers.map((l) => l.name), ['h.0.attn', 'h.1.attn', 'h.2.attn']);
  for (const l of maps.layers) {
    assert.deepEqual(l.weights.shape, [2, 2, 6, 6]);
    const w = l.weights.data();
    for (let r = 0; r < 2 * 2 * 6; r++) {
      const i = r % 6;
      let s = 0;
      for (let j = 0; j < 6; j++) { s += w[r * 6 + j]!; if (j > i) assert.equal(w[r * 6 + j], 0, 'no attention to later positions'); }
      assert.ok(Math.abs(s - 1) < 1e-5, `row sums to ${s}`);
    }
  }
  // The weights are the ones the block uses: y = (A · v) projected, recomputed by hand for block 0.
  const block = gpt.h[0]!;
  const x0 = ax.noGrad(() => block.ln_1.forward(ax.add(gpt.wte.forward(ids), gpt.wpe.positions(6, 0))));
  const [, , v] = ax.split(block.attn.c_attn.forward(x0), 16, 2).map((t) => ax.permute(ax.reshape(t, [2, 6, 2, 8]), [0, 2, 1, 3]));
  const y = ax.noGrad(() => block.attn.c_proj.forward(ax.reshape(ax.permute(ax.matmul(maps.layers[0]!.weights, v!), [0, 2, 1, 3]), [2, 6, 16])));
  await assertClose(y, { shape: [2, 6, 16], data: ax.noGrad(() => block.attn.forward(x0)).data() }, TOL.float32, 'attention output from the reported weights');
  // Rollout: Â = ½·mean_h A + ½·I per layer, rows renormalised, multiplied last to first.
  let expected: ax.Tensor | null = null;
  for (const l of maps.layers) {
    const a = ax.add(ax.mul(ax.mean(l.weights, { dim: 1 }), 0.5), ax.mul(ax.eye(6), 0.5));
    const n = ax.div(a, ax.sum(a, { dim: -1, keepDim: true }));
    expected = expected ? ax.matmul(n, expected) : n;
  }
  await assertClose(maps.rollout!, { shape: [2, 6, 6], data: expected!.data() }, TOL.float32, 'rollout');
  assert.throws(() => ax.attentionMaps(new ax.Linear(2, 2), ax.zeros([1, 2])), (e: Error) => e instanceof ax.ValueError && /no MultiHeadAttention or GPT attention layer/.test(e.message));
  assert.equal(Object.prototype.hasOwnProperty.call(block.ln_1, 'forward'), false, 'the hooks are gone afterwards');
});

test('smoothGrad is reproducible from a seeded generator and equals the mean of saliency at the same noisy points', async () => {
  ax.manualSeed(4);
  const model = new ax.Sequential(new ax.Linear(4, 8, { dtype: 'float64' }), new ax.Tanh(), new ax.Linear(8, 2, { dtype: 'float64' }));
  const x = ax.randn([3, 4], { dtype: 'float64' });
  const a = ax.smoothGrad(model, x, { target: [0, 1, 0], samples: 6, stdev: 0.3, generator: new ax.Generator(7) });
  const b = ax.smoothGrad(model, x, { target: [0, 1, 0], samples: 6, stdev: 0.3, generator: new ax.Generator(7) });
  assert.deepEqual([...a.data()], [...b.data()]);
  // The same noise drawn by hand: randn (S, N, M) from the same seed, scaled by stdev.
  const noise = ax.mul(ax.randn([6, 3, 4], { dtype: 'float64', generator: new ax.Generator(7) }), 0.3);
  let sum = ax.zeros([3, 4], { dtype: 'float64' });
  for (let s = 0; s < 6; s++) sum = ax.add(sum, ax.saliency(model, ax.add(x, ax.select(noise, 0, s)), { target: [0, 1, 0] }));
  await assertClose(a, { shape: [3, 4], data: ax.div(sum, 6).data() }, TOL.fixtureF64, 'SmoothGrad = mean of saliency over the noisy copies');
  const sq = ax.smoothGrad(model, x, { target: [0, 1, 0], samples: 6, stdev: 0.3, type: 'smoothgradSq', generator: new ax.Generator(7) });
  assert.ok(ax.sum(ax.sub(sq, ax.square(a))).item() >= -1e-12, 'E[A²] ≥ E[A]²');
});
