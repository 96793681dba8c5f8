// Initializers: bounds, means and standard deviations match their formulas; gains equal PyTorch's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

const { init } = ax;
function stats(t: ax.Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.data());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

test('Glorot and He initializers have the right spread', () => {
  const g = new ax.Generator(3);
  const w = ax.zeros([200, 300]);
  const a = Math.sqrt(6 / 500);
  let s = stats(init.xavierUniform_(w, { generator: g }));
  assert.ok(s.min >= -a && s.max <= a && Math.abs(s.std - a / Math.sqrt(3)) < 0.002, JSON.stringify(s));
  s = stats(init.xavierNormal_(w, { generator: g }));
  assert.ok(Math.abs(s.mean) < 0.002 && Math.abs(s.std - Math.sqrt(2 / 500)) < 0.002, JSON.stringify(s));
  s = stats(init.kaimingNormal_(w, { nonlinearity: 'relu', generator: g }));
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 300)) < 0.002, JSON.stringify(s));
  s = stats(init.kaimingUniform_(w, { mode: 'fanOut', nonlinearity: 'relu', generator: g }));
  const b = Math.sqrt(2) * Math.sqrt(3 / 200);
  assert.ok(s.min >= -b && s.max <= b && Math.abs(s.std - Math.sqrt(2 / 200)) < 0.002, JSON.stringify(s));
  assert.deepEqual(stats(init.constant_(ax.zeros([3]), 0.5)), { mean: 0.5, std: 0, min: 0.5, max: 0.5 });
});

test('Linear default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias', () => {
  const l = new ax.Linear(400, 300);
  const s = stats(l.weight);
  const bound = 1 / Math.sqrt(400);
  assert.ok(s.min >= -bound && s.max <= bound && Math.abs(s.std - bound / Math.sqrt(3)) < 0.001, JSON.stringify(s));
  const sb = stats(l.bias!);
  assert.ok(sb.min >= -bound && sb.max <= bound);
});

test('orthogonal_ gives orthonormal rows/columns scaled by gain', () => {
  for (const shape of [[6, 4], [4, 6]] as const) {
    const t = init.orthogonal_(ax.zeros([...shape], { dtype: 'float64' }), { gain: 2, generator: new ax.Generator(5) });
    const small = shape[0] < shape[1];
    const gram = small ? ax.matmul(t, t.T) : ax.matmul(t.T, t); // (k, k) = 4·I
    const k = Math.min(...shape);
    const want = ax.mul(ax.eye(k, k, { dtype: 'float64' }), 4).data();
    gram.data().forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9));
  }
});
