// The `wasm` backend: storages live in one WebAssembly.Memory (shared with the worker threads),
// handed out by the size-class allocator. Hot float32 primitives run as SIMD kernels (fast-paths.ts);
// every other primitive runs the reference kernel on typed-array views of the same memory (no
// copies), so the whole op set works here. Library scopes free intermediates; storages the garbage
// collector reclaims without a free are returned too (FinalizationRegistry).
import { AxonError, UseAfterFreeError } from '../../errors.js';
import type { AdamArgs, AttentionArgs, Backend, FusedKernels, FusedOps, LinearArgs, Storage, TensorView } from '../backend.js';
import { assertLive } from '../backend.js';
import { bytesPerElement, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import { KERNELS, type Kernel, type KView } from '../ts/kernels.js';
import { Allocator, type Block } from './allocator.js';
import type { JobArgs, KernelParam, ParallelJob } from './engine.js';
import { runFast, type Engine } from './fast-paths.js';
import { attentionPath } from './paths-attention.js';
import { linearPath } from './paths-linear.js';
import { KERNEL_LAYOUTS, type KernelExports } from './kernel-exports.generated.js';
import { loadModuleSync, newMemory, type LoadedModule, type Variant } from './loader.js';
import { ThreadPool } from './pool.js';
import { MAX_CHUNKS, type ParallelFn } from './protocol.js';
import { getNumThreads } from './threads.js';


interface OpProfile { calls: number; ms: number }

/**
 * The smallest ε with which the fused Adam kernel stores subnormal moments as zero
 * (assembly/optim.ts): the denominator is then at least ε, and what the flush drops (√v < 1.1e-19)
 * is below an f32 rounding of it. PyTorch's default ε is 1e-8.
 */
const ADAM_FLUSH_MIN_EPS = 1e-10;

export class WasmBackend implements Backend, Engine {
  readonly name = 'wasm';
  readonly variant: Variant;
  readonly wasmMemory: WebAssembly.Memory;
  readonly ex: KernelExports;
  private readonly allocator: Allocator;
  private readonly pool: ThreadPool | null;
  private readonly scratches: number[] = [];
  readonly scratchBytes: number;
  private readonly constants = new Map<Int32Array, Block>();
  private bytes = 0;
  private count = 0;
  private reclaimedByGc = 0;
  private buffer: ArrayBufferLike | null = null;
  private readonly reclaimer = new FinalizationRegistry<Block>((b) => this.reclaim(b));

  constructor(loaded: LoadedModule = loadModuleSync()) {
    this.variant = loaded.variant;
    this.wasmMemory = loaded.instance?.memory ?? newMemory(loaded.shared);
    const instance = loaded.instance?.instance ?? new WebAssembly.Instance(loaded.module, { env: { memory: this.wasmMemory } });
    this.ex = instance.exports as unknown as KernelExports;
    // Never below the module's static data (lookup tables of math functions live there).
    this.allocator = new Allocator(this.wasmMemory, Math.max(1024, Math.ceil(this.ex.heapBase() / 64) * 64));
    this.scratchBytes = this.ex.gemmScratchBytes() + this.ex.reduceScratchBytes();
    this.pool = loaded.shared ? new ThreadPool(loaded.module, this.wasmMemory, this.ex, (t) => this.scratch(t)) : null;
  }

  // ---- storages ----

  alloc(dtype: DType, size: number, scoped = false): Storage {
    const bytes = size * bytesPerElement(dtype);
    const block = this.allocator.alloc(bytes);
    const s: Storage = { backend: this, dtype, size, handle: block, released: false, tracked: false };
    this.bytes += bytes;
    this.count++;
    // A scoped storage is held by its scope, which frees it or calls watch(): no registration yet.
    if (!scoped) this.watch(s);
    return s;
  }

  watch(storage: Storage): void {
    const block = storage.handle as Block;
    if (storage.released || block.watched) return;
    block.watched = true;
    this.reclaimer.register(storage, block, block); // the block is the token: a collector can unregister it
  }

  write(storage: Storage, data: ArrayLike<number>): void {
    const b = this.live('write', storage);
    if (data.length !== storage.size) {
      throw new AxonError('write', `expected ${storage.size} values for a storage of that size, got ${data.length}`);
    }
    this.view(storage.dtype, b.ptr, storage.size).set(data);
    b.dirty = false;
  }

  read(storage: Storage): TypedArray {
    const b = this.live('read', storage);
    this.clean(b);
    return this.view(storage.dtype, b.ptr, storage.size).slice();
  }

  free(storage: Storage): void {
    if (storage.released) return;
    storage.released = true;
    if ((storage.handle as Block).watched) this.reclaimer.unregister(storage.handle as Block);
    if (this.allocator.release(storage.handle as Block)) {
      this.bytes -= (storage.handle as Block).bytes;
      this.count--;
    }
  }

  /** Live bytes and storages; `heapBytes` is the linear memory the allocator has touched. */
  memory(): { bytes: number; storages: number; heapBytes: number; reclaimedByGc: number } {
    return { bytes: this.bytes, storages: this.count, heapBytes: this.allocator.highWater, reclaimedByGc: this.reclaimedByGc };
  }

  collector(storage: Storage): () => void {
    const b = storage.handle as Block; // release() ignores a block already given back (generations)
    return () => { this.reclaimer.unregister(b); this.reclaim(b); };
  }

  /** Called by the FinalizationRegistry (or a collector) for storages collected without free(). */
  private reclaim(b: Block): void {
    if (this.allocator.release(b)) {
      this.bytes -= b.bytes;
      this.count--;
      this.reclaimedByGc++;
    }
  }

  private live(op: string, s: Storage): Block {
    assertLive(op, s);
    const b = s.handle as Block;
    if (!this.allocator.isLive(b)) {
      throw new UseAfterFreeError(op, `the tensor's wasm memory (offset ${b.ptr}) was already released and may hold another tensor now; keep results you need with keep() or .clone()`);
    }
    return b;
  }

  private clean(b: Block): void {
    if (b.dirty) {
      this.ex.zeroFill(b.ptr, b.bytes); // a memset (a Uint8Array fill over shared memory is ~40× slower)
      b.dirty = false;
    }
  }

  private buf(): ArrayBufferLike {
    // After memory.grow the old buffer is detached (or, shared, too short): take the current one.
    const cur = this.buffer;
    if (cur === null || cur.byteLength !== this.wasmMemory.buffer.byteLength) this.buffer = this.wasmMemory.buffer;
    return this.buffer!;
  }

  private view(dtype: DType, ptr: number, size: number): TypedArray {
    const buf = this.buf();
    switch (dtype) {
      case 'float32': return new Float32Array(buf, ptr, size);
      case 'float64': return new Float64Array(buf, ptr, size);
      case 'int32': return new Int32Array(buf, ptr, size);
      case 'bool': return new Uint8Array(buf, ptr, size);
    }
  }

  // ---- kernels ----

  run<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void {
    if (this.profile !== null) { this.profiled(op, inputs, out, attrs); return; }
    this.runKernel(op, inputs, out, attrs);
  }

  /** Per-op counts and time, split by wasm kernel vs reference kernel, while profiling is on. */
  private profile: Map<string, OpProfile> | null = null;

  /** Start collecting a per-op profile (see stopProfile). */
  startProfile(): void { this.profile = new Map(); }

  /** Stop profiling; returns calls and milliseconds per op and path, slowest first. */
  stopProfile(): { op: string; path: 'wasm' | 'reference'; calls: number; ms: number }[] {
    const p = this.profile ?? new Map<string, OpProfile>();
    this.profile = null;
    return [...p.entries()].map(([k, v]) => ({ op: k.split(':')[0]!, path: k.split(':')[1] as 'wasm' | 'reference', calls: v.calls, ms: v.ms }))
      .sort((a, b) => b.ms - a.ms);
  }

  private profiled<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void {
    const t0 = performance.now();
    const fast = this.runKernel(op, inputs, out, attrs);
    this.note(`${op}:${fast ? 'wasm' : 'reference'}`, performance.now() - t0);
  }

  private note(key: string, ms: number): void {
    const e = this.profile!.get(key) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += ms;
    this.profile!.set(key, e);
  }

  /** A fused kernel's call, in the profile as `op:wasm` when it ran (one that does not apply is not counted). */
  private timedFused(op: string, f: () => boolean): boolean {
    const t0 = performance.now();
    const ran = f();
    if (ran) this.note(`${op}:wasm`, performance.now() - t0);
    return ran;
  }

  /** Run one primitive; true if a wasm kernel ran it. */
  private runKernel<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): boolean {
    for (const t of inputs) this.clean(this.live(op, t.storage));
    const ob = this.live(op, out.storage);
    if (runFast(this, op, inputs, out, attrs)) {
      ob.dirty = false; // every wasm kernel writes its whole output
      return true;
    }
    this.clean(ob);
    const kv = (t: TensorView): KView => {
      const b = t.storage.handle as Block;
      return { data: this.view(t.dtype, b.ptr, t.storage.size), shape: t.shape, dtype: t.dtype };
    };
    (KERNELS[op] as Kernel<K>)(inputs.map(kv), kv(out), attrs);
    return false;
  }

  // ---- fused kernels (Backend.fused) ----

  readonly fused: FusedKernels = {
    adam: (t, a) => this.adam(t, a),
    attention: (t, a) => this.attention(t, a),
    linear: (t, a) => (this.profile === null ? this.linear(t, a) : this.timedFused('linear', () => this.linear(t, a))),
  };

  /** Adam/AdamW over float32 param/grad/m/v of one size, in place; false if not applicable. */
  private adam({ param, grad, m, v }: FusedOps['adam']['views'], o: AdamArgs): boolean {
    const all = [param, grad, m, v];
    if (!all.every((t) => t.dtype === 'float32' && t.storage.size === param.storage.size)) return false;
    for (const t of all) this.clean(this.live('adam', t.storage));
    const [pp, pg, pm, pv] = all.map((t) => this.ptr(t)) as [number, number, number, number];
    const bc1 = 1 - o.beta1 ** o.step;
    const bc2 = 1 - o.beta2 ** o.step;
    const l2 = o.decoupled ? 0 : o.weightDecay;
    const decay = o.decoupled ? 1 - o.lr * o.weightDecay : 1;
    this.parallel('adamF32', { total: param.storage.size, align: 16, minPart: 65536, range: ['e0', 'e1'] },
      { p: pp, g: pg, m: pm, v: pv, flush: o.eps >= ADAM_FLUSH_MIN_EPS ? 1 : 0, lr: o.lr, beta1: o.beta1, beta2: o.beta2,
        oneMinusBeta1: 1 - o.beta1, oneMinusBeta2: 1 - o.beta2, eps: o.eps, bc1, bc2, l2, decay });
    return true;
  }

  /** Float32 attention forward; false if not applicable. */
  private attention(views: FusedOps['attention']['views'], args: AttentionArgs): boolean {
    const { q, k, v, out, mask } = views;
    const ins = mask ? [q, k, v, mask] : [q, k, v];
    for (const t of ins) this.clean(this.live('attention', t.storage));
    const ob = this.live('attention', out.storage);
    if (!attentionPath(this, views, args)) return false;
    ob.dirty = false; // the kernel writes every output row
    return true;
  }

  /** Float32 linear forward (GEMM, bias, relu in one call); false if not applicable. */
  private linear(views: FusedOps['linear']['views'], args: LinearArgs): boolean {
    const { x, weight, bias, out } = views;
    this.clean(this.live('linear', x.storage));
    this.clean(this.live('linear', weight.storage));
    if (bias !== null) this.clean(this.live('linear', bias.storage));
    const ob = this.live('linear', out.storage);
    if (!linearPath(this, views, args)) return false;
    ob.dirty = false; // the GEMM writes every output element
    return true;
  }

  // ---- Engine (used by fast-paths.ts) ----

  ptr(v: TensorView): number {
    return (v.storage.handle as Block).ptr;
  }

  private metaBlock: Block | null = null;

  meta(values: readonly number[]): number {
    if (this.metaBlock === null || this.metaBlock.bytes < values.length * 4) {
      if (this.metaBlock) this.allocator.release(this.metaBlock);
      this.metaBlock = this.allocator.alloc(Math.max(1024, values.length * 4));
    }
    new Int32Array(this.buf(), this.metaBlock.ptr, values.length).set(values);
    return this.metaBlock.ptr;
  }

  private sharedBlock: Block | null = null;

  shared(bytes: number): number {
    if (this.sharedBlock === null || this.sharedBlock.bytes < bytes) {
      if (this.sharedBlock) this.allocator.release(this.sharedBlock);
      this.sharedBlock = this.allocator.alloc(Math.max(65536, bytes));
    }
    return this.sharedBlock.ptr;
  }

  temp(bytes: number): { readonly ptr: number; release(): void } {
    const b = this.allocator.alloc(Math.max(16, bytes));
    return { ptr: b.ptr, release: () => { this.allocator.release(b); } };
  }

  copyBytes(dst: number, src: number, bytes: number): void {
    if (bytes > 0 && dst !== src) this.ex.copyBytes(dst, src, bytes); // memory.copy: copyWithin over shared memory is 2–3× slower
  }

  constant(data: Int32Array): number {
    let b = this.constants.get(data);
    if (b === undefined) {
      if (this.constants.size >= 64) {
        const [oldest, ob] = this.constants.entries().next().value!;
        this.constants.delete(oldest);
        this.allocator.release(ob);
      }
      b = this.allocator.alloc(data.byteLength);
      new Int32Array(this.buf(), b.ptr, data.length).set(data);
      this.constants.set(data, b);
    }
    return b.ptr;
  }

  scratch(part: number): number {
    while (this.scratches.length <= part) this.scratches.push(this.allocator.alloc(this.scratchBytes).ptr);
    return this.scratches[part]!;
  }

  /** Threads the next parallel job may use (the caller included). */
  threads(): number {
    const want = getNumThreads();
    if (this.pool === null || want <= 1 || this.pool.isClosed) return 1;
    this.pool.grow(want - 1);
    return 1 + this.pool.readyWorkers(want - 1);
  }

  /** Start the worker threads now and wait (up to timeoutMs) until they are ready; returns the thread count. */
  warmUp(timeoutMs = 10000): number {
    const want = getNumThreads();
    if (this.pool === null || want <= 1) return 1;
    this.pool.grow(want - 1);
    return 1 + this.pool.waitReady(want - 1, timeoutMs);
  }

  /** Worker threads started and ready (the caller not counted). */
  liveWorkers(): number {
    return this.pool === null || this.pool.isClosed ? 0 : this.pool.live();
  }

  /** Start the workers the thread setting asks for without blocking; resolves with the thread count once they are ready (or at the timeout). */
  async warmUpAsync(timeoutMs = 10000): Promise<number> {
    const want = getNumThreads();
    if (this.pool === null || want <= 1) return 1;
    this.pool.grow(want - 1);
    const end = Date.now() + timeoutMs;
    while (this.pool.readyWorkers(want - 1) < want - 1 && Date.now() < end && !this.pool.isClosed) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return 1 + this.pool.readyWorkers(want - 1);
  }

  parallel<F extends ParallelFn, const R extends readonly [KernelParam<F>, KernelParam<F>]>(fn: F, job: ParallelJob<F, R>, named: JobArgs<F, R>): void {
    const { total, align, minPart } = job;
    if (total <= 0) return;
    const layout = KERNEL_LAYOUTS[fn];
    const args = layout.pack(named);
    const range = layout.index[job.range[0]] ?? -1;
    if (range < 0 || layout.index[job.range[1]] !== range + 1) {
      throw new AxonError('wasm', `${fn}: range [${job.range.join(', ')}] is not two adjacent parameters of the kernel`);
    }
    const scratch = layout.scratch;
    const maxParts = Math.floor(total / Math.max(minPart, 1));
    const threads = maxParts >= 2 ? this.threads() : 1;
    if (threads <= 1) {
      args[range] = 0;
      args[range + 1] = total;
      if (scratch >= 0) args[scratch] = this.scratch(0);
      (this.ex[fn] as (...a: number[]) => void)(...args);
      return;
    }
    // A few chunks per thread, so a thread the OS deschedules costs one chunk, not half the job.
    const chunks = Math.min(maxParts, 4 * threads, MAX_CHUNKS);
    const chunk = Math.ceil(total / chunks / align) * align;
    this.pool!.run({ fn, args, range, scratch, total, chunk }, threads - 1);
  }

  /** Stop the worker threads for good (kernels then run on the calling thread only). */
  close(): void {
    this.pool?.close();
  }
}

