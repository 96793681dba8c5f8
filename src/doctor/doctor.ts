// The Doctor that collects findings, keeps one per id, and tells listeners as they come; the
// DoctorError of a run stopped before its first step. The vocabulary (Finding, Severity,
// formatFinding) is train/finding.ts's.
import { AxonError } from '../errors.js';
import { atLeast, formatFinding, RANK, type Finding, type Severity } from '../train/finding.js';

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
