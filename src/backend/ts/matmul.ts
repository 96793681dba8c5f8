// The reference batched matrix product [B,M,K]·[B,K,N] (either operand transposed in its last two
// dims): each output element summed in float64 in k order, then stored in the output's dtype.
import type { PrimAttrs } from '../prims.js';
import type { KView } from './kernels.js';

/** C = op(A)·op(B) per batch; a zero a_ik skips B's row k only when that row is all finite (0·NaN stays NaN). */
export function matmulKernel(ins: readonly KView[], out: KView, { transA, transB }: PrimAttrs['matmul']): void {
  const [A, B] = [ins[0]!.data, ins[1]!.data];
  const [batch, M, N] = out.shape as [number, number, number];
  const K = transA ? ins[0]!.shape[1]! : ins[0]!.shape[2]!;
  const C = out.data;
  const row = new Float64Array(N);
  const finiteRow = new Uint8Array(K); // B's row k holds no NaN/±∞: a zero a_ik may skip it (0·NaN must stay NaN)
  for (let b = 0; b < batch; b++) {
    const ao = b * M * K;
    const bo = b * K * N;
    const co = b * M * N;
    if (!transB) {
      for (let k = 0; k < K; k++) {
        let fin = 1;
        for (let j = 0, br = bo + k * N; j < N; j++) if (!Number.isFinite(B[br + j]!)) { fin = 0; break; }
        finiteRow[k] = fin;
      }
    }
    for (let i = 0; i < M; i++) {
      if (!transB) {
        row.fill(0);
        for (let k = 0; k < K; k++) {
          const aik = transA ? A[ao + k * M + i]! : A[ao + i * K + k]!;
          if (aik === 0 && finiteRow[k] === 1) continue;
          const br = bo + k * N;
          for (let j = 0; j < N; j++) row[j]! += aik * B[br + j]!;
        }
        for (let j = 0; j < N; j++) C[co + i * N + j] = row[j]!;
      } else {
        for (let j = 0; j < N; j++) {
          let s = 0;
          const br = bo + j * K;
          if (!transA) { const ar = ao + i * K; for (let k = 0; k < K; k++) s += A[ar + k]! * B[br + k]!; }
          else for (let k = 0; k < K; k++) s += A[ao + k * M + i]! * B[br + k]!;
          C[co + i * N + j] = s;
        }
      }
    }
  }
}
