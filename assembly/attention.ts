// Fused f32 scaled dot-product attention for query rows [r0,r1) of q (B, L, E), k (B, S, E),
// v (B, S, Ev) → out (B, L, Ev): per row, scores s_j = scale·q·k_j (+ additive mask, or −∞ where a
// bool mask says no / past the causal diagonal), softmax over j, and Σ_j p_j·v_j — without ever
// materialising the (L, S) score matrix. Keys go in blocks of CH: within a block a two-pass
// softmax (scores into scratch, block max, exp), across blocks an online rescale (FlashAttention's
// running max m and sum l), so any S fits the scratch. A row that sees no key gets NaN, as the
// composite (softmax of all −∞) and PyTorch do.
import { MASK_ADD, MASK_BOOL } from './codes';
import { madd } from './simd';

const CH: i32 = 256; // keys per block (1 KiB of f32 scores in the thread's scratch)

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125; // ln 2 split in two so n·LN2_HI is exact for |n| < 2¹²
const LN2_LO: f32 = 1.428606765330187e-6;
const ROUND_F32: f32 = 12582912; // 1.5·2²³: adding it rounds |v| < 2²² to an integer

/**
 * exp for f32 lanes x ≤ 0 (scores minus their max): x = n·ln2 + r with |r| ≤ ln2/2, eʳ by its
 * Taylor series to r⁷ (truncation < 3e-9 relative), times 2ⁿ built in the exponent bits. Below
 * −87 (where 2ⁿ would leave the normal range) and for −∞ the result is 0.
 */
// @ts-ignore: decorator
@inline
function vexpNeg(x: v128): v128 {
  const tiny = f32x4.lt(x, f32x4.splat(-87));
  const xc = f32x4.pmax(x, f32x4.splat(-87)); // NaN stays NaN (pmax's first operand); one maxps
  // n = round(xc·log₂e) by the magic-number add (ties to even, as f32x4.nearest): the low mantissa
  // bits of t hold n, so 2ⁿ comes from t's bits without trunc_sat (V8 expands both into sequences).
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUND_F32));
  const n = f32x4.sub(t, f32x4.splat(ROUND_F32));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = madd(p, r, f32x4.splat(1.0 / 720.0));
  p = madd(p, r, f32x4.splat(1.0 / 120.0));
  p = madd(p, r, f32x4.splat(1.0 / 24.0));
  p = madd(p, r, f32x4.splat(1.0 / 6.0));
  p = madd(p, r, f32x4.splat(0.5));
  p = madd(p, r, f32x4.splat(1.0));
  p = madd(p, r, f32x4.splat(1.0));
  const s = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23); // n + 127 in [1, 127]: the exponent field
  return v128.andnot(f32x4.mul(p, s), tiny);
}

/**
 * Scalar exp(x ≤ 0) through the same polynomial. Not Mathf.exp: its lookup table would be static
 * data at offset 1024, where the wasm backend's allocator hands out its first block.
 */
// @ts-ignore: decorator
@inline
function expNeg(x: f32): f32 {
  return f32x4.extract_lane(vexpNeg(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline
function hsum(a: v128): f32 {
  return f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3);
}

/** q·k over E floats (SIMD body, scalar tail). */
// @ts-ignore: decorator
@inline
function dot(q: usize, k: usize, E: i32): f32 {
  let a = f32x4.splat(0);
  let e = 0;
  for (; e + 4 <= E; e += 4) a = madd(v128.load(q + (<usize>e << 2)), v128.load(k + (<usize>e << 2)), a);
  let s = hsum(a);
  for (; e < E; e++) s += load<f32>(q + (<usize>e << 2)) * load<f32>(k + (<usize>e << 2));
  return s;
}

/** Scores of keys [j0, j1) against one query row into sc (already scaled, not yet masked). */
function scores(qr: usize, kb: usize, E: i32, j0: i32, j1: i32, scale: f32, sc: usize): void {
  const rowBytes = <usize>E << 2;
  let j = j0;
  // Four keys at a time: each q chunk is loaded once and the four sums are independent chains.
  for (; j + 4 <= j1; j += 4) {
    const k0 = kb + <usize>j * rowBytes;
    const k1 = k0 + rowBytes; const k2 = k1 + rowBytes; const k3 = k2 + rowBytes;
    let a0 = f32x4.splat(0); let a1 = f32x4.splat(0); let a2 = f32x4.splat(0); let a3 = f32x4.splat(0);
    let e = 0;
    for (; e + 4 <= E; e += 4) {
      const o = <usize>e << 2;
      const qv = v128.load(qr + o);
      a0 = madd(qv, v128.load(k0 + o), a0);
      a1 = madd(qv, v128.load(k1 + o), a1);
      a2 = madd(qv, v128.load(k2 + o), a2);
      a3 = madd(qv, v128.load(k3 + o), a3);
    }
    let s0 = hsum(a0); let s1 = hsum(a1); let s2 = hsum(a2); let s3 = hsum(a3);
    for (; e < E; e++) {
      const o = <usize>e << 2;
      const qs = load<f32>(qr + o);
      s0 += qs * load<f32>(k0 + o); s1 += qs * load<f32>(k1 + o);
      s2 += qs * load<f32>(k2 + o); s3 += qs * load<f32>(k3 + o);
    }
    const d = sc + (<usize>(j - j0) << 2);
    v128.store(d, f32x4.mul(f32x4(s0, s1, s2, s3), f32x4.splat(scale)));
  }
  for (; j < j1; j++) store<f32>(sc + (<usize>(j - j0) << 2), dot(qr, kb + <usize>j * rowBytes, E) * scale);
}

/** acc[0..Ev) *= f */
// @ts-ignore: decorator
@inline
function scaleRow(acc: usize, Ev: i32, f: f32): void {
  const fv = f32x4.splat(f);
  let e = 0;
  for (; e + 4 <= Ev; e += 4) { const o = acc + (<usize>e << 2); v128.store(o, f32x4.mul(v128.load(o), fv)); }
  for (; e < Ev; e++) { const o = acc + (<usize>e << 2); store<f32>(o, load<f32>(o) * f); }
}

/**
 * maskKind (codes.ts) MASK_NONE; MASK_BOOL: bool (u8, nonzero = attend); MASK_ADD: f32 added to the scores. The mask row of
 * query (b, i) starts at mask + (b·maskBatch + i·S) elements (maskBatch 0 broadcasts one (L, S)
 * mask over the batch). causal: query i sees keys j ≤ i (top-left aligned, as PyTorch).
 */
export function attentionF32(q: usize, k: usize, v: usize, out: usize, mask: usize, maskKind: i32, maskBatch: i32,
  L: i32, S: i32, E: i32, Ev: i32, scale: f32, causal: bool, r0: i32, r1: i32, scratch: usize): void {
  const sc = scratch;
  for (let r = r0; r < r1; r++) {
    const b = r / L;
    const i = r - b * L;
    const qr = q + (<usize>r * <usize>E << 2);
    const kb = k + (<usize>b * <usize>S * <usize>E << 2);
    const vb = v + (<usize>b * <usize>S * <usize>Ev << 2);
    const acc = out + (<usize>r * <usize>Ev << 2);
    const mrow = <usize>b * <usize>maskBatch + <usize>i * <usize>S; // element index of the mask row
    const send = causal ? min(i + 1, S) : S;
    memory.fill(acc, 0, <usize>Ev << 2);
    let m: f32 = -Infinity; // running max of the scores seen
    let l: f32 = 0; // running Σ exp(s − m)
    for (let j0 = 0; j0 < send; j0 += CH) {
      const j1 = min(j0 + CH, send);
      const n = j1 - j0;
      scores(qr, kb, E, j0, j1, scale, sc);
      if (maskKind == MASK_BOOL) {
        const mb = mask + mrow + <usize>j0;
        for (let j = 0; j < n; j++) if (load<u8>(mb + <usize>j) == 0) store<f32>(sc + (<usize>j << 2), -Infinity);
      } else if (maskKind == MASK_ADD) {
        const mb = mask + (mrow + <usize>j0 << 2);
        for (let j = 0; j < n; j++) { const o = <usize>j << 2; store<f32>(sc + o, load<f32>(sc + o) + load<f32>(mb + o)); }
      }
      let bm: f32 = -Infinity;
      for (let j = 0; j < n; j++) { const s = load<f32>(sc + (<usize>j << 2)); bm = s > bm || s != s ? s : bm; }
      if (bm == -Infinity) continue; // every key of this block is masked: it adds nothing
      const nm = bm > m || bm != bm ? bm : m;
      if (nm != m) { // a larger max: rescale what was accumulated (exp(−∞) = 0 on the first block)
        const f = m == -Infinity ? <f32>0 : expNeg(m - nm);
        l *= f;
        scaleRow(acc, Ev, f);
        m = nm;
      }
      // p_j = exp(s_j − m), in place in the scratch.
      const mv = f32x4.splat(m);
      let j = 0;
      for (; j + 4 <= n; j += 4) { const o = sc + (<usize>j << 2); v128.store(o, vexpNeg(f32x4.sub(v128.load(o), mv))); }
      for (; j < n; j++) {
        const o = sc + (<usize>j << 2);
        store<f32>(o, expNeg(load<f32>(o) - m));
      }
      // acc += Σ_j p_j · v_j, four value rows per pass over acc (one load and store of acc per four).
      const vBytes = <usize>Ev << 2;
      for (j = 0; j + 4 <= n; j += 4) {
        const pj = sc + (<usize>j << 2);
        const p0 = load<f32>(pj); const p1 = load<f32>(pj, 4); const p2 = load<f32>(pj, 8); const p3 = load<f32>(pj, 12);
        l += (p0 + p1) + (p2 + p3);
        const v0 = vb + <usize>(j0 + j) * vBytes;
        const v1 = v0 + vBytes; const v2 = v1 + vBytes; const v3 = v2 + vBytes;
        const P0 = f32x4.splat(p0); const P1 = f32x4.splat(p1); const P2 = f32x4.splat(p2); const P3 = f32x4.splat(p3);
        let e = 0;
        for (; e + 4 <= Ev; e += 4) {
          const o = <usize>e << 2;
          let a = v128.load(acc + o);
          a = madd(P0, v128.load(v0 + o), a);
          a = madd(P1, v128.load(v1 + o), a);
          a = madd(P2, v128.load(v2 + o), a);
          a = madd(P3, v128.load(v3 + o), a);
          v128.store(acc + o, a);
        }
        for (; e < Ev; e++) {
          const o = <usize>e << 2;
          store<f32>(acc + o, load<f32>(acc + o) + p0 * load<f32>(v0 + o) + p1 * load<f32>(v1 + o) + p2 * load<f32>(v2 + o) + p3 * load<f32>(v3 + o));
        }
      }
      for (; j < n; j++) {
        const p = load<f32>(sc + (<usize>j << 2));
        l += p;
        if (p == 0) continue;
        const vr = vb + (<usize>(j0 + j) * <usize>Ev << 2);
        const pv = f32x4.splat(p);
        let e = 0;
        for (; e + 4 <= Ev; e += 4) { const o = <usize>e << 2; v128.store(acc + o, madd(pv, v128.load(vr + o), v128.load(acc + o))); }
        for (; e < Ev; e++) { const o = <usize>e << 2; store<f32>(acc + o, load<f32>(acc + o) + p * load<f32>(vr + o)); }
      }
    }
    if (m == -Infinity || l == 0 || m != m) { // no visible key (or NaN scores): NaN, like softmax of all −∞
      for (let e = 0; e < Ev; e++) store<f32>(acc + (<usize>e << 2), NaN);
    } else {
      scaleRow(acc, Ev, <f32>1 / l);
    }
  }
}
