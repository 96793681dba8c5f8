// Autograd safety as in PyTorch: a second backward through a released graph throws GraphFreedError
// (retainGraph keeps it), a saved tensor written in place before backward throws
// InplaceModificationError naming the op, and anomaly detection names the first op (and the
// caller's line) that produced a NaN or an infinity, forward or backward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';

test('a second backward() through the same graph throws GraphFreedError; retainGraph allows it', () => {
  const w = ax.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const x = ax.tensor([4, 5, 6], { dtype: 'float64' });
  const loss = ax.sum(ax.mul(w, x));
  loss.backward();
  assert.throws(() => loss.backward(), (e: unknown) => e instanceof ax.GraphFreedError && e instanceof ax.GradError
    && /backward through the graph a second time/.test(e.message) && /retainGraph: true/.test(e.message) && /'mul'/.test(e.message));
  assert.deepEqual(w.grad!.toArray(), [4, 5, 6], 'the failed second backward added nothing');

  w.grad = null;
  const kept = ax.sum(ax.mul(w, x));
  kept.backward({ retainGraph: true });
  kept.backward();
  assert.deepEqual(w.grad!.toArray(), [8, 10, 12]);
  assert.throws(() => kept.backward(), ax.GraphFreedError, 'the second backward (without retainGraph) released it');

  w.grad = null;
  const y = ax.sum(ax.mul(w, x));
  y.backward(ax.tensor(2, { dtype: 'float64' }), { retainGraph: true });
  y.backward(ax.tensor(1, { dtype: 'float64' }));
  assert.deepEqual(w.grad!.toArray(), [12, 15, 18], 'a gradient and options together');
});

test('gradients over two separate forward passes still accumulate', () => {
  const w = ax.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  ax.sum(ax.mul(w, w)).backward();
  ax.sum(ax.mul(w, w)).backward();
  assert.deepEqual(w.grad!.toArray(), [4, 8]);
});

test('gradients() releases the graph unless retainGraph (default: createGraph), as torch.autograd.grad', () => {
  const w = ax.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const y = ax.sum(ax.mul(w, w));
  ax.gradients(y, [w], { retainGraph: true });
  assert.deepEqual(ax.gradients(y, [w])[0]!.toArray(), [2, 4]);
  assert.throws(() => ax.gradients(y, [w]), ax.GraphFreedError);
  const z = ax.sum(ax.mul(w, ax.mul(w, w)));
  const [g] = ax.gradients(z, [w], { createGraph: true }); // 3w²
  assert.deepEqual(ax.gradients(z, [w], { retainGraph: true })[0]!.toArray(), [3, 12], 'createGraph retained the graph');
  assert.deepEqual(ax.gradients(ax.sum(g!), [w])[0]!.toArray(), [6, 12], 'second order through the retained graph');
});

test('an op that saved no tensor can be differentiated twice, as in PyTorch', () => {
  const w = ax.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const s = ax.sum(ax.add(w, 1));
  s.backward();
  s.backward();
  assert.deepEqual(w.grad!.toArray(), [2, 2]);
});

test('a saved tensor modified in place between forward and backward throws, naming the op and versions', () => {
  const w = ax.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  assert.equal(w.version, 0);
  const loss = ax.sum(ax.mul(w, w));
  ax.noGrad(() => ax.assign(w, ax.add(w, 1)));
  assert.equal(w.version, 1);
  assert.equal(w.detach().version, 1, 'views share the counter');
  assert.throws(() => loss.backward(), (e: unknown) => e instanceof ax.InplaceModificationError
    && /needed for gradient computation by 'mul'/.test(e.message) && /modified by an inplace operation: saved at version 0, now 1/.test(e.message));
  assert.equal(w.grad, null);
  // add saves no tensor: changing its input is harmless (PyTorch agrees)
  const s = ax.sum(ax.add(w, 1));
  ax.noGrad(() => ax.assign(w, ax.add(w, 1)));
  s.backward();
  assert.deepEqual(w.grad!.toArray(), [1, 1, 1]);
});

test('an optimizer step between forward and backward throws; the usual order (backward, step) does not', () => {
  ax.manualSeed(0);
  const m = new ax.Sequential(new ax.Linear(3, 4), new ax.Tanh(), new ax.Linear(4, 1));
  for (const opt of [new ax.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), new ax.Adam(m.parameters(), { lr: 0.1 })]) {
    const x = ax.randn([5, 3]);
    for (let i = 0; i < 3; i++) { opt.zeroGrad(); ax.mean(m.forward(x)).backward(); opt.step(); }
    const loss = ax.mean(m.forward(x));
    opt.step(); // parameters change in place (fused kernel or assign)
    assert.throws(() => loss.backward(), (e: unknown) => e instanceof ax.InplaceModificationError && /'matmul'/.test(e.message));
  }
});

function lossWithZeroDivision(pred: ax.Tensor, y: ax.Tensor): ax.Tensor {
  return ax.mean(ax.div(ax.sub(pred, y), ax.sub(y, y))); // divides by zero
}

test('detectAnomaly names the first op producing a non-finite value and the caller\'s function and line', () => {
  const w = ax.tensor([1, 2, 3], { requiresGrad: true });
  const y = ax.tensor([1, 1, 1]);
  assert.equal(ax.isAnomalyEnabled(), false);
  assert.throws(() => ax.detectAnomaly(() => lossWithZeroDivision(ax.mul(w, 2), y).backward()), (e: unknown) =>
    e instanceof ax.AnomalyError && e.op === 'div' && /lossWithZeroDivision \(.*autograd-safety\.test\.js:\d+\)/.test(e.message) && e.site !== null);
  assert.equal(ax.isAnomalyEnabled(), false, 'detectAnomaly restores the mode');
  const loss = lossWithZeroDivision(ax.mul(w, 2), y); // without detection: no error, an infinite loss
  assert.ok(!Number.isFinite(loss.item()));
});

test('anomaly detection checks gradients: an infinite gradient names the op and where it was created', () => {
  const w = ax.tensor([0, 1, 4], { requiresGrad: true });
  ax.setDetectAnomaly(true);
  try {
    const r = ax.sqrt(w); // finite forward, infinite gradient at 0
    assert.throws(() => ax.sum(r).backward(), (e: unknown) => e instanceof ax.AnomalyError && e.op === 'sqrt'
      && /gradient of 'sqrt' \(created at .*autograd-safety\.test\.js:\d+\)/.test(e.message));
  } finally {
    ax.setDetectAnomaly(false);
  }
});

test('anomaly detection does not blame ops that carry an existing -Infinity (an attention mask)', () => {
  const scores = ax.tensor([[1, 2, 3]]);
  const mask = ax.tensor([[0, 0, -Infinity]]);
  const p = ax.detectAnomaly(() => ax.softmax(ax.add(scores, mask), { dim: -1 }));
  assert.equal(p.data()[2], 0);
});
