// Fast path of the batched matrix product on float32, split across threads by rows or columns.
// Each part packs the panels it needs itself: a part of the rows packs all of op(B) (K×N), a part
// of the columns all of op(A) (M×K). So a thin product — a batch of 64 through a 784→256 layer,
// an LSTM's 32 sequences through its 4·128 gates — splits its columns (repacking the small A),
// not its rows (which repacked the whole weight once per part: as many copies as multiply-adds).
import { f32, FLOPS_PER_PART, type FastPath } from './engine.js';

/** Rows or columns a GEMM part takes at least (see `span`). */
const PACK_SPAN = 64;

export const matmul: FastPath<'matmul'> = (e, [a, b], out, { transA, transB }) => {
  if (!f32(a!, b!, out)) return false;
  const [B, M, N] = out.shape as [number, number, number];
  const K = transA ? a!.shape[1]! : a!.shape[2]!;
  const pa = e.ptr(a!); const pb = e.ptr(b!); const pc = e.ptr(out);
  const ta = transA ? 1 : 0; const tb = transB ? 1 : 0;
  const rows = B * M;
  const flopsPerUnit = (u: number): number => Math.max(1, 2 * u * K);
  // Every part repacks the whole operand it does not split, so a part of fewer than PACK_SPAN rows
  // (or columns) spends a tenth or more of its time on that copy; the span still lets the work
  // split in two when it is smaller than two spans.
  const span = (total: number): number => Math.min(PACK_SPAN, Math.floor(total / 2));
  const splitRows = M > 1 && rows >= 16 && (B > 1 || M >= N); // batched: parts of the batch share no panels
  if (splitRows) {
    // Split the output rows (multiples of the 4-row micro-tile).
    const min = Math.max(Math.ceil(FLOPS_PER_PART / flopsPerUnit(N)), span(rows));
    e.parallel('gemmBatched', { total: rows, align: 4, minPart: min, range: ['r0', 'r1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, j0: 0, j1: N });
  } else {
    // Few rows (batch-1 inference) or fewer rows than columns: split the columns.
    const min = Math.max(Math.ceil(FLOPS_PER_PART / flopsPerUnit(rows)), span(N));
    e.parallel('gemmBatched', { total: N, align: 8, minPart: min, range: ['j0', 'j1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, r0: 0, r1: rows });
  }
  return true;
};
