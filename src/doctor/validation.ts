// Checks on the validation set: its shape matches training, it holds more than one class and
// no class training never saw; and at step 0 the untrained model's loss is near what chance
// gives (ln C for C classes), so a broken pipeline shows before any training.
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from '../train/finding.js';
import { classCounts, type Targets } from './matrix.js';

/** Shape and class checks of a validation split against training. */
export function validationSetFindings(xTrain: Tensor, yTrain: Tensor, tTrain: Targets, xVal: Tensor, yVal: Tensor, tVal: Targets): Finding[] {
  const out: Finding[] = [];
  const tail = (t: Tensor): string => `[${t.shape.slice(1).join(', ')}]`;
  if (tail(xTrain) !== tail(xVal) || tail(yTrain) !== tail(yVal) || (yTrain.dtype === 'int32') !== (yVal.dtype === 'int32')) {
    out.push({
      id: 'validation-shape', severity: 'error',
      title: `validation rows do not look like training rows: x ${tail(xVal)} vs ${tail(xTrain)}, y ${tail(yVal)} ${yVal.dtype} vs ${tail(yTrain)} ${yTrain.dtype}`,
      evidence: { trainFeatures: xTrain.numel / Math.max(1, xTrain.shape[0]!), validationFeatures: xVal.numel / Math.max(1, xVal.shape[0]!) },
      fix: 'run the validation data through exactly the same preprocessing as the training data (same columns in the same order, same encoding, same dtype)',
    });
    return out;
  }
  if (tTrain.task === 'classification' && tVal.labels && tTrain.labels) {
    const cv = classCounts(tVal.labels, Math.max(tVal.classes, tTrain.classes));
    const ct = classCounts(tTrain.labels, Math.max(tVal.classes, tTrain.classes));
    const present = cv.filter((c) => c > 0).length;
    if (present <= 1 && ct.filter((c) => c > 0).length > 1) {
      out.push({
        id: 'validation-one-class', severity: 'warning',
        title: `all ${tVal.labels.length} validation rows are class ${cv.findIndex((c) => c > 0)}: the validation accuracy says nothing (a sorted file cut at the end does this)`,
        evidence: { rows: tVal.labels.length, classes: present },
        fix: "split with a seeded, stratified shuffle (fit's validation: 0.2, or stratifiedSplit(y, { testFraction: 0.2, seed })) instead of taking the last rows",
      });
    }
    const unseen = cv.map((c, k) => (c > 0 && ct[k] === 0 ? k : -1)).filter((k) => k >= 0);
    if (unseen.length > 0) {
      out.push({
        id: 'validation-unseen-classes', severity: 'warning',
        title: `validation holds class(es) ${unseen.join(', ')} that never occur in training`,
        evidence: { unseenClasses: unseen.length },
        fix: 'use a stratified split so every class is on both sides',
      });
    }
  }
  return out;
}

/**
 * Step-0 sanity: the untrained model's validation loss against chance (ln C for cross-entropy
 * over C outputs). Far above ⇒ the model starts confidently wrong; far below ⇒ suspicious.
 */
export function initialLossFinding(loss: number, classes: number, lossName: string | null): Finding | null {
  if (!Number.isFinite(loss)) {
    return { id: 'initial-loss', severity: 'error', title: `the validation loss before training is ${loss}`, evidence: { initialLoss: loss }, fix: 'check the inputs for NaN/Inf and extreme values, and that the labels fit the loss' };
  }
  if (classes < 2 || !(lossName === 'crossEntropy' || lossName === 'binaryCrossEntropyWithLogits' || lossName === 'binaryCrossEntropy')) return null;
  const chance = lossName === 'crossEntropy' ? Math.log(classes) : Math.log(2);
  if (loss > 2 * chance + 1) {
    return {
      id: 'initial-loss', severity: 'warning',
      title: `the untrained model's validation loss is ${loss.toFixed(3)}, far above the ${chance.toFixed(3)} (ln ${lossName === 'crossEntropy' ? classes : 2}) of a model that guesses uniformly: it starts out confidently wrong`,
      evidence: { initialLoss: loss, chanceLoss: chance, classes },
      fix: 'standardize the inputs (large raw values make large logits), keep the default initialization (or scale the last layer down), and check the labels match the outputs',
    };
  }
  if (loss < 0.25 * chance) {
    return {
      id: 'initial-loss', severity: 'info',
      title: `the untrained model's validation loss ${loss.toFixed(3)} is already far below chance (${chance.toFixed(3)})`,
      evidence: { initialLoss: loss, chanceLoss: chance, classes },
      fix: 'fine if the model is pretrained; otherwise check that the validation set is not a copy of training data and holds more than one class',
    };
  }
  return null;
}
