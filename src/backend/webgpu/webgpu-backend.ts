// The `webgpu` backend: storages are GPU buffers (float32, int32, and bool as 0/1 in 32 bits) from
// a pool of size classes; every primitive runs as a generated WGSL compute kernel. Kernels are
// recorded into one command encoder and submitted together at the end of the synchronous run that
// issued them (or when a batch fills), so a training step is a few submits. Reads are
// asynchronous only (readAsync); a synchronous read throws SyncReadError naming the async call.
// float64 has no WGSL type: float64 storages stay on the host, and any kernel that would need one
// throws a DTypeError saying how to convert (cast to float32 works).
/// <reference types="@webgpu/types" />
import { AxonError, DTypeError, SyncReadError, ValueError, UseAfterFreeError } from '../../errors.js';
import type { AdamArgs, AttentionArgs, Backend, FusedKernels, FusedOps, Storage, TensorView } from '../backend.js';
import { assertLive } from '../backend.js';
import { bytesPerElement, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { BinaryOp, KernelOp, PrimAttrs, UnaryOp } from '../prims.js';
import { BINARY_OPS, UNARY_OPS } from '../prims.js';
import * as ew from './elementwise.js';
import { argReduce, reduce } from './reduce.js';
import { matmul } from './matmul.js';
import * as mv from './movement.js';
import { fold, maxPoolIndex, unfold } from './window.js';
import { adam, attention } from './fused.js';
import type { Gpu, Operand } from './gpu.js';
import { float64Error, mathFor } from './wgsl.js';
import { lstmCell, lstmCellGrad } from './recurrent.js';
import { lstmSequence, lstmSequenceGrad } from './recurrent-sequence.js';
import { gruSequence, gruSequenceGrad } from './gru-sequence.js';
import { rnnSequence, rnnSequenceGrad } from './rnn-sequence.js';
import { gelu } from './activation.js';
import { layerNorm, layerNormGrad } from './layer-norm.js';
import { softmax, softmaxGrad } from './softmax.js';
import { INDEX_OPS } from './movement.js';

// GPUBufferUsage / GPUMapMode bits (the globals exist in browsers but not in Node without Dawn's).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const STORAGE = 0x80;

interface Block {
  /** The GPU buffer (null for float64, which lives on the host). */
  buf: GPUBuffer | null;
  host: Float64Array | null;
  /** Bytes the storage needs (4 per element) and the size class of its buffer. */
  bytes: number;
  cls: number;
  live: boolean;
  /** A recycled buffer not cleared yet: zero it before the first read. */
  dirty: boolean;
}

/** Size classes: 256 B, then four steps per power of two (waste ≤ 25%). */
function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.floor(Math.log2(bytes)) / 4;
  return Math.ceil(bytes / step) * step;
}

const ARENA_BYTES = 1 << 20;
const PARAM_ALIGN = 256;
const MAX_BATCH = 512;

export class WebGPUBackend implements Backend, Gpu {
  readonly name = 'webgpu';
  readonly syncRead = false;
  private bytes = 0;
  private count = 0;
  private pooledBytes = 0;
  /** Bytes of storage buffers that exist on the GPU (live and pooled). */
  private gpuBytes = 0;
  private readonly pool = new Map<number, GPUBuffer[]>();
  /** Pooled bytes above which freed buffers are destroyed instead of kept. */
  poolLimitBytes = 512 << 20;
  private readonly reclaimer = new FinalizationRegistry<Block>((b) => this.release(b));
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly tables = new WeakMap<Int32Array, GPUBuffer>();
  readonly errors: GPUBuffer;
  private readonly arena: GPUBuffer;
  private readonly arenaData = new Int32Array(ARENA_BYTES / 4);
  private arenaUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private batch = 1;
  /** The batch each buffer was last bound in (a write to it must follow that batch's submit). */
  private readonly lastBatch = new WeakMap<GPUBuffer, number>();
  private flushQueued = false;
  private deviceError: string | null = null;
  private closed = false;

  /**
   * `owners`: the GPU and adapter objects the device came from. Dawn (Node) tears its instance down
   * when the GPU object is garbage-collected, corrupting the live device: the backend keeps them.
   */
  constructor(readonly device: GPUDevice, readonly adapterName: string, private readonly owners: readonly unknown[] = []) {
    this.errors = device.createBuffer({ size: 16, usage: STORAGE | COPY_SRC | COPY_DST });
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: STORAGE | COPY_DST });
    device.addEventListener('uncapturederror', (e) => {
      this.deviceError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
    void device.lost.then((info) => {
      if (!this.closed) this.deviceError ??= `the GPU device was lost (${info.reason}: ${info.message})`;
    });
  }

  // ---- storages ----

  alloc(dtype: DType, size: number): Storage {
    this.checkOpen('alloc');
    const bytes = size * (dtype === 'float64' ? 8 : 4);
    let block: Block;
    if (dtype === 'float64') {
      block = { buf: null, host: new Float64Array(size), bytes, cls: 0, live: true, dirty: false };
    } else {
      const cls = sizeClass(bytes);
      const free = this.pool.get(cls);
      const reused = free?.pop();
      if (reused) this.pooledBytes -= cls;
      if (!reused) this.gpuBytes += cls;
      const buf = reused ?? this.device.createBuffer({ size: cls, usage: STORAGE | COPY_SRC | COPY_DST });
      block = { buf, host: null, bytes, cls, live: true, dirty: reused !== undefined };
    }
    const s: Storage = { backend: this, dtype, size, handle: block, released: false };
    this.bytes += bytes;
    this.count++;
    this.reclaimer.register(s, block, block);
    return s;
  }

  write(storage: Storage, data: ArrayLike<number>): void {
    const b = this.live('write', storage);
    if (data.length !== storage.size) {
      throw new AxonError('write', `expected ${storage.size} values for a storage of that size, got ${data.length}`);
    }
    if (b.host) { b.host.set(data); return; }
    if (storage.size === 0) return;
    const arr = storage.dtype === 'float32' ? Float32Array.from(data) : Int32Array.from(data, (v) => (storage.dtype === 'bool' ? (v ? 1 : 0) : v));
    // The queue runs writes before the commands still being recorded: flush those first if they use this buffer.
    if (this.lastBatch.get(b.buf!) === this.batch && this.encoder !== null) this.flush();
    this.device.queue.writeBuffer(b.buf!, 0, arr);
    b.dirty = false;
  }

  read(storage: Storage): TypedArray {
    assertLive('read', storage);
    const b = storage.handle as Block;
    if (b.host) return b.host.slice();
    throw new SyncReadError('data', `the webgpu backend keeps tensors in GPU memory, which can not be read synchronously; use the async reads: await t.dataAsync(), await t.toArrayAsync() or await t.itemAsync()`);
  }

  async readAsync(storage: Storage): Promise<TypedArray> {
    const b = this.live('dataAsync', storage);
    if (b.host) return b.host.slice();
    const n = storage.size;
    const bytes = n * 4;
    const staging = this.device.createBuffer({ size: bytes + 16, usage: MAP_READ | COPY_DST });
    const enc = this.commands();
    this.endPass();
    if (b.dirty) { enc.clearBuffer(b.buf!); b.dirty = false; }
    if (bytes > 0) enc.copyBufferToBuffer(b.buf!, 0, staging, 0, bytes);
    enc.copyBufferToBuffer(this.errors, 0, staging, bytes, 16);
    this.flush();
    try {
      await staging.mapAsync(1 /* GPUMapMode.READ */);
    } catch (e) {
      throw new AxonError('dataAsync', `reading GPU memory failed (${this.deviceError ?? (e as Error).message})`);
    }
    const raw = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    this.checkDevice('dataAsync');
    const err = new Int32Array(raw, bytes, 4);
    if (err[0] !== 0) {
      this.device.queue.writeBuffer(this.errors, 0, new Int32Array(4));
      const op = INDEX_OPS[err[0]! - 1] ?? 'index';
      const size = err[2]!;
      throw new ValueError(op, `index ${err[1]} is out of range for dim ${err[3]} of size ${size}; valid indices are ${-size}..${size - 1} (found on the GPU after the op ran, so results computed from it since are invalid)`);
    }
    switch (storage.dtype) {
      case 'float32': return new Float32Array(raw, 0, n).slice();
      case 'int32': return new Int32Array(raw, 0, n).slice();
      default: return Uint8Array.from(new Int32Array(raw, 0, n));
    }
  }

  free(storage: Storage): void {
    if (storage.released) return;
    storage.released = true;
    const b = storage.handle as Block;
    this.reclaimer.unregister(b);
    this.release(b);
  }

  collector(storage: Storage): () => void {
    const b = storage.handle as Block;
    return () => { this.reclaimer.unregister(b); this.release(b); };
  }

  private release(b: Block): void {
    if (!b.live) return;
    b.live = false;
    this.bytes -= b.bytes;
    this.count--;
    if (b.buf === null || this.closed) return;
    if (this.pooledBytes + b.cls > this.poolLimitBytes) {
      b.buf.destroy();
      this.gpuBytes -= b.cls;
    } else {
      let list = this.pool.get(b.cls);
      if (!list) { list = []; this.pool.set(b.cls, list); }
      list.push(b.buf);
      this.pooledBytes += b.cls;
    }
    b.buf = null;
  }

  /**
   * Live bytes and storages (4 bytes per element; float64 8, on the host); `pooledBytes` is freed
   * GPU memory kept for reuse, `gpuBytes` all storage buffers on the GPU (live and pooled, by size class).
   */
  memory(): { bytes: number; storages: number; pooledBytes: number; gpuBytes: number; pipelines: number } {
    return { bytes: this.bytes, storages: this.count, pooledBytes: this.pooledBytes, gpuBytes: this.gpuBytes, pipelines: this.pipelines.size };
  }

  /** Destroy the pooled buffers (live storages keep theirs). */
  trimPool(): void {
    for (const list of this.pool.values()) for (const buf of list) buf.destroy();
    this.pool.clear();
    this.gpuBytes -= this.pooledBytes;
    this.pooledBytes = 0;
  }

  private live(op: string, s: Storage): Block {
    assertLive(op, s);
    const b = s.handle as Block;
    if (!b.live) throw new UseAfterFreeError(op, `the tensor's GPU buffer was already released; keep results you need with keep() or .clone()`);
    this.checkOpen(op);
    return b;
  }

  private checkOpen(op: string): void {
    if (this.closed) throw new AxonError(op, `the webgpu backend was closed (closeBackend('webgpu')); start it again with await setBackend('webgpu') and recreate the tensors`);
  }

  private checkDevice(op: string): void {
    if (this.deviceError !== null) {
      const m = this.deviceError;
      this.deviceError = null;
      throw new AxonError(op, `the GPU reported an error: ${m}`);
    }
  }

  /** Wait until every submitted kernel has finished (and report a GPU error if one happened). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.checkDevice('sync');
  }

  /** Finish the work and release the device (Node can then exit); the backend is unusable after. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.trimPool();
    this.device.destroy();
  }

  // ---- command recording (Gpu) ----

  private commands(): GPUCommandEncoder {
    if (this.encoder === null) {
      this.encoder = this.device.createCommandEncoder();
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => { this.flushQueued = false; this.flush(); });
      }
    }
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass !== null) { this.pass.end(); this.pass = null; }
  }

  /** Submit what was recorded. */
  flush(): void {
    if (this.encoder === null || this.closed) return;
    this.endPass();
    if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.arenaUsed / 4);
    this.device.queue.submit([this.encoder.finish()]);
    for (const t of this.temps) t.destroy();
    this.temps = [];
    this.encoder = null;
    this.arenaUsed = 0;
    this.dispatches = 0;
    this.batch++;
  }

  private layout(reads: number, writes: number): GPUBindGroupLayout {
    const key = `${reads}:${writes}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i <= reads + writes; i++) {
        entries.push({ binding: i, visibility: 4 /* COMPUTE */, buffer: { type: i === 0 || i <= reads ? 'read-only-storage' : 'storage' } });
      }
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, l);
    }
    return l;
  }

  private pipeline(key: string, code: () => string, layout: GPUBindGroupLayout): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const text = code();
      const module = this.device.createShaderModule({ code: `${mathFor(text)}\n${text}` });
      p = this.device.createComputePipeline({ layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private bufferOf(op: Operand, write: boolean): GPUBuffer {
    if (!('storage' in op)) return op;
    if (op.dtype === 'float64') throw float64Error(this.currentOp);
    const b = this.live(this.currentOp, op.storage);
    if (b.dirty) {
      if (write) b.dirty = false; // every kernel writes its whole output
      else { this.endPass(); this.commands().clearBuffer(b.buf!); b.dirty = false; }
    }
    return b.buf!;
  }

  private currentOp = 'run';
  private temps: GPUBuffer[] = [];

  dispatch(key: string, code: () => string, reads: readonly Operand[], writes: readonly Operand[], params: readonly number[], groups: readonly [number, number, number]): void {
    if (groups[0] * groups[1] * groups[2] === 0) return;
    const pbytes = Math.max(16, params.length * 4);
    if (this.arenaUsed + pbytes > ARENA_BYTES || this.dispatches >= MAX_BATCH) this.flush();
    const wbufs = writes.map((w) => this.bufferOf(w, true));
    const rbufs = reads.map((r) => {
      const buf = this.bufferOf(r, false);
      if (!wbufs.includes(buf)) return buf;
      // A buffer may not be bound for reading and writing at once: read a copy.
      const tmp = this.device.createBuffer({ size: buf.size, usage: STORAGE | COPY_DST });
      this.endPass();
      this.commands().copyBufferToBuffer(buf, 0, tmp, 0, buf.size);
      this.temps.push(tmp); // destroyed once the batch that reads it is submitted
      return tmp;
    });
    const layout = this.layout(reads.length, writes.length);
    const pipeline = this.pipeline(key, code, layout);
    const off = this.arenaUsed;
    this.arenaData.set(params, off / 4);
    this.arenaUsed += Math.ceil(pbytes / PARAM_ALIGN) * PARAM_ALIGN;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: off, size: pbytes } }];
    [...rbufs, ...wbufs].forEach((buffer, i) => {
      entries.push({ binding: i + 1, resource: { buffer } });
      this.lastBatch.set(buffer, this.batch);
    });
    const group = this.device.createBindGroup({ layout, entries });
    const enc = this.commands();
    if (this.pass === null) this.pass = enc.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.dispatches++;
  }

  copy(src: TensorView, dst: TensorView, elements: number, srcOffset = 0, dstOffset = 0): void {
    if (elements <= 0) return;
    const s = this.bufferOf(src, false);
    const d = this.bufferOf(dst, elements === dst.storage.size);
    if (s === d && srcOffset === dstOffset) return;
    this.endPass();
    this.commands().copyBufferToBuffer(s, srcOffset * 4, d, dstOffset * 4, elements * 4);
    this.lastBatch.set(s, this.batch);
    this.lastBatch.set(d, this.batch);
  }

  temp(dtype: DType, size: number): TensorView {
    return { storage: this.alloc(dtype, size), shape: [size], dtype };
  }

  releaseTemp(view: TensorView): void {
    this.free(view.storage); // commands recorded before a reuse still see this buffer's contents: the queue keeps order
  }

  table(data: Int32Array): GPUBuffer {
    let b = this.tables.get(data);
    if (!b) {
      b = this.device.createBuffer({ size: Math.max(16, data.byteLength), usage: STORAGE | COPY_DST });
      if (data.length > 0) this.device.queue.writeBuffer(b, 0, data as Int32Array<ArrayBuffer>);
      this.tables.set(data, b);
    }
    return b;
  }

  // ---- kernels ----

  run<K extends KernelOp>(op: K, inputs: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): void {
    this.currentOp = op;
    for (const t of inputs) {
      const b = this.live(op, t.storage);
      if (b.dirty) { this.endPass(); this.commands().clearBuffer(b.buf!); b.dirty = false; }
    }
    this.live(op, out.storage);
    if (out.storage.size === 0) return;
    if (op === 'cast' && inputs[0]!.dtype === 'float64') { this.castFromHost(inputs[0]!, out); return; }
    if (out.dtype === 'float64' || inputs.some((t) => t.dtype === 'float64')) throw float64Error(op);
    const a = attrs as PrimAttrs[KernelOp];
    const [x, y, z] = inputs as [TensorView, TensorView, TensorView];
    if ((UNARY_OPS as readonly string[]).includes(op)) { ew.unary(this, op as UnaryOp, x, out); return; }
    if ((BINARY_OPS as readonly string[]).includes(op)) { ew.binary(this, op as BinaryOp, x, y, out); return; }
    switch (op) {
      case 'where': ew.where(this, x, y, z, out); return;
      case 'cast': ew.cast(this, x, out); return;
      case 'sum': case 'prod': case 'max': case 'min': reduce(this, op, x, out, (a as PrimAttrs['sum']).dims); return;
      case 'argmax': case 'argmin': argReduce(this, op, x, out, (a as PrimAttrs['argmax']).dim); return;
      case 'matmul': matmul(this, x, y, out, a as PrimAttrs['matmul']); return;
      case 'unfold': unfold(this, x, out, a as PrimAttrs['unfold']); return;
      case 'fold': fold(this, x, out, a as PrimAttrs['fold']); return;
      case 'maxPoolIndex': maxPoolIndex(this, x, out, a as PrimAttrs['maxPoolIndex']); return;
      case 'lstmCell': lstmCell(this, x, y, out); return;
      case 'lstmCellGrad': lstmCellGrad(this, x, y, z, out); return;
      case 'lstmSequence': lstmSequence(this, x, y, z, inputs[3]!, out, a as PrimAttrs['lstmSequence']); return;
      case 'lstmSequenceGrad': lstmSequenceGrad(this, x, y, z, out, a as PrimAttrs['lstmSequenceGrad']); return;
      case 'gruSequence': gruSequence(this, x, y, z, inputs[3]!, out, a as PrimAttrs['gruSequence']); return;
      case 'gruSequenceGrad': gruSequenceGrad(this, x, y, z, out, a as PrimAttrs['gruSequenceGrad']); return;
      case 'rnnSequence': rnnSequence(this, x, y, z, out, a as PrimAttrs['rnnSequence']); return;
      case 'rnnSequenceGrad': rnnSequenceGrad(this, x, y, z, out, a as PrimAttrs['rnnSequenceGrad']); return;
      case 'gelu': gelu(this, x, out, (a as PrimAttrs['gelu']).approximate); return;
      case 'layerNorm': layerNorm(this, x, y, z, out, (a as PrimAttrs['layerNorm']).eps); return;
      case 'layerNormGrad': layerNormGrad(this, x, y, z, out, (a as PrimAttrs['layerNormGrad']).eps); return;
      case 'softmax': softmax(this, x, out, (a as PrimAttrs['softmax']).log); return;
      case 'softmaxGrad': softmaxGrad(this, x, y, out, (a as PrimAttrs['softmaxGrad']).log); return;
      default: mv.movement(this, op, inputs, out, a); return;
    }
  }

  /** float64 (host) → float32/int32/bool on the GPU: convert on the host and upload. */
  private castFromHost(x: TensorView, out: TensorView): void {
    const src = (x.storage.handle as Block).host!;
    if (out.dtype === 'float64') { ((out.storage.handle as Block).host!).set(src); return; }
    const data = out.dtype === 'int32' ? Int32Array.from(src, (v) => Math.trunc(v)) : out.dtype === 'bool' ? Int32Array.from(src, (v) => (v !== 0 ? 1 : 0)) : Float32Array.from(src);
    this.write(out.storage, data);
  }

  // ---- fused kernels (Backend.fused) ----

  readonly fused: FusedKernels = {
    adam: (t, a) => this.fusedRun('adam', [t.param, t.grad, t.m, t.v], () => adam(this, t, a)),
    attention: (t, a) => this.fusedRun('attention', [t.q, t.k, t.v, t.out, ...(t.mask ? [t.mask] : [])], () => attention(this, t, a)),
  };

  private fusedRun(op: string, views: TensorView[], f: () => boolean): boolean {
    if (views.some((v) => v.dtype === 'float64' || v.storage.backend !== this)) return false;
    this.currentOp = op;
    for (const v of views) this.live(op, v.storage);
    return f();
  }
}

export type { AdamArgs, AttentionArgs, FusedOps };
void bytesPerElement;
void DTypeError;

/** Ask the host for a GPU, an adapter and a device; errors say why there is none and how to get one. */
export async function createWebGPUBackend(host: () => Promise<{ gpu: unknown } | { missing: string }>, isNode: boolean): Promise<WebGPUBackend> {
  const got = await host();
  if ('missing' in got) throw new AxonError('setBackend', `webgpu is not available: ${got.missing}`);
  const gpu = got.gpu as GPU;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    const how = isNode
      ? "no GPU adapter was found. On Linux without a GPU, Dawn can run on SwiftShader's Vulkan driver: install Debian's chromium and libvulkan1 (apt-get install chromium libvulkan1) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and XDG_RUNTIME_DIR (e.g. /tmp); with a GPU, install its Vulkan (Linux), D3D12 (Windows) or Metal (macOS) driver"
      : 'the browser found no GPU adapter (WebGPU may be disabled or the GPU blocklisted: see chrome://gpu, or start Chromium with --enable-unsafe-webgpu)';
    throw new AxonError('setBackend', `webgpu is not available: ${how}`);
  }
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(8, lim.maxStorageBuffersPerShaderStage),
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
    },
  });
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
  return new WebGPUBackend(device, name, [gpu, adapter]);
}
