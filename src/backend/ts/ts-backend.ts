// The `ts` reference backend: storages are typed arrays the garbage collector owns.
import type { Backend, Storage, TensorView } from '../backend.js';
import { assertLive } from '../backend.js';
import { allocArray, bytesPerElement, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import { KERNELS, type Kernel, type KView } from './kernels.js';

interface Counted { readonly bytes: number; settled: boolean }

export class TsBackend implements Backend {
  readonly name: string = 'ts';
  private bytes = 0;
  private count = 0;
  // Counts storages the GC has reclaimed, so memory() stays truthful without user calls. Each
  // storage's count is settled once: by free(), a collector (tensor/collected.ts) or the registry.
  private readonly reclaimed = new FinalizationRegistry<Counted>((c) => this.settle(c));
  private readonly counted = new WeakMap<Storage, Counted>();

  alloc(dtype: DType, size: number): Storage {
    const s: Storage = { backend: this, dtype, size, handle: allocArray(dtype, size), released: false };
    const c: Counted = { bytes: size * bytesPerElement(dtype), settled: false };
    this.bytes += c.bytes;
    this.count++;
    this.counted.set(s, c);
    this.reclaimed.register(s, c, c); // the count is the token: a collector can unregister it
    return s;
  }

  collector(storage: Storage): () => void {
    const c = this.counted.get(storage);
    return () => { if (c) { this.reclaimed.unregister(c); this.settle(c); } };
  }

  private settle(c: Counted): void {
    if (c.settled) return;
    c.settled = true;
    this.bytes -= c.bytes;
    this.count--;
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
    const c = this.counted.get(storage);
    if (c) { this.reclaimed.unregister(c); this.settle(c); }
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
