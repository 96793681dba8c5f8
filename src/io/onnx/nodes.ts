// Small node recipes shared by the exporters: linear maps, GELU, LayerNorm (an opset-17 op or its
// decomposition), reshapes and transposes. Each takes and returns ONNX value names.
import type { LayerNorm } from '../../nn/layer-norm.js';
import type { Tensor } from '../../tensor/tensor.js';
import { at, key } from './context.js';
import { float, int, ints, type OnnxGraph } from './graph.js';

/** Rows×cols data transposed (a (out, in) weight becomes the (in, out) MatMul operand). */
export function transposed(data: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/**
 * x·Wᵀ + b for a weight block: rows [r0, r1) of `weight` (out, in) and of `bias` (or all rows).
 * Weights are stored pre-transposed as `<name>^T`. (…, in) → (…, r1 − r0).
 */
export function linearNode(g: OnnxGraph, path: string, x: string, weight: Tensor, bias: Tensor | null, name: string, r0 = 0, r1 = weight.shape[0]!): string {
  const cols = weight.shape[1]!;
  const w = (weight.data() as Float32Array).subarray(r0 * cols, r1 * cols);
  const wt = g.floats(`${name}^T`, transposed(w, r1 - r0, cols), [cols, r1 - r0]);
  const y = g.op('MatMul', [x, wt], {}, at(path, 'MatMul')); // (..., in) -> (..., out)
  if (!bias) return y;
  const b = g.floats(r0 === 0 && r1 === weight.shape[0] ? name.replace(/weight$/, 'bias') : `${name.replace(/weight$/, 'bias')}[${r0}:${r1}]`, (bias.data() as Float32Array).subarray(r0, r1), [r1 - r0]);
  return g.op('Add', [y, b], {}, at(path, 'Add'));
}

/** GELU: the opset-20 Gelu op, else 0.5·x·(1 + erf(x/√2)) or the tanh form. */
export function geluNode(g: OnnxGraph, path: string, x: string, approximate: 'none' | 'tanh' = 'none'): string {
  if (g.opset >= 20) return g.op('Gelu', [x], approximate === 'tanh' ? { approximate: { s: 'tanh' } } : {}, at(path, 'Gelu'));
  const mul = (a: string, b: string): string => g.op('Mul', [a, b], {}, at(path, 'Mul'));
  let inner: string;
  if (approximate === 'tanh') {
    const cube = mul(x, mul(x, x));
    const s = g.op('Add', [x, mul(cube, g.scalar(0.044715))], {}, at(path, 'Add'));
    inner = g.op('Tanh', [mul(s, g.scalar(Math.sqrt(2 / Math.PI)))], {}, at(path, 'Tanh'));
  } else {
    inner = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)], {}, at(path, 'Div'))], {}, at(path, 'Erf'));
  }
  return mul(mul(x, g.op('Add', [inner, g.scalar(1)], {}, at(path, 'Add'))), g.scalar(0.5));
}

/** LayerNorm over the trailing dims: LayerNormalization (opset ≥ 17) or mean/variance nodes. */
export function layerNormNode(g: OnnxGraph, path: string, x: string, m: LayerNorm): string {
  const k = m.normalizedShape.length;
  const n = m.normalizedShape.reduce((a, b) => a * b, 1);
  const scale = m.weight ? g.weight(key(path, 'weight'), m.weight) : g.floats(key(path, 'ones'), new Float32Array(n).fill(1), m.normalizedShape);
  const bias = m.bias ? g.weight(key(path, 'bias'), m.bias) : null;
  if (g.opset >= 17) {
    return g.op('LayerNormalization', bias ? [x, scale, bias] : [x, scale], { axis: int(-k), epsilon: float(m.eps) }, at(path, 'LayerNormalization'));
  }
  const axes = ints(Array.from({ length: k }, (_, i) => i - k));
  const mean = g.op('ReduceMean', [x], { axes, keepdims: int(1) }, at(path, 'ReduceMean'));
  const d = g.op('Sub', [x, mean], {}, at(path, 'Sub'));
  const variance = g.op('ReduceMean', [g.op('Mul', [d, d], {}, at(path, 'Mul'))], { axes, keepdims: int(1) }, at(path, 'ReduceMean'));
  const std = g.op('Sqrt', [g.op('Add', [variance, g.scalar(m.eps)], {}, at(path, 'Add'))], {}, at(path, 'Sqrt'));
  const y = g.op('Mul', [g.op('Div', [d, std], {}, at(path, 'Div')), scale], {}, at(path, 'Mul'));
  return bias ? g.op('Add', [y, bias], {}, at(path, 'Add')) : y;
}

export function reshapeNode(g: OnnxGraph, path: string, x: string, shape: readonly number[]): string {
  return g.op('Reshape', [x, g.int64(shape)], {}, at(path, 'Reshape'));
}

export function transposeNode(g: OnnxGraph, path: string, x: string, perm: readonly number[]): string {
  return g.op('Transpose', [x], { perm: ints(perm) }, at(path, 'Transpose'));
}
