// Fast path of the batched matrix product on float32: rows split across threads (columns when
// there are too few rows, e.g. batch-1 inference).
import { f32, FLOPS_PER_PART, type FastPath } from './engine.js';

export const matmul: FastPath<'matmul'> = (e, [a, b], out, { transA, transB }) => {
  if (!f32(a!, b!, out)) return false;
  const [B, M, N] = out.shape as [number, number, number];
  const K = transA ? a!.shape[1]! : a!.shape[2]!;
  const pa = e.ptr(a!); const pb = e.ptr(b!); const pc = e.ptr(out);
  const ta = transA ? 1 : 0; const tb = transB ? 1 : 0;
  const rows = B * M;
  const flopsPerUnit = (u: number): number => Math.max(1, 2 * u * K);
  if (M > 1 && rows >= 16) {
    // Split the output rows (multiples of the 4-row micro-tile).
    const min = Math.ceil(FLOPS_PER_PART / flopsPerUnit(N));
    e.parallel('gemmBatched', { total: rows, align: 4, minPart: min, range: ['r0', 'r1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, j0: 0, j1: N });
  } else {
    // Few rows (e.g. batch-1 inference): split the columns instead.
    const min = Math.ceil(FLOPS_PER_PART / flopsPerUnit(rows));
    e.parallel('gemmBatched', { total: N, align: 8, minPart: min, range: ['j0', 'j1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, r0: 0, r1: rows });
  }
  return true;
};
