// Indexing by int32 tensors: indexSelect/indexAdd along one dim, gather/scatterAdd, oneHot.
import { DTypeError, ShapeError, SyncReadError, ValueError } from '../errors.js';
import { normalizeDim, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { execute } from './dispatch.js';
import { cast, eq } from './elementwise.js';
import { unsqueeze } from './movement.js';
import { readsSync } from '../tensor/host-read.js';

function assertIndex(op: string, index: Tensor): void {
  if (Array.isArray(index) || ArrayBuffer.isView(index)) {
    throw new DTypeError(op, `index must be an int32 tensor, got a plain array of ${(index as ArrayLike<number>).length} numbers; wrap it: fromArray(idx, [idx.length], 'int32')`);
  }
  if (index.dtype !== 'int32') {
    throw new DTypeError(op, `index must be an int32 tensor, got ${index.dtype}; convert with .int() (class labels and token ids are int32)`);
  }
}

/** Rows (or slices along `dim`) picked by a 1-D int32 `index`; repeats allowed. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  assertIndex('indexSelect', index);
  if (index.ndim > 1) throw new ShapeError('indexSelect', `index must be 1-D (or a scalar), got shape ${shapeStr(index.shape)}; flatten it and reshape the result`);
  const d = normalizeDim('indexSelect', dim, Math.max(1, x.ndim));
  if (x.ndim === 0) throw new ShapeError('indexSelect', 'can not index a scalar tensor');
  const shape = [...x.shape];
  shape[d] = index.numel; // (..., len(index), ...)
  return execute('indexSelect', [x, index], { dim: d }, shape, x.dtype);
}

/** A copy of `x` with `src` slices added at positions `index` along `dim` (repeats accumulate). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  assertIndex('indexAdd', index);
  const d = normalizeDim('indexAdd', dim, x.ndim);
  const want = [...x.shape];
  want[d] = index.numel;
  if (src.ndim !== x.ndim || src.shape.some((s, i) => s !== want[i])) {
    throw new ShapeError('indexAdd', `src has shape ${shapeStr(src.shape)} but must be ${shapeStr(want)} (x ${shapeStr(x.shape)} with dim ${d} sized like index)`);
  }
  return execute('indexAdd', [x, index, cast(src, x.dtype)], { dim: d }, x.shape, x.dtype);
}

function checkGatherShapes(op: string, x: Tensor, index: Tensor, d: number): void {
  if (index.ndim !== x.ndim) {
    throw new ShapeError(op, `index must have as many dims as the input: index ${shapeStr(index.shape)} vs input ${shapeStr(x.shape)}`);
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!) {
      throw new ShapeError(op, `index size ${s} exceeds input size ${x.shape[i]} at dim ${i} (index ${shapeStr(index.shape)}, input ${shapeStr(x.shape)})`);
    }
  });
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertIndex('gather', index);
  const d = normalizeDim('gather', dim, x.ndim);
  checkGatherShapes('gather', x, index, d);
  return execute('gather', [x, index], { dim: d }, index.shape, x.dtype);
}

/** A copy of `x` with out[i][index[i][j][k]][k] += src[i][j][k] (dim = 1); repeats accumulate. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  assertIndex('scatterAdd', index);
  const d = normalizeDim('scatterAdd', dim, x.ndim);
  checkGatherShapes('scatterAdd', x, index, d);
  if (src.ndim !== index.ndim || index.shape.some((s, i) => s > src.shape[i]!)) {
    throw new ShapeError('scatterAdd', `src ${shapeStr(src.shape)} must be at least as large as index ${shapeStr(index.shape)} in every dim`);
  }
  return execute('scatterAdd', [x, index, cast(src, x.dtype)], { dim: d }, x.shape, x.dtype);
}

/** One-hot encoding of int32 class labels: shape [...labels.shape, numClasses], int32. */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  assertIndex('oneHot', labels);
  if (!readsSync(labels)) {
    // Labels read only asynchronously (WebGPU): computed on the device, where a label outside
    // 0..numClasses−1 gives a row of zeros instead of the ValueError below.
    if (numClasses < 0) {
      throw new SyncReadError('oneHot', `numClasses = -1 takes the class count from the largest label, which needs reading the labels on the CPU, and the ${labels.storage.backend.name} backend's memory can only be read asynchronously; pass numClasses`);
    }
    const classes = fromArray(Array.from({ length: numClasses }, (_, k) => k), [numClasses], 'int32', labels.storage.backend);
    return cast(eq(unsqueeze(labels, -1), classes), 'int32'); // (..., 1) == (numClasses) -> (..., numClasses)
  }
  const v = labels.data();
  const n = numClasses < 0 ? Math.max(-1, ...v) + 1 : numClasses;
  const out = new Int32Array(v.length * n);
  v.forEach((c, i) => {
    if (c < 0 || c >= n) throw new ValueError('oneHot', `label ${c} is outside 0..${n - 1}; numClasses must exceed every label`);
    out[i * n + c] = 1;
  });
  return fromArray(out, [...labels.shape, n], 'int32', labels.storage.backend); // (..., numClasses)
}
