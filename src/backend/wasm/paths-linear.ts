// The wasm backend's fused linear forward (FusedOps.linear): the kernels the composite of
// ops/linalg.ts runs — the matmul path's transB GEMM, binaryF32's broadcast add, unaryF32's relu —
// called back to back on the output, in place, so the bits equal the composite's while batch-1
// inference pays the dispatch, Tensor and scope bookkeeping of one op instead of three to five.
import type { FusedOps, LinearArgs, TensorView } from '../backend.js';
import { BINARY_CODES } from './codes.js';
import { ELEMS_PER_PART, f32, type Engine } from './engine.js';
import { ELEMENTWISE_PATHS } from './paths-elementwise.js';
import { matmul } from './paths-matmul.js';

const NONE = {} as Record<string, never>;

/** x (N, in)·weight (out, in)ᵀ + bias (out), relu if asked, into out (N, out); false if it does not apply. */
export function linearPath(e: Engine, { x, weight, bias, out }: FusedOps['linear']['views'], { relu }: LinearArgs): boolean {
  if (!f32(x, weight, out) || (bias !== null && bias.dtype !== 'float32')) return false;
  const [rows, inp] = x.shape as [number, number];
  const n = weight.shape[0]!;
  const as3 = (v: TensorView, shape: number[]): TensorView => ({ storage: v.storage, shape, dtype: v.dtype });
  // (1, rows, in)·(1, n, in)ᵀ → (1, rows, n): the composite's bmm(rows, unsqueeze(weight, 0), false, true).
  let ok = matmul(e, [as3(x, [1, rows, inp]), as3(weight, [1, n, inp])], as3(out, [1, rows, n]), { transA: false, transB: true });
  // Elementwise in place (each element is read before it is written at the same index).
  if (ok && bias !== null) {
    // (rows, n) + (n): binaryF32's broadcast form written out (what layout.ts derives for these
    // shapes, without deriving it per call): out[o·n + i] = out[o·n + i] + bias[i]. Addition is
    // exact per element, so the bits are the composite's add whatever the form.
    const po = e.ptr(out);
    e.parallel('binaryF32', { total: rows * n, align: 16, minPart: ELEMS_PER_PART, range: ['e0', 'e1'] },
      { op: BINARY_CODES.add, a: po, b: e.ptr(bias), out: po, inner: n, sao: n, sai: 1, sbo: 0, sbi: 1, mid: rows, sas: 0, sbs: 0 });
  }
  if (ok && relu) ok = ELEMENTWISE_PATHS.relu(e, [out], out, NONE);
  return ok;
}
