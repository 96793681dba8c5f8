// f32 GEMM: C[M,N] = op(A)[M,K] · op(B)[K,N], op = optional transpose (the backward pass needs
// all four variants). GotoBLAS structure: B is packed into KC×NR column panels, A into MR×KC row
// panels (padded with zeros), and a register-blocked 4×8 SIMD micro-kernel runs over them. A call
// computes the block rows [i0,i1) × cols [j0,j1) of C, so threads split C without sharing scratch.
// Every element of C sums over k in the same order whatever the split, so results are deterministic.
import { madd } from './simd';

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;
/** Rows of A (of the whole product) up to which B [K,N] is read in place instead of packed. */
const DIRECT_ROWS: i32 = 16;
/** …and B holds at most this many floats (1 MB). */
const DIRECT_B_FLOATS: i32 = 1 << 18;
/**
 * The part of gemm's scratch it leaves unused when the caller packed op(B) (packedB ≠ 0): the B
 * block, [GEMM_SPARE_OFFSET, + GEMM_SPARE_BYTES). A kernel that calls gemm that way may keep its
 * own per-thread data there (the sequence LSTM's per-step product).
 */
export const GEMM_SPARE_OFFSET: usize = <usize>(MC * KC) << 2;
export const GEMM_SPARE_BYTES: usize = <usize>(KC * NC) << 2;
/** GEMM_SPARE_BYTES, for the JS side (which must not hand a kernel more than fits there). */
export function gemmSpareBytes(): i32 {
  return <i32>GEMM_SPARE_BYTES;
}
/** Bytes of per-thread scratch `gemm` needs: packed A block, packed B block, one edge tile. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

// Store the transpose of the 4×4 block whose rows are r0..r3: row q of the result (element q of
// every input row) goes to dst + q·stride bytes.
// @ts-ignore: decorator
@inline
function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // r0[2] r1[2] r0[3] r1[3]
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// Pack rows [i0,i0+mc) × k [p0,p0+kc) of op(A) into MR-row panels, k-major inside a panel.
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const base = dst + (<usize>(ip * kc) << 2);
    if (!transA && rows == MR) {
      // A is [M,K] row-major: MR rows each contiguous in k. Four k at a time, the 4×4 block is
      // transposed in registers (one vector per row in, one per k out); then the k tail.
      const s0 = a + (<usize>((i0 + ip) * lda + p0) << 2);
      const s1 = s0 + (<usize>lda << 2);
      const s2 = s1 + (<usize>lda << 2);
      const s3 = s2 + (<usize>lda << 2);
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const off = <usize>k << 2;
        transpose4(v128.load(s0 + off), v128.load(s1 + off), v128.load(s2 + off), v128.load(s3 + off), base + (off << 2), MR << 2);
      }
      for (; k < kc; k++) {
        const off = <usize>k << 2;
        const d = base + (off << 2);
        store<f32>(d, load<f32>(s0 + off)); store<f32>(d, load<f32>(s1 + off), 4);
        store<f32>(d, load<f32>(s2 + off), 8); store<f32>(d, load<f32>(s3 + off), 12);
      }
    } else if (!transA) {
      // An edge panel (fewer than MR rows): element by element, zeros below the last row.
      for (let r = 0; r < MR; r++) {
        let d = base + (<usize>r << 2);
        if (r < rows) {
          let s = a + (<usize>((i0 + ip + r) * lda + p0) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(s)); s += 4; d += MR << 2; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += MR << 2; }
        }
      }
    } else {
      // A is [K,M] row-major: element (i,k) at k*lda + i, so MR consecutive i are contiguous.
      let d = base;
      for (let k = 0; k < kc; k++) {
        const s = a + (<usize>((p0 + k) * lda + i0 + ip) << 2);
        if (rows == MR) {
          v128.store(d, v128.load(s));
        } else {
          for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>r << 2)) : 0);
        }
        d += MR << 2;
      }
    }
  }
}

// Pack k [p0,p0+kc) × cols [j0,j0+nc) of op(B) into NR-column panels, k-major inside a panel.
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    const base = dst + (<usize>(jp * kc) << 2);
    if (!transB) {
      // B is [K,N] row-major: NR consecutive columns are contiguous.
      let d = base;
      for (let k = 0; k < kc; k++) {
        const s = b + (<usize>((p0 + k) * ldb + j0 + jp) << 2);
        if (cols == NR) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>c << 2)) : 0);
        }
        d += NR << 2;
      }
    } else if (cols == NR) {
      // B is [N,K] row-major: NR rows of it (the panel's columns) each contiguous in k. Four k at
      // a time, two 4×4 transposes (columns 0–3, columns 4–7); then the k tail.
      const s0 = b + (<usize>((j0 + jp) * ldb + p0) << 2);
      const ld = <usize>ldb << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const off = <usize>k << 2;
        const d = base + (off << 3);
        transpose4(v128.load(s0 + off), v128.load(s0 + ld + off), v128.load(s0 + 2 * ld + off), v128.load(s0 + 3 * ld + off), d, NR << 2);
        transpose4(v128.load(s0 + 4 * ld + off), v128.load(s0 + 5 * ld + off), v128.load(s0 + 6 * ld + off), v128.load(s0 + 7 * ld + off), d + 16, NR << 2);
      }
      for (; k < kc; k++) {
        const off = <usize>k << 2;
        const d = base + (off << 3);
        for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(s0 + <usize>c * ld + off));
      }
    } else {
      // An edge panel of B [N,K] (fewer than NR columns): element by element, zeros past the last.
      for (let c = 0; c < NR; c++) {
        let d = base + (<usize>c << 2);
        if (c < cols) {
          let s = b + (<usize>((j0 + jp + c) * ldb + p0) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(s)); s += 4; d += NR << 2; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += NR << 2; }
        }
      }
    }
  }
}

// 4×8 micro-kernel: 8 accumulators (4 rows × 2 vectors). Writes (acc=false) or adds (acc=true)
// the tile at c with row stride ldc floats. B's 8 values for step k+1 lie `bstep` bytes after
// those for k: NR·4 in a packed panel, a row of B when B is read in place (few rows of A).
// @ts-ignore: decorator
@inline
function micro(pa: usize, pb: usize, bstep: usize, kc: i32, c: usize, ldc: i32, acc: bool): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += MR << 2;
    pb += bstep;
  }
  const ld = <usize>ldc << 2;
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ld)); c11 = f32x4.add(c11, v128.load(c + ld, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ld)); c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ld)); c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ld, c10); v128.store(c + ld, c11, 16);
  v128.store(c + 2 * ld, c20); v128.store(c + 2 * ld, c21, 16);
  v128.store(c + 3 * ld, c30); v128.store(c + 3 * ld, c31, 16);
}

// An edge tile (fewer than MR rows or NR cols): run the micro-kernel into `tile`, then copy/add
// the valid part, so edge elements are summed exactly like interior ones.
function microEdge(pa: usize, pb: usize, bstep: usize, kc: i32, c: usize, ldc: i32, acc: bool, rows: i32, cols: i32, tile: usize): void {
  micro(pa, pb, bstep, kc, tile, NR, false);
  for (let r = 0; r < rows; r++) {
    const cr = c + (<usize>(r * ldc) << 2);
    const tr = tile + (<usize>(r * NR) << 2);
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(tr + (<usize>j << 2));
      store<f32>(cr + (<usize>j << 2), acc ? load<f32>(cr + (<usize>j << 2)) + v : v);
    }
  }
}

/**
 * Rows [i0,i1) × cols [j0,j1) of one GEMM. a, b, c are byte offsets; A is [M,K] (or [K,M] when
 * transA), B is [K,N] (or [N,K] when transB), C is [M,N]; all row-major. `scratch` holds
 * gemmScratchBytes() bytes private to the calling thread.
 */
export function gemm(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, transA: bool, transB: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize, packedA: usize, packedB: usize): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (K == 0) {
    for (let i = i0; i < i1; i++) memory.fill(c + (<usize>(i * N + j0) << 2), 0, <usize>(j1 - j0) << 2);
    return;
  }
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const bufA = scratch;
  const bufB = scratch + (<usize>(MC * KC) << 2);
  const tile = bufB + (<usize>(KC * NC) << 2);
  // With at most DIRECT_ROWS rows and a B [K,N] that fits in L2, B is read in place: packing it
  // would copy every element of B to use it in one to four row panels (LeNet's convolutions: 6
  // or 16 rows of weights against 25·784 or 150·100 of B, ~1.1× faster timed between other
  // kernels, as in a step). A B past L2 is packed: read in place, its rows are too far apart for
  // the prefetcher (16×2048·2048 went 1.35× slower). A partial last panel of columns is still
  // packed (the kernel reads 8 columns). Same products in the same order as the packed path: the
  // bits do not change.
  const direct = packedB == 0 && !transB && M <= DIRECT_ROWS && K * N <= DIRECT_B_FLOATS;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const acc = pc > 0;
      // op(B)'s panels for this block: packed by packPanelsB for every thread (jc is then a
      // multiple of NR), packed here, or read in place.
      let blockB = bufB;
      if (packedB != 0) blockB = packedB + (<usize>(pc * padded(N, NR) + jc * kc) << 2);
      else if (!direct) packB(b, ldb, transB, pc, kc, jc, nc, bufB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        let blockA = bufA;
        if (packedA != 0) blockA = packedA + (<usize>(pc * padded(M, MR) + ic * kc) << 2);
        else packA(a, lda, transA, ic, mc, pc, kc, bufA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          let pb = blockB + (<usize>(jr * kc) << 2);
          let bstep = <usize>NR << 2;
          if (direct && cols == NR) {
            pb = b + (<usize>(pc * ldb + jc + jr) << 2);
            bstep = <usize>ldb << 2;
          } else if (direct) {
            packB(b, ldb, false, pc, kc, jc + jr, cols, bufB);
            pb = bufB;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const pa = blockA + (<usize>(ir * kc) << 2);
            const cp = c + (<usize>((ic + ir) * N + jc + jr) << 2);
            if (rows == MR && cols == NR) micro(pa, pb, bstep, kc, cp, N, acc);
            else microEdge(pa, pb, bstep, kc, cp, N, acc, rows, cols, tile);
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function padded(n: i32, to: i32): i32 {
  return (n + to - 1) / to * to;
}

/**
 * Pack columns [j0,j1) of op(B) (B as in `gemm`, one matrix) into the panels `gemm` reads with
 * `packedB` = dst: for each KC block of k, all N columns (padded to NR) in NR-column panels. j0
 * is a multiple of NR. Threads pack disjoint column ranges of one buffer, which then serves every
 * part of the product instead of each part packing all of op(B) again.
 */
export function packPanelsB(b: usize, N: i32, K: i32, transB: bool, j0: i32, j1: i32, dst: usize): void {
  const ldb = transB ? K : N;
  const np = padded(N, NR);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packB(b, ldb, transB, pc, kc, j0, j1 - j0, dst + (<usize>(pc * np + j0 * kc) << 2));
  }
}

/** The same for rows [i0,i1) of op(A) (i0 a multiple of MR), read by `gemm` with `packedA` = dst. */
export function packPanelsA(a: usize, M: i32, K: i32, transA: bool, i0: i32, i1: i32, dst: usize): void {
  const lda = transA ? M : K;
  const mp = padded(M, MR);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packA(a, lda, transA, i0, i1 - i0, pc, kc, dst + (<usize>(pc * mp + i0 * kc) << 2));
  }
}

// y[j0:j1) = x · op(B) for one row x (M == 1): a dot product per output when B is [N,K] (transB),
// else an axpy sweep over B's rows in 32-column register blocks. No packing: B is read once.
function gemv(x: usize, b: usize, y: usize, N: i32, K: i32, transB: bool, j0: i32, j1: i32): void {
  if (transB) {
    let j = j0;
    // Six rows at a time, then one (the at most five left over). Each row's sum is one chain of multiply-adds, so
    // the loop runs at the multiply-add latency: six chains in flight instead of four made the
    // batch-1 W1 GEMVs ~25% faster (784×256: 15.0 → 11.3 µs); eight were slower (spills). Every
    // row sums its k in the same order in both loops (one vector accumulator over k in
    // steps of 4, hsum, then the scalar tail), so its bits do not depend on which loop took it,
    // nor on how threads split the columns.
    for (; j + 6 <= j1; j += 6) {
      const r0 = b + (<usize>(j * K) << 2);
      const r1 = r0 + (<usize>K << 2);
      const r2 = r1 + (<usize>K << 2);
      const r3 = r2 + (<usize>K << 2);
      const r4 = r3 + (<usize>K << 2);
      const r5 = r4 + (<usize>K << 2);
      let s0 = f32x4.splat(0); let s1 = f32x4.splat(0); let s2 = f32x4.splat(0); let s3 = f32x4.splat(0);
      let s4 = f32x4.splat(0); let s5 = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const off = <usize>k << 2;
        const xv = v128.load(x + off);
        s0 = madd(xv, v128.load(r0 + off), s0);
        s1 = madd(xv, v128.load(r1 + off), s1);
        s2 = madd(xv, v128.load(r2 + off), s2);
        s3 = madd(xv, v128.load(r3 + off), s3);
        s4 = madd(xv, v128.load(r4 + off), s4);
        s5 = madd(xv, v128.load(r5 + off), s5);
      }
      let t0 = hsum(s0); let t1 = hsum(s1); let t2 = hsum(s2); let t3 = hsum(s3); let t4 = hsum(s4); let t5 = hsum(s5);
      for (; k < K; k++) {
        const off = <usize>k << 2;
        const xk = load<f32>(x + off);
        t0 += xk * load<f32>(r0 + off); t1 += xk * load<f32>(r1 + off);
        t2 += xk * load<f32>(r2 + off); t3 += xk * load<f32>(r3 + off);
        t4 += xk * load<f32>(r4 + off); t5 += xk * load<f32>(r5 + off);
      }
      const yo = y + (<usize>j << 2);
      store<f32>(yo, t0); store<f32>(yo, t1, 4); store<f32>(yo, t2, 8); store<f32>(yo, t3, 12); store<f32>(yo, t4, 16); store<f32>(yo, t5, 20);
    }
    for (; j < j1; j++) {
      const r = b + (<usize>(j * K) << 2);
      let s = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= K; k += 4) { const off = <usize>k << 2; s = madd(v128.load(x + off), v128.load(r + off), s); }
      let t = hsum(s);
      for (; k < K; k++) { const off = <usize>k << 2; t += load<f32>(x + off) * load<f32>(r + off); }
      store<f32>(y + (<usize>j << 2), t);
    }
    return;
  }
  let j = j0;
  for (; j + 16 <= j1; j += 16) {
    let a0 = f32x4.splat(0); let a1 = f32x4.splat(0); let a2 = f32x4.splat(0); let a3 = f32x4.splat(0);
    let r = b + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      const xk = v128.load32_splat(x + (<usize>k << 2));
      a0 = madd(xk, v128.load(r), a0); a1 = madd(xk, v128.load(r, 16), a1);
      a2 = madd(xk, v128.load(r, 32), a2); a3 = madd(xk, v128.load(r, 48), a3);
      r += <usize>N << 2;
    }
    const yo = y + (<usize>j << 2);
    v128.store(yo, a0); v128.store(yo, a1, 16); v128.store(yo, a2, 32); v128.store(yo, a3, 48);
  }
  for (; j < j1; j++) {
    let t: f32 = 0;
    for (let k = 0; k < K; k++) t += load<f32>(x + (<usize>k << 2)) * load<f32>(b + (<usize>(k * N + j) << 2));
    store<f32>(y + (<usize>j << 2), t);
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// C[i, j] = Σ_k A[i,k]·B[j,k] for rows [i0,i1) × cols [j0,j1) with A [M,K] and B [N,K] both
// row-major (A·Bᵀ: a convolution's weight gradient dY·colsᵀ, a Linear layer's forward on a small
// batch; few rows: the caller decides, src/backend/wasm/paths-matmul.ts). One dot
// product per element, no packing: packing B [N,K] transposes all of it to use it in one to four
// row panels (LeNet's 6×784·(25×784)ᵀ ran at 26 GFLOP/s). Every element sums the same way (one
// vector accumulator over k in steps of 4, hsum, then the scalar tail), whichever block or thread
// computes it; blocks of 2 rows × 4 columns share their loads.
function dotNT(a: usize, b: usize, c: usize, N: i32, K: i32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const kb = <usize>K << 2;
  const k4 = K & ~3;
  let i = i0;
  for (; i + 2 <= i1; i += 2) {
    const a0 = a + <usize>i * kb;
    const a1 = a0 + kb;
    const c0 = c + (<usize>(i * N) << 2);
    const c1 = c0 + (<usize>N << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const b0 = b + <usize>j * kb;
      const b1 = b0 + kb;
      const b2 = b1 + kb;
      const b3 = b2 + kb;
      let s00 = f32x4.splat(0); let s01 = f32x4.splat(0); let s02 = f32x4.splat(0); let s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0); let s11 = f32x4.splat(0); let s12 = f32x4.splat(0); let s13 = f32x4.splat(0);
      for (let k = 0; k < k4; k += 4) {
        const off = <usize>k << 2;
        const x0 = v128.load(a0 + off);
        const x1 = v128.load(a1 + off);
        let y = v128.load(b0 + off);
        s00 = madd(x0, y, s00); s10 = madd(x1, y, s10);
        y = v128.load(b1 + off);
        s01 = madd(x0, y, s01); s11 = madd(x1, y, s11);
        y = v128.load(b2 + off);
        s02 = madd(x0, y, s02); s12 = madd(x1, y, s12);
        y = v128.load(b3 + off);
        s03 = madd(x0, y, s03); s13 = madd(x1, y, s13);
      }
      let t00 = hsum(s00); let t01 = hsum(s01); let t02 = hsum(s02); let t03 = hsum(s03);
      let t10 = hsum(s10); let t11 = hsum(s11); let t12 = hsum(s12); let t13 = hsum(s13);
      for (let k = k4; k < K; k++) {
        const off = <usize>k << 2;
        const x0 = load<f32>(a0 + off);
        const x1 = load<f32>(a1 + off);
        const y0 = load<f32>(b0 + off); const y1 = load<f32>(b1 + off); const y2 = load<f32>(b2 + off); const y3 = load<f32>(b3 + off);
        t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
        t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
      }
      const o0 = c0 + (<usize>j << 2);
      const o1 = c1 + (<usize>j << 2);
      store<f32>(o0, t00); store<f32>(o0, t01, 4); store<f32>(o0, t02, 8); store<f32>(o0, t03, 12);
      store<f32>(o1, t10); store<f32>(o1, t11, 4); store<f32>(o1, t12, 8); store<f32>(o1, t13, 12);
    }
    for (; j < j1; j++) {
      store<f32>(c0 + (<usize>j << 2), dot1(a0, b + <usize>j * kb, K));
      store<f32>(c1 + (<usize>j << 2), dot1(a1, b + <usize>j * kb, K));
    }
  }
  for (; i < i1; i++) {
    const ar = a + <usize>i * kb;
    for (let j = j0; j < j1; j++) store<f32>(c + (<usize>(i * N + j) << 2), dot1(ar, b + <usize>j * kb, K));
  }
}

// One element of dotNT, summed exactly as its blocks sum.
// @ts-ignore: decorator
@inline
function dot1(x: usize, y: usize, K: i32): f32 {
  const k4 = K & ~3;
  let s = f32x4.splat(0);
  for (let k = 0; k < k4; k += 4) { const off = <usize>k << 2; s = madd(v128.load(x + off), v128.load(y + off), s); }
  let t = hsum(s);
  for (let k = k4; k < K; k++) { const off = <usize>k << 2; t += load<f32>(x + off) * load<f32>(y + off); }
  return t;
}

/**
 * A batch of GEMMs [B,M,K]·[B,K,N] (with transposes), restricted to the flattened output rows
 * [r0,r1) of B·M and columns [j0,j1): the unit of work one thread takes. With `dots` (an A·Bᵀ
 * the caller chose, M > 1), each product runs as dot products (dotNT) instead of packed panels.
 */
export function gemmBatched(a: usize, b: usize, c: usize, B: i32, M: i32, N: i32, K: i32, transA: bool, transB: bool,
  r0: i32, r1: i32, j0: i32, j1: i32, scratch: usize, dots: bool): void {
  gemmBatchedPacked(a, b, c, B, M, N, K, transA, transB, r0, r1, j0, j1, scratch, 0, 0, dots);
}

/**
 * `gemmBatched` with op(A) or op(B) already packed (packPanelsA/B; 0 = not packed) — only for
 * B = 1, with r0 a multiple of MR when packedA is set and j0 a multiple of NR when packedB is.
 */
export function gemmBatchedPacked(a: usize, b: usize, c: usize, B: i32, M: i32, N: i32, K: i32, transA: bool, transB: bool,
  r0: i32, r1: i32, j0: i32, j1: i32, scratch: usize, packedA: usize, packedB: usize, dots: bool): void {
  const sa = <usize>(M * K) << 2;
  const sb = <usize>(K * N) << 2;
  const sc = <usize>(M * N) << 2;
  for (let bi = r0 / max(M, 1); bi < B && bi * M < r1; bi++) {
    const i0 = max(r0 - bi * M, 0);
    const i1 = min(r1 - bi * M, M);
    const ab = a + <usize>bi * sa;
    const bb = b + <usize>bi * sb;
    const cb = c + <usize>bi * sc;
    if (M == 1 && K > 0) gemv(ab, bb, cb, N, K, transB, j0, j1);
    else if (dots && transB && !transA) dotNT(ab, bb, cb, N, K, i0, i1, j0, j1);
    else gemm(ab, bb, cb, M, N, K, transA, transB, i0, i1, j0, j1, scratch, packedA, packedB);
  }
}
