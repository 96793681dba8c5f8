// The embedding losses (pairwiseDistance, tripletMarginLoss, cosineEmbeddingLoss) and the VAE's
// Gaussian pieces (gaussianKl, reparameterize) against PyTorch (test/fixtures/embedding.json,
// written by scripts/fixtures/gen_embedding.py): values and gradients with a random cotangent, in
// float64; the sampling's statistics and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertGradsMatch, fixtureValues, fromFixture, onBackend, readJson, ROOT, tolHere, vjpObjective, type FixtureTensor } from '../helpers.js';
import { TOL } from '../tolerances.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Case { name: string; op: string; inputs: FixtureTensor[]; target?: FixtureTensor; attrs: Attrs; output: FixtureTensor; cotangent: FixtureTensor; grads: FixtureTensor[] }
const fx = readJson<{ generator_sha256: string; cases: Case[] }>('test/fixtures/embedding.json');

test('embedding fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_embedding.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_embedding.py changed but test/fixtures/embedding.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_embedding.py');
});

const OPS: Record<string, (i: Tensor[], a: Attrs, c: Case) => Tensor> = {
  pairwiseDistance: ([a, b], o) => ax.pairwiseDistance(a!, b!, o),
  tripletMarginLoss: ([a, p, n], o) => ax.tripletMarginLoss(a!, p!, n!, o),
  cosineEmbeddingLoss: ([a, b], o, c) => ax.cosineEmbeddingLoss(a!, b!, fromFixture(c.target!), o),
  gaussianKl: ([m, v], o) => ax.gaussianKl(m!, v!, o),
};

for (const c of fx.cases) {
  test(`torch parity: ${c.name}`, async () => {
    const inputs = c.inputs.map((i) => fromFixture({ ...i, requiresGrad: true }));
    const out = OPS[c.op]!(inputs, c.attrs, c);
    await assertClose(out, { shape: c.output.shape, data: fixtureValues(c.output) }, tolHere(TOL.fixtureF64), `${c.name} output`);
    await assertGradsMatch(c.name, vjpObjective([out], [c.cotangent]), inputs.map((t, i) => [`grad ${i}`, t, c.grads[i]!] as [string, Tensor, FixtureTensor]), tolHere(TOL.fixtureF64));
  });
}

test('float32 embeddings give the float64 loss to float32 precision', async () => {
  const c = fx.cases.find((k) => k.name === 'triplet default')!;
  const [a, p, n] = c.inputs.map((i) => fromFixture(i, 'float32'));
  await assertClose(ax.tripletMarginLoss(a!, p!, n!), { shape: [], data: fixtureValues(c.output) }, TOL.float32, 'float32 triplet');
});

test('reparameterize: mu + exp(logVar / 2)·eps, its gradients, and the right mean and spread', async () => {
  const F = onBackend('float64'); // float32 where the backend has no float64 (WebGPU)
  const tol = tolHere(TOL.fixtureF64);
  const mu = ax.tensor([[0.5, -1], [2, 0]], { dtype: F, requiresGrad: true });
  const lv = ax.tensor([[0, 1], [-2, 0.5]], { dtype: F, requiresGrad: true });
  const eps = ax.tensor([[1, -0.5], [0.25, 2]], { dtype: F });
  const z = ax.reparameterize(mu, lv, { eps });
  const sd = [[1, Math.exp(0.5)], [Math.exp(-1), Math.exp(0.25)]];
  await assertClose(z, { shape: [2, 2], data: [0.5 + 1, -1 - 0.5 * sd[0]![1]!, 2 + 0.25 * sd[1]![0]!, 2 * sd[1]![1]!] }, tol, 'z');
  const [gm, gv] = ax.gradients(ax.sum(z), [mu, lv]);
  await assertClose(gm!, { shape: [2, 2], data: [1, 1, 1, 1] }, tol, 'dz/dmu');
  await assertClose(gv!, { shape: [2, 2], data: [0.5, 0.5 * -0.5 * sd[0]![1]!, 0.5 * 0.25 * sd[1]![0]!, 0.5 * 2 * sd[1]![1]!] }, tol, 'dz/dlogVar');
  // Drawn noise: seeded (same generator seed, same sample) and N(mu, sigma^2) in distribution.
  const n = 20000;
  const m = ax.full([n, 1], 1.5, { dtype: F });
  const v = ax.full([n, 1], Math.log(0.25), { dtype: F }); // sigma = 0.5
  const s1 = Array.from(await ax.reparameterize(m, v, { generator: new ax.Generator(3) }).dataAsync());
  const s2 = await ax.reparameterize(m, v, { generator: new ax.Generator(3) }).dataAsync();
  assert.deepEqual(s1, Array.from(s2));
  const mean = s1.reduce((a, b) => a + b, 0) / n;
  const sdev = Math.sqrt(s1.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  assert.ok(Math.abs(mean - 1.5) < 4 * 0.5 / Math.sqrt(n), `sample mean ${mean}, want 1.5`); // 4 standard errors
  assert.ok(Math.abs(sdev - 0.5) < 4 * 0.5 / Math.sqrt(2 * n), `sample sd ${sdev}, want 0.5`);
});

test('bad input is refused with the values at fault', async () => {
  const a = ax.randn([4, 3]);
  assert.throws(() => ax.tripletMarginLoss(a, a, ax.randn([4, 5])), (e: unknown) => e instanceof ax.ShapeError && /\[4,3\] and \[4,5\]/.test(e.message));
  assert.throws(() => ax.tripletMarginLoss(a, a, a, { reduction: 'avg' as 'mean' }), ax.ValueError);
  assert.throws(() => ax.tripletMarginLoss(ax.randn([2, 3, 4]), ax.randn([2, 3, 4]), ax.randn([2, 3, 4])), ax.ShapeError);
  if (ax.getBackend().syncRead !== false) {
    assert.throws(() => ax.cosineEmbeddingLoss(a, a, ax.tensor([1, 0, -1, 1])), (e: unknown) => e instanceof ax.ValueError && /got 0/.test(e.message) && /y\*2-1/.test(e.message));
  } else { // read only asynchronously: the pair with target 0 gets a NaN loss (checked on the device)
    const l = await ax.cosineEmbeddingLoss(a, a, ax.tensor([1, 0, -1, 1]), { reduction: 'none' }).dataAsync();
    assert.deepEqual(Array.from(l, Number.isNaN), [false, true, false, false]);
  }
  assert.throws(() => ax.cosineEmbeddingLoss(a, a, ax.tensor([1, -1])), ax.ShapeError);
  assert.throws(() => ax.pairwiseDistance(a, a, { p: 0 }), ax.ValueError);
  assert.throws(() => ax.gaussianKl(a, ax.randn([4, 2])), ax.ShapeError);
  assert.throws(() => ax.reparameterize(a, a, { eps: ax.randn([3]) }), ax.ShapeError);
});
