// Attention, norms, MultiHeadAttention, Transformer encoder/decoder layers and RoPE against PyTorch
// (test/fixtures/transformer.json, written by scripts/fixtures/gen_transformer.py): outputs, input
// gradients and every parameter gradient, masks included; plus the bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Module, Tensor } from '../../src/index.js';
import { assertClose, assertGradsMatch, fixtureValues, fromFixture, onBackend, readJson, ROOT, values, vjpObjective, type FixtureTensor } from '../helpers.js';
import { TOL } from '../tolerances.js';

type Rec = Record<string, FixtureTensor>;
interface Case {
  name: string; kind: string; args: Record<string, any>; state: Rec; inputs: Rec; masks: Rec; // eslint-disable-line @typescript-eslint/no-explicit-any
  call: Record<string, any>; outputs: FixtureTensor[]; cotangents: FixtureTensor[]; input_grads: Rec; param_grads: Rec; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const fx = readJson<{ generator_sha256: string; cases: Case[] }>('test/fixtures/transformer.json');

test('transformer fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_transformer.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_transformer.py changed but test/fixtures/transformer.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_transformer.py');
});

/** Build the module (if any) with the fixture's weights and run the call. */
function run(c: Case, inputs: Record<string, Tensor>, masks: Record<string, Tensor>): { outs: Tensor[]; module: Module | null } {
  const a = c.args.options?.dtype ? { ...c.args, options: { ...c.args.options, dtype: onBackend(c.args.options.dtype) } } : c.args;
  const load = (m: Module): Module => {
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromFixture(v)])));
    return m;
  };
  switch (c.kind) {
    case 'sdpa':
      return { outs: [ax.scaledDotProductAttention(inputs.q!, inputs.k!, inputs.v!, { attnMask: masks.attnMask, isCausal: c.call.isCausal, scale: c.call.scale })], module: null };
    case 'rotary':
      return { outs: [ax.applyRotary(inputs.x!, { base: a.base, offset: a.offset })], module: null };
    case 'layerNorm': {
      const m = load(new ax.LayerNorm(a.normalizedShape, a.options));
      return { outs: [m.forward(inputs.x!)], module: m };
    }
    case 'rmsNorm': {
      const m = load(new ax.RMSNorm(a.normalizedShape, a.options));
      return { outs: [m.forward(inputs.x!)], module: m };
    }
    case 'mha': {
      const m = load(new ax.MultiHeadAttention(a.embedDim, a.numHeads, a.options)) as ax.MultiHeadAttention;
      const q = inputs.query!;
      const [k, v] = c.call.selfAttention ? [q, q] : [inputs.key!, inputs.value!];
      const [o, w] = m.forwardWithWeights(q, k, v, { keyPaddingMask: masks.keyPaddingMask, attnMask: masks.attnMask, averageAttnWeights: c.call.averageAttnWeights });
      return { outs: [o, w!], module: m };
    }
    case 'encoder': {
      const m = load(new ax.TransformerEncoderLayer(a.dModel, a.nhead, a.options)).eval() as ax.TransformerEncoderLayer;
      return { outs: [m.forward(inputs.x!, { isCausal: c.call.causal, srcKeyPaddingMask: masks.keyPaddingMask })], module: m };
    }
    case 'decoder': {
      const m = load(new ax.TransformerDecoderLayer(a.dModel, a.nhead, a.options)).eval() as ax.TransformerDecoderLayer;
      return { outs: [m.forward(inputs.x!, inputs.memory!, { tgtIsCausal: c.call.causal, memoryKeyPaddingMask: masks.keyPaddingMask })], module: m };
    }
    default: throw new Error(`unknown case kind ${c.kind}`);
  }
}

for (const c of fx.cases) {
  test(`torch parity: ${c.name}`, async () => {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromFixture(v).requiresGrad_(true)]));
    const masks = Object.fromEntries(Object.entries(c.masks).map(([k, v]) => [k, fromFixture(v)]));
    const { outs, module } = run(c, inputs, masks);
    for (const [i, o] of outs.entries()) await assertClose(o, { shape: c.outputs[i]!.shape, data: fixtureValues(c.outputs[i]!) }, TOL.fixtureF64, `${c.name} output ${i}`);
    const objective = vjpObjective(outs, c.cotangents);
    const params = module ? Object.fromEntries(module.namedParameters()) : {};
    const names = Object.keys(c.param_grads);
    assert.deepEqual(names.slice().sort(), Object.keys(params).sort(), `${c.name}: parameter names differ from PyTorch's`);
    await assertGradsMatch(c.name, objective, [
      ...Object.entries(inputs).map(([k, t]): [string, Tensor, FixtureTensor] => [`grad of ${k}`, t, c.input_grads[k]!]),
      ...names.map((n): [string, Tensor, FixtureTensor] => [`grad of ${n}`, params[n]!, c.param_grads[n]!]),
    ], TOL.fixtureF64);
  });
}

test('bad input: heads that do not divide the width name the divisors', () => {
  assert.throws(() => new ax.MultiHeadAttention(10, 3), (e: Error) => e instanceof ax.ValueError && /not divisible by numHeads 3/.test(e.message) && /1, 2, 5, 10/.test(e.message));
  assert.throws(() => new ax.TransformerEncoderLayer(64, 5), /embedDim 64 is not divisible by numHeads 5/);
});

test('bad input: a mask of the wrong shape says the expected shape', () => {
  const mha = new ax.MultiHeadAttention(8, 2, { batchFirst: true });
  const x = ax.randn([2, 4, 8]);
  assert.throws(() => mha.forward(x, x, x, { attnMask: ax.zeros([3, 4], { dtype: 'bool' }) }), (e: Error) => e instanceof ax.ShapeError && /attnMask has shape \[3,4\]/.test(e.message) && /\[4, 4\]/.test(e.message));
  assert.throws(() => mha.forward(x, x, x, { keyPaddingMask: ax.zeros([2, 5], { dtype: 'bool' }) }), /keyPaddingMask has shape \[2,5\] but must be \(N, S\) = \[2, 4\]/);
  const q = ax.randn([2, 3, 4]);
  assert.throws(() => ax.scaledDotProductAttention(q, q, q, { attnMask: ax.zeros([5, 3], { dtype: 'bool' }) }), /attnMask has shape \[5,3\] but must broadcast/);
  assert.throws(() => ax.scaledDotProductAttention(q, ax.randn([2, 3, 5]), q), /query width 4 ≠ key width 5/);
});

test('bad input: a sequence longer than the positional table says how to fix it', () => {
  const wpe = new ax.LearnedPositionalEmbedding(8, 4);
  assert.throws(() => wpe.forward(ax.zeros([1, 9, 4])), (e: Error) => e instanceof ax.ShapeError && /9 positions but the layer was built for at most 8/.test(e.message) && /crop/.test(e.message));
  assert.throws(() => new ax.SinusoidalPositionalEncoding(4, 6).forward(ax.zeros([1, 7, 4])), /at most 6/);
});

test('SDPA: isCausal equals an explicit lower-triangular bool mask; a float −inf mask equals the bool mask', async () => {
  ax.manualSeed(3);
  const q = ax.randn([2, 5, 4]);
  const k = ax.randn([2, 5, 4]);
  const v = ax.randn([2, 5, 3]);
  const a = ax.scaledDotProductAttention(q, k, v, { isCausal: true });
  const mask = ax.causalMask(5, 5, q);
  const b = ax.scaledDotProductAttention(q, k, v, { attnMask: mask });
  const c = ax.scaledDotProductAttention(q, k, v, { attnMask: ax.where(mask, 0, -Infinity).float() });
  const av = await a.dataAsync();
  await assertClose(b, { shape: a.shape, data: av }, TOL.float32);
  await assertClose(c, { shape: a.shape, data: av }, TOL.float32);
  // The first query sees only the first key: its output is v[:, 0].
  await assertClose(ax.select(a, 1, 0), { shape: [2, 3], data: await ax.select(v, 1, 0).dataAsync() }, TOL.float32);
});

test('TransformerEncoder copies the layer (same initial weights, separate parameters) and applies the final norm', async () => {
  ax.manualSeed(0);
  const layer = new ax.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true });
  const enc = new ax.TransformerEncoder(layer, 2, { norm: new ax.LayerNorm(8) });
  const sd = enc.stateDict();
  assert.deepEqual(await values(sd['layers.0.linear1.weight']!), await values(sd['layers.1.linear1.weight']!));
  assert.notEqual(sd['layers.0.linear1.weight'], sd['layers.1.linear1.weight']);
  assert.ok('norm.weight' in sd);
  const x = ax.randn([2, 3, 8]);
  const y = enc.forward(x);
  const manual = enc.norm!.forward(enc.layers[1]!.forward(enc.layers[0]!.forward(x)));
  await assertClose(y, { shape: manual.shape, data: await manual.dataAsync() }, TOL.float32);
  const back = ax.moduleFromConfig(JSON.parse(JSON.stringify(enc.config()))) as ax.TransformerEncoder;
  back.loadStateDict(sd);
  await assertClose(back.forward(x), { shape: y.shape, data: await y.dataAsync() }, TOL.float32);
});
