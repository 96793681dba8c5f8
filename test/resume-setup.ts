// The small training run the resume tests kill and continue: an MLP with Dropout, shuffled
// batches, noise augmentation from the default generator, a per-batch LR schedule and a held-out
// validation fraction, so every kind of state a checkpoint must carry is exercised.
import * as ax from '../src/index.js';

export const STEPS_PER_EPOCH = 5;
export const EPOCHS = 3;

export function data(): { x: ax.Tensor; y: ax.Tensor } {
  const g = new ax.Generator(11);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < 50; i++) {
    const c = i % 3;
    xs.push([c + g.normal() * 0.4, (c === 1 ? 1 : -1) + g.normal() * 0.4, g.normal(), g.uniform()]);
    ys.push(c);
  }
  return { x: ax.tensor(xs), y: ax.tensor(ys, { dtype: 'int32' }) };
}

export function model(): ax.Sequential {
  ax.manualSeed(3);
  return new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Dropout(0.3), new ax.Linear(16, 3));
}

/** fit()'s options for a fresh run on `m` (new optimizer and scheduler each time, as a new process would build them). */
export function options(m: ax.Module, extra: Partial<ax.FitOptions> & { onStep?: (loss: number) => void }): ax.FitOptions {
  const optimizer = new ax.Adam(m.parameters(), { lr: 0.02 });
  const scheduler = new ax.StepLR(optimizer, { stepSize: 4, gamma: 0.7 });
  const { onStep, ...rest } = extra;
  return {
    data: data(), validation: 0.2, epochs: EPOCHS, batchSize: 8, seed: 5, shuffle: true, verbose: false, doctor: false,
    optimizer,
    augment: (x) => ax.add(x, ax.mul(ax.randn(x.shape), 0.05)),
    callbacks: [new ax.LRSchedulerCallback(scheduler, { perBatch: true }), new ax.LambdaCallback({ onBatchEnd: (_s, logs) => onStep?.(logs.loss) })],
    ...rest,
  };
}

/** Every parameter's bytes, in order. */
export function weightBytes(m: ax.Module): number[][] {
  return [...m.parameters()].map((p) => Array.from(new Uint8Array(Float32Array.from(p.data()).buffer)));
}

/** The epoch logs without their timings. */
export function losses(h: ax.History): Record<string, number | undefined>[] {
  return h.epochs.map(({ seconds: _s, ...rest }) => rest);
}
