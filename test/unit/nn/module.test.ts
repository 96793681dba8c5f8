// Module semantics: discovery of parameters/buffers/children, state dicts, modes, freezing, summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { AxonError, ShapeError } from '../../../src/index.js';

class Net extends ax.Module {
  fc1 = new ax.Linear(4, 3);
  blocks = [new ax.Linear(3, 3), new ax.ReLU()];
  head = new ax.Sequential(new ax.Linear(3, 2), new ax.Dropout(0.5));
  runningMean = ax.zeros([3]); // a buffer: a tensor field that is not a Parameter
  forward(x: ax.Tensor): ax.Tensor {
    let h = this.fc1.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    return this.head.forward(h);
  }
}

test('namedParameters, buffers and children follow PyTorch naming', () => {
  const net = new Net();
  assert.deepEqual([...net.namedParameters()].map(([k]) => k), [
    'fc1.weight', 'fc1.bias', 'blocks.0.weight', 'blocks.0.bias', 'head.0.weight', 'head.0.bias',
  ]);
  assert.deepEqual([...net.namedBuffers()].map(([k]) => k), ['runningMean']);
  assert.deepEqual([...net.namedChildren()].map(([k]) => k), ['fc1', 'blocks.0', 'blocks.1', 'head']);
  assert.equal(net.numParameters(), 4 * 3 + 3 + 3 * 3 + 3 + 3 * 2 + 2);
  assert.deepEqual([...net.fc1.weight.shape], [3, 4], 'Linear.weight is (out, in)');
});

test('stateDict/loadStateDict copy values in place and report key mismatches', () => {
  ax.manualSeed(1);
  const a = new Net();
  ax.manualSeed(2);
  const b = new Net();
  const w = b.fc1.weight;
  assert.notDeepEqual(a.fc1.weight.toArray(), b.fc1.weight.toArray());
  const res = b.loadStateDict(a.stateDict());
  assert.deepEqual(res, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(b.fc1.weight, w, 'the parameter object is kept (optimizers hold it)');
  assert.deepEqual(b.fc1.weight.toArray(), a.fc1.weight.toArray());
  const partial = { 'fc1.weight': a.fc1.weight, extra: ax.zeros([1]) };
  assert.throws(() => b.loadStateDict(partial), (e: unknown) => e instanceof AxonError && /missing keys \[[^\]]*fc1\.bias/.test((e as Error).message) && /unexpected keys \[extra\]/.test((e as Error).message));
  const r = b.loadStateDict(partial, { strict: false });
  assert.ok(r.missingKeys.includes('fc1.bias'));
  assert.deepEqual(r.unexpectedKeys, ['extra']);
  assert.throws(() => b.loadStateDict({ ...a.stateDict(), 'fc1.weight': ax.zeros([4, 3]) }), (e: unknown) => e instanceof ShapeError && /fc1\.weight/.test((e as Error).message));
});

test('train()/eval() propagate; dropout is the identity in eval mode', () => {
  const net = new Net();
  net.eval();
  assert.ok([...net.modules()].every((m) => !m.training));
  const x = ax.randn([5, 4]);
  assert.deepEqual(net.forward(x).toArray(), net.forward(x).toArray());
  net.train();
  assert.ok([...net.modules()].every((m) => m.training));
});

test('freezing with requiresGrad_(false) stops gradients', () => {
  const net = new ax.Sequential(new ax.Linear(2, 2), new ax.Linear(2, 1));
  net.at(0).requiresGrad_(false);
  net.forward(ax.randn([3, 2])).sum().backward();
  const [l0, l1] = net.layers as ax.Linear[];
  assert.equal(l0!.weight.grad, null);
  assert.ok(l1!.weight.grad);
  assert.equal(net.numParameters({ trainableOnly: true }), 3);
});

test('summary lists layers, output shapes and parameter counts', () => {
  const mlp = new ax.Sequential(new ax.Flatten(), new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 10));
  const s = mlp.summary([1, 1, 28, 28]);
  assert.match(s, /1\s+Linear\s+\[1,256\]\s+200,960/);
  assert.match(s, /3\s+Linear\s+\[1,10\]\s+2,570/);
  assert.match(s, /Total params: 203,530/);
  assert.match(mlp.toString(), /\(1\): Linear\(inFeatures=784, outFeatures=256, bias=true\)/);
});

test('config round trip rebuilds the same architecture', () => {
  const mlp = new ax.Sequential(new ax.Linear(3, 4), new ax.LeakyReLU({ negativeSlope: 0.2 }), new ax.Dropout(0.1), new ax.Linear(4, 2, { bias: false }));
  const copy = ax.moduleFromConfig(JSON.parse(JSON.stringify(mlp.config())));
  assert.equal(copy.toString(), mlp.toString());
  copy.loadStateDict(mlp.stateDict());
  const x = ax.randn([2, 3]);
  mlp.eval(); copy.eval();
  assert.deepEqual(copy.forward(x).toArray(), mlp.forward(x).toArray());
});

test('Linear rejects a wrong feature count with a clear message', () => {
  assert.throws(() => new ax.Linear(784, 10).forward(ax.zeros([2, 780])),
    (e: unknown) => e instanceof ShapeError && /\[2,780\]/.test((e as Error).message) && /784 features/.test((e as Error).message));
});
