// Check: the loss fits the labels and the model's output. MSE on class indices or one-hot rows,
// cross-entropy on continuous targets, a binary loss on more than two classes, a Softmax layer
// feeding crossEntropy (which applies logSoftmax itself), labels outside the output size.
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers.js';
import { Sigmoid, Softmax } from '../nn/activations.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from '../train/finding.js';
import type { Targets } from './matrix.js';

const REGRESSION_LOSSES = ['mse', 'l1', 'huber', 'smoothL1'];
const CLASS_LOSSES = ['crossEntropy', 'nll'];
/** Losses for 0/1 targets (one output per label). */
export const BINARY_LOSSES = ['binaryCrossEntropy', 'binaryCrossEntropyWithLogits'];

/** The last layer applied by a (nested) Sequential model, or null for other modules. */
export function lastLayer(model: Module): Module | null {
  let m: Module = model;
  while (m instanceof Sequential && m.length > 0) m = m.at(-1);
  return m === model && !(model instanceof Sequential) ? null : m;
}

export interface LabelLossInput {
  /** Training targets as given. */
  y: Tensor;
  targets: Targets;
  /** The loss name fit() will use (a custom function is not inspected). */
  loss: string | null;
  model?: Module;
  /** Shape of the model's output for a small batch, when it could be probed. */
  outputShape?: readonly number[] | null;
}

/** Findings about the label/loss/output fit. */
export function labelLossFindings({ y, targets, loss, model, outputShape }: LabelLossInput): Finding[] {
  const out: Finding[] = [];
  if (loss && REGRESSION_LOSSES.includes(loss) && y.dtype === 'int32') {
    out.push({
      id: 'mse-on-class-labels', severity: 'error',
      title: `the '${loss}' regression loss is used on int32 class labels (${targets.classes} classes): it treats class 3 as "closer" to 4 than to 0`,
      evidence: { classes: targets.classes },
      fix: "use loss: 'crossEntropy' with a model that outputs one logit per class (no Softmax at the end) and int32 labels",
    });
  }
  if (loss && REGRESSION_LOSSES.includes(loss) && targets.oneHot) {
    out.push({
      id: 'mse-on-one-hot', severity: 'warning',
      title: `the '${loss}' loss is used on one-hot targets (${y.shape[1]} classes): a regression loss on class probabilities learns slowly and gives poorly calibrated scores`,
      evidence: { classes: y.shape[1] ?? 0 },
      fix: "use loss: 'crossEntropy' on the logits, with the class indices (argmax of the one-hot rows, as int32) or the one-hot rows as probability targets",
    });
  }
  if (loss && CLASS_LOSSES.includes(loss) && y.dtype !== 'int32') {
    const v = y.data();
    let fractional = 0;
    for (const t of v) if (t !== Math.round(t)) fractional++;
    const probabilityRows = targets.oneHot || (y.ndim === 2 && outputShape && y.shape[1] === outputShape[1] && rowsSumToOne(v, y.shape[0]!, y.shape[1]!));
    if (!probabilityRows) {
      out.push({
        id: 'cross-entropy-on-continuous', severity: 'error',
        title: `'${loss}' is used on float targets of shape [${y.shape.join(', ')}]${fractional ? ` with ${fractional} non-integer values` : ''}: cross-entropy needs class indices or probability rows`,
        evidence: { nonIntegerValues: fractional, rows: y.shape[0] ?? 0 },
        fix: fractional ? "this looks like regression: use loss: 'mse' (or 'huber') with a single-output model" : 'these are class ids stored as floats: convert them with y.int() (int32 class indices)',
      });
    }
  }
  if (loss && BINARY_LOSSES.includes(loss)) {
    const values = new Set<number>();
    for (const t of y.data()) { values.add(t); if (values.size > 2) break; }
    const outside = [...values].some((v) => v < 0 || v > 1);
    if (values.size > 2 && (y.dtype === 'int32' || outside)) {
      out.push({
        id: 'binary-loss-on-multiclass', severity: 'error',
        title: `the binary loss '${loss}' is used on targets with more than two classes (${targets.classes || 'continuous'} values)`,
        evidence: { classes: targets.classes },
        fix: "use loss: 'crossEntropy' with one output logit per class and int32 labels (binary losses expect 0/1 targets, one output per label)",
      });
    }
  }
  const last = model ? lastLayer(model) : null;
  if (last instanceof Softmax && loss && (loss === 'crossEntropy' || loss === 'nll')) {
    out.push({
      id: loss === 'crossEntropy' ? 'softmax-before-cross-entropy' : 'softmax-before-nll',
      severity: 'warning',
      title: loss === 'crossEntropy'
        ? "the model ends with a Softmax layer but 'crossEntropy' expects raw logits (it applies logSoftmax itself): softmax is applied twice, which flattens the gradients and slows or stalls learning"
        : "the model ends with a Softmax layer but 'nll' expects log-probabilities",
      evidence: { layers: model instanceof Sequential ? model.length : 0 },
      fix: loss === 'crossEntropy' ? 'remove the final Softmax layer; apply softmax only when you need probabilities at prediction time' : 'end the model with LogSoftmax instead (or drop it and use crossEntropy)',
    });
  }
  if (last instanceof Sigmoid && loss === 'binaryCrossEntropyWithLogits') {
    out.push({
      id: 'sigmoid-before-bce-with-logits', severity: 'warning',
      title: "the model ends with a Sigmoid layer but 'binaryCrossEntropyWithLogits' expects raw logits: sigmoid is applied twice",
      evidence: {},
      fix: "remove the final Sigmoid (or keep it and use loss: 'binaryCrossEntropy')",
    });
  }
  if (outputShape && targets.labels && y.dtype === 'int32' && loss && CLASS_LOSSES.includes(loss) && outputShape.length >= 2) {
    const c = outputShape[1]!;
    let lo = Infinity, hi = -Infinity;
    const labels = targets.labels;
    for (let i = 0; i < labels.length; i++) { const l = labels[i]!; if (l < lo) lo = l; if (l > hi) hi = l; }
    if (hi >= c || lo < 0) {
      out.push({
        id: 'labels-out-of-range', severity: 'error',
        title: `labels run from ${lo} to ${hi} but the model outputs ${c} logits (valid labels 0..${c - 1})`,
        evidence: { minLabel: lo, maxLabel: hi, outputs: c },
        fix: hi >= c ? `give the last layer ${hi + 1} outputs (one per class), or re-encode the labels to 0..${c - 1} (LabelEncoder)` : 'labels must be ≥ 0: re-encode them with LabelEncoder',
      });
    }
  }
  return out;
}

function rowsSumToOne(v: ArrayLike<number>, n: number, k: number): boolean {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) { const t = v[i * k + j]!; if (t < 0) return false; s += t; }
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}
