// Max pooling's indices and gradient where PyTorch's rule decides them: ties go to the first
// maximum (−0 before +0), a NaN wins and the window's last NaN is the one taken, padding never
// wins (a window of −∞ points at its first real element). Expected values are what torch 1.13 and
// torch 2.13 both give for F.max_pool1d/F.max_pool2d(..., return_indices=True) on these inputs
// (checked by hand with both; the fixture suites cover the rest). Run on the reference and wasm
// backends, float32 and float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';

const BACKENDS = ['ts', 'wasm'] as const;
const DTYPES = ['float32', 'float64'] as const;

const values = (t: ax.Tensor): number[] => Array.from(t.data());

for (const name of BACKENDS) {
  for (const dtype of DTYPES) {
    const be = ax.getBackend(name);
    const tensor = (d: number[], shape: number[]): ax.Tensor => ax.fromArray(d, shape, dtype, be);

    test(`maxPool1dWithIndices: first of tied maxima (−0 before +0), the last NaN of a window (${name}, ${dtype})`, () => ax.scope(() => {
      const x = tensor([-0, 0, 0, -0, 1, NaN, 2, NaN, NaN, 3], [1, 1, 10]);
      const [y, idx] = ax.maxPool1dWithIndices(x, 2);
      assert.deepEqual(values(idx), [0, 2, 5, 7, 8]);
      assert.equal(idx.dtype, 'int32');
      const v = values(y);
      assert.ok(Object.is(v[0], -0) && Object.is(v[1], 0), `tied zeros keep the first one's sign: ${v[0]}, ${v[1]}`);
      assert.ok(v.slice(2).every(Number.isNaN));
      const [, idx3] = ax.maxPool1dWithIndices(x, 3, { stride: 1 });
      assert.deepEqual(values(idx3), [0, 1, 4, 5, 5, 7, 8, 8]);
    }));

    test(`maxPool2dWithIndices: flat plane indices; a NaN wins and the last one is taken (${name}, ${dtype})`, () => ax.scope(() => {
      const [y, idx] = ax.maxPool2dWithIndices(tensor([1, NaN, NaN, 2], [1, 1, 2, 2]), 2);
      assert.deepEqual(values(idx), [2]);
      assert.ok(Number.isNaN(values(y)[0]!));
      const [, idx4] = ax.maxPool2dWithIndices(tensor([0, 5, 1, 2, 9, 3, 4, 8, 6, 7, 6, 1, 2, 3, 4, 5], [1, 1, 4, 4]), 2);
      assert.deepEqual(values(idx4), [4, 7, 9, 10]);
    }));

    test(`max pooling: padding never wins, a window of −∞ takes its first real element and gets its gradient (${name}, ${dtype})`, () => ax.scope(() => {
      const x = tensor([-Infinity, -Infinity, 1, 2], [1, 1, 4]).requiresGrad_();
      const [y, idx] = ax.maxPool1dWithIndices(x, 3, { stride: 1, padding: 1 });
      assert.deepEqual(values(y), [-Infinity, 1, 2, 2]);
      assert.deepEqual(values(idx), [0, 2, 3, 3]);
      const [g] = ax.gradients(ax.sum(ax.mul(y, tensor([1, 2, 3, 4], [1, 1, 4]))), [x]);
      assert.deepEqual(values(g!), [1, 0, 2, 7]);
    }));

    test(`max pooling with ceil mode: the last partial window counts, its gradient lands inside the input (${name}, ${dtype})`, () => ax.scope(() => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7], [1, 1, 7]).requiresGrad_();
      const y = ax.maxPool1d(x, 3, { stride: 2, ceilMode: true });
      assert.deepEqual(values(y), [3, 5, 7]);
      const [g] = ax.gradients(ax.sum(ax.mul(y, tensor([1, 2, 3], [1, 1, 3]))), [x]);
      assert.deepEqual(values(g!), [0, 0, 1, 0, 2, 0, 3]);
    }));
  }
}

test('max pooling of an empty batch gives empty values and indices', () => ax.scope(() => {
  const [y, idx] = ax.maxPool2dWithIndices(ax.zeros([0, 3, 4, 4]), 2);
  assert.deepEqual(y.shape, [0, 3, 2, 2]);
  assert.deepEqual(idx.shape, [0, 3, 2, 2]);
}));
