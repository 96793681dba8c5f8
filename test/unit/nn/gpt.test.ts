// GPT: key/value-cached generation equals uncached, sampling options, errors, weight tying, learning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { assertValuesClose } from '../../helpers.js';
import { TOL } from '../../tolerances.js';

/** A small GPT with large random weights, so its next-token distributions are far from uniform. */
function peakyGpt(cfg: Partial<ax.GPTConfig> = {}): ax.GPT {
  ax.manualSeed(11);
  const g = new ax.GPT({ vocabSize: 17, contextLength: 8, nLayer: 2, nHead: 2, nEmbd: 16, ...cfg });
  for (const [n, p] of g.namedParameters()) if (!n.includes('ln_')) ax.init.normal_(p, 0, 0.5);
  return g;
}

test('generate: cached and uncached give the same tokens for a fixed seed, within and beyond the context', () => {
  const g = peakyGpt();
  const idx = ax.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
  for (const opts of [{ temperature: 1 }, { temperature: 0.8, topK: 5 }, { temperature: 1.2, topP: 0.9 }, { temperature: 0 }]) {
    const a = g.generate(idx, { maxNewTokens: 14, generator: new ax.Generator(7), ...opts }); // 3 + 14 > context 8: the window slides
    const b = g.generate(idx, { maxNewTokens: 14, generator: new ax.Generator(7), useCache: false, ...opts });
    assert.deepEqual(a.toArray(), b.toArray(), JSON.stringify(opts));
    assert.deepEqual(a.shape, [2, 17]);
  }
});

test('generate: the cache makes the logits of each new position equal the full forward pass', () => {
  const g = peakyGpt().eval();
  const full = g.forward(ax.tensor([[3, 1, 4, 1, 5, 9]], { dtype: 'int32' })); // (1, 6, 17)
  // Greedy generation from the 5-token prefix appends argmax of the last logits of the full pass.
  const next = g.generate(ax.tensor([[3, 1, 4, 1, 5]], { dtype: 'int32' }), { maxNewTokens: 1, temperature: 0 });
  const want = ax.argmax(ax.select(ax.select(full, 1, 4), 0, 0)).item();
  assert.equal((next.toArray() as number[][])[0]![5], want);
});

test('generate: greedy equals topK 1; a stop token ends a row and pads it', () => {
  const g = peakyGpt();
  const idx = ax.tensor([[2, 7]], { dtype: 'int32' });
  const greedy = g.generate(idx, { maxNewTokens: 6, temperature: 0 });
  const top1 = g.generate(idx, { maxNewTokens: 6, topK: 1, generator: new ax.Generator(1) });
  assert.deepEqual(greedy.toArray(), top1.toArray());
  const seq = (greedy.toArray() as number[][])[0]!;
  const stop = seq[3]!;
  const stopped = (g.generate(idx, { maxNewTokens: 6, temperature: 0, stopToken: stop }).toArray() as number[][])[0]!;
  const firstStop = seq.indexOf(stop, 2);
  assert.deepEqual(stopped.slice(0, firstStop + 1), seq.slice(0, firstStop + 1));
  assert.ok(stopped.length <= seq.length);
});

test('sampleToken: top-p keeps the smallest nucleus; temperature 0 is argmax', () => {
  const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
  const gen = new ax.Generator(0);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(ax.sampleToken(logits, 1, null, 0.7, gen));
  assert.deepEqual([...seen].sort(), [0, 1]); // 0.5 + 0.3 ≥ 0.7: token 2 is never drawn
  assert.equal(ax.sampleToken([0, 3, 1], 0, null, 1, gen), 1);
});

test('bad input: context longer than the model, heads not dividing the width', () => {
  const g = peakyGpt();
  assert.throws(() => g.forward(ax.zeros([1, 9], { dtype: 'int32' })), (e: Error) => e instanceof ax.ShapeError && /9 positions but the model's contextLength is 8/.test(e.message) && /crop/.test(e.message));
  assert.throws(() => new ax.GPT({ nEmbd: 30, nHead: 4 }), /nEmbd 30 is not divisible by nHead 4/);
});

test('weight tying: no lm_head key, the head uses wte; untied has lm_head.weight', () => {
  const tied = peakyGpt();
  assert.ok(!('lm_head.weight' in tied.stateDict()));
  const untied = peakyGpt({ tieWeights: false });
  assert.deepEqual(untied.stateDict()['lm_head.weight']!.shape, [17, 16]);
  assert.equal(untied.numParameters() - tied.numParameters(), 17 * 16);
});

test('GPT learns a repeating sequence (loss falls below 0.1 in 150 AdamW steps) and survives save/load', () => {
  ax.manualSeed(0);
  const g = new ax.GPT({ vocabSize: 6, contextLength: 8, nLayer: 1, nHead: 2, nEmbd: 16 });
  const opt = new ax.AdamW(g.parameters(), { lr: 1e-2, weightDecay: 0 });
  const seq = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1];
  const x = ax.tensor([seq.slice(0, 8), seq.slice(3, 11)], { dtype: 'int32' });
  const y = ax.tensor([seq.slice(1, 9), seq.slice(4, 12)], { dtype: 'int32' });
  let loss = Infinity;
  for (let i = 0; i < 150; i++) {
    loss = ax.scope(() => {
      opt.zeroGrad();
      const l = g.loss(x, y);
      l.backward();
      opt.step();
      return l.item();
    });
  }
  assert.ok(loss < 0.1, `loss ${loss}`);
  const out = g.generate(ax.tensor([[0, 1, 2]], { dtype: 'int32' }), { maxNewTokens: 5, temperature: 0 });
  assert.deepEqual(out.toArray(), [[0, 1, 2, 3, 4, 5, 0, 1]]);
  const copy = ax.moduleFromConfig(JSON.parse(JSON.stringify(g.config()))) as ax.GPT;
  copy.loadStateDict(g.stateDict());
  const a = g.eval().forward(x);
  const b = copy.eval().forward(x);
  assertValuesClose({ shape: b.shape, data: b.data() }, { shape: a.shape, data: a.data() }, TOL.float32);
});
