// The SIMD128 roofline probe of the bench (bench/roofline.ts): the most f32x4 multiply-adds one
// thread can retire. Twelve independent accumulator chains a ← a + x·m, shaped like a GEMM
// micro-kernel's (the product does not depend on the accumulator, so each chain waits only for
// its add): x is loaded from twelve vectors at `scratch` (L1-resident; loads can not be hoisted
// out of the loop the way a constant product would be). `madd` is one fused relaxed_madd in the
// relaxed-SIMD build and a mul + add in the plain one. 96 FLOPs per iteration (12 × 4 lanes × 2).
import { madd } from './simd';

/**
 * Run `iters` iterations with 192 bytes of the caller's memory at `scratch` (overwritten); returns
 * the lane sum so the work can not be optimised away.
 */
export function simdMaddProbe(iters: i32, seed: f32, scratch: usize): f32 {
  for (let k = 0; k < 12; k++) v128.store(scratch + (<usize>k << 4), f32x4.splat(seed * <f32>(k + 1) * 1e-3));
  const m = f32x4.splat(0.5);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  let a8 = f32x4.splat(0), a9 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  for (let i = 0; i < iters; i++) {
    a0 = madd(v128.load(scratch, 0), m, a0); a1 = madd(v128.load(scratch, 16), m, a1);
    a2 = madd(v128.load(scratch, 32), m, a2); a3 = madd(v128.load(scratch, 48), m, a3);
    a4 = madd(v128.load(scratch, 64), m, a4); a5 = madd(v128.load(scratch, 80), m, a5);
    a6 = madd(v128.load(scratch, 96), m, a6); a7 = madd(v128.load(scratch, 112), m, a7);
    a8 = madd(v128.load(scratch, 128), m, a8); a9 = madd(v128.load(scratch, 144), m, a9);
    a10 = madd(v128.load(scratch, 160), m, a10); a11 = madd(v128.load(scratch, 176), m, a11);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(s, f32x4.add(a8, a9)), f32x4.add(a10, a11));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** FLOPs of one iteration of simdMaddProbe. */
export function simdMaddProbeFlops(): i32 {
  return 96;
}
