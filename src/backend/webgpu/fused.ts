// The fused kernels (Backend.fused): one Adam/AdamW pass over param, grad, m and v in place, and
// the attention forward — one workgroup per query row: scores in workgroup memory, softmax, then
// the weighted sum of values, with the same masks and NaN rule as the wasm kernel.
import type { AdamArgs, AttentionArgs, FusedOps } from '../backend.js';
import type { Gpu } from './gpu.js';
import { bindings, f32bits, grid, grid1d, main1d } from './wgsl.js';

export function adam(gpu: Gpu, { param, grad, m, v }: FusedOps['adam']['views'], o: AdamArgs): boolean {
  const all = [param, grad, m, v];
  if (!all.every((t) => t.dtype === 'float32' && t.storage.size === param.storage.size)) return false;
  if (new Set(all.map((t) => t.storage)).size !== 4) return false;
  const n = param.storage.size;
  if (n === 0) return true;
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  const l2 = o.decoupled ? 0 : o.weightDecay;
  const decay = o.decoupled ? 1 - o.lr * o.weightDecay : 1;
  const f = (k: number): string => `bitcast<f32>(P[${k}])`;
  const code = () => `${bindings([['G', 'array<f32>', false], ['W', 'array<f32>', true], ['M', 'array<f32>', true], ['V', 'array<f32>', true]])}
${main1d(`  let p = W[i];
  let g = G[i] + ${f(6)} * p;
  let mi = ${f(2)} * M[i] + ${f(9)} * g;
  let vi = ${f(3)} * V[i] + ${f(10)} * g * g;
  M[i] = mi;
  V[i] = vi;
  let denom = sqrt(vi) / sqrt(${f(5)}) + ${f(8)};
  W[i] = p * ${f(7)} - (${f(1)} / ${f(4)}) * (mi / denom);`)}`;
  gpu.dispatch('adam', code, [grad], [param, m, v], [n, f32bits(o.lr), f32bits(o.beta1), f32bits(o.beta2), f32bits(bc1), f32bits(bc2), f32bits(l2), f32bits(decay), f32bits(o.eps),
    // 1 − β from float64: 1 − f32(0.999) is 1.3e-5 off 0.001 (as the wasm kernel takes it).
    f32bits(1 - o.beta1), f32bits(1 - o.beta2)], grid1d(n));
  return true;
}

/** Keys per query row the workgroup-memory score buffer holds; longer rows use the composite. */
const MAX_KEYS = 2048;
const AWG = 64;

export function attention(gpu: Gpu, { q, k, v, out, mask }: FusedOps['attention']['views'], { scale, causal }: AttentionArgs): boolean {
  if (![q, k, v, out].every((t) => t.dtype === 'float32' && t.shape.length === 3)) return false;
  const [B, L, E] = q.shape as [number, number, number];
  const [S, Ev] = [k.shape[1]!, v.shape[2]!];
  if (k.shape[0] !== B || v.shape[0] !== B || k.shape[2] !== E || v.shape[1] !== S) return false;
  if (out.storage.size !== B * L * Ev || S === 0 || S > MAX_KEYS) return false;
  let kind = 0;
  let maskBatch = 0;
  if (mask) {
    if (mask.dtype === 'bool') kind = 1;
    else if (mask.dtype === 'float32') kind = 2;
    else return false;
    const n = mask.storage.size;
    if (n === B * L * S) maskBatch = L * S;
    else if (n !== L * S) return false;
  }
  if (B * L === 0 || Ev === 0) return true;
  const mt = kind === 2 ? 'f32' : 'i32';
  const maskRead = kind === 0 ? '' : kind === 1 ? '    if (Mk[mo + s] == 0) { sc = -ax_inf(); }' : '    sc = sc + Mk[mo + s];';
  const code = () => `${bindings([['Q', 'array<f32>', false], ['K', 'array<f32>', false], ['Vv', 'array<f32>', false], ['Mk', `array<${mt}>`, false], ['O', 'array<f32>', true]])}

var<workgroup> sc_: array<f32, ${MAX_KEYS}>;
var<workgroup> red: array<f32, ${AWG}>;
@compute @workgroup_size(${AWG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  let live = row < u32(P[0]);
  let L = u32(P[1]); let S = u32(P[2]); let E = u32(P[3]); let Ev = u32(P[4]);
  let b = row / max(L, 1u);
  let qi = row % max(L, 1u);
  let scale = bitcast<f32>(P[5]);
  let causal = P[6] != 0;
  let mo = b * u32(P[7]) + qi * S;
  var mx = -ax_inf();
  var anyNan = false;
  for (var s = lid.x; s < S && live; s += ${AWG}u) {
    var dot = 0.0f;
    for (var e = 0u; e < E; e++) { dot = dot + Q[row * E + e] * K[(b * S + s) * E + e]; }
    var sc = dot * scale;
${maskRead}
    if (causal && s > qi) { sc = -ax_inf(); }
    sc_[s] = sc;
    if (ax_isnan(sc)) { anyNan = true; }
    if (sc > mx) { mx = sc; }
  }
  red[lid.x] = select(mx, ax_nan(), anyNan);
  workgroupBarrier();
  for (var w = ${AWG / 2}u; w > 0u; w = w >> 1u) {
    if (lid.x < w) {
      let a = red[lid.x]; let c = red[lid.x + w];
      red[lid.x] = select(select(a, c, c > a), ax_nan(), ax_isnan(a) || ax_isnan(c));
    }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier();
  var part = 0.0f;
  for (var s = lid.x; s < S && live; s += ${AWG}u) {
    let p = select(ax_exp(sc_[s] - m), 0.0f, ax_isinf(m));
    sc_[s] = p;
    part = part + p;
  }
  red[lid.x] = part;
  workgroupBarrier();
  for (var w = ${AWG / 2}u; w > 0u; w = w >> 1u) {
    if (lid.x < w) { red[lid.x] = red[lid.x] + red[lid.x + w]; }
    workgroupBarrier();
  }
  let l = red[0];
  let bad = ax_isnan(m) || ax_isinf(m) || l == 0.0f;
  for (var e = lid.x; e < Ev && live; e += ${AWG}u) {
    var acc = 0.0f;
    for (var s = 0u; s < S; s++) { acc = acc + sc_[s] * Vv[(b * S + s) * Ev + e]; }
    O[row * Ev + e] = select(acc / l, ax_nan(), bad);
  }
}`;
  const maskView = mask ?? q; // bound but unread without a mask
  gpu.dispatch(`attention:${kind}`, code, [q, k, v, maskView], [out], [B * L, L, S, E, Ev, f32bits(scale), causal ? 1 : 0, maskBatch], grid(B * L));
  return true;
}
void grid1d;
