// WGSL building blocks shared by the kernel generators: storage types per dtype, binding lines,
// the 1-D dispatch index, and the float32 math the reference defines (NaN tests on bits, exp/log
// with range reduction, expm1/log1p/tanh/erf/pow built on them) so results do not depend on the
// precision a GPU gives its built-ins.
import { DTypeError } from '../../errors.js';
import type { DType } from '../../tensor/dtype.js';

/** Threads per workgroup of the 1-D kernels. */
export const WG = 256;

/** The scalar type a dtype is stored as on the GPU: bool is an i32 holding 0 or 1. */
export type Scalar = 'f32' | 'i32';

export function scalarOf(op: string, dtype: DType): Scalar {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32' || dtype === 'bool') return 'i32';
  throw float64Error(op);
}

export function float64Error(op: string): DTypeError {
  return new DTypeError(op, `float64 is not available on the webgpu backend (WGSL has no 64-bit floats); convert with .float() to compute in float32 there, or run float64 work on the wasm or ts backend (setBackend('wasm'))`);
}

/** The parameter block (binding 0) and the buffers after it. */
export function bindings(buffers: readonly [name: string, type: string, write: boolean][]): string {
  const lines = ['@group(0) @binding(0) var<storage, read> P: array<i32>;'];
  buffers.forEach(([name, type, write], i) => {
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: ${type};`);
  });
  return lines.join('\n');
}

/** A 1-D kernel's entry: `i` is the element index, `n` (P[0]) the count; threads past n return. */
export function main1d(body: string, nIndex = 0): string {
  return `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= u32(P[${nIndex}])) { return; }
${body}
}`;
}

/** Workgroup counts for `groups` workgroups (2-D past the 65535 per-dimension limit). */
export function grid(groups: number): [number, number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/** Workgroup counts for a 1-D kernel over n elements. */
export const grid1d = (n: number): [number, number, number] => grid(Math.ceil(n / WG));

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
/** The bits of float32 `v` as an i32 parameter (read back with bitcast<f32>). */
export function f32bits(v: number): number {
  F32[0] = v;
  return I32[0]!;
}

/**
 * The MATH functions `code` calls (and those they call), as WGSL to put before it: shaders compile
 * faster without the ones they do not use.
 */
export function mathFor(code: string): string {
  const need = new Set<string>();
  const visit = (text: string): void => {
    for (const m of text.matchAll(/\b(ax_[a-z0-9]+)\s*\(/g)) {
      const name = m[1]!;
      if (need.has(name) || !FUNCS.has(name)) continue;
      need.add(name);
      visit(FUNCS.get(name)!);
    }
  };
  visit(code);
  const parts = [...FUNCS.keys()].filter((n) => need.has(n)).map((n) => FUNCS.get(n)!);
  if (need.has('ax_nan')) parts.unshift('var<private> AX_NAN_BITS: u32 = 0x7fc00000u;');
  if (need.has('ax_inf')) parts.unshift('var<private> AX_INF_BITS: u32 = 0x7f800000u;');
  return parts.join('\n');
}

/** Float32 functions with the reference's edge semantics (NaN, ±∞, ±0), accurate to a few ulp. */
export const MATH = /* wgsl */ `
var<private> AX_NAN_BITS: u32 = 0x7fc00000u;
var<private> AX_INF_BITS: u32 = 0x7f800000u;
fn ax_nan() -> f32 { return bitcast<f32>(AX_NAN_BITS); }
fn ax_inf() -> f32 { return bitcast<f32>(AX_INF_BITS); }
fn ax_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn ax_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn ax_truthy(x: f32) -> bool { return !(x == 0.0f); }
fn ax_exp(x: f32) -> f32 {
  if (ax_isnan(x)) { return x; }
  if (x > 88.7228394f) { return ax_inf(); }
  if (x < -103.972084f) { return 0.0f; }
  let k = round(x * 1.44269504f);
  let r = (x - k * 0.693145752f) - k * 1.42860677e-6f;
  let p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * (0.00833333377f + r * (0.00138888892f + r * 0.000198412701f))))));
  let ki = i32(k);
  if (ki < -120) { return ldexp(ldexp(p, ki + 60), -60); }
  return ldexp(p, ki);
}
fn ax_log(x: f32) -> f32 {
  if (ax_isnan(x) || x < 0.0f) { return ax_nan(); }
  if (x == 0.0f) { return -ax_inf(); }
  if (ax_isinf(x)) { return x; }
  let fe = frexp(x);
  var m = fe.fract;
  var e = fe.exp;
  if (m < 0.707106781f) { m = m * 2.0f; e = e - 1; }
  let f = m - 1.0f;
  let s = f / (2.0f + f);
  let z = s * s;
  let r = z * (0.666666667f + z * (0.4f + z * (0.285714286f + z * (0.222222222f + z * 0.181818182f))));
  let ef = f32(e);
  return ef * 0.693145752f + ((2.0f * s + s * r) + ef * 1.42860677e-6f);
}
fn ax_expm1(x: f32) -> f32 {
  // Near 0 a Taylor polynomial (no cancellation); elsewhere exp(x) − 1 loses at most ~2 ulp. (Kahan's
  // (u−1)·x/log(u) is avoided: shader compilers may fold (1+x)−1 to x and undo such tricks.)
  if (abs(x) < 0.3466f) {
    return x * (1.0f + x * (0.5f + x * (0.166666672f + x * (0.0416666679f + x * (0.00833333377f + x * (0.00138888892f + x * (0.000198412701f + x * 0.0000248015876f)))))));
  }
  return ax_exp(x) - 1.0f;
}
fn ax_log1p(x: f32) -> f32 {
  if (ax_isnan(x) || x < -1.0f) { return ax_nan(); }
  if (x == -1.0f) { return -ax_inf(); }
  if (x < -0.2929f || x > 0.4142f) { return ax_log(1.0f + x); }
  // log(1+x) = 2·atanh(s), s = x/(2+x): no rounding of 1+x.
  let s = x / (2.0f + x);
  let z = s * s;
  let r = z * (0.666666667f + z * (0.4f + z * (0.285714286f + z * (0.222222222f + z * 0.181818182f))));
  return 2.0f * s + s * r;
}
fn ax_tanh(x: f32) -> f32 {
  if (ax_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 9.1f) { return select(-1.0f, 1.0f, x > 0.0f); }
  let t = ax_expm1(2.0f * a);
  let r = t / (t + 2.0f);
  return select(r, -r, x < 0.0f);
}
fn ax_sigmoid(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + ax_exp(-x)); }
  let e = ax_exp(x);
  return e / (1.0f + e);
}
fn ax_sqrt(x: f32) -> f32 {
  if (ax_isnan(x) || x < 0.0f) { return ax_nan(); }
  return sqrt(x);
}
fn ax_erf(x: f32) -> f32 {
  if (ax_isnan(x)) { return x; }
  let a = abs(x);
  if (a >= 3.92f) { return select(-1.0f, 1.0f, x > 0.0f); }
  if (a < 3.0f) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 0; n < 90; n++) {
      term = term * (2.0f * x2) / f32(2 * n + 3);
      sum = sum + term;
      if (abs(term) < 1e-8f * abs(sum)) { break; }
    }
    return 1.12837917f * ax_exp(-x2) * sum;
  }
  var f = a;
  for (var k = 60; k >= 1; k--) { f = a + f32(k) * 0.5f / f; }
  let erfc = ax_exp(-a * a) * 0.564189584f / f;
  return select(-1.0f, 1.0f, x > 0.0f) * (1.0f - erfc);
}
fn ax_pow(x: f32, y: f32) -> f32 {
  if (x == 1.0f || y == 0.0f) { return 1.0f; }
  if (ax_isnan(x) || ax_isnan(y)) { return ax_nan(); }
  let ax = abs(x);
  if (ax_isinf(y)) {
    if (ax == 1.0f) { return 1.0f; }
    if ((ax > 1.0f) == (y > 0.0f)) { return ax_inf(); }
    return 0.0f;
  }
  let ay = abs(y);
  let yint = floor(y) == y;
  if (x < 0.0f && !yint && !ax_isinf(x)) { return ax_nan(); }
  let odd = yint && ay < 16777216.0f && (i32(ay) & 1) == 1;
  var r: f32;
  if (ax == 0.0f) { r = select(ax_inf(), 0.0f, y > 0.0f); }
  else if (ax_isinf(ax)) { r = select(0.0f, ax_inf(), y > 0.0f); }
  else if (yint && ay <= 64.0f) {
    var e = u32(ay);
    var b = ax;
    r = 1.0f;
    loop {
      if ((e & 1u) == 1u) { r = r * b; }
      e = e >> 1u;
      if (e == 0u) { break; }
      b = b * b;
    }
    if (y < 0.0f) { r = 1.0f / r; }
  } else { r = ax_exp(y * ax_log(ax)); }
  if (odd && (bitcast<u32>(x) & 0x80000000u) != 0u) { r = -r; }
  return r;
}
fn ax_powi(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) != 0); }
    return 0;
  }
  var e = u32(y);
  var b = x;
  var r = 1;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * b; }
    e = e >> 1u;
    b = b * b;
  }
  return r;
}
fn ax_sinpoly(x: f32) -> f32 {
  let z = x * x;
  return x + x * z * ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f);
}
fn ax_cospoly(x: f32) -> f32 {
  let z = x * x;
  return 1.0f - 0.5f * z + z * z * ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f);
}
fn ax_trigj(a: f32) -> u32 {
  var j = u32(floor(a * 1.27323954473516f));
  if ((j & 1u) == 1u) { j = j + 1u; }
  return j;
}
fn ax_trigr(a: f32, j: u32) -> f32 {
  let y = f32(j);
  return ((a - y * 0.78515625f) - y * 2.4187564849853515625e-4f) - y * 3.77489497744594108e-8f;
}
fn ax_sin(x: f32) -> f32 {
  if (ax_isnan(x) || ax_isinf(x)) { return ax_nan(); }
  let a = abs(x);
  if (a > 8192.0f) { return sin(x); }
  if (a < 1e-4f) { return x; }
  var j = ax_trigj(a);
  let r = ax_trigr(a, j);
  j = j & 7u;
  var sgn = select(1.0f, -1.0f, x < 0.0f);
  if (j > 3u) { sgn = -sgn; j = j - 4u; }
  let v = select(ax_sinpoly(r), ax_cospoly(r), j == 1u || j == 2u);
  return sgn * v;
}
fn ax_cos(x: f32) -> f32 {
  if (ax_isnan(x) || ax_isinf(x)) { return ax_nan(); }
  let a = abs(x);
  if (a > 8192.0f) { return cos(x); }
  var j = ax_trigj(a);
  let r = ax_trigr(a, j);
  j = j & 7u;
  var sgn = 1.0f;
  if (j > 3u) { sgn = -sgn; j = j - 4u; }
  if (j > 1u) { sgn = -sgn; }
  let v = select(ax_cospoly(r), ax_sinpoly(r), j == 1u || j == 2u);
  return sgn * v;
}
fn ax_toi32(x: f32) -> i32 {
  if (ax_isnan(x) || ax_isinf(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0f) { return i32(t); }
  let m = t - floor(t / 4294967296.0f) * 4294967296.0f;
  return bitcast<i32>(u32(m));
}
`;

/** MATH split into its functions, by name, in definition order. */
const FUNCS = new Map<string, string>();
for (const block of MATH.split(/\n(?=fn )/)) {
  const m = /^fn (ax_[a-z0-9]+)/.exec(block);
  if (m) FUNCS.set(m[1]!, block.trim());
}
