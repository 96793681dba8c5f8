// architectureSize counts, from a config alone, exactly the elements a built-in layer's state
// dict holds (so a checkpoint can be sized before its model is built), and refuses bad sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

const stored = (m: ax.Module): number => Object.values(m.stateDict()).reduce((n, t) => n + t.numel, 0);

const MODELS: [string, () => ax.Module][] = [
  ['Linear', () => new ax.Linear(5, 7)],
  ['Linear no bias', () => new ax.Linear(5, 7, { bias: false })],
  ['Conv1d', () => new ax.Conv1d(4, 6, 3, { groups: 2 })],
  ['Conv2d', () => new ax.Conv2d(3, 4, [3, 2], { bias: false })],
  ['ConvTranspose2d', () => new ax.ConvTranspose2d(4, 6, 3, { groups: 2 })],
  ['Embedding', () => new ax.Embedding(11, 3)],
  ['RNN', () => new ax.RNN(3, 5, { numLayers: 2 })],
  ['LSTM', () => new ax.LSTM(3, 5, { numLayers: 3, bidirectional: true })],
  ['GRU', () => new ax.GRU(3, 5, { bias: false })],
  ['RNNCell', () => new ax.RNNCell(3, 4)],
  ['LSTMCell', () => new ax.LSTMCell(3, 4)],
  ['GRUCell', () => new ax.GRUCell(3, 4, { bias: false })],
  ['LayerNorm', () => new ax.LayerNorm([3, 4])],
  ['LayerNorm no bias', () => new ax.LayerNorm(6, { bias: false })],
  ['RMSNorm', () => new ax.RMSNorm(6)],
  ['BatchNorm1d', () => new ax.BatchNorm1d(5)],
  ['BatchNorm2d', () => new ax.BatchNorm2d(5, { affine: false })],
  ['GroupNorm', () => new ax.GroupNorm(2, 6)],
  ['LearnedPositionalEmbedding', () => new ax.LearnedPositionalEmbedding(8, 4)],
  ['SinusoidalPositionalEncoding', () => new ax.SinusoidalPositionalEncoding(4, 10)],
  ['MultiHeadAttention', () => new ax.MultiHeadAttention(8, 2)],
  ['MultiHeadAttention kdim', () => new ax.MultiHeadAttention(8, 2, { kdim: 3, vdim: 5, bias: false })],
  ['TransformerEncoderLayer', () => new ax.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 })],
  ['TransformerDecoderLayer', () => new ax.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, bias: false })],
  ['TransformerEncoder', () => new ax.TransformerEncoder(new ax.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new ax.LayerNorm(8) })],
  ['TransformerDecoder', () => new ax.TransformerDecoder(new ax.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2)],
  ['GPT', () => new ax.GPT({ vocabSize: 10, contextLength: 6, nLayer: 2, nHead: 2, nEmbd: 8 })],
  ['GPT untied no bias', () => new ax.GPT({ vocabSize: 10, contextLength: 6, nLayer: 1, nHead: 2, nEmbd: 8, tieWeights: false, bias: false })],
  ['GPT MoE', () => new ax.GPT({ vocabSize: 10, contextLength: 6, nLayer: 1, nHead: 2, nEmbd: 8, moe: { nExperts: 3, topK: 1 } })],
  ['MoE', () => new ax.MoE(6, { nExperts: 2, hidden: 5 })],
  ['ExpertMLP', () => new ax.ExpertMLP(6, 5)],
  ['Perceptron', () => new ax.Perceptron(4)],
  ['Sequential', () => new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Dropout(0.1), new ax.Flatten(), new ax.Linear(4, 2))],
];

for (const [name, make] of MODELS) {
  test(`architectureSize counts ${name} exactly`, () => {
    const m = make();
    const s = ax.architectureSize(JSON.parse(JSON.stringify(m.config())));
    assert.equal(s.stored, stored(m));
    assert.equal(s.exact, true);
  });
}

test('architectureSize refuses bad sizes, deep nesting, and sizes huge configs without building them', () => {
  assert.throws(() => ax.architectureSize({ type: 'Linear', args: ['a', 3] }), (e: unknown) => e instanceof ax.ValueError && /inFeatures/.test((e as Error).message));
  assert.throws(() => ax.architectureSize(null), ax.ValueError);
  let deep: unknown = { type: 'Linear', args: [1, 1] };
  for (let i = 0; i < 5000; i++) deep = { type: 'Sequential', args: [deep] };
  assert.throws(() => ax.architectureSize(deep), ax.LimitError);
  assert.equal(ax.architectureSize({ type: 'LSTM', args: [4, 4, { numLayers: 2 ** 53 - 1 }] }).stored > 1e15, true);
  assert.equal(ax.architectureSize({ type: 'Custom', args: [] }).exact, false);
});
