// Convolution, pooling, normalization and upsampling against PyTorch (test/fixtures/conv.json,
// written by scripts/fixtures/gen_conv.py): outputs and gradients with a random cotangent, float64;
// finite-difference checks of unfold/fold; layer behaviour (running stats, save/load); bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertGradsMatch, fixtureValues, FLOAT64, fromFixture, onBackend, readJson, ROOT, values, vjpObjective, type FixtureTensor } from '../helpers.js';
import { closeEnough, TOL } from '../tolerances.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Case {
  name: string; op: string; inputs: (FixtureTensor | null)[]; attrs: Attrs; outputs: FixtureTensor[];
  cotangents: FixtureTensor[]; grads: (FixtureTensor | null)[]; running?: FixtureTensor[]; runningAfter?: FixtureTensor[];
}
const fx = readJson<{ generator_sha256: string; cases: Case[] }>('test/fixtures/conv.json');

test('conv fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_conv.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_conv.py changed but test/fixtures/conv.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_conv.py');
});

type Runner = (i: (Tensor | null)[], a: Attrs, c: Case) => Tensor | Promise<Tensor>;
const OPS: Record<string, Runner> = {
  unfold: ([x], { kernelSize, ...o }) => ax.unfold(x!, kernelSize, o),
  fold: ([x], { outputSize, kernelSize, ...o }) => ax.fold(x!, outputSize, kernelSize, o),
  conv1d: ([x, w, b], a) => ax.conv1d(x!, w!, b, a),
  conv2d: ([x, w, b], a) => ax.conv2d(x!, w!, b, a),
  convTranspose2d: ([x, w, b], a) => ax.convTranspose2d(x!, w!, b, a),
  maxPool1d: ([x], { kernelSize, ...o }) => ax.maxPool1d(x!, kernelSize, o),
  maxPool2d: ([x], { kernelSize, ...o }) => ax.maxPool2d(x!, kernelSize, o),
  avgPool1d: ([x], { kernelSize, ...o }) => ax.avgPool1d(x!, kernelSize, o),
  avgPool2d: ([x], { kernelSize, ...o }) => ax.avgPool2d(x!, kernelSize, o),
  adaptiveAvgPool2d: ([x], { outputSize }) => ax.adaptiveAvgPool2d(x!, outputSize),
  groupNorm: ([x, w, b], { numGroups, eps }) => ax.groupNorm(x!, numGroups, { weight: w, bias: b, eps }),
  upsampleNearest2d: ([x], a) => ax.upsampleNearest2d(x!, a),
  batchNorm: async ([x, w, b], a, c) => {
    const [rm, rv] = c.running!.map((r) => fromFixture(r));
    const y = ax.batchNorm(x!, rm!, rv!, { weight: w, bias: b, ...a });
    const [em, ev] = c.runningAfter!;
    await assertClose(rm!, { shape: em!.shape, data: fixtureValues(em!) }, TOL.fixtureF64, `${c.name} running mean`);
    await assertClose(rv!, { shape: ev!.shape, data: fixtureValues(ev!) }, TOL.fixtureF64, `${c.name} running var`);
    return y;
  },
};

for (const c of fx.cases) {
  test(`torch parity: ${c.name}`, async () => {
    const inputs = c.inputs.map((i) => (i === null ? null : fromFixture({ ...i, requiresGrad: true })));
    const out = await OPS[c.op]!(inputs, c.attrs, c);
    await assertClose(out, { shape: c.outputs[0]!.shape, data: fixtureValues(c.outputs[0]!) }, TOL.fixtureF64, `${c.name} output`);
    const pairs = inputs.flatMap((t, i) => {
      if (t === null) return [];
      const g = c.grads[i];
      assert.ok(g, `${c.name}: fixture lacks grad ${i}`);
      return [[`grad ${i}`, t, g] as [string, Tensor, FixtureTensor]];
    });
    await assertGradsMatch(c.name, vjpObjective([out], c.cotangents), pairs, TOL.fixtureF64);
  });
}

/** Central finite differences of sum(f(x)·cot) against autodiff, every element, float64. */
async function finiteDiff(name: string, f: (x: Tensor) => Tensor, shape: number[]): Promise<void> {
  const g = new ax.Generator(7);
  const x = ax.randn(shape, { dtype: 'float64', generator: g }).requiresGrad_(true);
  const cot = ax.noGrad(() => ax.randn(f(x).shape, { dtype: 'float64', generator: g }));
  const [an] = ax.gradients(ax.sum(ax.mul(f(x), cot)), [x]);
  const base = await x.dataAsync();
  const h = TOL.finiteDiffStep;
  const a = await an!.dataAsync();
  for (let e = 0; e < base.length; e++) {
    const at = (d: number): Promise<number> => {
      const v = Float64Array.from(base);
      v[e]! += d;
      return ax.noGrad(() => ax.sum(ax.mul(f(ax.fromArray(v, shape, 'float64')), cot))).itemAsync();
    };
    const num = ((await at(h)) - (await at(-h))) / (2 * h);
    assert.ok(closeEnough(a[e]!, num, TOL.finiteDiff), `${name}: d/dx[${e}] autodiff ${a[e]} vs finite difference ${num}`);
  }
}

test('finite differences: unfold and fold (each the other\'s gradient)', { skip: !FLOAT64 && 'central differences need float64, which this backend lacks (the torch parity cases above check these gradients)' }, async () => {
  await finiteDiff('unfold 2d k3 s2 p1 d1', (x) => ax.unfold(x, 3, { stride: 2, padding: 1 }), [1, 2, 5, 4]);
  await finiteDiff('unfold 1d k2 d2', (x) => ax.unfold(x, 2, { dilation: 2 }), [2, 1, 6]);
  await finiteDiff('fold 2d k2 s1 (overlapping)', (x) => ax.fold(x, [3, 4], 2), [1, 8, 6]);
  await finiteDiff('fold 2d k3 s2 p1', (x) => ax.fold(x, [4, 4], 3, { stride: 2, padding: 1 }), [1, 9, 4]);
});

test('unfold then fold multiplies each pixel by the number of windows covering it', async () => {
  const x = ax.ones([1, 1, 3, 3], { dtype: onBackend('float64') });
  const y = ax.fold(ax.unfold(x, 2), [3, 3], 2);
  assert.deepEqual(await values(y), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
});

test('float32 conv2d on this backend equals the float64 computation', async () => {
  const g = new ax.Generator(3);
  const x = ax.randn([4, 3, 12, 12], { generator: g });
  const w = ax.randn([8, 3, 5, 5], { generator: g });
  const b = ax.randn([8], { generator: g });
  const y32 = ax.conv2d(x, w, b, { padding: 2 });
  // The float64 computation: on this backend, or on ts where this one has no float64 (WebGPU).
  const [xs, ws, bs] = await Promise.all([x, w, b].map((t) => t.dataAsync()));
  const home = FLOAT64 ? ax.getBackend() : ax.getBackend('ts');
  const y64 = ax.conv2d(ax.fromArray(xs, x.shape, 'float64', home), ax.fromArray(ws, w.shape, 'float64', home), ax.fromArray(bs, b.shape, 'float64', home), { padding: 2 });
  await assertClose(y32, { shape: y64.shape, data: await y64.dataAsync() }, TOL.gemmF32, 'conv2d f32');
});

test('Conv2d/Linear layers: PyTorch default init bounds and shapes', async () => {
  ax.manualSeed(0);
  const c = new ax.Conv2d(6, 16, 5);
  assert.deepEqual(c.weight.shape, [16, 6, 5, 5]);
  const bound = 1 / Math.sqrt(6 * 25);
  const w = await c.weight.dataAsync();
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w) > 0.9 * bound, 'weights ~ U(±1/√fanIn)');
  assert.ok((await c.bias!.dataAsync()).every((v) => Math.abs(v) <= bound));
  const t = new ax.ConvTranspose2d(4, 6, 3, { groups: 2 });
  assert.deepEqual(t.weight.shape, [4, 3, 3, 3]);
  assert.ok((await t.weight.dataAsync()).every((v) => Math.abs(v) <= 1 / Math.sqrt(27)));
});

test('BatchNorm2d: training updates running stats, eval uses them, they save and load as buffers', async () => {
  const bn = new ax.BatchNorm2d(2, { momentum: 0.5 });
  const x = ax.fromArray([1, 3, 5, 7, 0, 0, 2, 2], [2, 2, 1, 2], 'float32'); // channel 0: 1,3,0,0  channel 1: 5,7,2,2
  const y = await bn.forward(x).dataAsync();
  // channel 0: mean 1, biased var 1.5, unbiased 2; y = (x − 1)/√(1.5 + 1e-5)
  assert.ok(Math.abs(y[0]! - 0) < 1e-6 && Math.abs(y[1]! - 2 / Math.sqrt(1.5 + 1e-5)) < 1e-5);
  await assertClose(bn.runningMean!, { shape: [2], data: [0.5, 2] }, TOL.float32, 'running mean'); // 0.5·0 + 0.5·{1, 4}
  await assertClose(bn.runningVar!, { shape: [2], data: [1.5, 3.5] }, TOL.float32, 'running var'); // 0.5·1 + 0.5·{2, 6}
  assert.equal(await bn.numBatchesTracked!.itemAsync(), 1);
  bn.eval();
  const ye = bn.forward(x);
  assert.ok(Math.abs((await ye.dataAsync())[0]! - (1 - 0.5) / Math.sqrt(1.5 + 1e-5)) < 1e-5, 'eval normalizes with running stats');
  const sd = bn.stateDict();
  assert.deepEqual(Object.keys(sd).sort(), ['bias', 'num_batches_tracked', 'running_mean', 'running_var', 'weight']);
  const bn2 = ax.moduleFromConfig(bn.config()) as ax.BatchNorm2d;
  bn2.loadStateDict(sd);
  bn2.eval();
  await assertClose(bn2.forward(x), { shape: ye.shape, data: await ye.dataAsync() }, TOL.float32, 'reloaded BatchNorm2d');
});

test('BatchNorm1d with momentum null keeps a cumulative average', async () => {
  const bn = new ax.BatchNorm1d(1, { momentum: null, affine: false });
  bn.forward(ax.fromArray([0, 2], [2, 1], 'float32'));
  bn.forward(ax.fromArray([4, 6], [2, 1], 'float32'));
  await assertClose(bn.runningMean!, { shape: [1], data: [3] }, TOL.float32, 'cumulative mean of 1 and 5');
});

test('every layer survives config() → moduleFromConfig and gives the same output', async () => {
  ax.manualSeed(1);
  const x = ax.randn([2, 4, 8, 8]);
  const layers: ax.Module[] = [
    new ax.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }), new ax.ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 1 }),
    new ax.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), new ax.AvgPool2d(2), new ax.AdaptiveAvgPool2d([3, null]),
    new ax.GroupNorm(2, 4), new ax.Upsample({ scaleFactor: 2 }), new ax.BatchNorm2d(4),
  ];
  for (const l of layers) {
    l.eval();
    const copy = ax.moduleFromConfig(l.config());
    copy.loadStateDict(l.stateDict());
    copy.eval();
    const a = l.forward(x);
    await assertClose(copy.forward(x), { shape: a.shape, data: await a.dataAsync() }, TOL.float32, l.constructor.name);
  }
  const c1 = new ax.Conv1d(4, 3, 3, { padding: 'same' });
  assert.deepEqual(ax.moduleFromConfig(c1.config()).forward(ax.randn([2, 4, 9])).shape, [2, 3, 9]);
});

test('bad input: clear errors naming the layer, the shapes and the fix', () => {
  const conv = new ax.Conv2d(3, 8, 5);
  assert.throws(() => conv.forward(ax.zeros([2, 1, 28, 28])), (e: Error) =>
    e instanceof ax.ShapeError && /Conv2d/.test(e.message) && /\[2, ?1, ?28, ?28\]/.test(e.message) && /3 channels/.test(e.message) && /inChannels/.test(e.message));
  assert.throws(() => conv.forward(ax.zeros([3, 28, 28])), (e: Error) =>
    e instanceof ax.ShapeError && /Conv2d/.test(e.message) && /3-D/.test(e.message) && /unsqueeze/.test(e.message));
  assert.throws(() => conv.forward(ax.zeros([1, 3, 3, 3])), (e: Error) =>
    e instanceof ax.ShapeError && /Conv2d/.test(e.message) && /larger than/.test(e.message) && /padding/.test(e.message));
  assert.throws(() => new ax.MaxPool2d(4).forward(ax.zeros([1, 1, 3, 3])), (e: Error) => e instanceof ax.ShapeError && /MaxPool2d/.test(e.message));
  assert.throws(() => new ax.BatchNorm2d(4).forward(ax.zeros([2, 3, 4, 4])), (e: Error) => /BatchNorm2d/.test(e.message) && /4 channels/.test(e.message));
  assert.throws(() => new ax.Conv2d(3, 4, 3, { groups: 2 }), (e: Error) => /Conv2d/.test(e.message) && /divisible by groups/.test(e.message));
  assert.throws(() => ax.conv2d(ax.zeros([1, 1, 5, 5]), ax.zeros([1, 1, 3, 3]), null, { padding: 'same', stride: 2 }), /stride 1/);
});
