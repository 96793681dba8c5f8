// The no-gradient fast path of linear(): the backend's fused kernel (FusedOps.linear) computes
// x·Wᵀ + b, and the ReLU that follows it in a Sequential, as one op. At batch 1 the cost of each
// op outside its kernel (dispatch, a Tensor, scope bookkeeping) is most of the latency, and the
// composite is 2–3 ops plus 3 reshaped views. Internal (index.ts does not re-export it): its
// callers are linear() and nn/linear.ts.
import type { Tensor } from '../tensor/tensor.js';
import { numelOf } from '../tensor/shape.js';
import { executeFused } from './dispatch.js';

/**
 * linear(x, weight, bias), then relu when `relu`, by the backend's fused kernel; null when it
 * does not apply (a gradient to record, mixed dtypes, no kernel, or shapes linear() must report),
 * and the caller composes it instead.
 */
export function fusedLinear(x: Tensor, weight: Tensor, bias: Tensor | null, relu: boolean): Tensor | null {
  if (weight.ndim !== 2 || x.ndim === 0 || x.dtype !== weight.dtype) return null;
  const [out, inp] = weight.shape as [number, number];
  if (x.shape[x.ndim - 1] !== inp) return null;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out || bias.dtype !== x.dtype)) return null;
  const lead = x.shape.slice(0, -1);
  const n = numelOf(lead);
  const dtype = x.dtype;
  return executeFused('linear', bias ? [x, weight, bias] : [x, weight], [...lead, out], dtype, (o) => ({ // (..., out)
    x: { storage: x.storage, shape: [n, inp], dtype }, // (N, in)
    weight, bias,
    out: { storage: o.storage, shape: [n, out], dtype }, // (N, out)
  }), { relu });
}
