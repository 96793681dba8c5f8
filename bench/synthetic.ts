// Shared pieces of the training workloads: seeded synthetic batches (speed does not depend on the
// values) and the Axon training step every workload times (the same loop body as fit()).
import * as ax from '../src/index.js';

/** A tiny linear congruential generator: the same numbers for Axon and its peers. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1664525 + 1013904223) % 4294967296; return s / 4294967296; };
}

/** `count` batches drawn by `make` from one seeded stream. */
export function syntheticBatches<B>(count: number, seed: number, make: (rnd: () => number) => B): B[] {
  const rnd = lcg(seed);
  return Array.from({ length: count }, () => make(rnd));
}

/** `n` class labels in 0..classes−1. */
export function labels(rnd: () => number, n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(rnd() * classes));
}

/**
 * One Axon training step per call over the kept batches, cycling: scope, zeroGrad, forward and
 * loss, read the loss, backward, optimizer step. Returns the loss.
 */
export function axonTrainStep(optimizer: ax.Optimizer<{ lr: number }>, data: readonly { x: ax.Tensor; y: ax.Tensor }[], loss: (x: ax.Tensor, y: ax.Tensor) => ax.Tensor): () => number {
  let i = 0;
  return () => ax.scope(() => {
    const { x, y } = data[i++ % data.length]!;
    optimizer.zeroGrad();
    const l = loss(x, y);
    const v = l.item();
    l.backward();
    optimizer.step();
    return v;
  });
}
