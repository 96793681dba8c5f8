// In-place writes into an existing tensor's memory, for optimizer updates and loading weights.
// Only for leaves outside the tape: the autograd graph never sees these writes.
import { ShapeError } from '../errors.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { bumpVersion } from '../tensor/version.js';

/** Copy `src`'s values into `dst`'s storage (same shape; converted to dst's dtype); bumps dst's version. Returns dst. */
export function assign(dst: Tensor, src: Tensor): Tensor {
  if (!shapesEqual(dst.shape, src.shape)) {
    throw new ShapeError('assign', `can not copy a tensor of shape ${shapeStr(src.shape)} into one of shape ${shapeStr(dst.shape)}`);
  }
  if (dst.numel === 0) return dst;
  bumpVersion(dst);
  if (src.storage.backend === dst.storage.backend) {
    dst.storage.backend.run('cast', [src], dst, { dtype: dst.dtype });
  } else {
    dst.storage.backend.write(dst.storage, src.data());
  }
  return dst;
}
