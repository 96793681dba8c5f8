// The `wasm` backend: storages live in one WebAssembly.Memory (shared with the worker threads),
// handed out by the size-class allocator. Hot float32 primitives run as SIMD kernels (fast-paths.ts);
// every other primitive runs the reference kernel on typed-array views of the same memory (no
// copies), so the whole op set works here. Library scopes free intermediates; storages the garbage
// collector reclaims without a free are returned too (FinalizationRegistry).
import { AxonError, UseAfterFreeError } from '../../errors.js';
import type { AttentionArgs, Backend, NearRowsRequest, Storage, TensorView } from '../backend.js';
import type { BoostRequest, Forest } from '../../doctor/gbt.js';
import type { LeakNearestRequest } from '../../doctor/leakage.js';
import { assertLive } from '../backend.js';
import { bytesPerElement, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { KernelOp, PrimAttrs } from '../../ops/prims.js';
import { KERNELS, type Kernel, type KView } from '../ts/kernels.js';
import { Allocator, type Block } from './allocator.js';
import { canBlock } from './env.js';
import { runFast, type Engine } from './fast-paths.js';
import { attentionPath } from './paths-attention.js';
import { loadModuleSync, newMemory, type KernelExports, type LoadedModule, type Variant } from './loader.js';
import { ThreadPool } from './pool.js';
import { MAX_CHUNKS, type ParallelFn } from './protocol.js';
import { getNumThreads } from './threads.js';


/** Hyper-parameters of one fused Adam/AdamW step (see Backend.adamUpdate). */
export interface AdamArgs {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  /** AdamW: decay the weights directly instead of adding wd·p to the gradient. */
  decoupled: boolean;
  /** 1-based step number (for the bias corrections). */
  step: number;
}

interface OpProfile { calls: number; ms: number }

/** Hyper-parameters of one fused SGD step. */
export interface SgdArgs { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; first: boolean }

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
    this.pool = loaded.shared && canBlock() ? new ThreadPool(loaded.module, this.wasmMemory, this.ex, (t) => this.scratch(t)) : null;
  }

  // ---- storages ----

  alloc(dtype: DType, size: number): Storage {
    const bytes = size * bytesPerElement(dtype);
    const block = this.allocator.alloc(bytes);
    const s: Storage = { backend: this, dtype, size, handle: block, released: false };
    this.bytes += bytes;
    this.count++;
    this.reclaimer.register(s, block, s);
    return s;
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

  /** A view into wasm memory when it is shared (a shared buffer is never detached by memory.grow), else null. */
  peek(storage: Storage): TypedArray | null {
    if (typeof SharedArrayBuffer === 'undefined' || !(this.wasmMemory.buffer instanceof SharedArrayBuffer)) return null;
    const b = this.live('peek', storage);
    this.clean(b);
    return this.view(storage.dtype, b.ptr, storage.size);
  }

  free(storage: Storage): void {
    if (storage.released) return;
    storage.released = true;
    this.reclaimer.unregister(storage);
    if (this.allocator.release(storage.handle as Block)) {
      this.bytes -= (storage.handle as Block).bytes;
      this.count--;
    }
  }

  /** Live bytes and storages; `heapBytes` is the linear memory the allocator has touched. */
  memory(): { bytes: number; storages: number; heapBytes: number; reclaimedByGc: number } {
    return { bytes: this.bytes, storages: this.count, heapBytes: this.allocator.highWater, reclaimedByGc: this.reclaimedByGc };
  }

  /** Called by the FinalizationRegistry for storages collected without free(). */
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
      new Uint8Array(this.buf(), b.ptr, b.bytes).fill(0);
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
    const key = `${op}:${fast ? 'wasm' : 'reference'}`;
    const e = this.profile!.get(key) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += performance.now() - t0;
    this.profile!.set(key, e);
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

  /** Fused Adam/AdamW over float32 param/grad/m/v of one size, in place; false if not applicable. */
  adamUpdate(param: TensorView, grad: TensorView, m: TensorView, v: TensorView, o: AdamArgs): boolean {
    const all = [param, grad, m, v];
    if (!all.every((t) => t.dtype === 'float32' && t.storage.size === param.storage.size)) return false;
    for (const t of all) this.clean(this.live('adamUpdate', t.storage));
    const [pp, pg, pm, pv] = all.map((t) => this.ptr(t)) as [number, number, number, number];
    const bc1 = 1 - o.beta1 ** o.step;
    const bc2 = 1 - o.beta2 ** o.step;
    const l2 = o.decoupled ? 0 : o.weightDecay;
    const decay = o.decoupled ? 1 - o.lr * o.weightDecay : 1;
    this.parallel('adamF32', param.storage.size, 16, 65536, [pp, pg, pm, pv, 0, 0, o.lr, o.beta1, o.beta2, o.eps, bc1, bc2, l2, decay], 4);
    return true;
  }

  /** Fused SGD (momentum, dampening, Nesterov, L2) over float32 tensors, in place; false if not applicable. */
  sgdUpdate(param: TensorView, grad: TensorView, buf: TensorView | null, o: SgdArgs): boolean {
    const all = buf ? [param, grad, buf] : [param, grad];
    if (!all.every((t) => t.dtype === 'float32' && t.storage.size === param.storage.size)) return false;
    if (o.momentum !== 0 && buf === null) return false;
    for (const t of all) this.clean(this.live('sgdUpdate', t.storage));
    const pp = this.ptr(param); const pg = this.ptr(grad); const pb = buf ? this.ptr(buf) : 0;
    this.parallel('sgdF32', param.storage.size, 16, 65536, [pp, pg, pb, 0, 0, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov ? 1 : 0, o.first ? 1 : 0], 3);
    return true;
  }

  /** Fused float32 attention forward (see Backend.attention); false if not applicable. */
  attention(q: TensorView, k: TensorView, v: TensorView, out: TensorView, args: AttentionArgs): boolean {
    const ins = args.mask ? [q, k, v, args.mask] : [q, k, v];
    for (const t of ins) this.clean(this.live('attention', t.storage));
    const ob = this.live('attention', out.storage);
    if (!attentionPath(this, q, k, v, out, args)) return false;
    ob.dirty = false; // the kernel writes every output row
    return true;
  }

  /** The doctor's near-duplicate search on float32 rows in this memory (assembly/near-rows.ts); null otherwise. */
  nearRows(r: NearRowsRequest): Uint8Array | null {
    const { n, m, d } = r;
    if (r.train.backend !== this || r.other.backend !== this || r.train.dtype !== 'float32' || r.other.dtype !== 'float32') return null;
    if (r.train.size !== n * d || r.other.size !== m * d || r.order.length > d || r.inv.length !== d) return null;
    const tb = this.live('nearRows', r.train), ob = this.live('nearRows', r.other);
    this.clean(tb);
    this.clean(ob);
    const k = r.tables * r.bits;
    let cap = 16;
    while (cap < 2 * n) cap *= 2; // hash tables at most half full
    const sizes = [n * k * 4, m * k * 4, k * 8, r.order.length * 4, d * 8, m, m, this.ex.nearRowsScratchBytes(n, r.tables, cap)];
    const blocks = sizes.map((b) => this.allocator.alloc(Math.max(8, b)));
    try {
      const [pT, pO, off, ord, inv, skip, hit, scratch] = blocks.map((b) => b.ptr) as [number, number, number, number, number, number, number, number];
      const buf = this.buf(); // after every allocation (memory may have grown)
      new Float32Array(buf, pT, n * k).set(r.pTrain);
      new Float32Array(buf, pO, m * k).set(r.pOther);
      new Float64Array(buf, off, k).set(r.offsets);
      new Int32Array(buf, ord, r.order.length).set(r.order);
      new Float64Array(buf, inv, d).set(r.inv);
      new Uint8Array(buf, skip, m).set(r.skip);
      this.ex.nearRowsF32(tb.ptr, ob.ptr, n, m, d, pT, pO, k, r.tables, r.bits, r.invWidth, off, ord, r.order.length, inv, r.limit, r.maxChecks, skip, hit, cap, scratch);
      return new Uint8Array(this.buf(), hit, m).slice();
    } finally {
      for (const b of blocks) this.allocator.release(b);
    }
  }

  /**
   * Run `fn` on copies of host arrays in linear memory: `arrays` are copied in, `bytes` more
   * blocks are allocated as they are (outputs, scratch); fn gets every block's address, in that
   * order, and the blocks are released after it.
   */
  private withHostBlocks<T>(arrays: readonly ArrayBufferView[], bytes: readonly number[], fn: (ptrs: number[]) => T): T {
    // An array that is already a view of this memory (Backend.peek's) is read in place.
    const mem = this.buf();
    const inPlace = arrays.map((a) => a.buffer === mem && a.byteOffset % 8 === 0);
    const blocks = [...arrays.map((a, i) => (inPlace[i] ? 0 : a.byteLength)), ...bytes].map((b) => this.allocator.alloc(Math.max(16, b)));
    try {
      const buf = this.buf(); // after every allocation (memory may have grown)
      arrays.forEach((a, i) => { if (!inPlace[i]) new Uint8Array(buf, blocks[i]!.ptr, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); });
      return fn(blocks.map((b, i) => (i < arrays.length && inPlace[i] ? arrays[i]!.byteOffset : b.ptr)));
    } finally {
      for (const b of blocks) this.allocator.release(b);
    }
  }

  leakNearest(r: LeakNearestRequest): Int32Array {
    const nt = r.tr.length, nh = r.he.length, nc = r.cols.length;
    return this.withHostBlocks([r.train, r.held, r.tr, r.he, r.labT, r.labH, r.cols], [nc * 4, this.ex.leakNearestScratchBytes(nt + nh)],
      ([train, held, tr, he, labT, labH, cols, right, scratch]) => {
        this.ex.leakNearestF32(train!, held!, r.d, tr!, nt, he!, nh, labT!, labH!, cols!, nc, right!, scratch!);
        return new Int32Array(this.buf(), right!, nc).slice();
      });
  }

  projectRows(x: Storage, n: number, d: number, a: number, w: number, r: Float32Array, k: number): { p: Float32Array; keys: Int32Array } | null {
    if (x.backend !== this || x.dtype !== 'float32' || x.size !== n * d || a < 0 || w < 0 || a + w > d || r.length !== w * k) return null;
    const xb = this.live('projectRows', x);
    this.clean(xb);
    return this.withHostBlocks([r], [n * k * 4, n * 4], ([rp, out, keys]) => {
      this.ex.projectRowsF32(xb.ptr, n, d, a, w, rp!, k, out!, keys!);
      const buf = this.buf();
      return { p: new Float32Array(buf, out!, n * k).slice(), keys: new Int32Array(buf, keys!, n).slice() };
    });
  }

  columnStats(x: Storage, n: number, d: number, rows: number): { lo: Float32Array; hi: Float32Array; sum: Float64Array; sq: Float64Array } | null {
    if (x.backend !== this || x.dtype !== 'float32' || x.size !== n * d || n < 1 || d < 1) return null;
    const xb = this.live('columnStats', x);
    this.clean(xb);
    return this.withHostBlocks([], [d * 4, d * 4, d * 8, d * 8], ([lo, hi, sum, sq]) => {
      this.ex.columnStatsF32(xb.ptr, n, d, rows, lo!, hi!, sum!, sq!);
      const buf = this.buf();
      return { lo: new Float32Array(buf, lo!, d).slice(), hi: new Float32Array(buf, hi!, d).slice(), sum: new Float64Array(buf, sum!, d).slice(), sq: new Float64Array(buf, sq!, d).slice() };
    });
  }

  boostTrees(r: BoostRequest): Forest {
    const nodes = 2 ** (r.depth + 1);
    const trees = r.rounds * r.T;
    const size = trees * nodes;
    const targets = r.loss === 'squared' ? Float64Array.from(r.values!) : Int32Array.from(r.labels!);
    return this.withHostBlocks([r.X, targets, Float64Array.from(r.init)],
      [size * 4, size * 4, size * 4, size * 4, size * 8, this.ex.boostScratchBytes(r.n, r.d, r.T, r.depth, r.bins)],
      ([X, t, init, feature, bin, left, right, value, scratch]) => {
        const loss = r.loss === 'squared' ? 0 : r.loss === 'logistic' ? 1 : 2;
        this.ex.boostU8(X!, r.n, r.d, loss, r.T, t!, t!, init!, r.rounds, r.depth, r.learningRate, r.lambda, r.minChildWeight, r.bins,
          feature!, bin!, left!, right!, value!, scratch!);
        const buf = this.buf();
        return {
          trees, T: r.T, nodes, init: Float64Array.from(r.init),
          feature: new Int32Array(buf, feature!, size).slice(), bin: new Int32Array(buf, bin!, size).slice(),
          left: new Int32Array(buf, left!, size).slice(), right: new Int32Array(buf, right!, size).slice(),
          value: new Float64Array(buf, value!, size).slice(),
        };
      });
  }

  forestScores(f: Forest, X: Uint8Array, m: number, d: number): Float64Array {
    return this.withHostBlocks([X, f.feature, f.bin, f.left, f.right, f.value, f.init], [m * f.T * 8], ([x, feature, bin, left, right, value, init, out]) => {
      this.ex.forestScoresU8(x!, m, d, f.trees, f.T, f.nodes, feature!, bin!, left!, right!, value!, init!, out!);
      return new Float64Array(this.buf(), out!, m * f.T).slice();
    });
  }

  softmaxRegression(X: Float32Array, labels: Int32Array, n: number, D: number, K: number, W: Float64Array): { f: number; g: Float64Array } {
    return this.withHostBlocks([X, labels, W], [D * K * 8, K * 8], ([x, l, w, g, z]) => {
      const f = this.ex.softmaxRegressionF32(x!, l!, n, D, K, w!, g!, z!);
      return { f, g: new Float64Array(this.buf(), g!, D * K).slice() };
    });
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

  copyBytes(dst: number, src: number, bytes: number): void {
    if (bytes > 0 && dst !== src) new Uint8Array(this.buf()).copyWithin(dst, src, src + bytes);
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

  parallel(fn: ParallelFn, total: number, align: number, minPart: number, args: number[], range: number, scratch = -1): void {
    if (total <= 0) return;
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
