// Recurrent layers beyond the PyTorch fixtures: dropout between layers, save/load configs, the
// variable-length invariance (padding content never matters) and learning a small sequence task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

test('dropout between layers acts in training only and never after the last layer', () => {
  ax.manualSeed(0);
  const gru = new ax.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
  const x = ax.randn([5, 2, 3]);
  const evalOut = gru.eval().forward(x)[0].data();
  assert.deepEqual(Array.from(gru.forward(x)[0].data()), Array.from(evalOut), 'eval mode is deterministic');
  assert.notDeepEqual(Array.from(gru.train().forward(x)[0].data()), Array.from(evalOut), 'training mode drops units of layer 0');
  const single = new ax.LSTM(3, 4, { dropout: 0.5 });
  assert.deepEqual(Array.from(single.train().forward(x)[0].data()), Array.from(single.eval().forward(x)[0].data()), 'one layer: nothing to drop');
});

test('padding content never leaks: results equal those of the unpadded sequence', () => {
  ax.manualSeed(1);
  const lstm = new ax.LSTM(2, 3, { batchFirst: true, bidirectional: true, numLayers: 2 });
  const short = ax.randn([1, 3, 2]);
  const padded = ax.cat([short, ax.full([1, 2, 2], 99)], 1); // (1, 5, 2), garbage after step 3
  const [o1, [h1, c1]] = lstm.forward(short);
  const [o2, [h2, c2]] = lstm.forward(padded, null, { lengths: [3] });
  const close = (a: ax.Tensor, b: ax.Tensor): void => { const d = a.sub(b).abs().max().item(); assert.ok(d < 1e-6, `max diff ${d}`); };
  close(o2.slice(null, [0, 3]), o1);
  assert.equal(o2.slice(null, [3, 5]).abs().sum().item(), 0, 'outputs past the length are 0');
  close(h2, h1);
  close(c2, c1);
});

test('config round trip rebuilds the same layer and stateDict keys follow PyTorch', () => {
  const gru = new ax.GRU(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  assert.deepEqual(Object.keys(gru.stateDict()).slice(0, 5), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse']);
  assert.deepEqual(gru.stateDict()['weight_ih_l1']!.shape, [15, 10]);
  const copy = ax.moduleFromConfig(gru.config()) as ax.GRU;
  copy.loadStateDict(gru.stateDict());
  const x = ax.randn([2, 3, 4]);
  assert.deepEqual(Array.from(copy.forward(x)[0].data()), Array.from(gru.forward(x)[0].data()));
  const b = 1 / Math.sqrt(5);
  assert.ok(gru.parameters().every((p) => p.abs().max().item() <= b), 'default init U(−1/√hidden, 1/√hidden)');
});

test('an LSTM learns to tell whether a sequence sums above zero', () => {
  ax.manualSeed(0);
  const x = ax.randn([256, 8, 1]);
  const y = x.sum({ dim: [1, 2] }).gt(0).int(); // (256)
  class Net extends ax.Module {
    lstm = new ax.LSTM(1, 16, { batchFirst: true });
    head = new ax.Linear(16, 2);
    forward(t: ax.Tensor): ax.Tensor { return this.head.forward(this.lstm.forward(t)[1][0].squeeze(0)); } // (N, 8, 1) -> (N, 2)
  }
  const net = new Net();
  ax.fit(net, { data: { x, y }, epochs: 15, batchSize: 32, optimizer: new ax.Adam(net.parameters(), { lr: 1e-2 }), clipGradNorm: 1, verbose: false });
  const acc = ax.accuracy(ax.predict(net, x).argmax({ dim: 1 }), y);
  assert.ok(acc > 0.9, `accuracy ${acc}`);
});
