// The training doctor's linear baseline's design matrices (src/doctor/baselines.ts: columnStats of
// the sampled training rows, then design() of those rows and of the held-out rows) compiled ahead:
// in a program's first fit the JavaScript (a row copy, a statistics pass and two standardizing
// passes over ~3,500 × 20 values) runs interpreted for ~6–13 ms. The same float64 arithmetic in
// the same order, so the same matrices.

/**
 * mean/std (f64, d): each column's mean and population std over the finite values of the rows
 * `rows` (n indices into train: N × d f32), std 0 when within 1e-6 of the mean (columnStats in
 * matrix.ts); then Xt (n × (d + 1) f32) and Xh (m × (d + 1) f32, from held: m × d f32) the rows
 * with a leading 1 and each value standardized ((v − mean)/std; 0 for a constant column or a
 * non-finite value).
 */
export function linearDesignF32(train: usize, d: i32, rows: usize, n: i32, held: usize, m: i32, mean: usize, std: usize, Xt: usize, Xh: usize): void {
  for (let j = 0; j < d; j++) {
    let sum = 0.0, sq = 0.0, cnt = 0;
    for (let i = 0; i < n; i++) {
      const x = <f64>load<f32>(train + (<usize>(load<i32>(rows + (<usize>i << 2)) * d + j) << 2));
      if (!isFinite(x)) continue;
      sum += x; sq += x * x; cnt++;
    }
    const c = <f64>max(cnt, 1);
    const mu = sum / c;
    let sd = Math.sqrt(Math.max(0, sq / c - mu * mu));
    if (sd <= Math.abs(mu) * 1e-6) sd = 0;
    store<f64>(mean + (<usize>j << 3), mu);
    store<f64>(std + (<usize>j << 3), sd);
  }
  standardize(train, d, rows, n, mean, std, Xt);
  standardize(held, d, 0, m, mean, std, Xh);
}

/** out (n × (d + 1) f32): rows (indices into x, or every row when rows = 0) with a leading 1, standardized. */
function standardize(x: usize, d: i32, rows: usize, n: i32, mean: usize, std: usize, out: usize): void {
  const D = d + 1;
  for (let i = 0; i < n; i++) {
    const r = rows != 0 ? load<i32>(rows + (<usize>i << 2)) : i;
    const row = x + (<usize>(r * d) << 2);
    const o = out + (<usize>(i * D) << 2);
    store<f32>(o, 1);
    for (let j = 0; j < d; j++) {
      const v = <f64>load<f32>(row + (<usize>j << 2));
      const s = load<f64>(std + (<usize>j << 3));
      store<f32>(o + (<usize>(j + 1) << 2), s > 0 && isFinite(v) ? <f32>((v - load<f64>(mean + (<usize>j << 3))) / s) : 0);
    }
  }
}
