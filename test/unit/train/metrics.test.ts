// Metrics against values worked out by hand and the examples of scikit-learn's documentation
// (its argument order is (y_true, y_pred); ours is (pred, target)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import { TOL, closeEnough } from '../../tolerances.js';
import * as ax from '../../../src/index.js';
import { ShapeError, ValueError, accuracy, confusionMatrix, f1, mae, precision, r2, recall, rmse, rocAuc, topKAccuracy } from '../../../src/index.js';
import { throwsWith } from '../data/throws.js';

/** Metrics compute in float64; against a closed form only the summation order differs. */
const near = (a: number, b: number): void => assert.ok(closeEnough(a, b, TOL.fixtureF64), `${a} ≠ ${b}`);

test('accuracy from labels, from logits/probabilities (argmax), one-hot targets, thresholds', () => {
  assert.equal(accuracy([0, 1, 2, 1], [0, 2, 2, 1]), 0.75);
  const logits = ax.tensor([[2, 1, 0], [0, 3, 1], [1, 1, 5], [4, 0, 0]]);
  assert.equal(accuracy(logits, ax.tensor([0, 1, 1, 0], { dtype: 'int32' })), 0.75);
  assert.equal(accuracy(logits, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]), 0.75);
  assert.equal(accuracy([[0.5, 0.5]], [0]), 1); // argmax ties pick the first class, like torch.argmax
  assert.equal(accuracy([0.9, 0.2, 0.6, 0.5], [1, 0, 0, 1], { threshold: 0.5 }), 0.5);
  assert.equal(accuracy(ax.tensor([[2.0], [-1.0], [0.3]]), [1, 0, 0], { threshold: 0 }), 2 / 3);
  throwsWith(() => accuracy([0.9, 0.2], [1, 0]), ValueError, 'accuracy', '0.9', 'threshold: 0.5');
  throwsWith(() => accuracy([0, 1], [0, 1, 1]), ShapeError, 'accuracy', '2 samples', '3');
  throwsWith(() => accuracy([NaN, 1], [0, 1]), ValueError, 'NaN at element 0');
  throwsWith(() => accuracy([], []), ValueError, 'empty');
  throwsWith(() => accuracy(ax.zeros([2, 2, 2]), [0, 1]), ShapeError, '[2,2,2]');
});

test('topKAccuracy: sklearn documentation example, and its tie order', () => {
  const scores = [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]];
  assert.equal(topKAccuracy(scores, [0, 1, 2, 2], { k: 2 }), 0.75);
  assert.equal(topKAccuracy(scores, [0, 1, 2, 2], { k: 1 }), 0.5);
  assert.equal(topKAccuracy(scores, [0, 1, 2, 2], { k: 3 }), 1);
  // Among equal scores the higher class index ranks first (sklearn's stable argsort, reversed).
  assert.equal(topKAccuracy([[0.4, 0.4, 0.2]], [1], { k: 1 }), 1);
  assert.equal(topKAccuracy([[0.4, 0.4, 0.2]], [0], { k: 1 }), 0);
  throwsWith(() => topKAccuracy(scores, [0, 1, 2, 3]), ValueError, 'target 3 is 3', '0..2');
  throwsWith(() => topKAccuracy([0.1, 0.2], [0, 1]), ShapeError, '(N, C)');
});

test('precision / recall / F1, binary: hand-counted tp, fp, fn', () => {
  // pred  1 1 0 1 0 1 ; target 1 0 0 1 1 1 → tp 3, fp 1, fn 1
  const p = [1, 1, 0, 1, 0, 1];
  const t = [1, 0, 0, 1, 1, 1];
  near(precision(p, t), 3 / 4);
  near(recall(p, t), 3 / 4);
  near(f1(p, t), 6 / 8);
  // posLabel 0: tp 1, fp 1, fn 1
  near(precision(p, t, { posLabel: 0 }), 1 / 2);
  near(f1([1, 1, 0, 1], [1, 0, 0, 1]), 0.8); // 2·2 / (2·2 + 1 + 0)
  near(recall([1, 1, 0, 1], [1, 0, 1, 1]), 2 / 3);
  // Probabilities with a threshold; a class never predicted gives zeroDivision (default 0).
  near(precision(ax.tensor([0.8, 0.3, 0.6]), [1, 0, 0], { threshold: 0.5 }), 1 / 2);
  assert.equal(precision([0, 0], [1, 0]), 0);
  assert.equal(precision([0, 0], [1, 0], { zeroDivision: 1 }), 1);
  throwsWith(() => precision([0, 1, 2], [0, 1, 2]), ValueError, 'precision', '3 classes', "average is 'binary'", "'macro'");
  throwsWith(() => recall([2, 3], [3, 2]), ValueError, 'posLabel 1 is not one of the labels 2, 3');
  throwsWith(() => f1([0], [0], { average: 'mean' as 'macro' }), ValueError, 'average must be');
});

test('precision / recall / F1, multiclass: sklearn documentation values for macro, micro, weighted', () => {
  // sklearn: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
  const t = [0, 1, 2, 0, 1, 2];
  const p = [0, 2, 1, 0, 0, 1];
  near(precision(p, t, { average: 'macro' }), 2 / 9); // 0.222…
  near(precision(p, t, { average: 'micro' }), 1 / 3);
  near(precision(p, t, { average: 'weighted' }), 2 / 9);
  near(recall(p, t, { average: 'macro' }), 1 / 3);
  near(recall(p, t, { average: 'weighted' }), 1 / 3);
  near(f1(p, t, { average: 'macro' }), 0.8 / 3); // 0.2666…: mean of per-class F1 (0.8, 0, 0)
  near(f1(p, t, { average: 'micro' }), 1 / 3);
  near(f1(p, t, { average: 'weighted' }), 0.8 / 3);
  // Weighted by support: class 0 has 3 samples (F1 1), class 1 has 1 (F1 0) → 0.75.
  near(f1([0, 0, 0, 0], [0, 0, 0, 1], { average: 'weighted' }), (3 * (6 / 7) + 0) / 4);
  // numClasses counts a class absent from both inputs (it scores zeroDivision = 0 in macro).
  near(recall([0, 1], [0, 1], { average: 'macro', numClasses: 3 }), 2 / 3);
  // Logits are argmaxed.
  near(f1(ax.tensor([[3, 0, 0], [0, 0, 2], [0, 2, 1], [5, 0, 0], [1, 0, 0], [0, 2, 1]]), t, { average: 'macro' }), 0.8 / 3);
});

test('confusionMatrix: rows true, columns predicted (sklearn documentation example)', () => {
  // sklearn: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2]
  assert.deepEqual(confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1]), [[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
  assert.deepEqual(confusionMatrix([0, 1, 1], [0, 0, 1], { numClasses: 3 }), [[1, 1, 0], [0, 1, 0], [0, 0, 0]]);
  assert.deepEqual(confusionMatrix(ax.tensor([[0.9, 0.1], [0.2, 0.8]]), ax.tensor([1, 1], { dtype: 'int32' })), [[0, 0], [1, 1]]);
  throwsWith(() => confusionMatrix([0, 3], [0, 1], { numClasses: 3 }), ValueError, 'label 3 is outside 0..2');
  throwsWith(() => confusionMatrix([-1], [0]), ValueError, 'label -1 is negative');
});

test('rocAuc: sklearn documentation example, ties counted ½, equal to the pairwise definition', () => {
  near(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  // Pairs (pos, neg): (0.5, 0.5) tie → ½, the other three pairs ordered → (3 + ½) / 4.
  near(rocAuc([0.5, 0.5, 0.2, 0.8], [0, 1, 0, 1]), 0.875);
  near(rocAuc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5);
  // (N, 2) probabilities use column 1; other label pairs take the larger as positive.
  near(rocAuc([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]], [0, 0, 1, 1]), 0.75);
  near(rocAuc([0.1, 0.4, 0.35, 0.8], [3, 3, 7, 7]), 0.75);
  near(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { posLabel: 0 }), 0.25);
  // Random scores with many ties against brute force over all pairs.
  const g = new ax.Generator(1);
  const s = Array.from({ length: 200 }, () => Math.floor(g.uniform() * 10) / 10);
  const y = s.map((v) => (g.uniform() < 0.3 + 0.4 * v ? 1 : 0));
  let wins = 0;
  let pairs = 0;
  s.forEach((sp, i) => { if (y[i] === 1) s.forEach((sn, j) => { if (y[j] === 0) { pairs++; wins += sp > sn ? 1 : sp === sn ? 0.5 : 0; } }); });
  near(rocAuc(s, y), wins / pairs);
  // Multiclass: the mean of one-vs-rest AUCs.
  const sc = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.2, 0.75, 0.05]];
  const t3 = [0, 1, 2, 0];
  const ovr = [0, 1, 2].map((c) => rocAuc(sc.map((r) => r[c]!), t3.map((v) => (v === c ? 1 : 0))));
  near(ovr[0]!, 0.875); // positives 0.8, 0.2 vs negatives 0.2, 0.1: one tie
  near(ovr[1]!, 2 / 3); // the positive 0.7 loses to the negative 0.75
  near(ovr[2]!, 1);
  near(rocAuc(sc, t3), (ovr[0]! + ovr[1]! + ovr[2]!) / 3);
  throwsWith(() => rocAuc([0.1, 0.2], [1, 1]), ValueError, 'rocAuc', 'only one class');
  throwsWith(() => rocAuc([0.1, 0.2, 0.3], [0, 1, 2]), ValueError, '3 classes');
  throwsWith(() => rocAuc([0.1, 0.2], [0, 1, 1]), ShapeError, '2 rows', '3 labels');
});

test('mae, rmse, r2: sklearn documentation values, single and multi-output', () => {
  const yTrue = [3, -0.5, 2, 7];
  const yPred = [2.5, 0.0, 2, 8];
  near(mae(yPred, yTrue), 0.5);
  near(rmse(yPred, yTrue), Math.sqrt(0.375));
  near(r2(yPred, yTrue), 1 - 1.5 / 29.1875); // 0.948608…
  const mTrue = [[0.5, 1], [-1, 1], [7, -6]];
  const mPred = [[0, 2], [-1, 2], [8, -5]];
  near(mae(mPred, mTrue), 0.75);
  near(rmse(mPred, mTrue), (Math.sqrt(1.25 / 3) + 1) / 2); // per output, then averaged: 0.8227…
  // Column 0: SS_res 1.25, SS_tot 217/6; column 1: SS_res 3, SS_tot 98/3 → 0.9368… (sklearn: 0.936)
  near(r2(mPred, mTrue), ((1 - 1.25 / (217 / 6)) + (1 - 3 / (98 / 3))) / 2);
  // Constant targets (sklearn's force_finite): perfect → 1, otherwise 0.
  assert.equal(r2([-2, -2, -2], [-2, -2, -2]), 1);
  assert.equal(r2([-2, -2, -2 + 1e-8], [-2, -2, -2]), 0);
  near(r2([2, 2, 2], [1, 2, 3]), 0);
  // (N, 1) and (N,) are the same single output; other shape mismatches are errors.
  near(mae(ax.tensor([[2.5], [0], [2], [8]]), ax.tensor(yTrue)), 0.5);
  throwsWith(() => mae([1, 2], [[1, 2], [3, 4]]), ShapeError, 'mae', 'pred is (2)', 'target is (2, 2)');
  throwsWith(() => r2([1], [1]), ValueError, 'at least 2 samples');
});

test('equalErrorRate: separable scores 0, reversed 1, ties and crossings interpolated on the ROC curve', () => {
  near(ax.equalErrorRate([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0]), 0);
  near(ax.equalErrorRate([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 1);
  // Sorted down: P 0.8, N 0.4, P 0.35, N 0.1: after 0.4 both error rates are ½.
  near(ax.equalErrorRate([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.5);
  // Every score tied: the ROC is the diagonal, EER ½.
  near(ax.equalErrorRate([1, 1, 1, 1, 1], [0, 1, 0, 1, 1]), 0.5);
  // 3 positives, 2 negatives: P .9, N .8, P .7, P .6, N .5: (FA, FR) goes (0, 1) (0, 2/3) (½, 2/3)
  // (½, 1/3): the rates cross at ½ on the last segment.
  near(ax.equalErrorRate([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0]), 0.5);
  // A tie of a positive and a negative moves both rates together: (0, ½) to (½, 0), crossing at ¼.
  near(ax.equalErrorRate([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]), 0.25);
  // Brute force on random scores: the value lies between the FA and FR of the neighbouring thresholds.
  const g = new ax.Generator(5);
  const s = Array.from(ax.rand([200], { generator: g }).data());
  const y = s.map((v, i) => (v + (i % 3) * 0.2 > 0.6 ? 1 : 0));
  const eer = ax.equalErrorRate(s, y);
  const rates = (th: number): [number, number] => {
    const fa = s.filter((v, i) => y[i] === 0 && v >= th).length / y.filter((v) => v === 0).length;
    const fr = s.filter((v, i) => y[i] === 1 && v < th).length / y.filter((v) => v === 1).length;
    return [fa, fr];
  };
  const best = Math.min(...s.map((th) => Math.max(...rates(th))));
  const worst = Math.max(...s.map((th) => Math.min(...rates(th)).valueOf()).filter((v) => v <= best));
  assert.ok(eer <= best + 1e-12 && eer >= Math.min(worst, best) - 1e-12, `eer ${eer} not between ${worst} and ${best}`);
  assert.throws(() => ax.equalErrorRate([0.1, 0.2], [1, 1]), ValueError);
  assert.throws(() => ax.equalErrorRate([[0.1, 0.2]], [1]), ShapeError);
});
