// A noGrad block outside any scope releases the intermediates it made when it returns, and
// nothing a caller can still hold: what it returns, what it made and stored on the side without
// consuming it, what was made before it, and kept tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';

test('a root-level noGrad block releases its intermediates and keeps its result', () => {
  const model = new ax.Sequential(new ax.Linear(3, 4), new ax.ReLU(), new ax.Linear(4, 2));
  const x = ax.randn([5, 3]);
  let hidden: ax.Tensor | null = null;
  const out = ax.noGrad(() => {
    hidden = (model.layers[0] as ax.Linear).forward(x); // consumed below: an intermediate
    return (model.layers[2] as ax.Linear).forward(ax.relu(hidden));
  });
  assert.equal(out.isDisposed, false);
  assert.equal(x.isDisposed, false, 'made before the block');
  assert.equal(hidden!.isDisposed, true, 'an intermediate consumed inside the block is released');
  assert.equal(out.data().length, 10);
});

test('a value stored on the side (made, not consumed inside the block) stays alive', () => {
  const w = ax.randn([3]);
  let ema = ax.zeros([3]);
  for (let i = 0; i < 3; i++) ax.noGrad(() => { ema = ax.add(ax.mul(ema, 0.9), ax.mul(w, 0.1)); });
  assert.equal(ema.isDisposed, false);
  assert.ok(Math.abs(ema.data()[0]! - w.data()[0]! * (1 - 0.9 ** 3)) < 1e-5);
});

test('tensors reachable from the result (arrays, objects) and kept tensors survive; nested blocks defer to the outer one', () => {
  const a = ax.randn([2]);
  const r = ax.noGrad(() => {
    const k = ax.keep(ax.mul(a, 2));
    const inner = ax.noGrad(() => ax.add(ax.mul(a, 3), 1));
    return { list: [ax.exp(k), inner], k };
  });
  assert.equal(r.list[0]!.isDisposed, false);
  assert.equal(r.list[1]!.isDisposed, false);
  assert.equal(r.k.isDisposed, false);
  assert.equal(ax.add(r.list[1]!, r.k).data().length, 2);
});

test('inside a scope, noGrad leaves lifetimes to the scope', () => {
  const x = ax.randn([2]);
  let mid: ax.Tensor | null = null;
  const y = ax.scope(() => {
    const v = ax.noGrad(() => { mid = ax.mul(x, 2); return ax.add(mid, 1); });
    assert.equal(mid!.isDisposed, false, 'still alive inside the scope');
    return v;
  });
  assert.equal(mid!.isDisposed, true);
  assert.equal(y.isDisposed, false);
});

test('a block that throws releases its consumed intermediates and rethrows', () => {
  const x = ax.randn([2]);
  let mid: ax.Tensor | null = null;
  assert.throws(() => ax.noGrad(() => { mid = ax.mul(x, 2); ax.add(mid, 1); throw new Error('boom'); }), /boom/);
  assert.equal(mid!.isDisposed, true);
  assert.equal(x.isDisposed, false);
});

test('gradients() outside any scope (its backward pass runs under noGrad) returns live gradients', () => {
  const x = ax.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = ax.sum(ax.mul(ax.exp(x), x));
  const [g] = ax.gradients(y, [x]);
  assert.equal(g!.isDisposed, false);
  assert.ok(Math.abs(g!.data()[0]! - 2 * Math.E) < 1e-9); // d(x·eˣ)/dx = eˣ(1 + x)
});
