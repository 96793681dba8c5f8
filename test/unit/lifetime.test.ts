// Memory ownership: scope() releases what a step made and did not return; keep() protects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { UseAfterFreeError } from '../../src/index.js';

test('scope releases intermediates, returns results, honours keep and shared storages', () => {
  const w = ax.keep(ax.ones([3]));
  let inner: ax.Tensor | null = null;
  let view: ax.Tensor | null = null;
  const out = ax.scope(() => {
    inner = ax.mul(w, 2);
    const y = ax.add(inner, 1);
    view = ax.reshape(y, [3, 1]); // shares y's storage
    return { y, list: [ax.sum(y)] };
  });
  assert.equal(inner!.isDisposed, true);
  assert.throws(() => inner!.data(), UseAfterFreeError);
  assert.deepEqual(out.y.toArray(), [3, 3, 3]);
  assert.equal(out.list[0]!.item(), 9);
  assert.equal(view!.isDisposed, false, 'a view of a returned tensor stays alive');
  assert.deepEqual(w.toArray(), [1, 1, 1]);
});

test('nested scopes hand escaping tensors to the parent; errors still release', () => {
  let mid: ax.Tensor | null = null;
  const outer = ax.scope(() => {
    mid = ax.scope(() => ax.add(ax.ones([2]), 1));
    return ax.mul(mid, 3);
  });
  assert.equal(mid!.isDisposed, true, 'released when the outer scope ended');
  assert.deepEqual(outer.toArray(), [6, 6]);
  let t: ax.Tensor | null = null;
  assert.throws(() => ax.scope(() => { t = ax.ones([2]).mul(2); throw new Error('boom'); }), /boom/);
  assert.equal(t!.isDisposed, true);
});

test('memory stays flat over many scoped training-like steps', () => {
  const w = ax.keep(ax.randn([64, 64], { requiresGrad: true }));
  const step = (): void => ax.scope(() => {
    const x = ax.randn([16, 64]);
    const loss = ax.matmul(x, w).relu().mean();
    loss.backward();
  });
  for (let i = 0; i < 5; i++) step();
  const before = ax.getBackend().memory();
  for (let i = 0; i < 50; i++) step();
  const after = ax.getBackend().memory();
  assert.ok(after.storages <= before.storages + 2, `storages grew from ${before.storages} to ${after.storages}`);
});
