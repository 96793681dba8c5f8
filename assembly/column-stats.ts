// The training doctor's column statistics of a large f32 matrix (src/doctor/column-stats.ts,
// tensorColumnStats) in two kernels: per column the min and max over every row (reduce.ts's rule:
// a NaN wins, so they also flag every column holding a NaN/Inf) and the f64 sums and sums of
// squares of every row or of a spread sample of 8-row blocks, in the JavaScript's exact order
// (8 rows added as a tree, then into the total). In a program's first fit the JavaScript sums run
// interpreted (~3–20 ms over 1,024 MNIST rows); this runs compiled, with SIMD across columns
// (the min/max on row ranges: see CHUNK_ROWS in src/backend/wasm/doctor-kernels.ts).

// @ts-ignore: decorator
@inline
function stepMax(acc: v128, x: v128): v128 { return v128.bitselect(x, acc, v128.or(f32x4.gt(x, acc), f32x4.ne(x, x))); }
// @ts-ignore: decorator
@inline
function stepMin(acc: v128, x: v128): v128 { return v128.bitselect(x, acc, v128.or(f32x4.lt(x, acc), f32x4.ne(x, x))); }

/** Add k ≤ 8 consecutive rows from `row` (d f32 each) into sum and sq (f64, d), as addRows in column-stats.ts does. */
function addRows(row: usize, d: i32, k: i32, sum: usize, sq: usize): void {
  const rb = <usize>d << 2;
  if (k == 8) {
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const o = row + (<usize>j << 2);
      const a = f64x2.promote_low_f32x4(v128.load64_zero(o));
      const b = f64x2.promote_low_f32x4(v128.load64_zero(o + rb));
      const c = f64x2.promote_low_f32x4(v128.load64_zero(o + 2 * rb));
      const e = f64x2.promote_low_f32x4(v128.load64_zero(o + 3 * rb));
      const f = f64x2.promote_low_f32x4(v128.load64_zero(o + 4 * rb));
      const g = f64x2.promote_low_f32x4(v128.load64_zero(o + 5 * rb));
      const h = f64x2.promote_low_f32x4(v128.load64_zero(o + 6 * rb));
      const q = f64x2.promote_low_f32x4(v128.load64_zero(o + 7 * rb));
      const ps = sum + (<usize>j << 3), pq = sq + (<usize>j << 3);
      const s = f64x2.add(f64x2.add(f64x2.add(a, b), f64x2.add(c, e)), f64x2.add(f64x2.add(f, g), f64x2.add(h, q)));
      const s2 = f64x2.add(
        f64x2.add(f64x2.add(f64x2.mul(a, a), f64x2.mul(b, b)), f64x2.add(f64x2.mul(c, c), f64x2.mul(e, e))),
        f64x2.add(f64x2.add(f64x2.mul(f, f), f64x2.mul(g, g)), f64x2.add(f64x2.mul(h, h), f64x2.mul(q, q))));
      v128.store(ps, f64x2.add(v128.load(ps), s));
      v128.store(pq, f64x2.add(v128.load(pq), s2));
    }
    for (; j < d; j++) {
      const o = row + (<usize>j << 2);
      const a = <f64>load<f32>(o), b = <f64>load<f32>(o + rb), c = <f64>load<f32>(o + 2 * rb), e = <f64>load<f32>(o + 3 * rb);
      const f = <f64>load<f32>(o + 4 * rb), g = <f64>load<f32>(o + 5 * rb), h = <f64>load<f32>(o + 6 * rb), q = <f64>load<f32>(o + 7 * rb);
      const ps = sum + (<usize>j << 3), pq = sq + (<usize>j << 3);
      store<f64>(ps, load<f64>(ps) + (((a + b) + (c + e)) + ((f + g) + (h + q))));
      store<f64>(pq, load<f64>(pq) + (((a * a + b * b) + (c * c + e * e)) + ((f * f + g * g) + (h * h + q * q))));
    }
    return;
  }
  for (let r = 0; r < k; r++) {
    const o = row + <usize>r * rb;
    for (let j = 0; j < d; j++) {
      const a = <f64>load<f32>(o + (<usize>j << 2));
      const ps = sum + (<usize>j << 3), pq = sq + (<usize>j << 3);
      store<f64>(ps, load<f64>(ps) + a);
      store<f64>(pq, load<f64>(pq) + a * a);
    }
  }
}

/**
 * Min and max of each column of x (rows i0 … i1 − 1 of an n × d f32 matrix) folded into lo and hi
 * (f32, d; a NaN wins); from i0 = 0 they start as row 0. Called on row ranges so that a long scan
 * in a program's first fit moves on to the optimized code of the kernel once the engine has it.
 */
export function columnMinMaxF32(x: usize, i0: i32, i1: i32, d: i32, lo: usize, hi: usize): void {
  const rb = <usize>d << 2;
  if (i0 == 0 && i1 > 0) {
    memory.copy(lo, x, rb);
    memory.copy(hi, x, rb);
    i0 = 1;
  }
  for (let i = i0; i < i1; i++) {
    const row = x + <usize>i * rb;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(row + o);
      v128.store(lo + o, stepMin(v128.load(lo + o), v));
      v128.store(hi + o, stepMax(v128.load(hi + o), v));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(row + o), a = load<f32>(lo + o), b = load<f32>(hi + o);
      if (v < a || v != v) store<f32>(lo + o, v);
      if (v > b || v != v) store<f32>(hi + o, v);
    }
  }
}

/**
 * sum/sq (f64, d): the sums of values and squares of each column of x (n × d f32) over every row
 * when rows ≥ n, else over ⌊rows/8⌋ blocks of 8 consecutive rows, block b starting at row
 * ⌊b·(n − 8)/max(1, blocks − 1)⌋.
 */
export function columnSumsF32(x: usize, n: i32, d: i32, rows: i32, sum: usize, sq: usize): void {
  const rb = <usize>d << 2;
  memory.fill(sum, 0, <usize>d << 3);
  memory.fill(sq, 0, <usize>d << 3);
  if (rows < n) {
    const blocks = rows / 8;
    for (let b = 0; b < blocks; b++) {
      const i = <i32>Math.floor(<f64>b * <f64>(n - 8) / <f64>max(1, blocks - 1));
      addRows(x + <usize>i * rb, d, 8, sum, sq);
    }
    return;
  }
  let i = 0;
  for (; i + 8 <= n; i += 8) addRows(x + <usize>i * rb, d, 8, sum, sq);
  addRows(x + <usize>i * rb, d, n - i, sum, sq);
}

/** Σ x² of n f32 values in f64 (gradient-health.ts's rms), four running sums (one would be bound by its add latency). */
export function sumSquaresF32(x: usize, n: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2)); // 4 f32
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    a = f64x2.add(a, f64x2.mul(lo, lo));
    b = f64x2.add(b, f64x2.mul(hi, hi));
  }
  let s = (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1)) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
  for (; i < n; i++) { const v = <f64>load<f32>(x + (<usize>i << 2)); s += v * v; }
  return s;
}
