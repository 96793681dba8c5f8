// f32 erf (GELU's kernel): computed in float64 and rounded once to f32, like the reference.
// |x| < 0.5: Maclaurin series to x²³; 0.5 ≤ |x| < 4.5: one degree-13 polynomial per interval of
// width 0.5 (Chebyshev fits of the reference erf, made by scripts/fit-erf.mjs; relative error
// < 4e-15); beyond 4.5 erf rounds to ±1 in f32. Results can differ from the reference by one f32
// ulp only when the exact value lies within ~1e-14 of a rounding boundary.

// @ts-ignore: decorator
@inline
function tail(iv: i32, t: f64): f64 {
  switch (iv) {
    case 0: return 0.71115563365351619 + t * (0.16073276729880118 + t * (-0.030137393868612986 + t * (0.00041857491485763898 + t * (0.00058862097494583043 + t * (-0.000051994852776071632 + t * (-0.0000065606750532243296 + t * (0.0000011251974880721605 + t * (3.5129419373447490e-8 + t * (-1.5137402442633174e-8 + t * (1.7142909314316057e-10 + t * (1.4824763638898730e-10 + t * (-4.2632564145606011e-12 + t * (-8.8107299234252423e-13)))))))))))));
    case 1: return 0.92290012825645951 + t * (0.059130280611825875 + t * (-0.018478212691293003 + t * (0.0026177467978428723 + t * (-0.000024060171758322202 + t * (-0.000046075230318576299 + t * (0.0000052005022366241604 + t * (2.2131068933006759e-7 + t * (-8.6932942622297560e-8 + t * (3.3506259988769216e-9 + t * (7.5127459808754793e-10 + t * (-7.9309003808702982e-11 + t * (-1.4637180356658064e-12 + t * (1.4424017535930034e-12)))))))))))));
    case 2: return 0.98667167121918409 + t * (0.013193748982540906 + t * (-0.0057722651799740343 + t * (0.0014087075735656693 + t * (-0.00018789925603529545 + t * (0.0000064691037044428690 + t * (0.0000021882393284045065 + t * (-3.6979919615376389e-7 + t * (1.1146612521883981e-8 + t * (3.4148430749780800e-9 + t * (-4.2768277808136190e-10 + t * (-4.2827963397940039e-12 + t * (5.6985527407960035e-12 + t * (6.4659388954169117e-13)))))))))))));
    case 3: return 0.99853728341332038 + t * (0.0017855797555104622 + t * (-0.0010043886125848805 + t * (0.00033944615131256684 + t * (-0.000074544466184767177 + t * (0.000010407890765340433 + t * (-7.0907583915591488e-7 + t * (-4.0924712507717231e-8 + t * (1.5258473595736177e-8 + t * (-1.4033592066198253e-9 + t * (-1.6957102388914791e-11 + t * (1.0807355010911124e-11 + t * (5.2580162446247414e-13 + t * (1.4779288903810084e-12)))))))))))));
    case 4: return 0.99989937807788210 + t * (0.00014656931177437285 + t * (-0.00010076640195853803 + t * (0.000043131073450344837 + t * (-0.000012727005339996378 + t * (0.0000026912197265138715 + t * (-4.0462519756978566e-7 + t * (3.9429214560016135e-8 + t * (-1.3509424690028027e-9 + t * (-2.6835333954977614e-10 + t * (4.6643577888971777e-11 + t * (-6.4552807543805102e-12 + t * (1.6910917111090384e-12 + t * (8.6686213762732223e-13)))))))))))));
    case 5: return 0.99999569722053783 + t * (0.0000072972563503297116 + t * (-0.0000059290208827833535 + t * (0.0000030595266400784693 + t * (-0.0000011194104522216364 + t * (3.0644341464380886e-7 + t * (-6.4341804328904573e-8 + t * (1.0372804837288641e-8 + t * (-1.2393854831316276e-9 + t * (1.0314149534451644e-10 + t * (-7.3754335971898399e-12 + t * (-4.0749625895841746e-12 + t * (1.6768808563938364e-12 + t * (1.0373923942097463e-12)))))))))))));
    case 6: return 0.99999988627274461 + t * (2.2035805208667214e-7 + t * (-2.0658577221110974e-7 + t * (1.2452513166449908e-7 + t * (-5.4066295551713495e-8 + t * (1.7941352625783225e-8 + t * (-4.7091681665278884e-9 + t * (9.9013597321118141e-10 + t * (-1.6310686135057040e-10 + t * (2.8689051134733745e-11 + t * (-7.8372863754339051e-12 + t * (-4.1531222905177856e-12 + t * (1.6200374375330284e-12 + t * (1.3500311979441904e-12)))))))))))));
    case 7: return 0.99999999814942753 + t * (4.0360022615648639e-9 + t * (-4.2883535611437651e-9 + t * (2.9533197831721480e-9 + t * (-1.4786116220300016e-9 + t * (5.7432780753430279e-10 + t * (-1.8236523402492821e-10 + t * (4.2765790908561030e-11 + t * (-3.0624391911260318e-12 + t * (6.5139005300807185e-12 + t * (-5.5777604757167865e-12 + t * (-3.8014036363165360e-12 + t * (1.6058265828178264e-12 + t * (1.1937117960769683e-12)))))))))))));
    default: return 1;
  }
}

// @ts-ignore: decorator
@inline
export function erf64(x: f64): f64 {
  if (x != x) return x;
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const u = x * x;
    return x * (1.1283791670955126 + u * (-0.37612638903183754 + u * (0.11283791670955126 + u * (-0.026866170645131252 + u * (0.0052239776254421879 + u * (-0.00085483270234508522 + u * (0.00012055332981789664 + u * (-0.000014925650358406250 + u * (0.0000016462114365889246 + u * (-1.6365844691234924e-7 + u * (1.4807192815879218e-8 + u * (-1.2290555301717926e-9))))))))))));
  }
  if (ax >= 4.5) return copysign<f64>(1.0, x);
  const iv = <i32>((ax - 0.5) * 2.0);
  const t = (ax - (0.75 + <f64>iv * 0.5)) * 4.0;
  return copysign<f64>(tail(iv, t), x);
}

/** out[i] = erf(x[i]) for i in [e0,e1). */
export function erfF32(x: usize, out: usize, e0: i32, e1: i32): void {
  for (let i = e0; i < e1; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, <f32>erf64(<f64>load<f32>(x + off)));
  }
}

/**
 * erf of two f64 lanes: the same series, polynomials and operation order as erf64, so each lane
 * equals erf64 bit for bit (NaN kept). The series is vectorized; the tail polynomials run per lane
 * through tail()'s switch (a table of their coefficients would be static data, which the kernel
 * module must not have: the allocator hands out memory from byte 1024, see wasm-attention.test.ts).
 */
// @ts-ignore: decorator
@inline
export function verf(x: v128): v128 {
  const ax = f64x2.abs(x);
  const u = f64x2.mul(x, x);
  // The Maclaurin series of erf64, innermost coefficient first.
  let p = f64x2.splat(-1.2290555301717926e-9);
  p = f64x2.add(f64x2.splat(1.4807192815879218e-8), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(-1.6365844691234924e-7), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(0.0000016462114365889246), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(-0.000014925650358406250), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(0.00012055332981789664), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(-0.00085483270234508522), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(0.0052239776254421879), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(-0.026866170645131252), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(0.11283791670955126), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(-0.37612638903183754), f64x2.mul(u, p));
  p = f64x2.add(f64x2.splat(1.1283791670955126), f64x2.mul(u, p));
  const small = f64x2.mul(x, p);
  if (i64x2.all_true(f64x2.lt(ax, f64x2.splat(0.5)))) return small; // both lanes small: the common case for pre-activations near 0
  const ivf = f64x2.pmin(f64x2.pmax(f64x2.floor(f64x2.mul(f64x2.sub(ax, f64x2.splat(0.5)), f64x2.splat(2.0))), f64x2.splat(0)), f64x2.splat(7));
  const t = f64x2.mul(f64x2.sub(ax, f64x2.add(f64x2.splat(0.75), f64x2.mul(ivf, f64x2.splat(0.5)))), f64x2.splat(4.0));
  const iv = i32x4.trunc_sat_f64x2_s_zero(ivf); // NaN → 0: its t is NaN anyway
  const q = f64x2.replace_lane(f64x2.splat(tail(i32x4.extract_lane(iv, 0), f64x2.extract_lane(t, 0))), 1, tail(i32x4.extract_lane(iv, 1), f64x2.extract_lane(t, 1)));
  const signBit = i64x2.splat(0x8000000000000000);
  const tail = v128.bitselect(x, q, signBit); // copysign(q, x)
  const one = v128.bitselect(x, f64x2.splat(1), signBit);
  return v128.bitselect(small, v128.bitselect(one, tail, f64x2.ge(ax, f64x2.splat(4.5))), f64x2.lt(ax, f64x2.splat(0.5)));
}
