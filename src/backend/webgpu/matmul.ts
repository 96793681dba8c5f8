// Batched GEMM [B,M,K]·[B,K,N] (either operand transposed in its last two dims), tiled through
// workgroup memory: each workgroup computes a TM×TN tile of one batch's output, 16×16 threads
// each a (TM/16)×(TN/16) block, stepping along K by TK with both tiles staged in shared memory
// (loads coalesced along whichever dim is contiguous). Tile sizes are parameters of the generator.
import type { PrimAttrs } from '../prims.js';
import type { TensorView } from '../backend.js';
import type { Gpu } from './gpu.js';
import { bindings, scalarOf } from './wgsl.js';

export interface GemmTiles { tm: number; tn: number; tk: number }
/** Tiles for most products (64×64×16: 4×4 outputs per thread, enough workgroups for small outputs). */
export const GEMM_TILES: GemmTiles = { tm: 64, tn: 64, tk: 16 };
/** Tiles for large outputs (128×128×8: 8×8 outputs per thread, twice the reuse of each loaded value). */
export const GEMM_TILES_LARGE: GemmTiles = { tm: 128, tn: 128, tk: 8 };

/** The tiles for an M×N output: the large ones once both sides are ≥ 512. */
export function tilesFor(M: number, N: number): GemmTiles {
  return M >= 512 && N >= 512 ? GEMM_TILES_LARGE : GEMM_TILES;
}

/**
 * vecA / vecB: read that operand as vec4 (4 consecutive elements of its contiguous dim per load);
 * only for a non-transposed operand whose contiguous dim (K for A, N for B) is a multiple of 4, so
 * every vec4 starts aligned and lies wholly inside or outside the matrix.
 */
function gemmCode(t: string, transA: boolean, transB: boolean, { tm, tn, tk }: GemmTiles, vecA = false, vecB = false): string {
  const rm = tm / 16;
  const rn = tn / 16;
  const loadsA = (tm * tk) / 256;
  const loadsB = (tk * tn) / 256;
  const zero = t === 'f32' ? '0.0f' : '0';
  // A element (m, k) of batch b: row-major [M, K], or [K, M] when transposed.
  const aAt = transA ? 'A[ao + k * M + m]' : 'A[ao + m * K + k]';
  const bAt = transB ? 'B[bo + n * K + k]' : 'B[bo + k * N + n]';
  // Which index varies fastest across threads: the operand's contiguous dim.
  const aIdx = transA ? `let mm = e % ${tm}u; let kk = e / ${tm}u;` : `let kk = e % ${tk}u; let mm = e / ${tk}u;`;
  const bIdx = transB ? `let kk = e % ${tk}u; let nn = e / ${tk}u;` : `let nn = e % ${tn}u; let kk = e / ${tn}u;`;
  const accInit = Array.from({ length: rm * rn }, () => zero).join(', ');
  const z4 = `vec4<${t}>(${zero})`;
  const loadA = vecA
    ? `for (var l = 0u; l < ${loadsA / 4}u; l++) {
      let e = tid + l * 256u;
      let kq = e % ${tk / 4}u; let mm = e / ${tk / 4}u;
      let m = row0 + mm;
      let k = k0 + kq * 4u;
      let v = select(${z4}, A[(ao + m * K + k) / 4u], m < M && k < K);
      As[kq * 4u][mm] = v.x; As[kq * 4u + 1u][mm] = v.y; As[kq * 4u + 2u][mm] = v.z; As[kq * 4u + 3u][mm] = v.w;
    }`
    : `for (var l = 0u; l < ${loadsA}u; l++) {
      let e = tid + l * 256u;
      ${aIdx}
      let m = row0 + mm;
      let k = k0 + kk;
      As[kk][mm] = select(${zero}, ${aAt}, m < M && k < K);
    }`;
  const loadB = vecB
    ? `for (var l = 0u; l < ${loadsB / 4}u; l++) {
      let e = tid + l * 256u;
      let nq = e % ${tn / 4}u; let kk = e / ${tn / 4}u;
      let n = col0 + nq * 4u;
      let k = k0 + kk;
      let v = select(${z4}, B[(bo + k * N + n) / 4u], n < N && k < K);
      Bs[kk][nq * 4u] = v.x; Bs[kk][nq * 4u + 1u] = v.y; Bs[kk][nq * 4u + 2u] = v.z; Bs[kk][nq * 4u + 3u] = v.w;
    }`
    : `for (var l = 0u; l < ${loadsB}u; l++) {
      let e = tid + l * 256u;
      ${bIdx}
      let n = col0 + nn;
      let k = k0 + kk;
      Bs[kk][nn] = select(${zero}, ${bAt}, n < N && k < K);
    }`;
  return `${bindings([['A', `array<${vecA ? `vec4<${t}>` : t}>`, false], ['B', `array<${vecB ? `vec4<${t}>` : t}>`, false], ['C', `array<${t}>`, true]])}
var<workgroup> As: array<array<${t}, ${tm}>, ${tk}>;
var<workgroup> Bs: array<array<${t}, ${tn}>, ${tk}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = u32(P[0]);
  let N = u32(P[1]);
  let K = u32(P[2]);
  let b = wid.z + u32(P[3]);
  let ao = b * M * K;
  let bo = b * K * N;
  let row0 = wid.y * ${tm}u;
  let col0 = wid.x * ${tn}u;
  let tid = lid.y * 16u + lid.x;
  var acc = array<${t}, ${rm * rn}>(${accInit});
  for (var k0 = 0u; k0 < K; k0 += ${tk}u) {
    ${loadA}
    ${loadB}
    workgroupBarrier();
    for (var kk = 0u; kk < ${tk}u; kk++) {
      var bv: array<${t}, ${rn}>;
      for (var c = 0u; c < ${rn}u; c++) { bv[c] = Bs[kk][lid.x + c * 16u]; }
      for (var r = 0u; r < ${rm}u; r++) {
        let av = As[kk][lid.y + r * 16u];
        for (var c = 0u; c < ${rn}u; c++) { acc[r * ${rn}u + c] = acc[r * ${rn}u + c] + av * bv[c]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < ${rm}u; r++) {
    let m = row0 + lid.y + r * 16u;
    if (m >= M) { continue; }
    for (var c = 0u; c < ${rn}u; c++) {
      let n = col0 + lid.x + c * 16u;
      if (n < N) { C[b * M * N + m * N + n] = acc[r * ${rn}u + c]; }
    }
  }
}`;
}

export function matmul(gpu: Gpu, a: TensorView, b: TensorView, out: TensorView, { transA, transB }: PrimAttrs['matmul'], tiles?: GemmTiles): void {
  const t = scalarOf('matmul', out.dtype);
  const [batch, M, N] = out.shape as [number, number, number];
  const tl = tiles ?? tilesFor(M, N);
  const K = transA ? a.shape[1]! : a.shape[2]!;
  const vecA = !transA && K % 4 === 0;
  const vecB = !transB && N % 4 === 0;
  const key = `gemm:${t}:${transA ? 1 : 0}${transB ? 1 : 0}:${tl.tm}x${tl.tn}x${tl.tk}:${vecA ? 'v' : 's'}${vecB ? 'v' : 's'}`;
  const code = () => gemmCode(t, transA, transB, tl, vecA, vecB);
  for (let b0 = 0; b0 < batch; b0 += 65535) {
    const nb = Math.min(65535, batch - b0);
    gpu.dispatch(key, code, [a, b], [out], [M, N, K, b0], [Math.ceil(N / tl.tn), Math.ceil(M / tl.tm), nb]);
  }
}
