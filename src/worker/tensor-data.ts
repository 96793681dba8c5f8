// Tensors to and from plain data for messages between threads.
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorData } from './messages.js';

export const toData = (t: Tensor): TensorData => ({ dtype: t.dtype, shape: [...t.shape], data: t.data() });

export const fromData = (d: TensorData): Tensor => fromArray(d.data, d.shape, d.dtype);
