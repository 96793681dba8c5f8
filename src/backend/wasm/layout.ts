// Maps tensor shapes onto the few memory layouts the wasm kernels take: the 2-level broadcast form
// of binary ops and the [outer, n, inner] form of reductions. null means "not expressible": the
// backend then runs the reference kernel instead.
import { broadcastStrides, type Shape } from '../../tensor/shape.js';

/** out[o*inner + i] = f(a[o*sao + i*sai], b[o*sbo + i*sbi]) with sai, sbi ∈ {0, 1}. */
export interface BroadcastForm { inner: number; sao: number; sai: number; sbo: number; sbi: number }

export function broadcastForm(out: Shape, a: Shape, b: Shape): BroadcastForm | null {
  const sa = broadcastStrides(a, out);
  const sb = broadcastStrides(b, out);
  // Coalesce from the innermost dim outwards: [size, strideA, strideB], size-1 dims dropped.
  const dims: [number, number, number][] = [];
  for (let d = out.length - 1; d >= 0; d--) {
    const n = out[d]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && sa[d] === last[1] * last[0] && sb[d] === last[2] * last[0]) last[0] *= n;
    else dims.push([n, sa[d]!, sb[d]!]);
  }
  if (dims.length === 0) return { inner: 1, sao: 0, sai: 0, sbo: 0, sbi: 0 };
  if (dims.length > 2) return null;
  const [n, ia, ib] = dims[0]!;
  if ((ia !== 0 && ia !== 1) || (ib !== 0 && ib !== 1)) return null;
  const outer = dims[1];
  return { inner: n, sao: outer ? outer[1] : 0, sai: ia, sbo: outer ? outer[2] : 0, sbi: ib };
}

/** The reduced dims as one middle axis of [outer, n, inner], or null if they are not adjacent. */
export function reduceForm(shape: Shape, dims: readonly number[]): [number, number, number] | null {
  const red = new Set(dims);
  // Dims of size 1 do not matter; the others must be: kept…, reduced…, kept….
  let outer = 1; let n = 1; let inner = 1;
  let phase = 0; // 0 before the reduced block, 1 inside, 2 after
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d]!;
    if (s === 1) continue;
    if (red.has(d)) {
      if (phase === 2) return null;
      phase = 1;
      n *= s;
    } else if (phase === 0) outer *= s;
    else { phase = 2; inner *= s; }
  }
  return [outer, n, inner];
}
