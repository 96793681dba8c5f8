// Matrix products: matmul with NumPy semantics (1-D, 2-D, batched with broadcasting), outer, dot.
import { ShapeError } from '../errors.js';
import { arithmeticDType } from '../tensor/dtype.js';
import { broadcastShapes, numelOf, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import { add, cast } from './elementwise.js';
import { fusedLinear } from './linear-fused.js';
import { expand, reshape, squeeze, unsqueeze } from './movement.js';

/** The batched primitive on 3-D operands (with optional transposes of the last two dims). */
export function bmm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new ShapeError('bmm', `both operands must be 3-D (batch, rows, cols), got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}; use matmul for other ranks (it broadcasts batch dims)`);
  }
  const [B, m0, k0] = a.shape as [number, number, number];
  const [B1, k1, n1] = b.shape as [number, number, number];
  const M = transA ? k0 : m0;
  const K = transA ? m0 : k0;
  const Kb = transB ? n1 : k1;
  const N = transB ? k1 : n1;
  if (B1 !== B || Kb !== K) {
    const what = B1 !== B ? `batch sizes ${B} and ${B1} differ (bmm does not broadcast; use matmul)` : `inner sizes ${K} and ${Kb} differ`;
    throw new ShapeError('bmm', `shapes ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} and ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''}: ${what}; check which operand is transposed`);
  }
  return execute('matmul', [a, b], { transA, transB }, [B, M, N], a.dtype); // (B, M, N)
}

/**
 * Matrix product with NumPy/PyTorch semantics: 1-D·1-D is a dot product, a 1-D operand is
 * promoted to a matrix and the added dim removed afterwards, leading (batch) dims broadcast.
 *
 * @example
 * matmul(randn([8, 3, 4]), randn([4, 5])).shape // [8, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('matmul', `both operands need at least 1 dim, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}; use mul for scalars`);
  }
  const dt = arithmeticDType(a.dtype, b.dtype);
  let x = cast(a, dt);
  let y = cast(b, dt);
  const xv = x.ndim === 1;
  const yv = y.ndim === 1;
  if (xv) x = unsqueeze(x, 0); // (K) -> (1, K)
  if (yv) y = unsqueeze(y, -1); // (K) -> (K, 1)
  const K = x.shape[x.ndim - 1]!;
  if (y.shape[y.ndim - 2] !== K) {
    throw new ShapeError('matmul', `shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} can not be multiplied: inner dims ${K} ≠ ${y.shape[y.ndim - 2]}; transpose one operand or fix the layer sizes`);
  }
  const M = x.shape[x.ndim - 2]!;
  const N = y.shape[y.ndim - 1]!;
  let out: Tensor;
  if (y.ndim === 2) {
    // (..., M, K)·(K, N): fold the batch into the rows, one GEMM, no copy of y.
    const batch = x.shape.slice(0, -2);
    const rows = reshape(x, [1, numelOf(batch) * M, K]); // (1, B*M, K)
    out = reshape(bmm(rows, unsqueeze(y, 0)), [...batch, M, N]); // (..., M, N)
  } else {
    const batch = broadcastShapes('matmul', x.shape.slice(0, -2), y.shape.slice(0, -2));
    const nb = numelOf(batch);
    const xb = reshape(expand(x, [...batch, M, K]), [nb, M, K]); // (B, M, K)
    const yb = reshape(expand(y, [...batch, K, N]), [nb, K, N]); // (B, K, N)
    out = reshape(bmm(xb, yb), [...batch, M, N]); // (..., M, N)
  }
  if (xv) out = squeeze(out, -2);
  if (yv) out = squeeze(out, -1);
  return out;
}

/** Outer product of two 1-D tensors: (n)·(m) → (n, m). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError('outer', `needs two 1-D tensors, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return matmul(unsqueeze(a, 1), unsqueeze(b, 0)); // (n, 1)·(1, m) -> (n, m)
}

/** Dot product of two 1-D tensors of equal length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError('dot', `needs two 1-D tensors of equal length, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  return matmul(a, b);
}

/**
 * y = x·Wᵀ + b (torch.nn.functional.linear) with W of shape (out, in): PyTorch's layout, so
 * weights move between the two without transposes. The transpose is folded into the GEMM.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const fused = fusedLinear(x, weight, bias ?? null, false); // without a gradient: one op (linear-fused.ts)
  if (fused !== null) return fused;
  if (weight.ndim !== 2) throw new ShapeError('linear', `weight must be 2-D (out, in), got ${shapeStr(weight.shape)}`);
  const [out, inp] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inp) {
    throw new ShapeError('linear', `input has shape ${shapeStr(x.shape)} but the layer expects ${inp} features in the last dim (weight ${shapeStr(weight.shape)}); check the previous layer's size or flatten the input`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new ShapeError('linear', `bias must have shape [${out}], got ${shapeStr(bias.shape)}`);
  const dt = arithmeticDType(x.dtype, weight.dtype);
  const lead = x.shape.slice(0, -1);
  const rows = reshape(cast(x, dt), [1, numelOf(lead), inp]); // (1, N, in)
  let y = reshape(bmm(rows, unsqueeze(cast(weight, dt), 0), false, true), [...lead, out]); // (..., out)
  if (bias) y = add(y, bias);
  return y;
}
