// f32 elementwise kernels over a range [e0,e1) of the output's flat index. Binary ops see their
// operands through a 3-level broadcast: out[(s*mid + o)*inner + i] = f(a[s*sas + o*sao + i*sai],
// b[s*sbs + o*sbo + i*sbi]), with sai, sbi ∈ {0,1} — same shape, scalar, row and column
// broadcasting reduce to its lower two levels (mid ≥ the outer count, sas = sbs = 0), a bias over
// the channels of (N, C, L) needs the third.
// Results equal the float64 reference rounded to f32 (these ops are exact under double rounding).
import { ABS, ADD, COPY, DIV, EQ, GE, GT, LE, LT, MAXIMUM, MINIMUM, MUL, NE, NEG, RELU, SQRT, SUB } from './codes';
import { fmax, fmin, vmax, vmin } from './simd';

// @ts-ignore: decorator
@inline
function binv(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case MAXIMUM: return vmax(x, y);
    default: return vmin(x, y);
  }
}

// @ts-ignore: decorator
@inline
function bins(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case MAXIMUM: return fmax(x, y);
    default: return fmin(x, y);
  }
}

// One contiguous run of `len` outputs; `sa`/`sb` say whether a/b advance (1) or stay (0).
// @ts-ignore: decorator
@inline
function run2(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, len: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= len; i += 4) { const off = <usize>i << 2; v128.store(o + off, binv(op, v128.load(a + off), v128.load(b + off))); }
    for (; i < len; i++) { const off = <usize>i << 2; store<f32>(o + off, bins(op, load<f32>(a + off), load<f32>(b + off))); }
  } else if (sa == 1) {
    const ys = load<f32>(b); const y = f32x4.splat(ys);
    for (; i + 4 <= len; i += 4) { const off = <usize>i << 2; v128.store(o + off, binv(op, v128.load(a + off), y)); }
    for (; i < len; i++) { const off = <usize>i << 2; store<f32>(o + off, bins(op, load<f32>(a + off), ys)); }
  } else if (sb == 1) {
    const xs = load<f32>(a); const x = f32x4.splat(xs);
    for (; i + 4 <= len; i += 4) { const off = <usize>i << 2; v128.store(o + off, binv(op, x, v128.load(b + off))); }
    for (; i < len; i++) { const off = <usize>i << 2; store<f32>(o + off, bins(op, xs, load<f32>(b + off))); }
  } else {
    const v = f32x4.splat(bins(op, load<f32>(a), load<f32>(b)));
    for (; i + 4 <= len; i += 4) v128.store(o + (<usize>i << 2), v);
    for (; i < len; i++) store<f32>(o + (<usize>i << 2), bins(op, load<f32>(a), load<f32>(b)));
  }
}

// @ts-ignore: decorator
@inline
function binaryRange(op: i32, a: usize, b: usize, out: usize, inner: i32, sao: i32, sai: i32, sbo: i32, sbi: i32, mid: i32, sas: i32, sbs: i32, e0: i32, e1: i32): void {
  let e = e0;
  while (e < e1) {
    const q = e / inner;
    const i = e - q * inner;
    const s = q / mid; // the slice (third level), then the outer index within it
    const o = q - s * mid;
    const len = min(inner - i, e1 - e);
    run2(op, a + (<usize>(s * sas + o * sao + i * sai) << 2), sai, b + (<usize>(s * sbs + o * sbo + i * sbi) << 2), sbi, out + (<usize>e << 2), len);
    e += len;
  }
}

/** out = op(a, b) over the flat output range [e0,e1) (see the header for the broadcast form). */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, inner: i32, sao: i32, sai: i32, sbo: i32, sbi: i32, mid: i32, sas: i32, sbs: i32, e0: i32, e1: i32): void {
  // Each case inlines the loops with a constant opcode, so the switch inside folds away.
  switch (op) {
    case ADD: binaryRange(ADD, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case SUB: binaryRange(SUB, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case MUL: binaryRange(MUL, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case DIV: binaryRange(DIV, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case MAXIMUM: binaryRange(MAXIMUM, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case MINIMUM: binaryRange(MINIMUM, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
  }
}

// @ts-ignore: decorator
@inline
function unv(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    // max(x, 0) keeping NaN: x > 0 ? x : (x != x ? x : 0).
    case RELU: return v128.bitselect(x, f32x4.splat(0), v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
    case SQRT: return f32x4.sqrt(x);
    default: return x;
  }
}

// @ts-ignore: decorator
@inline
function uns(op: i32, x: f32): f32 {
  switch (op) {
    case NEG: return -x;
    case ABS: return Mathf.abs(x);
    case RELU: return x > 0 || x != x ? x : 0;
    case SQRT: return Mathf.sqrt(x);
    default: return x;
  }
}

// @ts-ignore: decorator
@inline
function unaryRange(op: i32, x: usize, out: usize, e0: i32, e1: i32): void {
  let i = e0;
  for (; i + 4 <= e1; i += 4) { const off = <usize>i << 2; v128.store(out + off, unv(op, v128.load(x + off))); }
  for (; i < e1; i++) { const off = <usize>i << 2; store<f32>(out + off, uns(op, load<f32>(x + off))); }
}

/** out[i] = op(x[i]) for i in [e0,e1). */
export function unaryF32(op: i32, x: usize, out: usize, e0: i32, e1: i32): void {
  switch (op) {
    case NEG: unaryRange(NEG, x, out, e0, e1); break;
    case ABS: unaryRange(ABS, x, out, e0, e1); break;
    case RELU: unaryRange(RELU, x, out, e0, e1); break;
    case SQRT: unaryRange(SQRT, x, out, e0, e1); break;
    case COPY: unaryRange(COPY, x, out, e0, e1); break;
  }
}

/** rsqrt as the reference computes it: 1/sqrt in float64, rounded once to f32 (exact match). */
export function rsqrtF32(x: usize, out: usize, e0: i32, e1: i32): void {
  for (let i = e0; i < e1; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, <f32>(1.0 / Math.sqrt(<f64>load<f32>(x + off))));
  }
}

// @ts-ignore: decorator
@inline
function cmp(op: i32, x: f32, y: f32): u8 {
  switch (op) {
    case EQ: return <u8>(x == y);
    case NE: return <u8>(x != y);
    case LT: return <u8>(x < y);
    case LE: return <u8>(x <= y);
    case GT: return <u8>(x > y);
    default: return <u8>(x >= y);
  }
}

// @ts-ignore: decorator
@inline
function cmp4(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case EQ: return f32x4.eq(x, y);
    case NE: return f32x4.ne(x, y);
    case LT: return f32x4.lt(x, y);
    case LE: return f32x4.le(x, y);
    case GT: return f32x4.gt(x, y);
    default: return f32x4.ge(x, y);
  }
}

// A run of a comparison with a and b each contiguous (stride 1) or one value (stride 0), 16 lanes
// at a time: four lane masks (all ones or zero, IEEE as the scalar compare: NaN is unequal to
// everything) narrow to 16 bytes of 0/1. The byte-at-a-time loop ran ~6× slower than an add (a
// ReLU's backward mask on LeNet's first layer: 0.26 ms). Returns how many elements it did (a
// multiple of 16); the caller does the rest.
// @ts-ignore: decorator
@inline
function compareRun(op: i32, pa: usize, pb: usize, po: usize, len: i32, sai: i32, sbi: i32): i32 {
  if (sai > 1 || sbi > 1) return 0;
  const fa = v128.load32_splat(pa);
  const fb = v128.load32_splat(pb);
  const one = i8x16.splat(1);
  let j = 0;
  for (; j + 16 <= len; j += 16) {
    const off = <usize>j << 2;
    const m0 = cmp4(op, sai == 0 ? fa : v128.load(pa + off), sbi == 0 ? fb : v128.load(pb + off));
    const m1 = cmp4(op, sai == 0 ? fa : v128.load(pa + off, 16), sbi == 0 ? fb : v128.load(pb + off, 16));
    const m2 = cmp4(op, sai == 0 ? fa : v128.load(pa + off, 32), sbi == 0 ? fb : v128.load(pb + off, 32));
    const m3 = cmp4(op, sai == 0 ? fa : v128.load(pa + off, 48), sbi == 0 ? fb : v128.load(pb + off, 48));
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3)); // lanes −1 or 0
    v128.store(po + <usize>j, v128.and(bytes, one));
  }
  return j;
}

// @ts-ignore: decorator
@inline
function compareRange(op: i32, a: usize, b: usize, out: usize, inner: i32, sao: i32, sai: i32, sbo: i32, sbi: i32, mid: i32, sas: i32, sbs: i32, e0: i32, e1: i32): void {
  let e = e0;
  while (e < e1) {
    const q = e / inner;
    const i = e - q * inner;
    const s = q / mid; // the slice (third level), then the outer index within it
    const o = q - s * mid;
    const len = min(inner - i, e1 - e);
    const pa = a + (<usize>(s * sas + o * sao + i * sai) << 2);
    const pb = b + (<usize>(s * sbs + o * sbo + i * sbi) << 2);
    const po = out + <usize>e;
    for (let j = compareRun(op, pa, pb, po, len, sai, sbi); j < len; j++) {
      store<u8>(po + <usize>j, cmp(op, load<f32>(pa + (<usize>(j * sai) << 2)), load<f32>(pb + (<usize>(j * sbi) << 2))));
    }
    e += len;
  }
}

/** out (bool bytes) = a <op> b with the same broadcast form as binaryF32. */
export function compareF32(op: i32, a: usize, b: usize, out: usize, inner: i32, sao: i32, sai: i32, sbo: i32, sbi: i32, mid: i32, sas: i32, sbs: i32, e0: i32, e1: i32): void {
  switch (op) {
    case EQ: compareRange(EQ, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case NE: compareRange(NE, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case LT: compareRange(LT, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case LE: compareRange(LE, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case GT: compareRange(GT, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
    case GE: compareRange(GE, a, b, out, inner, sao, sai, sbo, sbi, mid, sas, sbs, e0, e1); break;
  }
}

// A run of `where` over a contiguous condition, 16 then 4 lanes at a time: the condition bytes widen to
// lane masks and pick whole lanes of a and b (each contiguous, stride 1, or one value, stride 0),
// bits unchanged (NaN payloads, -0). The byte-at-a-time loop with a branch per element ran ~40×
// slower than an add. Returns how many elements it did (a multiple of 4); the caller does the rest.
// @ts-ignore: decorator
@inline
function whereRun(pc: usize, pa: usize, pb: usize, po: usize, len: i32, sai: i32, sbi: i32): i32 {
  if (sai > 1 || sbi > 1) return 0;
  const zero = f32x4.splat(0); // unused when the branch is contiguous
  const fa = sai == 0 ? v128.load32_splat(pa) : zero;
  const fb = sbi == 0 ? v128.load32_splat(pb) : zero;
  let j = 0;
  for (; j + 16 <= len; j += 16) {
    // 16 condition bytes widen to four lane masks (a nonzero byte is true).
    const nz = i8x16.ne(v128.load(pc + <usize>j), i8x16.splat(0)); // bytes −1 or 0
    const lo = i16x8.extend_low_i8x16_s(nz);
    const hi = i16x8.extend_high_i8x16_s(nz);
    const off = <usize>j << 2;
    v128.store(po + off, v128.bitselect(sai == 0 ? fa : v128.load(pa + off), sbi == 0 ? fb : v128.load(pb + off), i32x4.extend_low_i16x8_s(lo)));
    v128.store(po + off, v128.bitselect(sai == 0 ? fa : v128.load(pa + off, 16), sbi == 0 ? fb : v128.load(pb + off, 16), i32x4.extend_high_i16x8_s(lo)), 16);
    v128.store(po + off, v128.bitselect(sai == 0 ? fa : v128.load(pa + off, 32), sbi == 0 ? fb : v128.load(pb + off, 32), i32x4.extend_low_i16x8_s(hi)), 32);
    v128.store(po + off, v128.bitselect(sai == 0 ? fa : v128.load(pa + off, 48), sbi == 0 ? fb : v128.load(pb + off, 48), i32x4.extend_high_i16x8_s(hi)), 48);
  }
  for (; j + 4 <= len; j += 4) {
    const bytes = v128.load32_zero(pc + <usize>j);
    const mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), i32x4.splat(0));
    const off = <usize>j << 2;
    const va = sai == 0 ? fa : v128.load(pa + off);
    const vb = sbi == 0 ? fb : v128.load(pb + off);
    v128.store(po + off, v128.bitselect(va, vb, mask));
  }
  return j;
}

/**
 * where(cond, a, b) with a bool `cond` and f32 a, b, each in the 2-level broadcast form:
 * out[o*inner+i] = cond[o*sco + i*sci] ? a[o*sao + i*sai] : b[o*sbo + i*sbi].
 */
export function whereF32(cond: usize, a: usize, b: usize, out: usize, inner: i32, sco: i32, sci: i32, sao: i32, sai: i32, sbo: i32, sbi: i32, e0: i32, e1: i32): void {
  let e = e0;
  while (e < e1) {
    const o = e / inner;
    const i = e - o * inner;
    const len = min(inner - i, e1 - e);
    const pa = a + (<usize>(o * sao + i * sai) << 2);
    const pb = b + (<usize>(o * sbo + i * sbi) << 2);
    const pc = cond + <usize>(o * sco + i * sci);
    const po = out + (<usize>e << 2);
    let j = 0;
    if (sci == 1) j = whereRun(pc, pa, pb, po, len, sai, sbi);
    for (; j < len; j++) {
      const v = load<u8>(pc + <usize>(j * sci)) != 0 ? load<f32>(pa + (<usize>(j * sai) << 2)) : load<f32>(pb + (<usize>(j * sbi) << 2));
      store<f32>(po + (<usize>j << 2), v);
    }
    e += len;
  }
}
