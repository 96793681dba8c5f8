// Recognition by embeddings, the pattern behind Face ID: a CNN maps each digit image to a point on
// the unit sphere, trained with the triplet loss (Schroff et al. 2015) so that images of the same
// digit land close and different digits far apart; two images are then "the same" when their
// embeddings are near. As a face-verification system must work for faces it never saw, the test
// uses only digits whose classes were held out of training (7, 8, 9): verification of pairs of
// unseen classes, scored by ROC AUC and the equal-error rate (EER), beside the same pairs compared
// by raw pixel distance. Each batch holds K images of every training digit; the loss averages over
// every (anchor, positive, negative) triplet in it that still violates the margin ("batch all",
// Hermans et al. 2017; their "batch hard" variant is mining: 'hard'). Training images are shifted
// by up to ±2 pixels.
import {
  Adam, Conv2d, Flatten, Generator, Linear, MaxPool2d, ReLU, Sequential, add, div, equalErrorRate, fromArray,
  indexSelect, loadMnist, manualSeed, randomShift, noGrad, norm, pairwiseDistance, reshape, rocAuc, scope, sum, tripletMarginLoss,
  type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

/** Digits the network trains on; the rest are only ever seen at test time. */
export const SEEN_DIGITS = [0, 1, 2, 3, 4, 5, 6];
export const UNSEEN_DIGITS = [7, 8, 9];
const [MEAN, STD] = [0.1307, 0.3081]; // MNIST pixel statistics

/** The embedding CNN. Shape: (N, 1, 28, 28) → (N, dim), not yet normalised. */
export function embeddingNet(dim = 64): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), // (N, 1, 28, 28) -> (N, 16, 14, 14)
    new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2), // (N, 16, 14, 14) -> (N, 32, 5, 5)
    new Flatten(), // (N, 32, 5, 5) -> (N, 800)
    new Linear(800, 128), new ReLU(), // (N, 800) -> (N, 128)
    new Linear(128, dim), // (N, 128) -> (N, dim)
  );
}

/** Rows scaled to unit length: embeddings compared by angle. Shape: (N, D) → (N, D). */
export function l2Normalize(x: Tensor): Tensor {
  return div(x, add(norm(x, { dim: -1, keepDim: true }), 1e-12)); // (N, D) / (N, 1)
}

/**
 * For each row of the (B, D) embeddings, the index of its hardest positive (the farthest row of
 * the same label, itself excluded) and hardest negative (the nearest row of another label).
 * Distances are computed on the values: the indices carry no gradient.
 */
export function batchHard(emb: Tensor, labels: readonly number[]): { pos: Int32Array; neg: Int32Array } {
  const [b, d] = emb.shape as [number, number];
  const e = emb.data();
  const dist = (i: number, j: number): number => { let s = 0; for (let k = 0; k < d; k++) s += (e[i * d + k]! - e[j * d + k]!) ** 2; return s; };
  const pos = new Int32Array(b);
  const neg = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    let [far, near] = [-1, Infinity];
    for (let j = 0; j < b; j++) {
      if (j === i) continue;
      const dij = dist(i, j);
      if (labels[j] === labels[i] && dij > far) { far = dij; pos[i] = j; }
      if (labels[j] !== labels[i] && dij < near) { near = dij; neg[i] = j; }
    }
  }
  return { pos, neg };
}

interface Pool { x: Float32Array; y: Int32Array; n: number }

function pool(parts: { x: Tensor; y: Tensor }[], digits: readonly number[]): Pool {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const p of parts) {
    const xs = p.x.data();
    p.y.data().forEach((d, i) => { if (digits.includes(d)) { rows.push(Array.from(xs.subarray(i * 784, (i + 1) * 784))); labels.push(d); } });
  }
  const x = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => x.set(r.map((v) => (v - MEAN) / STD), i * 784));
  return { x, y: Int32Array.from(labels), n: labels.length };
}

const images = (p: Pool, idx: ArrayLike<number>): Tensor => {
  const out = new Float32Array(idx.length * 784);
  for (let i = 0; i < idx.length; i++) out.set(p.x.subarray(idx[i]! * 784, (idx[i]! + 1) * 784), i * 784);
  return fromArray(out, [idx.length, 1, 28, 28], 'float32'); // (N, 1, 28, 28)
};

/** `count` genuine pairs (same digit) and `count` impostor pairs (different digits) of the pool, seeded. */
export function verificationPairs(p: Pool, count: number, g: Generator): { a: Int32Array; b: Int32Array; same: Int32Array } {
  const byDigit = new Map<number, number[]>();
  p.y.forEach((d, i) => (byDigit.get(d) ?? byDigit.set(d, []).get(d)!).push(i));
  const digits = [...byDigit.keys()];
  const [a, b, same] = [new Int32Array(2 * count), new Int32Array(2 * count), new Int32Array(2 * count)];
  for (let k = 0; k < 2 * count; k++) {
    const genuine = k < count;
    const da = digits[g.int(0, digits.length)]!;
    let db = da;
    while (!genuine && db === da) db = digits[g.int(0, digits.length)]!;
    const ra = byDigit.get(da)!;
    const rb = byDigit.get(db)!;
    a[k] = ra[g.int(0, ra.length)]!;
    do b[k] = rb[g.int(0, rb.length)]!; while (genuine && b[k] === a[k]);
    same[k] = genuine ? 1 : 0;
  }
  return { a, b, same };
}

/** ROC AUC and EER of −distance between the pairs' embeddings (or raw pixels with `embed` null). */
function verify(p: Pool, pairs: ReturnType<typeof verificationPairs>, embed: ((x: Tensor) => Tensor) | null): { auc: number; eer: number } {
  const scores = noGrad(() => {
    const out: number[] = [];
    for (let s = 0; s < pairs.a.length; s += 500) {
      const [ia, ib] = [pairs.a.subarray(s, s + 500), pairs.b.subarray(s, s + 500)];
      scope(() => {
        const [xa, xb] = [images(p, ia), images(p, ib)];
        const [ea, eb] = embed ? [embed(xa), embed(xb)] : [reshape(xa, [ia.length, 784]), reshape(xb, [ib.length, 784])]; // (n, D)
        out.push(...Array.from(pairwiseDistance(ea, eb).data(), (d) => -d)); // nearer = more alike
      });
    }
    return out;
  });
  const same = Array.from(pairs.same);
  return { auc: rocAuc(scores, same), eer: equalErrorRate(scores, same) };
}

export interface SiameseOptions extends ExampleOptions {
  /** Images of each class per batch (K); a batch holds every seen class. Default 8. */
  perClass?: number;
  /** Triplet margin on unit-length embeddings. Default 0.2 (FaceNet's). */
  margin?: number;
  /** Genuine (and as many impostor) pairs scored at test. Default 2,000. */
  pairs?: number;
  /** Triplets per batch: each anchor's hardest positive and negative ('hard'), or every valid triplet, averaged over those with a positive loss ('all', the default: batch hard tends to collapse every embedding to one point early on). Default 'all'. */
  mining?: 'hard' | 'all';
  /** Optimiser steps per epoch. Default: about one pass over the training images. */
  steps?: number;
}

/** Every (anchor, positive, negative) of a labelled batch: anchor ≠ positive of one label, negative of another. */
export function allTriplets(labels: readonly number[]): { a: Int32Array; p: Int32Array; n: Int32Array } {
  const [a, p, n]: number[][] = [[], [], []];
  labels.forEach((la, i) => labels.forEach((lp, j) => {
    if (j === i || lp !== la) return;
    labels.forEach((ln, k) => { if (ln !== la) { a.push(i); p.push(j); n.push(k); } });
  }));
  return { a: Int32Array.from(a), p: Int32Array.from(p), n: Int32Array.from(n) };
}

export async function run({ epochs = 4, seed = 0, verbose = true, perClass = 8, margin = 0.2, pairs = 2000, mining = 'all', steps: stepsOpt }: SiameseOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  const log = (s: string): void => { if (verbose) console.error(s); };
  manualSeed(seed);
  const { train, test } = await loadMnist({ seed });
  const seen = pool([train], SEEN_DIGITS); // what the network trains on
  const unseen = pool([train, test], UNSEEN_DIGITS); // never used in training: the verification test
  const seenTest = pool([test], SEEN_DIGITS); // seen classes, unseen images: for comparison
  const net = embeddingNet();
  const embed = (x: Tensor): Tensor => l2Normalize(net.forward(x)); // (N, 1, 28, 28) -> (N, 64)
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const g = new Generator(seed + 1);
  const byDigit = SEEN_DIGITS.map((d) => Array.from(seen.y.keys()).filter((i) => seen.y[i] === d));
  const steps = stepsOpt ?? Math.floor(seen.n / (SEEN_DIGITS.length * perClass)); // about one pass over the seen images
  const stepLosses: number[] = [];
  let trainLoss = NaN;
  for (let e = 0; e < epochs; e++) {
    let total = 0;
    for (let s = 0; s < steps; s++) {
      const idx: number[] = [];
      const labels: number[] = [];
      byDigit.forEach((rows, d) => { for (let k = 0; k < perClass; k++) { idx.push(rows[g.int(0, rows.length)]!); labels.push(d); } });
      const loss = scope(() => {
        opt.zeroGrad();
        const emb = embed(randomShift(images(seen, idx), { maxShift: 2, fill: -MEAN / STD, generator: g })); // (P·K, 1, 28, 28) -> (P·K, 64)
        const rows = (i: Int32Array): Tensor => indexSelect(emb, 0, fromArray(i, [i.length], 'int32')); // (T, 64)
        let l: Tensor;
        let reported: number; // the triplet loss over every triplet the batch holds (what falls as training works)
        if (mining === 'hard') {
          const { pos, neg } = batchHard(emb, labels);
          l = tripletMarginLoss(emb, rows(pos), rows(neg), { margin });
          reported = l.item();
        } else {
          const t = allTriplets(labels);
          const each = tripletMarginLoss(rows(t.a), rows(t.p), rows(t.n), { margin, reduction: 'none' }); // (T)
          const v = Array.from(each.data());
          const active = v.filter((x) => x > 0).length; // "batch all" optimises the mean over triplets still violating the margin
          l = div(sum(each), Math.max(active, 1));
          reported = v.reduce((a, b) => a + b, 0) / v.length;
        }
        l.backward();
        opt.step();
        return reported;
      });
      stepLosses.push(loss);
      total += loss;
    }
    trainLoss = total / steps;
    log(`epoch ${e + 1}/${epochs}: triplet loss ${trainLoss.toFixed(4)} (batch ${mining}, margin ${margin})`);
  }
  net.eval();
  const vg = new Generator(seed + 2);
  const unseenPairs = verificationPairs(unseen, pairs, vg);
  const u = verify(unseen, unseenPairs, embed);
  const px = verify(unseen, unseenPairs, null);
  const s = verify(seenTest, verificationPairs(seenTest, pairs, vg), embed);
  const head = (k: number): number => stepLosses.slice(0, k).reduce((a, b) => a + b, 0) / Math.min(k, stepLosses.length);
  const tail = (k: number): number => stepLosses.slice(-k).reduce((a, b) => a + b, 0) / Math.min(k, stepLosses.length);
  const metrics = {
    unseenAuc: u.auc, unseenEer: u.eer, pixelAuc: px.auc, pixelEer: px.eer, seenAuc: s.auc, seenEer: s.eer,
    firstLoss: head(10), trainLoss, lastLoss: tail(10), trainImages: seen.n, unseenImages: unseen.n, pairs: 2 * pairs,
  };
  return {
    example: 'mnist-siamese', metrics, epochs, seconds: (performance.now() - t0) / 1000,
    note: `verification of digits 7–9, never trained on: ROC AUC ${u.auc.toFixed(3)}, EER ${(100 * u.eer).toFixed(1)}% (raw pixels: AUC ${px.auc.toFixed(3)}, EER ${(100 * px.eer).toFixed(1)}%; the trained digits 0–6: AUC ${s.auc.toFixed(3)})`,
  };
}
