// A readable, PyTorch-like printout of a tensor: nested brackets, aligned numbers, elided middles.
import type { Tensor } from './tensor.js';
import { numelOf } from './shape.js';

const EDGE = 3; // items shown at each end of a long dim
const MAX_FULL = 1000; // tensors above this many elements are elided

function fmtNumber(v: number, dtype: string, fixed: boolean): string {
  if (dtype === 'bool') return v !== 0 ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  return fixed ? v.toFixed(4) : v.toExponential(4);
}

export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<released>, shape=[${t.shape.join(',')}], dtype=${t.dtype})`;
  const d = t.data();
  const elide = numelOf(t.shape) > MAX_FULL;
  let maxAbs = 0;
  for (const v of d) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const fixed = maxAbs === 0 || (maxAbs < 1e5 && maxAbs >= 1e-3);
  const strs = Array.from(d, (v) => fmtNumber(v, t.dtype, fixed));
  const width = Math.max(0, ...strs.map((s) => s.length));
  const build = (dim: number, off: number, indent: string): string => {
    if (t.ndim === 0) return strs[0]!;
    const n = t.shape[dim]!;
    const step = numelOf(t.shape.slice(dim + 1));
    const idx = elide && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    if (dim === t.ndim - 1) {
      return '[' + idx.map((i) => (i < 0 ? '...' : strs[off + i * step]!.padStart(width))).join(', ') + ']';
    }
    const sep = ',' + '\n'.repeat(t.ndim - dim - 1) + indent + ' ';
    return '[' + idx.map((i) => (i < 0 ? '...' : build(dim + 1, off + i * step, indent + ' '))).join(sep) + ']';
  };
  const body = build(0, 0, '       ');
  const extras = [`shape=[${t.shape.join(',')}]`];
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) extras.push(t.node ? `gradFn=${t.node.op}` : 'requiresGrad=true');
  return `tensor(${body}, ${extras.join(', ')})`;
}
