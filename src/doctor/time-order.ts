// Check: a time-series split must train on the past and validate/test on the future. Any
// validation/test row older than the newest training row means the model saw the future.
import type { Finding } from '../train/finding.js';

/** Time stamps (numbers or Dates) of each split's rows. */
export interface TimeIndex {
  train: ArrayLike<number | Date>;
  validation?: ArrayLike<number | Date>;
  test?: ArrayLike<number | Date>;
}

const t = (v: number | Date): number => (v instanceof Date ? v.getTime() : v);

/** One finding per split (validation, test) that is not strictly after training in time. */
export function timeOrderFindings(index: TimeIndex): Finding[] {
  let newestTrain = -Infinity;
  for (let i = 0; i < index.train.length; i++) newestTrain = Math.max(newestTrain, t(index.train[i]!));
  const out: Finding[] = [];
  for (const split of ['validation', 'test'] as const) {
    const ts = index[split];
    if (!ts || ts.length === 0) continue;
    let older = 0;
    for (let i = 0; i < ts.length; i++) if (t(ts[i]!) <= newestTrain) older++;
    if (older === 0) continue;
    out.push({
      id: `time-split-${split}`,
      severity: 'warning',
      title: `${older} of ${ts.length} ${split} rows (${((100 * older) / ts.length).toFixed(1)}%) are not later than the newest training row: the split is not ordered in time`,
      evidence: { olderRows: older, rows: ts.length, share: older / ts.length },
      fix: `split by time: sort by the time column and keep the last part for ${split} (timeSplit(n, { testFraction }) does this); never shuffle before a time-series split, or the model learns from the future`,
    });
  }
  return out;
}
