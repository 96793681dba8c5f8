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

/** Wall ms of each call of f for `seconds` (after `warmup` calls): the samples of a timed loop. */
export function loopTimes(f: () => unknown, seconds: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) f();
  const times: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return times;
}

/** Median wall ms of `calls` calls of f, after `warmup` calls. */
export function medianCall(f: () => unknown, calls: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) f();
  const ts: number[] = [];
  for (let r = 0; r < calls; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Median CPU ms (process-wide, every thread) and wall ms per run of one side of an A/B. */
export interface ABSide { cpuMs: number; wallMs: number }

/**
 * A against B in one process: 3 warm-up runs of each, then `reps` alternating repetitions of
 * `perRep` runs, so a busy machine disturbs both alike. CPU time is less sensitive than wall time
 * to other processes on a shared machine. Returns the medians per run.
 */
export function interleavedAB(a: () => unknown, b: () => unknown, reps: number, perRep: number): [ABSide, ABSide] {
  const time = (run: () => unknown): [number, number] => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < perRep; i++) run();
    const c = process.cpuUsage(c0);
    return [(c.user + c.system) / 1000 / perRep, (performance.now() - t0) / perRep];
  };
  for (let i = 0; i < 3; i++) { a(); b(); }
  const ta: [number, number][] = [];
  const tb: [number, number][] = [];
  for (let r = 0; r < reps; r++) { ta.push(time(a)); tb.push(time(b)); }
  const side = (t: [number, number][]): ABSide => ({ cpuMs: median(t.map((v) => v[0])), wallMs: median(t.map((v) => v[1])) });
  return [side(ta), side(tb)];
}
