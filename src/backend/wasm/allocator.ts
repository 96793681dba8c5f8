// The allocator of the wasm backend's linear memory: blocks are rounded up to size classes (16-byte
// steps up to 256 B, then four classes per power of two, ≤ 25% slack) and recycled through one free
// list per class, so a training loop that makes the same shapes every step reuses the same blocks
// and memory stays flat. New blocks come from a bump pointer; the memory grows when it runs out
// (WebAssembly memory never shrinks). Every block carries a generation, bumped on free, so a stale
// handle is detected. Blocks are 16-byte aligned (SIMD, Float64Array views).
import { AxonError } from '../../errors.js';

const PAGE = 65536;
const ALIGN = 16;

/** A live allocation. `gen` is the block's generation when it was handed out. */
export interface Block {
  readonly ptr: number;
  readonly bytes: number;
  readonly gen: number;
  /** Recycled memory not yet cleared: zeroed lazily, unless a kernel overwrites it whole first. */
  dirty: boolean;
  /** Registered with the backend's FinalizationRegistry (a scoped storage is not, until it leaves its scopes). */
  watched: boolean;
}

interface Slot { cls: number; gen: number; live: boolean }

/** Round `bytes` up to its size class. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 256) return b;
  const e = Math.floor(Math.log2(b - 1)); // 2^e < b ≤ 2^(e+1)
  const step = 2 ** (e - 2);
  return Math.ceil(b / step) * step;
}

export class Allocator {
  private top: number;
  private readonly slots = new Map<number, Slot>();
  private readonly free = new Map<number, number[]>();

  /** `base` is the first byte the allocator may hand out (below it: nothing, address 0 stays unused). */
  constructor(private readonly memory: WebAssembly.Memory, base = ALIGN) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Bytes of linear memory in use by blocks or free lists (the high-water mark). */
  get highWater(): number { return this.top; }

  alloc(bytes: number): Block {
    const cls = sizeClass(bytes);
    const list = this.free.get(cls);
    let ptr = list !== undefined && list.length > 0 ? list.pop()! : this.fromLarger(cls);
    const reused = ptr >= 0;
    if (!reused) ptr = this.bump(cls);
    let slot = this.slots.get(ptr);
    if (slot === undefined) { slot = { cls, gen: 0, live: true }; this.slots.set(ptr, slot); }
    slot.live = true;
    return { ptr, bytes, gen: slot.gen, dirty: reused, watched: false };
  }

  /** Return a block; false if it was already freed (or its generation is stale). */
  release(b: Block): boolean {
    const slot = this.slots.get(b.ptr);
    if (slot === undefined || !slot.live || slot.gen !== b.gen) return false;
    slot.live = false;
    slot.gen++;
    let list = this.free.get(slot.cls);
    if (list === undefined) { list = []; this.free.set(slot.cls, list); }
    list.push(b.ptr);
    return true;
  }

  /** Whether `b` still owns its memory. */
  isLive(b: Block): boolean {
    const slot = this.slots.get(b.ptr);
    return slot !== undefined && slot.live && slot.gen === b.gen;
  }

  /**
   * Before growing the heap, take a free block of a larger class (at most 2×, so the slack stays
   * bounded): workloads whose shapes vary then reuse memory instead of growing. -1 if none.
   */
  private fromLarger(cls: number): number {
    let best = -1;
    for (const [c, list] of this.free) {
      if (c > cls && c <= 2 * cls && list.length > 0 && (best < 0 || c < best)) best = c;
    }
    return best < 0 ? -1 : this.free.get(best)!.pop()!;
  }

  private bump(cls: number): number {
    const ptr = this.top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least 25% so a growing workload does not grow page by page.
      const need = Math.ceil((end - have) / PAGE);
      const pages = Math.max(need, Math.ceil(have / PAGE / 4));
      try {
        this.memory.grow(pages);
      } catch {
        try { this.memory.grow(need); } catch {
          throw new AxonError('alloc', `WebAssembly memory is full: could not grow from ${have} to ${end} bytes; free tensors you no longer need (run steps inside scope()) or use smaller batches`);
        }
      }
    }
    this.top = end;
    return ptr;
  }
}
