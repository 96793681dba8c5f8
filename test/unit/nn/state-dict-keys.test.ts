// The table of every built-in layer's state-dict keys and shapes (PyTorch's names and layouts;
// test/each-backend/state-dict-vs-torch.test.ts checks the same against torch itself), and the
// loading rules: Axon's old buffer names, strict: false warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import type { Module } from '../../../src/index.js';
import { captureWarnings } from '../../capture.js';

type Row = [string, () => Module, Record<string, number[]>];
const lin = (i: number, o: number, p = ''): Record<string, number[]> => ({ [`${p}weight`]: [o, i], [`${p}bias`]: [o] });
const ln = (n: number, p: string): Record<string, number[]> => ({ [`${p}weight`]: [n], [`${p}bias`]: [n] });
const mha = (e: number, p: string): Record<string, number[]> => ({ [`${p}in_proj_weight`]: [3 * e, e], [`${p}in_proj_bias`]: [3 * e], ...lin(e, e, `${p}out_proj.`) });
const rnn = (g: number, i: number, h: number, sfx: string): Record<string, number[]> => ({ [`weight_ih_${sfx}`]: [g * h, i], [`weight_hh_${sfx}`]: [g * h, h], [`bias_ih_${sfx}`]: [g * h], [`bias_hh_${sfx}`]: [g * h] });
const ff = { ...lin(8, 16, 'linear1.'), ...lin(16, 8, 'linear2.') };

/** Layer type → its state dict (key → shape), as PyTorch names and lays them out. */
const TABLE: Row[] = [
  ['Linear', () => new ax.Linear(5, 3), lin(5, 3)],
  ['Conv1d', () => new ax.Conv1d(3, 4, 3), { weight: [4, 3, 3], bias: [4] }],
  ['Conv2d', () => new ax.Conv2d(4, 6, 3, { groups: 2 }), { weight: [6, 2, 3, 3], bias: [6] }],
  ['ConvTranspose2d', () => new ax.ConvTranspose2d(4, 3, 4), { weight: [4, 3, 4, 4], bias: [3] }],
  ['BatchNorm1d', () => new ax.BatchNorm1d(4), { weight: [4], bias: [4], running_mean: [4], running_var: [4], num_batches_tracked: [] }],
  ['BatchNorm2d', () => new ax.BatchNorm2d(3), { weight: [3], bias: [3], running_mean: [3], running_var: [3], num_batches_tracked: [] }],
  ['BatchNorm2d(affine: false)', () => new ax.BatchNorm2d(3, { affine: false }), { running_mean: [3], running_var: [3], num_batches_tracked: [] }],
  ['LayerNorm', () => new ax.LayerNorm(6), ln(6, '')],
  ['RMSNorm', () => new ax.RMSNorm(6), { weight: [6] }],
  ['GroupNorm', () => new ax.GroupNorm(2, 4), ln(4, '')],
  ['Embedding', () => new ax.Embedding(10, 4), { weight: [10, 4] }],
  ['RNN', () => new ax.RNN(4, 5), rnn(1, 4, 5, 'l0')],
  ['LSTM (2 layers, bidirectional)', () => new ax.LSTM(4, 5, { numLayers: 2, bidirectional: true }),
    { ...rnn(4, 4, 5, 'l0'), ...rnn(4, 4, 5, 'l0_reverse'), ...rnn(4, 10, 5, 'l1'), ...rnn(4, 10, 5, 'l1_reverse') }],
  ['GRU', () => new ax.GRU(4, 5), rnn(3, 4, 5, 'l0')],
  ['RNNCell', () => new ax.RNNCell(4, 5), { weight_ih: [5, 4], weight_hh: [5, 5], bias_ih: [5], bias_hh: [5] }],
  ['LSTMCell', () => new ax.LSTMCell(4, 5), { weight_ih: [20, 4], weight_hh: [20, 5], bias_ih: [20], bias_hh: [20] }],
  ['GRUCell', () => new ax.GRUCell(4, 5), { weight_ih: [15, 4], weight_hh: [15, 5], bias_ih: [15], bias_hh: [15] }],
  ['MultiHeadAttention', () => new ax.MultiHeadAttention(8, 2), mha(8, '')],
  ['MultiHeadAttention (kdim, vdim)', () => new ax.MultiHeadAttention(8, 2, { kdim: 6, vdim: 5 }),
    { q_proj_weight: [8, 8], k_proj_weight: [8, 6], v_proj_weight: [8, 5], in_proj_bias: [24], ...lin(8, 8, 'out_proj.') }],
  ['TransformerEncoderLayer', () => new ax.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), { ...mha(8, 'self_attn.'), ...ff, ...ln(8, 'norm1.'), ...ln(8, 'norm2.') }],
  ['TransformerDecoderLayer', () => new ax.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }),
    { ...mha(8, 'self_attn.'), ...mha(8, 'multihead_attn.'), ...ff, ...ln(8, 'norm1.'), ...ln(8, 'norm2.'), ...ln(8, 'norm3.') }],
  ['Sequential', () => new ax.Sequential(new ax.Conv2d(2, 3, 3), new ax.BatchNorm2d(3), new ax.ReLU(), new ax.Flatten(), new ax.Linear(12, 2)),
    { '0.weight': [3, 2, 3, 3], '0.bias': [3], '1.weight': [3], '1.bias': [3], '1.running_mean': [3], '1.running_var': [3], '1.num_batches_tracked': [], ...lin(12, 2, '4.') }],
  ['LearnedPositionalEmbedding', () => new ax.LearnedPositionalEmbedding(7, 4), { weight: [7, 4] }],
  ['SinusoidalPositionalEncoding', () => new ax.SinusoidalPositionalEncoding(4, 7), { pe: [7, 4] }],
  ...['ReLU', 'GELU', 'Tanh', 'Sigmoid', 'Identity'].map((n): Row => [n, () => new (ax as unknown as Record<string, new () => Module>)[n]!(), {}]),
  ['Flatten', () => new ax.Flatten(), {}],
  ['Dropout', () => new ax.Dropout(0.1), {}],
  ['MaxPool2d', () => new ax.MaxPool2d(2), {}],
  ['AvgPool2d', () => new ax.AvgPool2d(2), {}],
  ['AdaptiveAvgPool2d', () => new ax.AdaptiveAvgPool2d(1), {}],
];

for (const [name, make, want] of TABLE) {
  test(`state-dict keys and shapes: ${name}`, () => {
    const sd = make().stateDict();
    assert.deepEqual(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, [...t.shape]])), want);
  });
}

test('num_batches_tracked is int32 (PyTorch: int64; both load into either)', () => {
  assert.equal(new ax.BatchNorm1d(2).stateDict().num_batches_tracked!.dtype, 'int32');
});

test("Axon's old buffer names (runningMean, runningVar, numBatchesTracked) still load, with a one-time notice", () => {
  const src = new ax.Sequential(new ax.Linear(3, 2), new ax.BatchNorm1d(2));
  src.forward(ax.randn([4, 3]));
  const old: Record<string, ax.Tensor> = {};
  for (const [k, t] of Object.entries(src.stateDict())) old[k.replace('running_mean', 'runningMean').replace('running_var', 'runningVar').replace('num_batches_tracked', 'numBatchesTracked')] = t;
  assert.ok('1.runningMean' in old);
  const dst = new ax.Sequential(new ax.Linear(3, 2), new ax.BatchNorm1d(2));
  const first = captureWarnings(() => assert.deepEqual(dst.loadStateDict(old), { missingKeys: [], unexpectedKeys: [] }));
  assert.deepEqual(Array.from(dst.at(1).stateDict().running_mean!.data()), Array.from(src.at(1).stateDict().running_mean!.data()));
  assert.equal(dst.at(1).stateDict().num_batches_tracked!.item(), 1);
  const second = captureWarnings(() => dst.loadStateDict(old));
  assert.ok(first.length + second.length === 1 && /running_mean/.test([...first, ...second][0]!), 'one notice per process');
  // An old checkpoint file (save() wrote camelCase before) loads through load().
  const bytes = ax.serializeCheckpoint(src);
  const file = ax.parseSafetensors(bytes);
  const renamed = Object.fromEntries(Object.entries(file.tensors).map(([k, t]) => [k.replace('running_var', 'runningVar'), t]));
  const again = ax.parseCheckpoint(ax.serializeSafetensors(renamed, file.metadata ?? undefined)).model as ax.Sequential;
  assert.deepEqual(Array.from(again.at(1).stateDict().running_var!.data()), Array.from(src.at(1).stateDict().running_var!.data()));
});

test('loadStateDict(strict: false) returns and prints (one line) the missing and unexpected keys; missing buffers keep their values only with that warning', () => {
  const bn = new ax.BatchNorm1d(2);
  const { running_var: _v, ...partial } = new ax.BatchNorm1d(2).stateDict();
  const seen = captureWarnings(() => {
    const r = bn.loadStateDict({ ...partial, extra: ax.zeros([1]) }, { strict: false });
    assert.deepEqual(r, { missingKeys: ['running_var'], unexpectedKeys: ['extra'] });
  });
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /missing keys \[running_var\], unexpected keys \[extra\]/);
  assert.ok(!seen[0]!.includes('\n'));
  assert.throws(() => bn.loadStateDict(partial), /missing keys \[running_var\]/);
  assert.deepEqual(captureWarnings(() => bn.loadStateDict(new ax.BatchNorm1d(2).stateDict(), { strict: false })), [], 'nothing printed when everything matches');
});
