// The contract every runnable example follows (the CLI and the README rely on it).
import type { DashboardOptions, Finding, History } from '../src/index.js';

export interface ExampleOptions {
  epochs?: number;
  seed?: number;
  /** Show the progress bar (the CLI turns it off under --json when stderr is not a TTY). */
  verbose?: boolean;
  /** Run the training doctor (default true; bench/doctor-overhead.ts measures its cost with false). */
  doctor?: boolean;
  /** Watch the training in a browser (fit's `dashboard` option; `axon train <example> --dashboard`). */
  dashboard?: boolean | DashboardOptions;
  /** Replace the example's learning rate (to see what a bad one does; examples with one optimizer rate). */
  lr?: number;
}

export interface ExampleResult {
  example: string;
  /** Test-set figures (testAccuracy, testMae, …) and any baselines. */
  metrics: Record<string, number>;
  epochs: number;
  seconds: number;
  /** Seconds spent in fit's epochs (training steps and the per-epoch validation passes), for throughput. */
  trainSeconds?: number;
  /** Milliseconds of those seconds the training doctor took (history.doctorMs). */
  doctorMs?: number;
  /** What the training doctor found (history.findings). */
  findings?: Finding[];
  /** One human sentence on what the numbers mean. */
  note?: string;
}

export type Example = (opts: ExampleOptions) => Promise<ExampleResult>;

/**
 * An ExampleResult for a run trained with fit(): the epochs it ran, the seconds since `t0`, and
 * the training doctor's time and findings from its History.
 */
export function fitReport(example: string, metrics: Record<string, number>, history: History, t0: number, note?: string): ExampleResult {
  return {
    example, metrics, epochs: history.epochs.length, seconds: (performance.now() - t0) / 1000,
    trainSeconds: history.epochs.reduce((s, e) => s + (e.seconds ?? 0), 0), doctorMs: history.doctorMs, findings: history.findings, ...(note !== undefined ? { note } : {}),
  };
}
