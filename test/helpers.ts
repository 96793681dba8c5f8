// Shared test helpers: fixture loading, tensor construction from fixture records, comparisons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { fromArray, setBackend, type DType, type Tensor } from '../src/index.js';
import { closeEnough, type Tol } from './tolerances.js';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The backend the suite runs on: AXON_TEST_BACKEND or ts. */
export const TEST_BACKEND = process.env.AXON_TEST_BACKEND ?? 'ts';
setBackend(TEST_BACKEND);

export interface FixtureTensor { shape: number[]; dtype: DType; data: (number | string)[]; requiresGrad?: boolean }

export function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8')) as T;
}

const decode = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);

export function fromFixture(f: FixtureTensor, dtype?: DType): Tensor {
  const t = fromArray(f.data.map(decode), f.shape, dtype ?? f.dtype);
  if (f.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function fixtureValues(f: FixtureTensor): number[] {
  return f.data.map(decode);
}

/** Assert `actual` has `shape` and every element within tolerance of `expected`. */
export function assertClose(actual: Tensor, expected: { shape: readonly number[]; data: ArrayLike<number> }, tol: Tol, what = ''): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape ${JSON.stringify(actual.shape)} ≠ expected ${JSON.stringify(expected.shape)}`);
  const a = actual.data();
  for (let i = 0; i < a.length; i++) {
    if (!closeEnough(a[i]!, expected.data[i]!, tol)) {
      assert.fail(`${what}: element ${i} is ${a[i]} but expected ${expected.data[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}
