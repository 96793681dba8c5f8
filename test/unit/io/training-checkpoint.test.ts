// saveTrainingCheckpoint / loadTrainingCheckpoint used directly (a hand-written loop, as in
// PyTorch): everything comes back exactly, the model is rebuilt when none is given, non-finite
// scheduler values survive, and a checkpoint without the asked-for state is refused up front.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import { ValueError } from '../../../src/index.js';

const net = (): ax.Sequential => { ax.manualSeed(1); return new ax.Sequential(new ax.Linear(3, 4), new ax.Tanh(), new ax.Linear(4, 2)); };

/** Train on up to `n` batches of `it` (all that are left by default); the losses. */
function trainSteps(m: ax.Module, opt: ax.Optimizer, it: Iterator<unknown>, n = Infinity): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const r = it.next();
    if (r.done) break;
    const [x, y] = r.value as ax.Tensor[];
    opt.zeroGrad();
    const loss = ax.mseLoss(ax.dropout(m.forward(x!), { p: 0.2 }), y!);
    out.push(loss.item());
    loss.backward();
    opt.step();
  }
  return out;
}

test('a hand-written loop restores model, optimizer, scheduler, generators and loader exactly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-tc-'));
  try {
    const g = new ax.Generator(4);
    const x = ax.randn([24, 3], { generator: g });
    const y = ax.randn([24, 2], { generator: g });
    const build = (): { m: ax.Sequential; opt: ax.Adam; sched: ax.ReduceLROnPlateau; loader: ax.DataLoader<ax.Tensor[]>; aug: ax.Generator } => {
      const m = net();
      const opt = new ax.Adam(m.parameters(), { lr: 0.01 });
      return { m, opt, sched: new ax.ReduceLROnPlateau(opt), loader: new ax.DataLoader(new ax.TensorDataset(x, y), { batchSize: 5, shuffle: true, seed: 2 }) as unknown as ax.DataLoader<ax.Tensor[]>, aug: new ax.Generator(8) };
    };
    const a = build();
    ax.manualSeed(7);
    const itA = a.loader[Symbol.iterator]();
    trainSteps(a.m, a.opt, itA, 3); // mid-epoch
    a.sched.step(0.5);
    a.aug.normal(); // holds a spare sample
    const file = path.join(dir, 'ck.safetensors');
    ax.saveTrainingCheckpoint(file, { model: a.m, optimizer: a.opt, scheduler: a.sched, loader: a.loader, generators: { default: ax.defaultGenerator, aug: a.aug }, epoch: 0, step: 3, extra: { note: 'x', worst: -Infinity } });
    const want = [...trainSteps(a.m, a.opt, itA), ...trainSteps(a.m, a.opt, a.loader[Symbol.iterator](), 4)];
    const wantAug = [a.aug.normal(), a.aug.normal()];
    const b = build();
    ax.manualSeed(123); // clobbered by the checkpoint
    const got = ax.loadTrainingCheckpoint(file, { model: b.m, optimizer: b.opt, scheduler: b.sched, loader: b.loader, generators: { default: ax.defaultGenerator, aug: b.aug } });
    assert.deepEqual([got.epoch, got.step, got.extra], [0, 3, { note: 'x', worst: -Infinity }]);
    assert.deepEqual(b.sched.stateDict(), a.sched.stateDict());
    const have = [...trainSteps(b.m, b.opt, b.loader[Symbol.iterator]()), ...trainSteps(b.m, b.opt, b.loader[Symbol.iterator](), 4)];
    assert.equal(have.length, 5 - 3 + 4, 'the rest of the epoch (24 rows in batches of 5), then 4 steps');
    assert.deepEqual(have, want);
    assert.deepEqual([b.aug.normal(), b.aug.normal()], wantAug);

    const rebuilt = ax.loadTrainingCheckpoint(file, { generators: {} }).model;
    assert.equal(rebuilt.constructor.name, 'Sequential');
    assert.equal(ax.load(file).constructor.name, 'Sequential', 'a training checkpoint is also a model checkpoint');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading refuses what the checkpoint does not hold, before changing anything', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-tc-'));
  try {
    const m = net();
    const plain = path.join(dir, 'plain.safetensors');
    ax.save(m, plain);
    assert.throws(() => ax.loadTrainingCheckpoint(plain, { model: net() }), (e: unknown) => e instanceof ValueError && /no training state/.test((e as Error).message));
    const file = path.join(dir, 'ck.safetensors');
    ax.saveTrainingCheckpoint(file, { model: m, epoch: 1, step: 2 });
    const before = ax.defaultGenerator.getState();
    const target = net();
    const w0 = Array.from([...target.parameters()][0]!.data());
    assert.throws(() => ax.loadTrainingCheckpoint(file, { model: target, generators: { aug: new ax.Generator(1) } }), /no state for the generator 'aug'/);
    assert.throws(() => ax.loadTrainingCheckpoint(file, { model: target, scheduler: new ax.StepLR(new ax.SGD(target.parameters(), { lr: 1 }), { stepSize: 1 }) }), /no scheduler state/);
    assert.deepEqual(Array.from([...target.parameters()][0]!.data()), w0);
    assert.deepEqual(ax.defaultGenerator.getState(), before);
    assert.throws(() => ax.saveTrainingCheckpoint(file, { model: m, epoch: -1, step: 0 }), /epoch must be an integer/);
    assert.throws(() => new ax.Generator().setState([0, 0, 0, 0]), /not all zero/);
    assert.throws(() => new ax.Generator().setState([1.5, 0, 0, 0]), ValueError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fit({ resume }) refuses a checkpoint without a valid loop state', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-tc-'));
  try {
    const m = net();
    const data = { x: ax.randn([8, 3]), y: ax.randn([8, 2]) };
    for (const [name, fitState] of [['none', undefined], ['bad', { epoch: 'x', history: { epochs: 3 } }]] as const) {
      const file = path.join(dir, `${name}.safetensors`);
      const loader = new ax.DataLoader(new ax.TensorDataset(data.x, data.y), { batchSize: 4, shuffle: true, seed: 0 });
      ax.saveTrainingCheckpoint(file, { model: m, optimizer: new ax.Adam(m.parameters(), { lr: 1e-3 }), loader, epoch: 0, step: 0, extra: fitState === undefined ? {} : { fit: fitState } });
      assert.throws(() => ax.fit(net(), { data, epochs: 1, batchSize: 4, verbose: false, doctor: false, resume: file }), (e: unknown) => e instanceof ValueError && /no fit\(\) loop state/.test((e as Error).message));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
