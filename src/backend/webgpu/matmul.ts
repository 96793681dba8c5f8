// Batched GEMM [B,M,K]·[B,K,N] (either operand transposed in its last two dims), tiled through
// workgroup memory: each workgroup computes a TM×TN tile of one batch's output, 16×16 threads
// each a (TM/16)×(TN/16) block, stepping along K by TK with both tiles staged in shared memory
// (loads coalesced along whichever dim is contiguous). Tile sizes are parameters of the generator.
import type { PrimAttrs } from '../prims.js';
import type { TensorView } from '../backend.js';
import type { Gpu } from './gpu.js';
import { bindings, scalarOf } from './wgsl.js';

export interface GemmTiles { tm: number; tn: number; tk: number }
/** The tile sizes in use (64×64×16: 4×4 outputs per thread). */
export const GEMM_TILES: GemmTiles = { tm: 64, tn: 64, tk: 16 };

function gemmCode(t: string, transA: boolean, transB: boolean, { tm, tn, tk }: GemmTiles): string {
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
  return `${bindings([['A', `array<${t}>`, false], ['B', `array<${t}>`, false], ['C', `array<${t}>`, true]])}
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
    for (var l = 0u; l < ${loadsA}u; l++) {
      let e = tid + l * 256u;
      ${aIdx}
      let m = row0 + mm;
      let k = k0 + kk;
      As[kk][mm] = select(${zero}, ${aAt}, m < M && k < K);
    }
    for (var l = 0u; l < ${loadsB}u; l++) {
      let e = tid + l * 256u;
      ${bIdx}
      let n = col0 + nn;
      let k = k0 + kk;
      Bs[kk][nn] = select(${zero}, ${bAt}, n < N && k < K);
    }
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

export function matmul(gpu: Gpu, a: TensorView, b: TensorView, out: TensorView, { transA, transB }: PrimAttrs['matmul'], tiles: GemmTiles = GEMM_TILES): void {
  const t = scalarOf('matmul', out.dtype);
  const [batch, M, N] = out.shape as [number, number, number];
  const K = transA ? a.shape[1]! : a.shape[2]!;
  const key = `gemm:${t}:${transA ? 1 : 0}${transB ? 1 : 0}:${tiles.tm}x${tiles.tn}x${tiles.tk}`;
  const code = () => gemmCode(t, transA, transB, tiles);
  for (let b0 = 0; b0 < batch; b0 += 65535) {
    const nb = Math.min(65535, batch - b0);
    gpu.dispatch(key, code, [a, b], [out], [M, N, K, b0], [Math.ceil(N / tiles.tn), Math.ceil(M / tiles.tm), nb]);
  }
}
