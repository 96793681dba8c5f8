// What a callback can observe about a run: a Finding (id, severity, title, evidence in numbers, fix
// in plain words) and how a terminal prints one. The training doctor raises them; fit(), the
// callbacks and the progress bar carry them without knowing the doctor.

/** How bad a finding is: 'error' = training is wrong or will fail, 'warning' = likely a mistake, 'info' = worth knowing. */
export type Severity = 'info' | 'warning' | 'error';

/**
 * One thing the doctor noticed.
 *
 * @example
 * { id: 'class-imbalance', severity: 'warning', title: 'class 0 holds 95.0% of the training rows',
 *   evidence: { majorityShare: 0.95, majorityBaselineAccuracy: 0.95, classes: 2 },
 *   fix: "pass classWeight: 'balanced' to fit() …" }
 */
export interface Finding {
  /** Stable identifier, e.g. 'lr-too-high', 'duplicate-rows', 'overfitting'. */
  id: string;
  severity: Severity;
  /** One line saying what is wrong, with its key number. */
  title: string;
  /** The numbers behind the finding (rates, counts, epochs, losses). */
  evidence: Record<string, number>;
  /** What to do, in plain words. */
  fix: string;
  /** Epoch (1-based) during which the finding was raised, when it came from training. */
  epoch?: number;
  /** Global optimizer step (1-based) at which it was raised, when it came from a step. */
  step?: number;
  /** This finding replaces the earlier one with the same id whatever their severities: later epochs disproved a warning (e.g. validation recovered after an overfitting alarm). */
  revised?: boolean;
}

export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether `a` is at least as severe as `b`. */
export function atLeast(a: Severity, b: Severity): boolean {
  return RANK[a] >= RANK[b];
}

/** One line for terminals: `[warning] overfitting (epoch 7): … — fix: …`. */
export function formatFinding(f: Finding): string {
  const when = f.epoch !== undefined ? ` (epoch ${f.epoch}${f.step !== undefined ? `, step ${f.step}` : ''})` : f.step !== undefined ? ` (step ${f.step})` : '';
  const ev = Object.entries(f.evidence).map(([k, v]) => `${k}=${fmtNum(v)}`).join(', ');
  return `[${f.severity}] ${f.id}${when}: ${f.title}${ev ? ` [${ev}]` : ''}\n    fix: ${f.fix}`;
}

/** Numbers for humans: integers as they are, others with 4 significant digits. */
export function fmtNum(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}
