// One workload's training step in a timed loop, for A/B between two builds in alternating
// processes (run it in each checkout in turn: both sides then see the same machine, one after the
// other): warm-up steps, then steps for `seconds`, and the median ms a step.
// `node dist/bench/step-loop.js W1|W2|W3|W3G|W4 [seconds]` (W3G: W3's GRU variant).
import * as ax from '../src/index.js';
import { axonW1 } from './w1-mlp.js';
import { axonW2 } from './w2-lenet.js';
import { axonW3 } from './w3-lstm.js';
import { axonW4 } from './w4-gpt.js';
import { loopTimes, median } from './timing.js';

const which = process.argv[2] ?? 'W4';
const seconds = Number(process.argv[3] ?? 6);
const makers: Record<string, () => () => unknown> = { W1: () => axonW1().step, W2: axonW2, W3: () => axonW3(), W3G: () => axonW3(true), W4: axonW4 };
const make = makers[which];
if (!make) {
  console.error(`step-loop: unknown workload ${which}; use W1, W2, W3, W3G or W4`);
  process.exit(2);
}
const backend = ax.getBackend() as ax.Backend & { warmUp?: () => number; variant?: string };
backend.warmUp?.();
const times = loopTimes(make(), seconds, 15);
console.log(`${which}: ${median(times).toFixed(2)} ms a step (median of ${times.length}), ${backend.name} ${backend.variant ?? ''} build`);
process.exit(0);
