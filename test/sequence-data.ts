// Shared by the sequence-primitive tests (lstm-, gru- and rnn-sequence.test.ts): deterministic
// inputs with optional large values, and an element-wise comparison that names the element.
import assert from 'node:assert/strict';

/** Deterministic values in [-amp, amp) (an LCG), with some large ones and signed zeros when `edges`. */
export function seqData(n: number, seed: number, amp: number, edges = false): number[] {
  let s = (seed * 2654435761) % 4294967296;
  const special = [0, -0, 30, -30, 1e-8, 12, -12];
  return Array.from({ length: n }, (_, k) => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return edges && k % 7 === 3 ? special[(k / 7 | 0) % special.length]! : ((s / 4294967296) * 2 - 1) * amp;
  });
}

/** Equal element for element (NaN equal to NaN), or within rtol/atol. */
export function assertNear(a: Float64Array, e: Float64Array, rtol: number, atol: number, what: string): void {
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isNaN(e[i]!) ? Number.isNaN(a[i]!) : a[i] === e[i] || Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!);
    if (!ok) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}
