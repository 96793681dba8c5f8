// The doctor's vocabulary: a Finding (id, severity, title, evidence in numbers, fix in plain
// words) and the Doctor that collects them, keeps one per id, and tells listeners as they come.
import { AxonError } from '../errors.js';

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

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

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

/**
 * Collects findings: one per id (a later report of the same id replaces the earlier one only
 * when it is more severe, or when it is marked `revised`), in the order they were first raised;
 * listeners hear each new one.
 *
 * @example
 * const doctor = new Doctor();
 * doctor.onFinding((f) => console.log(formatFinding(f)));
 * doctor.report({ id: 'constant-columns', severity: 'info', title: '3 columns never change', evidence: { columns: 3 }, fix: 'drop them' });
 */
export class Doctor {
  readonly findings: Finding[] = [];
  private readonly listeners: ((f: Finding) => void)[] = [];

  /** Add a finding; returns true when it is new (or more severe than the one it replaces). */
  report(f: Finding): boolean {
    const i = this.findings.findIndex((g) => g.id === f.id);
    if (i >= 0) {
      if (!f.revised && RANK[f.severity] <= RANK[this.findings[i]!.severity]) return false;
      this.findings[i] = f;
    } else this.findings.push(f);
    for (const l of this.listeners) l(f);
    return true;
  }

  /** Add several findings. */
  reportAll(fs: readonly Finding[]): void { for (const f of fs) this.report(f); }

  /** Call `fn` for every finding reported from now on. */
  onFinding(fn: (f: Finding) => void): void { this.listeners.push(fn); }

  /** Whether a finding with this id was raised. */
  has(id: string): boolean { return this.findings.some((f) => f.id === id); }

  /** The findings at or above `severity`. */
  atLeast(severity: Severity): Finding[] { return this.findings.filter((f) => atLeast(f.severity, severity)); }
}

/** The doctor found errors before training that make the run meaningless; `findings` holds them all. */
export class DoctorError extends AxonError {
  constructor(readonly findings: Finding[]) {
    const errors = findings.filter((f) => f.severity === 'error');
    super('fit', `the training doctor stopped the run before the first step:\n${errors.map(formatFinding).join('\n')}\n(fix them, or leave out stopOnError to train anyway)`);
    this.name = 'DoctorError';
  }
}
