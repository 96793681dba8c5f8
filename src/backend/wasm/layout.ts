// Maps tensor shapes onto the few memory layouts the wasm kernels take: the 2-level broadcast form
// of binary ops and the [outer, n, inner] form of reductions. null means "not expressible": the
// backend then runs the reference kernel instead.
import { broadcastStrides, numelOf, type Shape } from '../../tensor/shape.js';

/** out[o*inner + i] = f(a[o*sao + i*sai], b[o*sbo + i*sbi]) with sai, sbi ∈ {0, 1}. */
export interface BroadcastForm { inner: number; sao: number; sai: number; sbo: number; sbi: number }

/** A broadcast form repeated over an outermost dim: `count` slices, operand steps per slice. */
export interface LoopedForm { form: BroadcastForm; count: number; stepA: number; stepB: number }

/** The 2-level form, or a 2-level form looped over one more (outer) dim; null beyond that. */
export function broadcastLoop(out: Shape, a: Shape, b: Shape): LoopedForm | null {
  const dims = coalesce(out, a, b);
  if (dims.length <= 2) {
    const form = formOf(dims);
    return form && { form, count: 1, stepA: 0, stepB: 0 };
  }
  if (dims.length > 3) return null;
  const form = formOf(dims.slice(0, 2));
  if (form === null) return null;
  const [count, stepA, stepB] = dims[2]!;
  return { form, count, stepA, stepB };
}

/** Dims as [size, strideA, strideB] from the innermost out, size-1 dims dropped, contiguous runs merged. */
function coalesce(out: Shape, a: Shape, b: Shape): [number, number, number][] {
  const sa = broadcastStrides(a, out);
  const sb = broadcastStrides(b, out);
  const dims: [number, number, number][] = [];
  for (let d = out.length - 1; d >= 0; d--) {
    const n = out[d]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && sa[d] === last[1] * last[0] && sb[d] === last[2] * last[0]) last[0] *= n;
    else dims.push([n, sa[d]!, sb[d]!]);
  }
  return dims;
}

function formOf(dims: [number, number, number][]): BroadcastForm | null {
  if (dims.length === 0) return { inner: 1, sao: 0, sai: 0, sbo: 0, sbi: 0 };
  const [n, ia, ib] = dims[0]!;
  if ((ia !== 0 && ia !== 1) || (ib !== 0 && ib !== 1)) return null;
  const outer = dims[1];
  return { inner: n, sao: outer ? outer[1] : 0, sai: ia, sbo: outer ? outer[2] : 0, sbi: ib };
}

export function broadcastForm(out: Shape, a: Shape, b: Shape): BroadcastForm | null {
  const dims = coalesce(out, a, b);
  return dims.length <= 2 ? formOf(dims) : null;
}

/** out[o*inner + i] = f(c[o*sco + i*sci], a[…], b[…]): the 2-level form for three operands. */
export interface WhereForm { inner: number; sco: number; sci: number; sao: number; sai: number; sbo: number; sbi: number }

export function whereForm(out: Shape, c: Shape, a: Shape, b: Shape): WhereForm | null {
  const st = [c, a, b].map((s) => broadcastStrides(s, out));
  const dims: number[][] = []; // [size, strideC, strideA, strideB]
  for (let d = out.length - 1; d >= 0; d--) {
    const n = out[d]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && st.every((s, k) => s[d] === last[k + 1]! * last[0]!)) last[0]! *= n;
    else dims.push([n, st[0]![d]!, st[1]![d]!, st[2]![d]!]);
  }
  if (dims.length > 2) return null;
  const [inner, ic, ia, ib] = dims[0] ?? [1, 0, 0, 0];
  if (![ic, ia, ib].every((s) => s === 0 || s === 1)) return null;
  const outer = dims[1] ?? [1, 0, 0, 0];
  return { inner: inner!, sco: outer[1]!, sci: ic!, sao: outer[2]!, sai: ia!, sbo: outer[3]!, sbi: ib! };
}

/**
 * The reduced dims as the outer and inner axes of [r1, k, r2] with the kept dims adjacent in the
 * middle (a bias gradient: sum over batch and pixels), or null.
 */
export function reduceOuterInnerForm(shape: Shape, dims: readonly number[]): [number, number, number] | null {
  const red = new Set(dims);
  const sizes = [1, 1, 1];
  let phase = 0; // 0 leading reduced, 1 kept, 2 trailing reduced
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d]!;
    if (s === 1) continue;
    const isRed = red.has(d);
    if (phase === 0 && !isRed) phase = 1;
    else if (phase === 1 && isRed) phase = 2;
    else if (phase === 2 && !isRed) return null;
    sizes[phase]! *= s;
  }
  return sizes as [number, number, number];
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

/** [outer, n, inner] around `dim`. */
export function around(shape: Shape, dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim]!, numelOf(shape.slice(dim + 1))];
}
