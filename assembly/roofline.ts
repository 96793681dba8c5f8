// The SIMD128 roofline probe of the bench (bench/roofline.ts): the most f32x4 multiply-adds one
// thread can retire. Twelve independent accumulator chains a ← a·m + c (enough to hide the
// multiply and add latencies), nothing loaded from memory; `madd` is one fused relaxed_madd in the
// relaxed-SIMD build and a mul + add in the plain one. 96 FLOPs per iteration (12 chains × 4
// lanes × 2). The chains converge to c / (1 − m), so the values stay finite however long it runs.
import { madd } from './simd';

/** Run `iters` iterations; returns the lane sum so the work can not be optimised away. */
export function simdMaddProbe(iters: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999);
  const c = f32x4.splat(0.001);
  let a0 = f32x4.splat(seed), a1 = f32x4.splat(seed + 1), a2 = f32x4.splat(seed + 2), a3 = f32x4.splat(seed + 3);
  let a4 = f32x4.splat(seed + 4), a5 = f32x4.splat(seed + 5), a6 = f32x4.splat(seed + 6), a7 = f32x4.splat(seed + 7);
  let a8 = f32x4.splat(seed + 8), a9 = f32x4.splat(seed + 9), a10 = f32x4.splat(seed + 10), a11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iters; i++) {
    a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
    a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
    a8 = madd(a8, m, c); a9 = madd(a9, m, c); a10 = madd(a10, m, c); a11 = madd(a11, m, c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(s, f32x4.add(a8, a9)), f32x4.add(a10, a11));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** FLOPs of one iteration of simdMaddProbe. */
export function simdMaddProbeFlops(): i32 {
  return 96;
}
