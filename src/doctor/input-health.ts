// Checks on the inputs: NaN/Inf, constant columns, features on wildly different scales, raw
// regression targets far from unit scale, and fewer examples than the 10-per-parameter rule of
// thumb asks for.
import type { Finding } from '../train/finding.js';
import type { ColumnStats } from './column-stats.js';
import type { Matrix } from './matrix.js';

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface InputHealthOptions {
  /** Column names, for the messages. */
  names?: readonly string[];
  /** The model's parameter count, for the examples-per-parameter rule. */
  parameters?: number;
  /** The inputs are integer indices (token ids, category codes for an Embedding), not measurements: no scale check. */
  indices?: boolean;
}

/** Findings about the training inputs (stats fitted on the training rows). */
export function inputHealthFindings(m: Matrix, stats: ColumnStats, opts: InputHealthOptions = {}): Finding[] {
  const out: Finding[] = [];
  const name = (j: number): string => opts.names?.[j] ?? `column ${j}`;
  const d = m.d;
  const bad = [...stats.nonFinite.keys()].filter((j) => stats.nonFinite[j]! > 0);
  if (bad.length > 0) {
    const count = bad.reduce((s, j) => s + stats.nonFinite[j]!, 0);
    out.push({
      id: 'non-finite-inputs', severity: 'error',
      title: `${count} NaN/Inf values in ${bad.length} feature column(s), first in '${name(bad[0]!)}'`,
      evidence: { values: count, columns: bad.length, firstColumn: bad[0]! },
      fix: 'clean the data before training: drop those rows, or fill each gap with the training-column mean/median (fitted on train only); one NaN turns every loss and weight into NaN',
    });
  }
  const constant = [...stats.std.keys()].filter((j) => stats.std[j] === 0 && stats.nonFinite[j] === 0);
  if (constant.length > 0) {
    const all = constant.length === d;
    out.push({
      id: 'constant-columns', severity: all ? 'error' : 'info',
      title: all ? `every feature column is constant over the ${m.n} training rows: there is nothing to learn from` : `${constant.length} of ${d} feature columns never change in training (${constant.slice(0, 5).map((j) => `'${name(j)}'`).join(', ')}${constant.length > 5 ? ', …' : ''})`,
      evidence: { columns: constant.length, of: d },
      fix: all ? 'check the loading/join step: the features were lost' : 'they carry no information; drop them (harmless for the network, but a sign to check the pipeline for tabular data)',
    });
  }
  const mags: { j: number; s: number }[] = [];
  for (let j = 0; j < d; j++) if (stats.std[j]! > 0) mags.push({ j, s: Math.max(Math.abs(stats.min[j]!), Math.abs(stats.max[j]!)) });
  if (mags.length >= 2 && !opts.indices) {
    const sorted = mags.map((x) => x.s).sort((a, b) => a - b);
    // many columns (images): compare the 10th and 90th percentile so a few rare pixels don't count
    const lo = d >= 20 ? quantile(sorted, 0.1) : sorted[0]!;
    const hi = d >= 20 ? quantile(sorted, 0.9) : sorted[sorted.length - 1]!;
    const ratio = hi / Math.max(lo, 1e-300);
    if (ratio >= 100 || hi >= 1e4) {
      const big = mags.reduce((a, b) => (b.s > a.s ? b : a));
      const small = mags.reduce((a, b) => (b.s < a.s ? b : a));
      out.push({
        id: 'feature-scales', severity: 'warning',
        title: ratio >= 100
          ? `features are on wildly different scales: '${name(big.j)}' reaches ${big.s.toPrecision(3)} while '${name(small.j)}' stays within ${small.s.toPrecision(3)} (ratio ${ratio.toFixed(0)})`
          : `features reach large magnitudes: '${name(big.j)}' up to ${big.s.toPrecision(3)} (most columns reach ${hi.toPrecision(3)}); large inputs saturate activations and need tiny learning rates`,
        evidence: { ratio, largest: big.s, smallest: small.s, largestColumn: big.j, smallestColumn: small.j },
        fix: 'standardize the features: fit a StandardScaler on the training rows only, then transform train, validation and test with it (fitting on all rows leaks test statistics into training)',
      });
    }
  }
  if (opts.parameters !== undefined && opts.parameters > 0) {
    const per = m.n / opts.parameters;
    if (per < 10) {
      out.push({
        id: 'examples-per-parameter', severity: 'info',
        title: `${m.n} training examples for ${opts.parameters} parameters (${per < 0.01 ? per.toExponential(1) : per.toFixed(2)} per parameter; the rule of thumb asks for 10–100)`,
        evidence: { examples: m.n, parameters: opts.parameters, perParameter: per },
        fix: 'expect overfitting: watch the validation loss (EarlyStopping), add weight decay/dropout/augmentation, or use a smaller model or more data',
      });
    }
  }
  return out;
}

/** Regression targets far from unit scale (e.g. prices in dollars, CO2 in ppm around 350). */
export function targetScaleFinding(values: Float64Array): Finding | null {
  if (values.length === 0) return null;
  let s = 0, sq = 0;
  for (const v of values) { s += v; sq += v * v; }
  const mean = s / values.length;
  const std = Math.sqrt(Math.max(0, sq / values.length - mean * mean));
  const scale = Math.max(Math.abs(mean), std);
  if (scale < 100) return null;
  return {
    id: 'target-scale', severity: 'warning',
    title: `regression targets have mean ${mean.toPrecision(4)} and std ${std.toPrecision(4)}: a freshly initialized network outputs values near 0 and needs many steps just to reach that scale`,
    evidence: { mean, std },
    fix: 'standardize the target (y − mean) / std with training statistics and invert it on the predictions, or predict the change from a reference value',
  };
}
