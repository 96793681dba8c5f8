// Shared test helpers: fixture loading, tensor construction from fixture records, comparisons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { after } from 'node:test';
import { add, closeBackend, fromArray, gradients, mul, setBackend, sum, type DType, type Tensor } from '../src/index.js';
import { closeEnough, TOL, type Tol } from './tolerances.js';
import './ts-async-backend.js';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The backend the suite runs on: AXON_TEST_BACKEND or ts (ts-async: test/ts-async-backend.ts). */
export const TEST_BACKEND = process.env.AXON_TEST_BACKEND ?? 'ts';
await setBackend(TEST_BACKEND); // webgpu starts asynchronously (an adapter and a device): awaiting the others gives them back
// Dawn keeps a Node process alive until its device is destroyed: close it once the file's tests are done.
if (TEST_BACKEND === 'webgpu') after(() => closeBackend('webgpu'));

/** Whether the backend has float64 (WebGPU does not: there the float64 fixtures run in float32). */
export const FLOAT64 = TEST_BACKEND !== 'webgpu';
/** A fixture's dtype on this backend: float64 becomes float32 where there is no float64. */
export const onBackend = (d: DType): DType => (!FLOAT64 && d === 'float64' ? 'float32' : d);
/** A tolerance for this backend: the float64-vs-float64 one becomes fixtureAsF32 where float64 runs in float32. */
export const tolHere = (tol: Tol): Tol => (!FLOAT64 && tol === TOL.fixtureF64 ? TOL.fixtureAsF32 : tol);

export interface FixtureTensor { shape: number[]; dtype: DType; data: (number | string)[]; requiresGrad?: boolean }

export function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8')) as T;
}

const decode = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);

export function fromFixture(f: FixtureTensor, dtype?: DType): Tensor {
  const t = fromArray(f.data.map(decode), f.shape, onBackend(dtype ?? f.dtype));
  if (f.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function fixtureValues(f: FixtureTensor): number[] {
  return f.data.map(decode);
}

/**
 * Assert `actual` has `shape` and every element within tolerance of `expected`. Reads the tensor
 * asynchronously (works on every backend, WebGPU included): `await assertClose(...)`.
 */
export async function assertClose(actual: Tensor, expected: { shape: readonly number[]; data: ArrayLike<number> }, tol: Tol, what = ''): Promise<void> {
  assertValuesClose({ shape: actual.shape, data: await actual.dataAsync() }, expected, tol, what);
}

/** assertClose on values already read back. */
export function assertValuesClose(actual: { shape: readonly number[]; data: ArrayLike<number> }, expected: { shape: readonly number[]; data: ArrayLike<number> }, tol: Tol, what = ''): void {
  tol = tolHere(tol);
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape ${JSON.stringify(actual.shape)} ≠ expected ${JSON.stringify(expected.shape)}`);
  const a = actual.data;
  for (let i = 0; i < a.length; i++) {
    if (!closeEnough(a[i]!, expected.data[i]!, tol)) {
      assert.fail(`${what}: element ${i} is ${a[i]} but expected ${expected.data[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}

/** Σ_k sum(out_k · cot_k): the scalar whose gradient is the vector-Jacobian product with random cotangents. */
export function vjpObjective(outs: readonly Tensor[], cotangents: readonly FixtureTensor[]): Tensor {
  return outs.map((o, k) => sum(mul(o, fromFixture(cotangents[k]!)))).reduce((a, b) => add(a, b));
}

/**
 * Autodiff gradients of `objective` w.r.t. each tensor of `pairs`, compared with the reference
 * gradient given beside it (a random cotangent catches transposed or mis-broadcast gradients).
 */
export async function assertGradsMatch(name: string, objective: Tensor, pairs: readonly [label: string, t: Tensor, expected: FixtureTensor][], tol: Tol): Promise<void> {
  const got = gradients(objective, pairs.map(([, t]) => t), { allowUnused: true });
  for (const [i, [label, , want]] of pairs.entries()) {
    const g = got[i];
    assert.ok(g, `${name}: no gradient for ${label}`);
    await assertClose(g, { shape: want.shape, data: fixtureValues(want) }, tol, `${name} ${label}`);
  }
}

/** The values of `t` (asynchronously, so on every backend) as a plain array. */
export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.dataAsync());
}

/**
 * The number of storages the backend holds once everything unreachable is collected: runs the
 * garbage collector and lets finalizers run (they run between tasks) until the count stops
 * falling. Memory tests compare these settled counts, so a collection that happened to run at one
 * measurement and not the other cannot make a flat loop look like a leak.
 */
export async function settledStorages(): Promise<number> {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  const { getBackend } = await import('../src/index.js');
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5)); // finalizers run between tasks
    const now = getBackend().memory().storages;
    if (now >= last) return now;
    last = now;
  }
  return last;
}
