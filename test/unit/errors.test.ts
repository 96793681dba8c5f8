// Bad input: each misuse throws a typed error whose message names the op, the shapes/dtypes and a fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { DTypeError, GradError, ShapeError, UseAfterFreeError, ValueError } from '../../src/index.js';

function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    for (const p of parts) assert.ok((e as Error).message.includes(p), `message "${(e as Error).message}" lacks "${p}"`);
    return true;
  });
}

test('matmul with mismatched inner dims names both shapes and the dims', () => {
  throwsWith(() => ax.matmul(ax.zeros([3, 4]), ax.zeros([5, 6])), ShapeError, 'matmul', '[3,4]', '[5,6]', 'inner dims 4 ≠ 5');
  throwsWith(() => ax.matmul(ax.zeros([]), ax.zeros([3])), ShapeError, 'matmul', 'at least 1 dim');
  throwsWith(() => ax.matmul(ax.zeros([2, 3, 4]), ax.zeros([3, 4, 5])), ShapeError, 'matmul', '[2]', '[3]');
});

test('bmm checks ranks, batch sizes and inner sizes after its transposes', () => {
  throwsWith(() => ax.bmm(ax.zeros([3, 4]), ax.zeros([1, 4, 2])), ShapeError, 'bmm', '[3,4]', '3-D');
  throwsWith(() => ax.bmm(ax.zeros([2, 3, 4]), ax.zeros([3, 4, 5])), ShapeError, 'bmm', 'batch sizes 2 and 3');
  throwsWith(() => ax.bmm(ax.zeros([1, 7, 4]), ax.zeros([1, 7, 2]), true, true), ShapeError, 'bmm', '[1,7,4]ᵀ', '[1,7,2]ᵀ', 'inner sizes 7 and 2');
  assert.deepEqual(ax.bmm(ax.zeros([1, 7, 2]), ax.zeros([1, 4, 7]), true, true).shape, [1, 2, 4]);
});

test('broadcasting failures name the op and both shapes', () => {
  throwsWith(() => ax.add(ax.zeros([2, 3]), ax.zeros([4])), ShapeError, 'add', '[2,3]', '[4]');
  throwsWith(() => ax.where(ax.zeros([2]).gt(0), ax.zeros([3]), 0), ShapeError, 'where');
});

test('reshape, permute, dims and slicing errors', () => {
  throwsWith(() => ax.reshape(ax.zeros([2, 3]), [4, 2]), ShapeError, 'reshape', '[2,3]', '[4,2]');
  throwsWith(() => ax.reshape(ax.zeros([2, 3]), [-1, -1]), ShapeError, 'reshape', 'more than one -1');
  throwsWith(() => ax.permute(ax.zeros([2, 3]), [0]), ShapeError, 'permute');
  throwsWith(() => ax.permute(ax.zeros([2, 3]), [0, 0]), ShapeError, 'permute', 'repeat');
  throwsWith(() => ax.sum(ax.zeros([2, 3]), { dim: 2 }), ShapeError, 'sum', 'dim 2', '2 dims');
  throwsWith(() => ax.slice(ax.zeros([2, 3]), [5]), ShapeError, 'slice', 'index 5');
  throwsWith(() => ax.slice(ax.zeros([2, 3]), [[0, 2, -1]]), ValueError, 'slice', 'flip');
  throwsWith(() => ax.expand(ax.zeros([2, 3]), [4, 3]), ShapeError, 'expand', '[2,3]', '[4,3]');
  throwsWith(() => ax.cat([ax.zeros([2, 3]), ax.zeros([2, 4])], 0), ShapeError, 'cat', '[2,3]', '[2,4]');
  throwsWith(() => ax.stack([ax.zeros([2]), ax.zeros([3])]), ShapeError, 'stack');
  throwsWith(() => ax.split(ax.zeros([5]), [2, 2]), ShapeError, 'split', 'add up to 4');
  throwsWith(() => ax.pad(ax.zeros([2]), [1]), ShapeError, 'pad');
  throwsWith(() => ax.pad(ax.zeros([2]), [-1, 0]), ValueError, 'pad', 'slice');
});

test('index dtype and range errors', () => {
  throwsWith(() => ax.indexSelect(ax.zeros([3, 2]), 0, ax.tensor([0, 1])), DTypeError, 'indexSelect', 'int32', '.int()');
  throwsWith(() => ax.indexSelect(ax.zeros([3, 2]), 0, ax.tensor([0, 3], { dtype: 'int32' })), ValueError, 'indexSelect', 'index 3', 'size 3');
  throwsWith(() => ax.gather(ax.zeros([3, 2]), 1, ax.tensor([[2]], { dtype: 'int32' })), ValueError, 'gather', 'index 2');
  throwsWith(() => ax.oneHot(ax.tensor([0, 4], { dtype: 'int32' }), 3), ValueError, 'oneHot', 'label 4');
});

test('dtype errors', () => {
  throwsWith(() => ax.where(ax.ones([2]), 1, 0), DTypeError, 'where', 'bool', 'x.gt(0)');
  throwsWith(() => ax.neg(ax.tensor([true, false])), DTypeError, 'neg', 'bool');
  throwsWith(() => ax.tensor([1.5], { dtype: 'int32' }), DTypeError, 'tensor', '1.5');
  throwsWith(() => ax.tensor([1], { dtype: 'int8' as never }), DTypeError, 'tensor', 'int8');
  throwsWith(() => ax.zeros([2], { dtype: 'int32' }).requiresGrad_(), GradError, 'requiresGrad_', 'int32');
});

test('creation errors: ragged arrays, bad shapes, bad random arguments', () => {
  throwsWith(() => ax.tensor([[1, 2], [3]]), ShapeError, 'tensor', 'ragged', 'data[1]');
  throwsWith(() => ax.zeros([2, -1]), ValueError, 'full', '-1');
  throwsWith(() => ax.fromArray([1, 2, 3], [2, 2], 'float32'), ShapeError, 'tensor', '3 values', '[2,2]');
  throwsWith(() => ax.randint(5, 5, [2]), ValueError, 'randint');
  throwsWith(() => ax.bernoulli(1.5, { shape: [2] }), ValueError, 'bernoulli', '1.5');
  throwsWith(() => ax.arange(0, 5, 0), ValueError, 'arange');
});

test('autograd misuse errors', () => {
  throwsWith(() => ax.ones([2]).sum().backward(), GradError, 'backward', 'does not require grad');
  const w = ax.ones([2], { requiresGrad: true });
  throwsWith(() => w.mul(2).backward(), GradError, 'backward', 'shape [2]', '.sum()');
  throwsWith(() => w.mul(2).backward(ax.ones([3])), GradError, 'backward', '[3]', '[2]');
  throwsWith(() => ax.ones([2]).item(), GradError, 'item', '[2]');
  const unused = ax.ones([1], { requiresGrad: true });
  throwsWith(() => ax.gradients(w.sum(), [unused]), GradError, 'gradients', 'allowUnused');
});

test('a released tensor fails loudly', () => {
  const t = ax.ones([3]);
  t.dispose();
  throwsWith(() => t.data(), UseAfterFreeError, 'read', 'released');
  throwsWith(() => ax.add(t, 1), UseAfterFreeError, 'add');
  assert.match(t.toString(), /released/);
});

test('no silent NaN from shape or dtype mistakes: mixed dtypes promote, ints divide to float', () => {
  const r = ax.div(ax.tensor([1, 2], { dtype: 'int32' }), ax.tensor([2, 4], { dtype: 'int32' }));
  assert.equal(r.dtype, 'float32');
  assert.deepEqual(r.toArray(), [0.5, 0.5]);
  assert.equal(ax.add(ax.zeros([1], { dtype: 'float64' }), ax.zeros([1])).dtype, 'float64');
  assert.equal(ax.add(ax.tensor([1], { dtype: 'int32' }), 0.5).dtype, 'float32');
});
