// Fast path of the batched matrix product on float32, split across threads by rows or columns.
// A part of the rows needs all of op(B) packed into panels, a part of the columns all of op(A).
// When threads share a single product (B = 1), that operand is packed once, by all threads
// (packPanelsA/B), into a buffer every part then reads; otherwise each part packs what it needs
// itself, and a part takes at least PACK_SPAN rows or columns so that repacking stays a small share.
// A thin product — a batch of 64 through a 784→256 layer, an LSTM's 32 sequences through its
// 4·128 gates — splits its columns, not its rows (a row split repacks the whole weight per part).
import { ELEMS_PER_PART, f32, FLOPS_PER_PART, type Engine, type FastPath } from './engine.js';

/** Rows or columns a GEMM part takes at least when each part packs the shared operand itself. */
const PACK_SPAN = 64;
/** Panel widths of the micro-kernel (assembly/gemm.ts MR, NR). */
export const MR = 4;
const NR = 8;
/**
 * A·Bᵀ with k ≥ DOT_MIN_K runs as dot products (assembly/gemm.ts dotNT), packing nothing, with at
 * most DOT_ROWS rows, or at most DOT_ROWS_L2 rows when B fits in L2 (DOT_B_FLOATS): each pair of
 * rows re-reads B, which must then come from cache. Timed in alternating processes, W1's
 * 64×784·(256×784)ᵀ went 352 → 286 µs (71–75 → 89–91 GFLOP/s, above the packed kernel) and W1's
 * step ~6% faster; a B past L2 packs.
 */
const DOT_ROWS = 16;
const DOT_ROWS_L2 = 64;
const DOT_MIN_K = 16;
const DOT_B_FLOATS = 1 << 18;

const padded = (n: number, to: number): number => Math.ceil(n / to) * to;

export const matmul: FastPath<'matmul'> = (e, [a, b], out, { transA, transB }) => {
  if (!f32(a!, b!, out)) return false;
  const [B, M, N] = out.shape as [number, number, number];
  gemm(e, e.ptr(a!), e.ptr(b!), e.ptr(out), B, M, N, transA ? a!.shape[1]! : a!.shape[2]!, transA, transB);
  return true;
};

/**
 * C (B, M, N) = op(A)·op(B) on float32 at byte offsets pa, pb, pc of linear memory (A (B, M, K) or
 * (B, K, M) with transA, B (B, K, N) or (B, N, K) with transB), split across threads.
 */
export function gemm(e: Engine, pa: number, pb: number, pc: number, B: number, M: number, N: number, K: number, transA: boolean, transB: boolean): void {
  const ta = transA ? 1 : 0; const tb = transB ? 1 : 0;
  const rows = B * M;
  const flopsPerUnit = (u: number): number => Math.max(1, 2 * u * K);
  const splitRows = M > 1 && rows >= 16 && (B > 1 || M >= N); // batched: parts of the batch share no panels
  const total = splitRows ? rows : N;
  const minByFlops = Math.ceil(FLOPS_PER_PART / flopsPerUnit(splitRows ? N : rows));
  // One product shared by threads, big enough to split: pack the shared operand once — unless it
  // runs as dot products, which pack nothing.
  const dots = transB && !transA && K >= DOT_MIN_K && (M <= DOT_ROWS || (M <= DOT_ROWS_L2 && N * K <= DOT_B_FLOATS)) ? 1 : 0;
  const packOnce = !dots && B === 1 && M > 1 && K > 0 && total >= 2 * minByFlops && e.threads() > 1;
  if (packOnce) {
    const packMin = Math.ceil(ELEMS_PER_PART / K);
    if (splitRows) {
      const packed = e.shared(padded(N, NR) * K * 4);
      e.parallel('packPanelsB', { total: N, align: NR, minPart: packMin, range: ['j0', 'j1'] }, { b: pb, N, K, transB: tb, dst: packed });
      e.parallel('gemmBatchedPacked', { total: rows, align: MR, minPart: minByFlops, range: ['r0', 'r1'] },
        { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, j0: 0, j1: N, packedA: 0, packedB: packed, dots });
    } else {
      const packed = e.shared(padded(M, MR) * K * 4);
      e.parallel('packPanelsA', { total: M, align: MR, minPart: packMin, range: ['i0', 'i1'] }, { a: pa, M, K, transA: ta, dst: packed });
      e.parallel('gemmBatchedPacked', { total: N, align: NR, minPart: minByFlops, range: ['j0', 'j1'] },
        { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, r0: 0, r1: rows, packedA: packed, packedB: 0, dots });
    }
    return;
  }
  // Every part packs the operand it does not split: it takes at least PACK_SPAN rows (columns), or
  // half of them when there are fewer than two spans.
  const min = Math.max(minByFlops, Math.min(PACK_SPAN, Math.floor(total / 2)));
  if (splitRows) {
    e.parallel('gemmBatched', { total: rows, align: MR, minPart: min, range: ['r0', 'r1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, j0: 0, j1: N, dots });
  } else {
    // Few rows (batch-1 inference) or fewer rows than columns: split the columns.
    e.parallel('gemmBatched', { total: N, align: NR, minPart: min, range: ['j0', 'j1'] }, { a: pa, b: pb, c: pc, B, M, N, K, transA: ta, transB: tb, r0: 0, r1: rows, dots });
  }
}

/**
 * op(B) (K, N) packed into the micro-kernel's panels once, in a temp buffer (release it), for a
 * kernel that multiplies many A's by the same B: a recurrent layer's weight, every step.
 */
export function packedOperand(e: Engine, b: number, N: number, K: number, transB: boolean): { readonly ptr: number; release(): void } {
  const buf = e.temp(padded(N, NR) * K * 4);
  if (N > 0 && K > 0) e.parallel('packPanelsB', { total: N, align: NR, minPart: Math.ceil(ELEMS_PER_PART / K), range: ['j0', 'j1'] }, { b, N, K, transB: transB ? 1 : 0, dst: buf.ptr });
  return buf;
}
