// Timing rules of shared/workloads.md: warm up ≥ 3 steps, then repetitions that each run at least
// `minSteps` steps and `minTime` seconds (slow peers stop a repetition after `maxTime` seconds with
// at least one step), ≥ 3 repetitions; the figure is the median time per step.

export interface TimingOptions {
  warmup: number;
  minSteps: number;
  minTime: number;
  maxTime: number;
  reps: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmup: 3, minSteps: 20, minTime: 1, maxTime: 6, reps: 3 };

export interface Timing {
  /** Median seconds per step over the repetitions. */
  median: number;
  /** Seconds per step of each repetition. */
  perRep: number[];
  /** Steps each repetition ran. */
  steps: number[];
}

const now = (): number => performance.now() / 1000;

export function measure(step: () => void, o: TimingOptions = DEFAULT_TIMING): Timing {
  const w0 = now();
  for (let i = 0; i < o.warmup && (i === 0 || now() - w0 < o.maxTime); i++) step();
  const perRep: number[] = [];
  const steps: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    let n = 0;
    const t0 = now();
    let t = 0;
    do {
      step();
      n++;
      t = now() - t0;
    } while (t < o.maxTime && (n < o.minSteps || t < o.minTime));
    perRep.push(t / n);
    steps.push(n);
  }
  return { median: median(perRep), perRep, steps };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
