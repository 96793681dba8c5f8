// The fuzz loop: for each case, pick a valid seed file, apply 1–3 seeded mutations, run the
// loader inside a scope (its tensors are freed after), and classify the outcome: success, a
// typed AxonError, an untyped error (a bug), a case over the time limit (a hang), or a case whose
// external memory grew past the bound its limits allow (allocation past the limit).
import { AxonError, scope } from '../../src/index.js';
import { Rng, mutateBytes, type Field } from './mutate.js';

export interface Target {
  name: string;
  /** Valid files written by the library (or its codecs). */
  seeds: Uint8Array[];
  /** Hand-made hostile inputs, run once each before the mutated cases. */
  hostile: [string, Uint8Array][];
  /** Header integers worth patching in `b`. */
  fields?: (b: Uint8Array) => Field[];
  /** A format-aware mutation (JSON edits, re-compression), or null to fall back to bytes. */
  mutate?: (rng: Rng, b: Uint8Array) => Uint8Array | null;
  /** Share of cases that use `mutate` (default 0.5). */
  formatShare?: number;
  /** Load the bytes; throw what the loader throws. May return a cleanup to run after measuring. */
  run: (b: Uint8Array) => (() => void) | void;
  /** External memory a single case may add, in bytes (from the limits the target passes). */
  memoryBound: number;
}

export interface Report {
  loader: string; cases: number; ok: number; typed: number; untyped: number; hangs: number; overMemory: number;
  slowestMs: number; peakRssMB: number; samples: string[];
}

const HANG_MS = 5000;

/** Run `cases` mutated inputs (plus the hostile ones) through `t`. */
export function fuzz(t: Target, cases: number, seed: number): Report {
  const rng = new Rng(seed);
  const r: Report = { loader: t.name, cases: 0, ok: 0, typed: 0, untyped: 0, hangs: 0, overMemory: 0, slowestMs: 0, peakRssMB: 0, samples: [] };
  const one = (label: string, b: Uint8Array): void => {
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    let grew = 0;
    try {
      scope(() => {
        const cleanup = t.run(b);
        grew = process.memoryUsage().arrayBuffers - before;
        cleanup?.();
      });
      r.ok++;
    } catch (e) {
      grew = Math.max(grew, process.memoryUsage().arrayBuffers - before);
      if (e instanceof AxonError) r.typed++;
      else {
        r.untyped++;
        if (r.samples.length < 5) r.samples.push(`${label}: ${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 160)}`);
      }
    }
    const ms = performance.now() - t0;
    r.cases++;
    r.slowestMs = Math.max(r.slowestMs, ms);
    if (ms > HANG_MS) { r.hangs++; if (r.samples.length < 5) r.samples.push(`${label}: took ${ms.toFixed(0)} ms`); }
    if (grew > t.memoryBound) { r.overMemory++; if (r.samples.length < 5) r.samples.push(`${label}: external memory grew ${(grew / 2 ** 20).toFixed(0)} MB`); }
    if ((r.cases & 63) === 0 || ms > 50) r.peakRssMB = Math.max(r.peakRssMB, process.memoryUsage.rss() / 2 ** 20);
  };
  for (const [name, b] of t.hostile) one(`hostile ${name}`, b);
  for (let i = 0; r.cases < cases + t.hostile.length; i++) {
    let b = t.seeds[rng.int(t.seeds.length)]!;
    const steps = 1 + rng.int(3);
    for (let s = 0; s < steps; s++) {
      const viaFormat = t.mutate && rng.next() < (t.formatShare ?? 0.5) ? t.mutate(rng, b) : null;
      b = viaFormat ?? mutateBytes(rng, b, t.fields?.(b) ?? []);
    }
    one(`case ${i} (seed ${seed})`, b);
  }
  r.peakRssMB = Math.max(r.peakRssMB, process.memoryUsage.rss() / 2 ** 20);
  return r;
}
