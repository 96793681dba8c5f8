// The one generator of elementwise kernels (unary, binary, where, cast): an op's expression in
// the compute scalar type, each input read contiguously, as a scalar or through broadcast strides
// (dims merged first, so most broadcasts need one or two), and the result stored in the output's
// type. Pipelines are cached by (op, types, read modes, rank).
import type { TensorView } from '../backend.js';
import { broadcastStrides, stridesOf } from '../../tensor/shape.js';
import type { BinaryOp, UnaryOp } from '../prims.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d, scalarOf, type Scalar } from './wgsl.js';

const F_UNARY: { [K in UnaryOp]: string } = {
  neg: '-a', exp: 'ax_exp(a)', log: 'ax_log(a)', log1p: 'ax_log1p(a)', expm1: 'ax_expm1(a)',
  sqrt: 'ax_sqrt(a)', rsqrt: '1.0f / ax_sqrt(a)', abs: 'abs(a)',
  sign: 'select(select(select(ax_nan(), 0.0f, a == 0.0f), -1.0f, a < 0.0f), 1.0f, a > 0.0f)',
  sin: 'ax_sin(a)', cos: 'ax_cos(a)', tanh: 'ax_tanh(a)', sigmoid: 'ax_sigmoid(a)',
  relu: 'select(select(0.0f, a, ax_isnan(a)), a, a > 0.0f)', erf: 'ax_erf(a)',
  floor: 'floor(a)', ceil: 'ceil(a)', round: 'round(a)',
  isNaN: 'select(0, 1, ax_isnan(a))', isFinite: 'select(1, 0, ax_isnan(a) || ax_isinf(a))',
  logicalNot: 'select(0, 1, a == 0.0f)',
};
const I_UNARY: { [K in UnaryOp]?: string } = {
  neg: '-a', abs: 'abs(a)', sign: 'select(select(0, -1, a < 0), 1, a > 0)', relu: 'max(a, 0)',
  floor: 'a', ceil: 'a', round: 'a', isNaN: '0', isFinite: '1', logicalNot: 'select(0, 1, a == 0)',
};
/** Ops whose result is a 0/1 i32 whatever the compute type. */
const BOOL_RESULT = new Set<string>(['isNaN', 'isFinite', 'logicalNot', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

const F_BINARY: { [K in BinaryOp]: string } = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'ax_pow(a, b)',
  maximum: 'select(select(b, a, a > b), ax_nan(), ax_isnan(a) || ax_isnan(b))',
  minimum: 'select(select(b, a, a < b), ax_nan(), ax_isnan(a) || ax_isnan(b))',
  eq: 'select(0, 1, a == b)', ne: 'select(1, 0, a == b)', lt: 'select(0, 1, a < b)', le: 'select(0, 1, a <= b)',
  gt: 'select(0, 1, a > b)', ge: 'select(0, 1, a >= b)',
  logicalAnd: 'select(0, 1, ax_truthy(a) && ax_truthy(b))', logicalOr: 'select(0, 1, ax_truthy(a) || ax_truthy(b))',
  logicalXor: 'select(0, 1, ax_truthy(a) != ax_truthy(b))',
};
const I_BINARY: { [K in BinaryOp]: string } = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'select(0, a / b, b != 0)', pow: 'ax_powi(a, b)',
  maximum: 'max(a, b)', minimum: 'min(a, b)',
  eq: 'select(0, 1, a == b)', ne: 'select(0, 1, a != b)', lt: 'select(0, 1, a < b)', le: 'select(0, 1, a <= b)',
  gt: 'select(0, 1, a > b)', ge: 'select(0, 1, a >= b)',
  logicalAnd: 'select(0, 1, a != 0 && b != 0)', logicalOr: 'select(0, 1, a != 0 || b != 0)',
  logicalXor: 'select(0, 1, (a != 0) != (b != 0))',
};

/** How a kernel reads one input: same index as the output, element 0, or through strides. */
type Mode = 'c' | 's' | 'g';

/** Drop size-1 dims and merge neighbours every input walks contiguously. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[d]! * shape[d]!)) {
      sh[last]! *= shape[d]!;
      strides.forEach((s, k) => { st[k]![last] = s[d]!; });
    } else {
      sh.push(shape[d]!);
      strides.forEach((s, k) => st[k]!.push(s[d]!));
    }
  }
  return { shape: sh, strides: st };
}

function modeOf(shape: readonly number[], st: readonly number[]): Mode {
  if (st.every((s) => s === 0)) return 's';
  const c = stridesOf(shape);
  return st.every((s, d) => s === c[d] || shape[d] === 1) ? 'c' : 'g';
}

/** Offsets of the strided inputs for element i: shape at P[1..R], strides of the k-th strided input after. */
function offsets(rank: number, strided: number[]): string {
  if (strided.length === 0) return '';
  const lines = ['  var r = i;', ...strided.map((k) => `  var o${k} = 0u;`)];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let s = u32(P[${1 + d}]); let c = r % s; r = r / s;`);
    strided.forEach((k, j) => lines.push(`    o${k} = o${k} + c * u32(P[${1 + rank + j * rank + d}]);`));
    lines.push('  }');
  }
  return lines.join('\n');
}

interface Input { view: TensorView; type: Scalar }

/**
 * Run `expr` (over a, b, c in the compute type) into `out`, inputs broadcast to out's shape.
 * `store` converts the expression's value to the output's storage type.
 */
function run(gpu: Gpu, key: string, ins: Input[], out: TensorView, expr: string, compute: Scalar | 'u32', resultType: Scalar | 'u32'): void {
  const n = out.storage.size;
  const { shape, strides } = collapse(out.shape, ins.map((x) => broadcastStrides(x.view.shape, out.shape)));
  const modes = ins.map((_, k) => modeOf(shape, strides[k]!));
  const strided = modes.flatMap((m, k) => (m === 'g' ? [k] : []));
  const rank = strided.length > 0 ? shape.length : 0;
  const outType = compute === 'u32' ? 'u32' : scalarOf('store', out.dtype);
  const names = ['a', 'b', 'c'];
  const code = () => {
    const decl = ins.map((x, k): [string, string, boolean] => [`I${k}`, `array<${compute === 'u32' && k > 0 ? 'u32' : x.type}>`, false]);
    const loads = ins.map((x, k) => {
      const idx = modes[k] === 'c' ? 'i' : modes[k] === 's' ? '0u' : `o${k}`;
      const raw = `I${k}[${idx}]`;
      const want = compute === 'u32' ? (k === 0 ? x.type : 'u32') : compute;
      return `  let ${names[k]} = ${want === x.type || (compute === 'u32' && k > 0) ? raw : `${want}(${raw})`};`;
    });
    const conv = resultType === outType ? '' : outType === 'i32' ? 'ax_toi32' : outType;
    return `${bindings([...decl, ['O', `array<${outType}>`, true]])}

${main1d(`${offsets(rank, strided)}
${loads.join('\n')}
  O[i] = ${conv}(${expr});`)}`;
  };
  const params = [n, ...(rank > 0 ? shape : []), ...strided.flatMap((k) => strides[k]!)];
  gpu.dispatch(`ew:${key}:${ins.map((x) => x.type).join('')}>${outType}:${modes.join('')}:${rank}`, code, ins.map((x) => x.view), [out], params, grid1d(n));
}

export function unary(gpu: Gpu, op: UnaryOp, x: TensorView, out: TensorView): void {
  const t = scalarOf(op, x.dtype);
  const expr = t === 'f32' ? F_UNARY[op] : I_UNARY[op];
  if (expr === undefined) {
    // Float ops on ints are cast by the frontend; this only guards a direct backend call.
    const cast: Input = { view: x, type: t };
    run(gpu, op, [cast], out, F_UNARY[op], 'f32', BOOL_RESULT.has(op) ? 'i32' : 'f32');
    return;
  }
  run(gpu, op, [{ view: x, type: t }], out, expr, t, BOOL_RESULT.has(op) ? 'i32' : t);
}

export function binary(gpu: Gpu, op: BinaryOp, a: TensorView, b: TensorView, out: TensorView): void {
  const ta = scalarOf(op, a.dtype);
  const tb = scalarOf(op, b.dtype);
  const c: Scalar = ta === 'f32' || tb === 'f32' || out.dtype === 'float32' ? 'f32' : 'i32';
  run(gpu, op, [{ view: a, type: ta }, { view: b, type: tb }], out, (c === 'f32' ? F_BINARY : I_BINARY)[op], c, BOOL_RESULT.has(op) ? 'i32' : c);
}

/** out = cond ? a : b, copying a's or b's 32-bit pattern (they have out's dtype). */
export function where(gpu: Gpu, cond: TensorView, a: TensorView, b: TensorView, out: TensorView): void {
  scalarOf('where', out.dtype);
  run(gpu, 'where', [{ view: cond, type: 'i32' }, { view: a, type: 'i32' }, { view: b, type: 'i32' }], out, 'select(c, b, a != 0)', 'u32', 'u32');
}

/** Convert between float32, int32 and bool (same dtype: a plain copy). */
export function cast(gpu: Gpu, x: TensorView, out: TensorView): void {
  const from = scalarOf('cast', x.dtype);
  scalarOf('cast', out.dtype);
  if (x.dtype === out.dtype || (x.dtype === 'bool' && out.dtype === 'int32')) {
    gpu.copy(x, out, x.storage.size);
    return;
  }
  if (out.dtype === 'bool') {
    run(gpu, 'tobool', [{ view: x, type: from }], out, from === 'f32' ? 'select(0, 1, ax_truthy(a))' : 'select(0, 1, a != 0)', from, 'i32');
  } else if (out.dtype === 'int32') {
    run(gpu, 'toint', [{ view: x, type: from }], out, 'a', 'f32', 'f32');
  } else {
    run(gpu, 'tofloat', [{ view: x, type: from }], out, 'a', 'f32', 'f32');
  }
}
