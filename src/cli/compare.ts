// Test figures of the network beside the classical baselines (logistic/linear regression and
// gradient-boosted trees, the doctor's), and the sentence saying which wins.
import type { Score } from '../doctor/baselines.js';
import type { Task } from '../doctor/matrix.js';
import { fmtNum } from '../train/finding.js';

export type Contender = 'network' | 'linear' | 'gbt';

export interface Comparison {
  /** The figure compared ('accuracy', 'balancedAccuracy' or 'mse'). */
  metric: 'accuracy' | 'balancedAccuracy' | 'mse';
  /** The best model; on a tie (within one test row's worth, or 1% of the MSE), the simpler baseline. */
  winner: Contender;
  /** The network and the best baseline are within that margin. */
  tie: boolean;
  scores: Record<Contender, Score>;
  sentence: string;
}

const NAMES: Record<Contender, string> = { network: 'the network', linear: 'logistic regression', gbt: 'gradient-boosted trees' };
const nameOf = (c: Contender, task: Task): string => (c === 'linear' && task === 'regression' ? 'linear regression' : NAMES[c]);
const LABEL: Record<Comparison['metric'], string> = { accuracy: 'accuracy', balancedAccuracy: 'balanced accuracy', mse: 'mean squared error' };

/** Compare on balanced accuracy (imbalanced classes), accuracy (classes) or MSE (values). */
export function compare(task: Task, scores: Record<Contender, Score>, imbalanced: boolean, testRows: number): Comparison {
  const metric = task === 'regression' ? 'mse' : imbalanced ? 'balancedAccuracy' : 'accuracy';
  const better = (a: number, b: number): boolean => (metric === 'mse' ? a < b : a > b);
  const bestBaseline: Contender = better(scores.gbt[metric]!, scores.linear[metric]!) ? 'gbt' : 'linear';
  const net = scores.network[metric]!, base = scores[bestBaseline][metric]!;
  const margin = metric === 'mse' ? 0.01 * base : 0.5 / Math.max(1, testRows);
  const tie = Math.abs(net - base) <= margin;
  const winner: Contender = !tie && better(net, base) ? 'network' : bestBaseline;
  const fig = (c: Contender): string => fmtNum(scores[c][metric]!);
  const sentence = tie
    ? `a tie: test ${LABEL[metric]} ${fig('network')} for the network and ${fig(bestBaseline)} for ${nameOf(bestBaseline, task)} — the simpler model is enough for this data`
    : winner === 'network'
      ? `the network wins: test ${LABEL[metric]} ${fig('network')} against ${fig(bestBaseline)} for ${nameOf(bestBaseline, task)}, the best baseline`
      : `${nameOf(winner, task)} win${winner === 'gbt' ? '' : 's'} on this data: test ${LABEL[metric]} ${fig(winner)} against ${fig('network')} for the network — prefer the simpler model here, or give the network more data`;
  return { metric, winner, tie, scores, sentence };
}

/** Rows of a small table: contender, then its figures. */
export function scoreTable(task: Task, scores: Record<Contender, Score>): string {
  const keys: (keyof Score)[] = task === 'regression' ? ['mae', 'mse', 'r2'] : ['accuracy', 'balancedAccuracy', 'loss'];
  const head = ['model', ...keys.map((k) => (k === 'balancedAccuracy' ? 'balanced acc.' : k))];
  const rows = (['network', 'linear', 'gbt'] as Contender[]).map((c) => [nameOf(c, task), ...keys.map((k) => (scores[c][k] === undefined ? '–' : fmtNum(scores[c][k]!)))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `  ${r.map((v, i) => v.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}
