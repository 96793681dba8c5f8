// Anomaly detection (PyTorch's torch.autograd.detect_anomaly): while on, every op's result and
// every gradient backward() computes is checked for NaN/Inf, and the first op that produces one
// from finite inputs throws an AnomalyError naming the op and where the calling code created it.
// Deliberate differences from PyTorch: forward results are checked too (PyTorch checks only the
// gradients), and an op whose inputs already hold NaN/Inf is not blamed (a -Infinity attention mask
// flowing through softmax is not an anomaly; the op that first made the value is).
import { AnomalyError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { activeNode } from './saved-tensors.js';

let enabled = false;

/** Whether anomaly detection is on. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** Turn anomaly detection on or off for everything that follows (slow: it reads every result). */
export function setDetectAnomaly(flag: boolean): void {
  enabled = flag;
}

/**
 * Run `fn` with anomaly detection on: the first op whose result or gradient is NaN or infinite
 * throws an AnomalyError naming it and the line of your code that called it.
 *
 * @example
 * detectAnomaly(() => myLoss(model.forward(x), y).backward());
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** The call stack now, to store on a node made while anomaly detection is on. */
export function captureStack(): string {
  return new Error().stack ?? '';
}

const LIB_ROOT = new URL('../', import.meta.url).href; // …/src/ (or dist/src/): the library's own files
const LIB_PATH = decodeURI(LIB_ROOT.replace(/^file:\/\//, ''));

/** The first frame of `stack` outside the library and the runtime, as `fn (file:line)`. */
export function userFrame(stack: string): string | null {
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/.exec(line);
    if (!m) continue;
    const file = m[2]!;
    if (file.startsWith(LIB_ROOT) || file.startsWith(LIB_PATH) || file.startsWith('node:') || !/[/\\]/.test(file)) continue;
    const where = `${decodeURI(file.replace(/^file:\/\//, ''))}:${m[3]}`;
    return m[1] ? `${m[1]} (${where})` : where;
  }
  return null;
}

function firstBad(t: Tensor): number | null {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') return null;
  const d = t.data();
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return d[i]!;
  return null;
}

/**
 * Called by dispatch after each kernel while detection is on: throws if `out` holds NaN/Inf and
 * no input did. Inside backward(), the op is named as part of the gradient of the node being
 * differentiated, with that node's creation site.
 */
export function checkResult(op: string, inputs: readonly Tensor[], out: Tensor): void {
  const bad = firstBad(out);
  if (bad === null) return;
  for (const x of inputs) if (firstBad(x) !== null) return; // carried over, not produced here
  const node = activeNode();
  if (node !== null) {
    const site = node.stack ? userFrame(node.stack) : null;
    throw new AnomalyError(node.op, `the gradient of '${node.op}'${site ? ` (created at ${site})` : ''} became ${bad} in its '${op}' step, from finite values; check the op's inputs (a division by zero, a log or sqrt at 0, an overflow)`, site, 'backward');
  }
  const site = userFrame(captureStack());
  throw new AnomalyError(op, `produced ${bad} from finite inputs${site ? ` in ${site}` : ''} (the first non-finite value of this computation); check the op's inputs (a division by zero, a log of 0 or a negative, an overflow)`, site, 'forward');
}

/** Called by backward() on each gradient a rule returned while detection is on. */
export function checkGradient(node: { op: string; stack?: string }, k: number, g: Tensor): void {
  const bad = firstBad(g);
  if (bad === null) return;
  const site = node.stack ? userFrame(node.stack) : null;
  throw new AnomalyError(node.op, `the backward of '${node.op}'${site ? ` (created at ${site})` : ''} returned ${bad} in the gradient of its input ${k}`, site, 'backward');
}
