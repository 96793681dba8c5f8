// f32 unfold (im2col) and fold (col2im) over a gather map computed once per geometry by the
// reference code (src/backend/ts/im2col.ts): map[j] is the offset of tap j in one input plane,
// or -1 on padding. Work is split over the N·C planes. fold sums overlapping taps in f64 in the
// reference's order, so both kernels equal the reference exactly.

/** out[p, j] = map[j] < 0 ? 0 : x[p, map[j]] for planes p in [p0,p1); rc = map length. */
export function unfoldF32(x: usize, out: usize, map: usize, plane: i32, rc: i32, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const ib = x + (<usize>(p * plane) << 2);
    const ob = out + (<usize>p * <usize>rc << 2);
    for (let j = 0; j < rc; j++) {
      const m = load<i32>(map + (<usize>j << 2));
      store<f32>(ob + (<usize>j << 2), m < 0 ? 0 : load<f32>(ib + (<usize>m << 2)));
    }
  }
}

/** out[p, i] = Σ_{j: map[j] = i} cols[p, j] for planes p in [p0,p1); `scratch` holds plane f64s. */
export function foldF32(cols: usize, out: usize, map: usize, plane: i32, rc: i32, p0: i32, p1: i32, scratch: usize): void {
  for (let p = p0; p < p1; p++) {
    memory.fill(scratch, 0, <usize>plane << 3);
    const ib = cols + (<usize>p * <usize>rc << 2);
    for (let j = 0; j < rc; j++) {
      const m = load<i32>(map + (<usize>j << 2));
      if (m >= 0) {
        const a = scratch + (<usize>m << 3);
        store<f64>(a, load<f64>(a) + <f64>load<f32>(ib + (<usize>j << 2)));
      }
    }
    const ob = out + (<usize>(p * plane) << 2);
    for (let i = 0; i < plane; i++) store<f32>(ob + (<usize>i << 2), <f32>load<f64>(scratch + (<usize>i << 3)));
  }
}
