// Check: class imbalance. Reports the class shares and the accuracy of always predicting the
// majority class (the number any accuracy must be compared with); warns when the largest class
// outnumbers the smallest 4:1 or more.
import type { Finding } from '../train/finding.js';

/** The imbalance finding from training class counts; `handled` when class weights/sampling are on. */
export function imbalanceFinding(counts: readonly number[], handled = false): Finding | null {
  const present = counts.filter((c) => c > 0);
  if (present.length < 2) return null;
  const n = present.reduce((a, b) => a + b, 0);
  const maxC = Math.max(...present);
  const minC = Math.min(...present);
  const major = counts.indexOf(maxC);
  const minor = counts.lastIndexOf(minC); // on a tie with the majority, another class
  const ratio = maxC / minC;
  const shares = counts.map((c) => `${(100 * c / n).toFixed(1)}%`).join(' / ');
  const evidence = { majorityClass: major, majorityShare: maxC / n, minorityClass: minor, minorityShare: minC / n, ratio, majorityBaselineAccuracy: maxC / n, classes: present.length };
  if (ratio < 4) {
    const evenly = maxC === minC ? { majorityClass: major, majorityShare: maxC / n, ratio, majorityBaselineAccuracy: maxC / n, classes: present.length } : evidence;
    return { id: 'class-balance', severity: 'info', title: `class shares ${shares}${maxC === minC ? ' (balanced)' : ''}; always predicting class ${major} scores ${(100 * maxC / n).toFixed(1)}% accuracy`, evidence: evenly, fix: 'nothing to do; judge accuracy against that majority baseline' };
  }
  return {
    id: 'class-imbalance',
    severity: handled ? 'info' : 'warning',
    title: `classes are imbalanced ${ratio.toFixed(1)}:1 (shares ${shares}); always predicting class ${major} already scores ${(100 * maxC / n).toFixed(1)}% accuracy${handled ? ' — class weights are on' : ''}`,
    evidence,
    fix: `pass classWeight: 'balanced' to fit() (or oversample with a DataLoader and WeightedRandomSampler(classBalancedWeights(y), n)), and watch macro F1 or per-class recall (minority class ${minor}) instead of accuracy, which the majority baseline (${(100 * maxC / n).toFixed(1)}%) already makes look good`,
  };
}
