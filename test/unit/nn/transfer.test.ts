// Transfer learning: freeze/unfreeze, replacing a head (Sequential.set, replaceModule by dotted
// path), per-group learning rates, optimizers leaving frozen parameters alone, BatchNorm pinned
// in eval mode while frozen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

const values = (t: ax.Tensor): number[] => Array.from(t.data());

function mlp(): ax.Sequential {
  return new ax.Sequential(new ax.Linear(4, 8), new ax.BatchNorm1d(8), new ax.ReLU(), new ax.Linear(8, 3));
}

test('freeze/unfreeze switch requiresGrad on every parameter and return the module', () => {
  const m = mlp();
  assert.equal(ax.freeze(m), m);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
  assert.equal(m.numParameters({ trainableOnly: true }), 0);
  assert.equal(ax.unfreeze(m), m);
  assert.ok(m.parameters().every((p) => p.requiresGrad));
  ax.freeze(m.at(0));
  ax.mseLoss(m.forward(ax.randn([5, 4])), ax.randn([5, 3])).backward();
  assert.equal(m.at(0).stateDict().weight!.grad, null, 'no gradient for a frozen parameter');
  assert.ok(m.at(3).stateDict().weight!.grad, 'the head still gets one');
});

test('Sequential.set and replaceModule swap a head (index, negative index, field, array field, nested path)', () => {
  const m = mlp();
  const head = new ax.Linear(8, 5);
  const old = m.set(-1, head);
  assert.ok(old instanceof ax.Linear && m.at(3) === head);
  assert.deepEqual([...m.forward(ax.randn([2, 4])).shape], [2, 5]);
  assert.deepEqual(Object.keys(m.stateDict()).filter((k) => k.startsWith('3.')), ['3.weight', '3.bias']);
  assert.throws(() => m.set(7, head), /out of range/);

  class Net extends ax.Module {
    body = mlp();
    blocks = [new ax.Linear(3, 3), new ax.Linear(3, 3)];
    fc = new ax.Linear(3, 2);
    forward(x: ax.Tensor): ax.Tensor { return this.fc.forward(this.blocks[1]!.forward(this.blocks[0]!.forward(this.body.forward(x)))); }
  }
  const net = new Net();
  const fc = new ax.Linear(3, 7);
  assert.ok(ax.replaceModule(net, 'fc', fc) instanceof ax.Linear);
  assert.equal(net.fc, fc);
  const b1 = new ax.Linear(3, 3);
  ax.replaceModule(net, 'blocks.1', b1);
  assert.equal(net.blocks[1], b1);
  const inner = new ax.Linear(8, 3);
  ax.replaceModule(net, 'body.3', inner);
  assert.equal(net.body.at(3), inner);
  assert.deepEqual([...net.forward(ax.randn([2, 4])).shape], [2, 7]);
  assert.throws(() => ax.replaceModule(net, 'body.9', fc), /no submodule at 'body\.9'.*'body\.3'/);
  assert.throws(() => ax.replaceModule(net, 'head', fc), /no submodule at 'head'/);
});

test('parameter groups: per-group learning rates over the defaults (discriminative fine-tuning)', () => {
  const m = mlp();
  const body = new ax.Sequential(m.at(0), m.at(1));
  const head = m.at(3);
  const opt = new ax.SGD([{ params: body.parameters(), lr: 1e-3 }, { params: head.parameters() }], { lr: 0.1 });
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [1e-3, 0.1]);
  const before = m.parameters().map(values);
  ax.mseLoss(m.forward(ax.randn([6, 4])), ax.randn([6, 3])).backward();
  const grads = m.parameters().map((p) => values(p.grad!));
  opt.step();
  m.parameters().forEach((p, i) => {
    const lr = i < 4 ? 1e-3 : 0.1; // 0.weight, 0.bias, 1.weight, 1.bias in the body
    values(p).forEach((v, j) => assert.ok(Math.abs(v - (before[i]![j]! - lr * grads[i]![j]!)) < 1e-6, `param ${i} moved by its group's lr`));
  });
  const adam = new ax.Adam([{ params: body.parameters(), lr: 1e-4 }, { params: head.parameters() }], { lr: 1e-3 });
  assert.deepEqual(adam.paramGroups.map((g) => g.lr), [1e-4, 1e-3]);
});

test('optimizers leave frozen parameters untouched, weight decay included, even with a stale gradient', () => {
  for (const make of [(ps: ax.Parameter[]) => new ax.SGD(ps, { lr: 0.1, weightDecay: 0.5, momentum: 0.9 }), (ps: ax.Parameter[]) => new ax.AdamW(ps, { lr: 0.1, weightDecay: 0.5 }), (ps: ax.Parameter[]) => new ax.RMSprop(ps, { lr: 0.1, weightDecay: 0.5 })]) {
    const m = mlp();
    const opt = make(m.parameters());
    ax.mseLoss(m.forward(ax.randn([6, 4])), ax.randn([6, 3])).backward(); // every parameter has a grad now
    ax.freeze(m.at(0));
    const frozen = m.at(0).parameters().map(values);
    const headBefore = values(m.at(3).stateDict().weight!);
    opt.step();
    assert.deepEqual(m.at(0).parameters().map(values), frozen, `${opt.constructor.name}: frozen weights unchanged`);
    assert.notDeepEqual(values(m.at(3).stateDict().weight!), headBefore, `${opt.constructor.name}: the head trains`);
  }
});

test("freeze(m, { batchNorm: 'eval' }) keeps BatchNorm in eval mode through train() until unfreeze", () => {
  const m = mlp();
  const bn = m.at(1);
  ax.freeze(m, { batchNorm: 'eval' });
  m.train();
  assert.equal(bn.training, false);
  assert.equal(m.at(0).training, true, 'other layers follow train()');
  const stats = values(bn.stateDict().running_mean!);
  m.forward(ax.randn([6, 4]).add(3));
  assert.deepEqual(values(bn.stateDict().running_mean!), stats, 'running statistics are not updated');
  assert.equal(bn.stateDict().num_batches_tracked!.item(), 0);
  ax.unfreeze(m);
  assert.equal(bn.training, true, 'back to the model mode');
  m.eval();
  m.train();
  assert.equal(bn.training, true);
  ax.freeze(m);
  m.train();
  assert.equal(bn.training, true, "the default ('train') leaves BatchNorm following train()");
  assert.throws(() => ax.freeze(m, { batchNorm: 'frozen' as 'eval' }), /batchNorm must be/);
});
