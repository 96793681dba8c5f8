// Schedulers' stateDict/loadStateDict: a schedule restored (with its optimizer's groups) from
// JSON continues with exactly the lrs of the one that never stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

type Sched = { step(metric?: number): void; stateDict(): unknown; loadStateDict(sd: never): void };

function check(name: string, make: (opt: ax.SGD) => Sched, metric = (i: number): number => 1 / (1 + (i % 4))): void {
  const build = (): { opt: ax.SGD; s: Sched } => { const opt = new ax.SGD([ax.zeros([2]).requiresGrad_(true)], { lr: 0.1, momentum: 0.9 }); return { opt, s: make(opt) }; };
  const a = build();
  for (let i = 0; i < 6; i++) a.s.step(metric(i));
  const saved = JSON.parse(JSON.stringify({ opt: a.opt.stateDict(), s: a.s.stateDict() }, (_k, v: unknown) => (v === Infinity ? 'Inf' : v)), (_k, v: unknown) => (v === 'Inf' ? Infinity : v)) as { opt: ReturnType<ax.SGD['stateDict']>; s: unknown };
  const b = build();
  b.opt.loadStateDict(saved.opt);
  b.s.loadStateDict(saved.s as never);
  const lrs = (x: { opt: ax.SGD; s: Sched }): number[] => Array.from({ length: 8 }, (_, i) => { x.s.step(metric(i + 6)); return x.opt.paramGroups[0]!.lr; });
  assert.deepEqual(lrs(b), lrs(a), name);
}

test('StepLR, OneCycleLR, ReduceLROnPlateau, SequentialLR and ChainedScheduler resume exactly', () => {
  check('StepLR', (o) => new ax.StepLR(o, { stepSize: 3, gamma: 0.5 }));
  check('OneCycleLR', (o) => new ax.OneCycleLR(o, { maxLr: 1, totalSteps: 20 }));
  check('ReduceLROnPlateau', (o) => new ax.ReduceLROnPlateau(o, { patience: 1 }), () => 1);
  check('SequentialLR', (o) => new ax.SequentialLR(o, [new ax.LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new ax.CosineAnnealingLR(o, { tMax: 10 })], [4]));
  check('ChainedScheduler', (o) => new ax.ChainedScheduler([new ax.ExponentialLR(o, { gamma: 0.9 }), new ax.StepLR(o, { stepSize: 2 })]));
});

test('a bad scheduler state is refused with a ValueError', () => {
  const opt = new ax.SGD([ax.zeros([2]).requiresGrad_(true)], { lr: 0.1 });
  assert.throws(() => new ax.StepLR(opt, { stepSize: 2 }).loadStateDict({ lastEpoch: 1.5 }), ax.ValueError);
  assert.throws(() => new ax.StepLR(opt, { stepSize: 2 }).loadStateDict({ lastEpoch: 1, lrs: [-1] }), ax.ValueError);
  assert.throws(() => new ax.ReduceLROnPlateau(opt).loadStateDict({ lastEpoch: 1, best: NaN, badEpochs: 0, cooldownLeft: 0 }), ax.ValueError);
});
