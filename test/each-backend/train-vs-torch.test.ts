// Losses, the linear layer, init gains, optimizer trajectories and LR schedules against PyTorch
// (test/fixtures/train.json, written by scripts/fixtures/gen_train.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertGradsMatch, fixtureValues, fromFixture, readJson, ROOT, tolHere, vjpObjective, type FixtureTensor } from '../helpers.js';
import { TOL } from '../tolerances.js';

interface LossCase { name: string; op: string; inputs: FixtureTensor[]; attrs: Record<string, any>; outputs: FixtureTensor[]; cotangents: FixtureTensor[]; grads: (FixtureTensor | null)[] } // eslint-disable-line @typescript-eslint/no-explicit-any
interface Sched { type: string; options: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any
interface OptimCase {
  name: string; optimizer: string; options: Record<string, unknown>; groups: { params: number[]; options: Record<string, unknown> }[] | null;
  scheduler: Sched | null; params: FixtureTensor[]; coeffs: { A: FixtureTensor[]; B: FixtureTensor[] }; steps: number;
  lrs: number[]; losses: number[]; trajectory: number[][][]; momentums?: number[];
}
const fx = readJson<{ generator_sha256: string; losses: LossCase[]; gains: Record<string, number>; optim: OptimCase[] }>('test/fixtures/train.json');

test('train fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_train.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_train.py changed but test/fixtures/train.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_train.py');
});

const LOSSES: Record<string, (i: Tensor[], a: Record<string, any>) => Tensor> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  mseLoss: ([x, y], a) => ax.mseLoss(x!, y!, a),
  l1Loss: ([x, y], a) => ax.l1Loss(x!, y!, a),
  huberLoss: ([x, y], a) => ax.huberLoss(x!, y!, a),
  smoothL1Loss: ([x, y], a) => ax.smoothL1Loss(x!, y!, a),
  crossEntropy: ([x, y], a) => ax.crossEntropy(x!, y!, a),
  nllLoss: ([x, y], a) => ax.nllLoss(x!, y!, a),
  binaryCrossEntropy: ([x, y], a) => ax.binaryCrossEntropy(x!, y!, a),
  binaryCrossEntropyWithLogits: ([x, y], a) => ax.binaryCrossEntropyWithLogits(x!, y!, a),
  linear: ([x, w, b]) => ax.linear(x!, w!, b),
};

for (const c of fx.losses) {
  test(`torch parity: ${c.name}`, async () => {
    const inputs = c.inputs.map((i) => fromFixture(i));
    const out = LOSSES[c.op]!(inputs, c.attrs);
    await assertClose(out, { shape: c.outputs[0]!.shape, data: fixtureValues(c.outputs[0]!) }, TOL.fixtureF64, `${c.name} output`);
    const pairs = c.grads.flatMap((g, i) => (g === null ? [] : [[`grad ${i}`, inputs[i]!, g] as [string, Tensor, FixtureTensor]]));
    await assertGradsMatch(c.name, vjpObjective([out], c.cotangents), pairs, TOL.fixtureF64);
  });
}

test('calculateGain equals torch.nn.init.calculate_gain', () => {
  for (const [k, v] of Object.entries(fx.gains)) {
    const [name, p] = k.split('_');
    assert.ok(Math.abs(ax.init.calculateGain(name as ax.init.Nonlinearity, p ? Number(p) : undefined) - v) < 1e-12, k);
  }
});

type AnyOpt = ax.Optimizer<{ lr: number }>;
const OPTIMIZERS: Record<string, (p: ax.ParamsArg<any>, o: Record<string, unknown>) => AnyOpt> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  SGD: (p, o) => new ax.SGD(p, o) as unknown as AnyOpt,
  Adam: (p, o) => new ax.Adam(p, o) as unknown as AnyOpt,
  AdamW: (p, o) => new ax.AdamW(p, o) as unknown as AnyOpt,
  RMSprop: (p, o) => new ax.RMSprop(p, o) as unknown as AnyOpt,
  Adagrad: (p, o) => new ax.Adagrad(p, o) as unknown as AnyOpt,
};

type Stepper = { step(metric?: number): void };
function makeScheduler(opt: AnyOpt, s: Sched): ax.LRScheduler | Stepper {
  const o = s.options;
  switch (s.type) {
    case 'StepLR': return new ax.StepLR(opt, o as { stepSize: number });
    case 'MultiStepLR': return new ax.MultiStepLR(opt, o as { milestones: number[] });
    case 'ExponentialLR': return new ax.ExponentialLR(opt, o as { gamma: number });
    case 'CosineAnnealingLR': return new ax.CosineAnnealingLR(opt, o as { tMax: number });
    case 'LinearLR': return new ax.LinearLR(opt, o);
    case 'OneCycleLR': return new ax.OneCycleLR(opt, o as ax.OneCycleOptions);
    case 'ReduceLROnPlateau': return new ax.ReduceLROnPlateau(opt, o);
    case 'SequentialLR': return new ax.SequentialLR(opt, (o.schedulers as Sched[]).map((x) => makeScheduler(opt, x) as ax.LRScheduler), o.milestones as number[]);
    case 'ChainedScheduler': return new ax.ChainedScheduler((o.schedulers as Sched[]).map((x) => makeScheduler(opt, x) as ax.LRScheduler));
    default: throw new Error(`no scheduler ${s.type}`);
  }
}

for (const c of fx.optim) {
  test(`torch.optim parity: ${c.name}`, async () => {
    const params = c.params.map((p) => ax.keep(fromFixture({ ...p, requiresGrad: true })));
    const A = c.coeffs.A.map((t) => fromFixture(t));
    const B = c.coeffs.B.map((t) => fromFixture(t));
    const arg = c.groups ? c.groups.map((g) => ({ params: g.params.map((i) => params[i]!), ...g.options })) : params;
    const opt = OPTIMIZERS[c.optimizer]!(arg as ax.ParamsArg<never>, c.options);
    const sched = c.scheduler ? makeScheduler(opt, c.scheduler) : null;
    for (let s = 0; s < c.steps; s++) {
      assert.ok(Math.abs(opt.paramGroups[0]!.lr - c.lrs[s]!) <= 1e-12 + 1e-9 * c.lrs[s]!, `step ${s}: lr ${opt.paramGroups[0]!.lr} vs torch ${c.lrs[s]}`);
      if (c.momentums) {
        const g = opt.paramGroups[0] as unknown as { momentum?: number; betas?: number[] };
        const m = g.betas ? g.betas[0]! : g.momentum!;
        assert.ok(Math.abs(m - c.momentums[s]!) < 1e-12, `step ${s}: momentum ${m} vs torch ${c.momentums[s]}`);
      }
      const loss = await ax.scope(() => {
        opt.zeroGrad();
        const l = params.map((p, i) => ax.add(ax.add(ax.sum(ax.mul(A[i]!, ax.mul(p, p))), ax.sum(ax.mul(B[i]!, p))), ax.mul(ax.sum(ax.pow(p, 4)), 0.05)))
          .reduce((a, b) => ax.add(a, b));
        l.backward();
        return l.detach();
      }).itemAsync();
      const lt = tolHere(TOL.fixtureF64); // float64 here; float32 where there is no float64 (WebGPU)
      assert.ok(Math.abs(loss - c.losses[s]!) <= lt.rtol * Math.max(1, Math.abs(c.losses[s]!)), `step ${s}: loss ${loss} vs torch ${c.losses[s]}`);
      opt.step();
      if (sched instanceof ax.ReduceLROnPlateau) sched.step(loss);
      else sched?.step();
      for (const [i, p] of params.entries()) await assertClose(p, { shape: p.shape, data: c.trajectory[s]![i]! }, TOL.fixtureF64, `${c.name} step ${s + 1} param ${i}`);
    }
  });
}

test('optimizer stateDict round trip continues the same trajectory', async () => {
  const c = fx.optim.find((o) => o.name === 'Adam/amsgrad')!;
  const mk = (): [Tensor[], ax.Adam] => {
    const ps = c.params.map((p) => ax.keep(fromFixture({ ...p, requiresGrad: true })));
    return [ps, new ax.Adam(ps, c.options)];
  };
  const stepOnce = (ps: Tensor[], opt: ax.Adam): void => ax.scope(() => {
    opt.zeroGrad();
    ps.map((p) => ax.sum(ax.mul(p, p))).reduce((a, b) => ax.add(a, b)).backward();
    opt.step();
  });
  const [p1, o1] = mk();
  for (let i = 0; i < 3; i++) stepOnce(p1, o1);
  const [p2, o2] = mk();
  p2.forEach((p, i) => ax.assign(p, p1[i]!));
  o2.loadStateDict(o1.stateDict());
  stepOnce(p1, o1);
  stepOnce(p2, o2);
  for (const [i, p] of p1.entries()) assert.deepEqual(await p2[i]!.toArrayAsync(), await p.toArrayAsync());
});
