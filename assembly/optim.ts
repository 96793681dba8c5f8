// Fused optimizer updates over a range [e0,e1) of one f32 parameter, in place: one pass reads
// p, g, m, v and writes p, m, v (the composed version makes ~12 passes and as many temporaries).

/**
 * Adam / AdamW step. `l2` adds wd·p to the gradient (Adam's weight decay); `decay` multiplies p
 * by (1 − lr·wd) first (AdamW). bc1 = 1 − β1^t and bc2 = 1 − β2^t are the bias corrections.
 */
export function adamF32(p: usize, g: usize, m: usize, v: usize, e0: i32, e1: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32, l2: f32, decay: f32): void {
  const b1 = f32x4.splat(beta1); const c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2); const c2 = f32x4.splat(1 - beta2);
  const stepSize = f32x4.splat(lr / bc1);
  const sqrtBc2 = f32x4.splat(Mathf.sqrt(bc2));
  const ep = f32x4.splat(eps);
  const wd = f32x4.splat(l2);
  const keep = f32x4.splat(decay);
  let i = e0;
  for (; i + 4 <= e1; i += 4) {
    const off = <usize>i << 2;
    let pv = v128.load(p + off);
    const gv = f32x4.add(v128.load(g + off), f32x4.mul(wd, pv));
    pv = f32x4.mul(pv, keep);
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + off)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + off)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), sqrtBc2), ep);
    v128.store(m + off, mv);
    v128.store(v + off, vv);
    v128.store(p + off, f32x4.sub(pv, f32x4.mul(stepSize, f32x4.div(mv, denom))));
  }
  for (; i < e1; i++) {
    const off = <usize>i << 2;
    let pv = load<f32>(p + off);
    const gv = load<f32>(g + off) + l2 * pv;
    pv *= decay;
    const mv = beta1 * load<f32>(m + off) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + off) + (1 - beta2) * gv * gv;
    store<f32>(m + off, mv);
    store<f32>(v + off, vv);
    store<f32>(p + off, pv - (lr / bc1) * (mv / (Mathf.sqrt(vv) / Mathf.sqrt(bc2) + eps)));
  }
}
