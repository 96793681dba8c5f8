// The fused wasm attention forward (FusedOps.attention, assembly/attention.ts) against the composite
// scaledDotProductAttention on the ts reference: odd head widths and lengths (SIMD tails), causal
// or not, Lq ≠ Lk, more batch·heads than threads, bool/float masks, key blocks past 256 (the
// online rescale); when the fused path must not run (gradients, dropout, key padding); and GPT
// greedy generation giving the same tokens with and without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { FusedKernels, Tensor } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { closeEnough, TOL } from '../tolerances.js';

const wasm = ax.getBackend('wasm');
const ts = ax.getBackend('ts');
ax.setBackend('wasm');

/** Deterministic values in [-1, 1) (an LCG), scaled by `amp`. */
function data(n: number, seed: number, amp = 1): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return Math.fround(((s / 4294967296) * 2 - 1) * amp);
  });
}

/** The same values as a tensor on wasm and on ts. */
function pair(shape: number[], seed: number, amp = 1): [Tensor, Tensor] {
  const d = data(shape.reduce((a, b) => a * b, 1), seed, amp);
  return [ax.fromArray(d, shape, 'float32', wasm), ax.fromArray(d, shape, 'float32', ts)];
}

/** Count the calls of the wasm backend's fused attention that ran the kernel. */
function countFused<T>(fn: () => T): [T, number] {
  const b = wasm as { fused: FusedKernels };
  const orig = b.fused;
  let n = 0;
  b.fused = { ...orig, attention: (views, args) => { const ok = orig.attention!(views, args); if (ok) n++; return ok; } };
  try { return [fn(), n]; } finally { b.fused = orig; }
}

/** Run `fn` with the fused path switched off (the composite on wasm). */
function withoutFused<T>(fn: () => T): T {
  const b = wasm as { fused: FusedKernels };
  const orig = b.fused;
  b.fused = { ...orig, attention: undefined };
  try { return fn(); } finally { b.fused = orig; }
}

function assertCloseTensors(w: Tensor, r: Tensor, what: string): number {
  assert.deepEqual(w.shape, r.shape, `${what}: shape`);
  const a = w.data();
  const b = r.data();
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (!closeEnough(a[i]!, b[i]!, TOL.fusedAttentionF32)) assert.fail(`${what}: element ${i} is ${a[i]} fused on wasm but ${b[i]} composed on ts`);
    if (Number.isFinite(b[i]!)) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

test('fused attention equals the composite: head dims 1, 3, 17, 64; lengths 1, 5, 33; Lq ≠ Lk; causal or not', () => {
  let seed = 1;
  let cases = 0;
  for (const E of [1, 3, 17, 64]) {
    for (const L of [1, 5, 33]) {
      for (const S of [1, 5, 33]) {
        for (const isCausal of [false, true]) {
          // (3, 5) batch·heads = 15 > the 2 threads; scores of size ~√E·amp² exercise the max shift.
          const [qw, qt] = pair([3, 5, L, E], seed++, 1.5);
          const [kw, kt] = pair([3, 5, S, E], seed++, 1.5);
          const [vw, vt] = pair([3, 5, S, E], seed++);
          const [got, calls] = countFused(() => ax.noGrad(() => ax.scaledDotProductAttention(qw, kw, vw, { isCausal })));
          assert.equal(calls, 1, `E ${E} L ${L} S ${S} causal ${isCausal}: the fused kernel ran`);
          const want = ax.scaledDotProductAttention(qt, kt, vt, { isCausal });
          assertCloseTensors(got, want, `E ${E} L ${L} S ${S} causal ${isCausal}`);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 72);
});

test('fused attention: value width ≠ key width, a custom scale, 3-D and 2-D inputs, many rows split across threads', () => {
  const shapes: [number[], number[], number[]][] = [
    [[7, 9, 6], [7, 11, 6], [7, 11, 13]], // (B, L, E), (B, S, E), (B, S, Ev)
    [[5, 3], [4, 3], [4, 2]], // no batch dims
    [[16, 4, 64, 32], [16, 4, 64, 32], [16, 4, 64, 32]], // the benchmark shape: 4096 rows
  ];
  shapes.forEach(([sq, sk, sv], i) => {
    const [qw, qt] = pair(sq, 100 + i, 2);
    const [kw, kt] = pair(sk, 200 + i, 2);
    const [vw, vt] = pair(sv, 300 + i);
    for (const opts of [{ scale: 0.37 }, { isCausal: true }]) {
      const [got, calls] = countFused(() => ax.scaledDotProductAttention(qw, kw, vw, opts)); // no input requires grad
      assert.equal(calls, 1);
      assertCloseTensors(got, ax.scaledDotProductAttention(qt, kt, vt, opts), `${JSON.stringify(sq)} ${JSON.stringify(opts)}`);
    }
  });
});

test('fused attention: more than 256 keys (blocks joined by the online softmax rescale), with large scores', () => {
  // Keys drift with their position, so the scores' range and the running max change across blocks.
  const [B, L, S, E] = [2, 3, 600, 8];
  const [qw, qt] = pair([B, L, E], 7, 1);
  const kd = data(B * S * E, 8, 1).map((x, i) => x + 0.01 * (Math.floor(i / E) % S));
  const kw = ax.fromArray(kd, [B, S, E], 'float32', wasm);
  const kt = ax.fromArray(kd, [B, S, E], 'float32', ts);
  const [vw, vt] = pair([B, S, 5], 9);
  for (const opts of [{}, { isCausal: true }, { scale: 3 }]) {
    const [got, calls] = countFused(() => ax.scaledDotProductAttention(qw, kw, vw, opts));
    assert.equal(calls, 1);
    assertCloseTensors(got, ax.scaledDotProductAttention(qt, kt, vt, opts), `S 600 ${JSON.stringify(opts)}`);
  }
});

test('fused attention: bool and additive masks of (L, S) or full shape; a fully masked row is NaN as in the composite', () => {
  const [N, H, L, S, E] = [2, 3, 6, 300, 5];
  const [qw, qt] = pair([N, H, L, E], 21);
  const [kw, kt] = pair([N, H, S, E], 22);
  const [vw, vt] = pair([N, H, S, E], 23);
  const bits = data(L * S, 24).map((x, i) => (Math.floor(i / S) === 2 ? 0 : x > -0.3 ? 1 : 0)); // row 2 sees nothing
  const full = data(N * H * L * S, 25).map((x) => (x > 0.6 ? -Infinity : 2 * x));
  const masks: [string, number[], number[], ax.DType][] = [
    ['bool (L, S)', bits, [L, S], 'bool'], ['bool (1, 1, L, S)', bits, [1, 1, L, S], 'bool'],
    ['float full', full, [N, H, L, S], 'float32'],
  ];
  for (const [what, d, shape, dtype] of masks) {
    const mw = ax.fromArray(d, shape, dtype, wasm);
    const mt = ax.fromArray(d, shape, dtype, ts);
    const [got, calls] = countFused(() => ax.scaledDotProductAttention(qw, kw, vw, { attnMask: mw }));
    assert.equal(calls, 1, what);
    const want = ax.scaledDotProductAttention(qt, kt, vt, { attnMask: mt });
    assertCloseTensors(got, want, what);
    if (dtype === 'bool') assert.ok(Number.isNaN(got.data()[2 * E]!), `${what}: the fully masked row is NaN`);
  }
});

test('fused attention does not run when a gradient is needed, with dropout, key padding or a per-head mask', () => {
  const [qw] = pair([2, 2, 4, 3], 31);
  const [kw] = pair([2, 2, 4, 3], 32);
  const [vw] = pair([2, 2, 4, 3], 33);
  const q = qw.clone().requiresGrad_();
  const [, gradCalls] = countFused(() => ax.scaledDotProductAttention(q, kw, vw, { isCausal: true }));
  assert.equal(gradCalls, 0, 'q requires grad: the composite records the tape');
  const [, noGradCalls] = countFused(() => ax.noGrad(() => ax.scaledDotProductAttention(q, kw, vw, { isCausal: true })));
  assert.equal(noGradCalls, 1, 'grad mode off: fused even though q requires grad');
  const kpm = ax.fromArray([0, 0, 0, 1, 0, 0, 1, 1], [2, 4], 'bool', wasm);
  const perHead = ax.fromArray(Array(2 * 4 * 4).fill(1), [2, 1, 4, 4], 'bool', wasm);
  for (const opts of [{ dropoutP: 0.5 }, { keyPaddingMask: kpm }, { attnMask: perHead }]) {
    const [, calls] = countFused(() => ax.scaledDotProductAttention(qw, kw, vw, opts));
    assert.equal(calls, 0, Object.keys(opts)[0]);
  }
  // The same errors as the composite for bad input.
  assert.throws(() => ax.scaledDotProductAttention(qw, kw, pair([2, 2, 5, 3], 34)[0]), /same number of positions/);
  assert.throws(() => ax.scaledDotProductAttention(qw, kw, vw, { attnMask: perHead, isCausal: true }), /either attnMask or isCausal/);
});

test('GPT greedy generation gives the same tokens with the fused attention as with the composite', () => {
  ax.manualSeed(5);
  const g = new ax.GPT({ vocabSize: 23, contextLength: 12, nLayer: 2, nHead: 2, nEmbd: 24 });
  for (const [n, p] of g.namedParameters()) if (!n.includes('ln_')) ax.init.normal_(p, 0, 0.4); // peaky: no near-ties
  const idx = ax.tensor([[1, 2, 3, 4], [9, 8, 7, 6]], { dtype: 'int32' });
  for (const useCache of [true, false]) {
    // 4 + 20 > context 12: the window slides and the cache is rebuilt (causal, cached-step and full paths).
    const [fused, calls] = countFused(() => g.generate(idx, { maxNewTokens: 20, temperature: 0, useCache }));
    assert.ok(calls >= 20 * 2, `useCache ${useCache}: the fused kernel ran in every layer (${calls} calls)`);
    const composite = withoutFused(() => g.generate(idx, { maxNewTokens: 20, temperature: 0, useCache }));
    assert.deepEqual(fused.toArray(), composite.toArray(), `useCache ${useCache}`);
  }
  // The logits themselves agree closely, not just their argmax.
  const x = ax.tensor([[3, 1, 4, 1, 5, 9, 2, 6]], { dtype: 'int32' });
  const a = ax.noGrad(() => g.eval().forward(x));
  const b = withoutFused(() => ax.noGrad(() => g.forward(x)));
  assertCloseTensors(a, b, 'GPT logits');
});

test('the kernel module has no static data (the allocator hands out memory from byte 1024, where it would go)', () => {
  // Mathf.exp and friends bring lookup tables; a kernel that uses them silently computes on
  // tensors written over its table. Scan the data section (id 11) of each built variant.
  for (const file of ['axon-simd.wasm', 'axon-relaxed.wasm', 'axon-simd-single.wasm']) {
    const b = readFileSync(new URL(`../../wasm/${file}`, import.meta.url));
    let i = 8;
    const leb = (): number => { let r = 0; let s = 0; for (;;) { const x = b[i++]!; r |= (x & 0x7f) << s; s += 7; if (x < 0x80) return r; } };
    let segments = 0;
    while (i < b.length) {
      const id = b[i++]!;
      const size = leb();
      if (id === 11) segments = leb();
      i += id === 11 ? 0 : size;
      if (id === 11) break;
    }
    assert.equal(segments, 0, `${file} has ${segments} data segment(s); use the SIMD polynomials of assembly/ instead of Mathf`);
  }
});
