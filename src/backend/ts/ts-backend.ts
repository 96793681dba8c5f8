// The `ts` reference backend: storages are typed arrays the garbage collector owns.
import type { Backend, Storage, TensorView } from '../backend.js';
import { assertLive } from '../backend.js';
import { allocArray, bytesPerElement, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import { KERNELS, type Kernel, type KView } from './kernels.js';

export class TsBackend implements Backend {
  readonly name = 'ts';
  private bytes = 0;
  private count = 0;
  // Counts storages the GC has reclaimed, so memory() stays truthful without user calls.
  private readonly reclaimed = new FinalizationRegistry<number>((b) => { this.bytes -= b; this.count--; });

  alloc(dtype: DType, size: number): Storage {
    const s: Storage = { backend: this, dtype, size, handle: allocArray(dtype, size), released: false };
    const b = size * bytesPerElement(dtype);
    this.bytes += b;
    this.count++;
    this.reclaimed.register(s, b, s);
    return s;
  }

  write(storage: Storage, data: ArrayLike<number>): void {
    assertLive('write', storage);
    (storage.handle as TypedArray).set(data);
  }

  read(storage: Storage): TypedArray {
    assertLive('read', storage);
    return (storage.handle as TypedArray).slice();
  }

  free(storage: Storage): void {
    if (storage.released) return;
    storage.released = true;
    this.reclaimed.unregister(storage);
    this.bytes -= storage.size * bytesPerElement(storage.dtype);
    this.count--;
    storage.handle = null;
  }

  run<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void {
    const view = (t: TensorView): KView => {
      assertLive(op, t.storage);
      return { data: t.storage.handle as TypedArray, shape: t.shape, dtype: t.dtype };
    };
    (KERNELS[op] as Kernel<K>)(inputs.map(view), view(out), attrs);
  }

  memory(): { bytes: number; storages: number } {
    return { bytes: this.bytes, storages: this.count };
  }
}
