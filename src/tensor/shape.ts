// Shapes, strides and broadcasting rules: the one place that knows them.
import { ShapeError, ValueError } from '../errors.js';

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-contiguous) strides of `shape`, in elements. */
export function stridesOf(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i]!;
  }
  return st;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function assertValidShape(op: string, shape: readonly unknown[]): number[] {
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new ValueError(op, `shape ${JSON.stringify(shape)} has an invalid size ${String(s)}; sizes must be non-negative integers`);
    }
  }
  return shape as number[];
}

/**
 * NumPy/PyTorch broadcasting: align shapes on the right; each pair of sizes must be equal or one
 * of them 1. Throws a ShapeError naming `op` and both shapes otherwise.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = nd - s.length + i;
      const a = out[o]!;
      const b = s[i]!;
      if (a === b || b === 1) continue;
      if (a === 1) { out[o] = b; continue; }
      throw new ShapeError(op, `shapes ${shapes.map(shapeStr).join(' and ')} can not be broadcast: size ${a} ≠ ${b} at dim ${o - nd} (counting from the right as -1); make the sizes equal or 1, e.g. with unsqueeze/reshape`);
    }
  }
  return out;
}

/** Strides of `shape` when read as broadcast to `outShape` (0 where broadcast). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const nd = outShape.length;
  const res = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = nd - shape.length + i;
    res[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : st[i]!;
  }
  return res;
}

/** Resolve a possibly negative `dim` against `ndim`; `extra` allows ndim+1 (unsqueeze). */
export function normalizeDim(op: string, dim: number, ndim: number, extra = 0): number {
  const n = ndim + extra;
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim ${dim} is not an integer`);
  const lo = n === 0 ? -1 : -n;
  const hi = n === 0 ? 0 : n - 1;
  if (dim < lo || dim > hi) {
    throw new ShapeError(op, `dim ${dim} is out of range for a tensor with ${ndim} dims (valid: ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(n, 1) : dim;
}

/** Resolve `dim` (number, list, or null/undefined = all dims) to a sorted unique list. */
export function normalizeDims(op: string, dim: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  const out = list.map((d) => (ndim === 0 ? (normalizeDim(op, d, 0), -1) : normalizeDim(op, d, ndim)));
  const uniq = [...new Set(out.filter((d) => d >= 0))].sort((a, b) => a - b);
  if (uniq.length !== out.filter((d) => d >= 0).length) throw new ValueError(op, `dim ${JSON.stringify(dim)} repeats a dimension`);
  return uniq;
}

/** The shape after reducing `dims`: kept as size 1 when keepDim, dropped otherwise. */
export function reducedShape(shape: Shape, dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) { if (keepDim) out.push(1); } else out.push(shape[i]!);
  }
  return out;
}

/** Resolve one -1 in a reshape target against `numel`. */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const numel = numelOf(from);
  let unknown = -1;
  let known = 1;
  to.forEach((s, i) => {
    if (s === -1) {
      if (unknown >= 0) throw new ShapeError(op, `target shape ${shapeStr(to)} has more than one -1`);
      unknown = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(op, `target shape ${shapeStr(to)} has an invalid size ${s}`);
    } else known *= s;
  });
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(op, `can not infer -1 in ${shapeStr(to)} for a tensor of shape ${shapeStr(from)} (${numel} elements)`);
    }
    out[unknown] = numel / known;
  }
  if (numelOf(out) !== numel) {
    throw new ShapeError(op, `can not reshape ${shapeStr(from)} (${numel} elements) to ${shapeStr(to)} (${numelOf(out)} elements); the element counts must match`);
  }
  return out;
}
