// The wasm backend's compiled training-doctor kernels (Backend.doctor, see doctor/kernels.ts):
// each copies its host arrays into linear memory (or reads storages and views of this memory in
// place), calls its assembly/ kernel and copies the results out.
import type { Backend, Storage } from '../backend.js';
import { UseAfterFreeError } from '../../errors.js';
import type { KernelColumnStats, DoctorKernels, NearRowsRequest, SoftmaxRegression } from '../../doctor/kernels.js';
import type { BoostRequest, Forest } from '../../doctor/gbt.js';
import type { LeakNearestRequest } from '../../doctor/leakage.js';
import type { Block } from './allocator.js';
import type { KernelExports } from './loader.js';
import type { ParallelFn } from './protocol.js';

/**
 * Rows per call of a kernel that scans many rows. A program's first call of a wasm function runs
 * its baseline-compiled code to the end (V8 does not replace a running wasm call); the engine
 * compiles hot functions again, optimized, in the background, and later calls run that. Scanning
 * in calls of 512 rows lets a long first scan switch (MNIST projections: 7-8 → ~4 ms cold).
 */
const CHUNK_ROWS = 512;

/**
 * Scan rows [0, n) in blocks of CHUNK_ROWS per thread, each block cut among the threads of the
 * backend's pool (rows are independent: the same answers on any number of threads). argsAt(i0)
 * gives the kernel's arguments for the rows from i0 on (its pointers moved there), with the
 * range, relative to i0, at `range` and `range + 1`.
 */
function rowsInParallel(m: WasmMemoryAccess, fn: ParallelFn, n: number, argsAt: (i0: number) => number[], range: number): void {
  const threads = n >= 2 * CHUNK_ROWS ? m.threads() : 1;
  const block = CHUNK_ROWS * threads;
  for (let i0 = 0; i0 < n; i0 += block) m.parallel(fn, Math.min(block, n - i0), 4, CHUNK_ROWS / 2, argsAt(i0), range);
}

/** What the kernels need of the backend: its exports, memory and allocator, and a live storage's address. */
export interface WasmMemoryAccess {
  backend: Backend;
  ex: KernelExports;
  buf(): ArrayBufferLike;
  alloc(bytes: number): Block;
  release(b: Block): boolean;
  /** The address of a live storage's values (zeroed first if recycled). Throws UseAfterFreeError on a freed one. */
  ptr(op: string, s: Storage): number;
  /** Threads a parallel job may use now (the caller included). */
  threads(): number;
  /** Run `fn` over the range [0, total) cut among the threads (WasmBackend.parallel; args[range], args[range + 1] get each part's bounds). */
  parallel(fn: ParallelFn, total: number, align: number, minPart: number, args: number[], range: number): void;
}

export class WasmDoctorKernels implements DoctorKernels {
  constructor(private readonly m: WasmMemoryAccess) {}

  /** The doctor's near-duplicate search on float32 rows in this memory (assembly/near-rows.ts); null otherwise. */
  nearRows(r: NearRowsRequest): Uint8Array | null {
    const { n, m, d } = r;
    if (r.train.backend !== this.m.backend || r.other.backend !== this.m.backend || r.train.dtype !== 'float32' || r.other.dtype !== 'float32') return null;
    if (r.train.size !== n * d || r.other.size !== m * d || r.order.length > d || r.inv.length !== d) return null;
    const tb = this.m.ptr('nearRows', r.train), ob = this.m.ptr('nearRows', r.other);
    const k = r.tables * r.bits;
    let cap = 16;
    while (cap < 2 * n) cap *= 2; // hash tables at most half full
    return this.withHostBlocks([r.pTrain, r.pOther, r.offsets, r.order, r.inv, r.skip], [m, this.m.ex.nearRowsScratchBytes(n, r.tables, cap)],
      ([pT, pO, off, ord, inv, skip, hit, scratch]) => {
        this.m.ex.nearTablesF32(n, pT!, k, r.tables, r.bits, r.invWidth, off!, cap, scratch!);
        // the queries in parallel (the tables are only read), each block's rows from i0 on
        rowsInParallel(this.m, 'nearRowsF32', m, (i0) => [tb, ob + i0 * d * 4, 0, 0, n, d, pO! + i0 * k * 4, k, r.tables, r.bits, r.invWidth, off!, ord!, r.order.length, inv!, r.limit, r.maxChecks, skip! + i0, hit! + i0, cap, scratch!], 2);
        return new Uint8Array(this.m.buf(), hit!, m).slice();
      });
  }

  /**
   * Run `fn` on copies of host arrays in linear memory: `arrays` are copied in, `bytes` more
   * blocks are allocated as they are (outputs, scratch); fn gets every block's address, in that
   * order, and the blocks are released after it.
   */
  private withHostBlocks<T>(arrays: readonly ArrayBufferView[], bytes: readonly number[], fn: (ptrs: number[]) => T): T {
    // An array that is already a view of this memory (Backend.peek's) is read in place.
    const mem = this.m.buf();
    const inPlace = arrays.map((a) => a.buffer === mem && a.byteOffset % 8 === 0);
    const blocks = [...arrays.map((a, i) => (inPlace[i] ? 0 : a.byteLength)), ...bytes].map((b) => this.m.alloc(Math.max(16, b)));
    try {
      const buf = this.m.buf(); // after every allocation (memory may have grown)
      arrays.forEach((a, i) => { if (!inPlace[i]) new Uint8Array(buf, blocks[i]!.ptr, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); });
      return fn(blocks.map((b, i) => (i < arrays.length && inPlace[i] ? arrays[i]!.byteOffset : b.ptr)));
    } finally {
      for (const b of blocks) this.m.release(b);
    }
  }

  leakNearest(r: LeakNearestRequest): Int32Array {
    const nt = r.tr.length, nh = r.he.length, nc = r.cols.length;
    return this.withHostBlocks([r.train, r.held, r.tr, r.he, r.labT, r.labH, r.cols], [nc * 4, this.m.ex.leakNearestScratchBytes(nt + nh)],
      ([train, held, tr, he, labT, labH, cols, right, scratch]) => {
        for (let c = 0; c < nc; c++) this.m.ex.leakNearestF32(train!, held!, r.d, tr!, nt, he!, nh, labT!, labH!, cols! + 4 * c, 1, right! + 4 * c, scratch!); // a column a call (see CHUNK_ROWS)
        return new Int32Array(this.m.buf(), right!, nc).slice();
      });
  }

  projectRows(x: Storage, n: number, d: number, a: number, w: number, r: Float32Array, k: number): { p: Float32Array; keys: Int32Array } | null {
    if (x.backend !== this.m.backend || x.dtype !== 'float32' || x.size !== n * d || a < 0 || w < 0 || a + w > d || r.length !== w * k) return null;
    const xb = this.m.ptr('projectRows', x);
    return this.withHostBlocks([r], [n * k * 4, n * 4], ([rp, out, keys]) => {
      rowsInParallel(this.m, 'projectRowsRangeF32', n, (i0) => [xb + i0 * d * 4, d, a, w, rp!, k, out! + i0 * k * 4, keys! + i0 * 4, 0, 0], 8);
      const buf = this.m.buf();
      return { p: new Float32Array(buf, out!, n * k).slice(), keys: new Int32Array(buf, keys!, n).slice() };
    });
  }

  columnStats(x: Storage, n: number, d: number, rows: number): KernelColumnStats | null {
    if (x.backend !== this.m.backend || x.dtype !== 'float32' || x.size !== n * d || n < 1 || d < 1) return null;
    const xb = this.m.ptr('columnStats', x);
    return this.withHostBlocks([], [d * 4, d * 4, d * 8, d * 8], ([lo, hi, sum, sq]) => {
      for (let i0 = 0; i0 < n; i0 += CHUNK_ROWS) this.m.ex.columnMinMaxF32(xb, i0, Math.min(n, i0 + CHUNK_ROWS), d, lo!, hi!);
      this.m.ex.columnSumsF32(xb, n, d, rows, sum!, sq!);
      const buf = this.m.buf();
      return { lo: new Float32Array(buf, lo!, d).slice(), hi: new Float32Array(buf, hi!, d).slice(), sum: new Float64Array(buf, sum!, d).slice(), sq: new Float64Array(buf, sq!, d).slice() };
    });
  }

  boostTrees(r: BoostRequest): Forest {
    const nodes = 2 ** (r.depth + 1);
    const trees = r.rounds * r.T;
    const size = trees * nodes;
    const targets = r.loss === 'squared' ? r.values! : r.labels!; // copied in by withHostBlocks
    return this.withHostBlocks([r.X, targets, r.init],
      [size * 4, size * 4, size * 4, size * 4, size * 8, this.m.ex.boostScratchBytes(r.n, r.d, r.T, r.depth, r.bins)],
      ([X, t, init, feature, bin, left, right, value, scratch]) => {
        const loss = r.loss === 'squared' ? 0 : r.loss === 'logistic' ? 1 : 2;
        for (let r0 = 0; r0 < r.rounds; r0 += 2) { // two rounds a call (see CHUNK_ROWS)
          this.m.ex.boostU8(X!, r.n, r.d, loss, r.T, t!, t!, init!, r0, Math.min(r.rounds, r0 + 2), r.depth, r.learningRate, r.lambda, r.minChildWeight, r.bins,
            feature!, bin!, left!, right!, value!, scratch!);
        }
        const buf = this.m.buf();
        return {
          trees, T: r.T, nodes, init: r.init, // shared with the request, as boost() does
          feature: new Int32Array(buf, feature!, size).slice(), bin: new Int32Array(buf, bin!, size).slice(),
          left: new Int32Array(buf, left!, size).slice(), right: new Int32Array(buf, right!, size).slice(),
          value: new Float64Array(buf, value!, size).slice(),
        };
      });
  }

  forestScores(f: Forest, X: Uint8Array, m: number, d: number): Float64Array {
    return this.withHostBlocks([X, f.feature, f.bin, f.left, f.right, f.value, f.init], [m * f.T * 8], ([x, feature, bin, left, right, value, init, out]) => {
      this.m.ex.forestScoresU8(x!, m, d, f.trees, f.T, f.nodes, feature!, bin!, left!, right!, value!, init!, out!);
      return new Float64Array(this.m.buf(), out!, m * f.T).slice();
    });
  }

  softmaxRegression(X: Float32Array, labels: Int32Array, n: number, D: number, K: number): SoftmaxRegression {
    // X, labels, W, g and scratch held for every evaluation (an L-BFGS run makes tens of them)
    const blocks = [X.byteLength, labels.byteLength, D * K * 8, D * K * 8, K * 8].map((b) => this.m.alloc(Math.max(16, b)));
    const [x, l, w, g, z] = blocks.map((b) => b.ptr) as [number, number, number, number, number];
    let buf = this.m.buf();
    new Float32Array(buf, x, X.length).set(X);
    new Int32Array(buf, l, labels.length).set(labels);
    let live = true;
    return {
      at: (W) => {
        if (!live) throw new UseAfterFreeError('softmaxRegression', 'the objective was released; build a new one');
        buf = this.m.buf();
        new Float64Array(buf, w, D * K).set(W);
        const f = this.m.ex.softmaxRegressionF32(x, l, n, D, K, w, g, z);
        return { f, g: new Float64Array(this.m.buf(), g, D * K).slice() };
      },
      release: () => {
        if (!live) return;
        live = false;
        for (const b of blocks) this.m.release(b);
      },
    };
  }

  binColumns(values: Float32Array, d: number, rows: Int32Array, bins: number): { edges: Float64Array[]; X: Uint8Array } {
    const n = rows.length, E = bins - 1;
    return this.withHostBlocks([values, rows], [d * E * 8, d * 4, n * d, this.m.ex.binColumnsScratchBytes(n)], ([x, r, edges, count, out, scratch]) => {
      for (let j = 0; j < d; j++) this.m.ex.binColumnsF32(x!, d, j, j + 1, r!, n, bins, edges!, count!, out!, scratch!); // a column a call (see CHUNK_ROWS)
      const buf = this.m.buf();
      const cnt = new Int32Array(buf, count!, d);
      return {
        edges: Array.from({ length: d }, (_, j) => new Float64Array(buf, edges! + j * E * 8, cnt[j]!).slice()),
        X: new Uint8Array(buf, out!, n * d).slice(),
      };
    });
  }

  binRows(values: Float32Array, n: number, d: number, edges: readonly Float64Array[], bins: number): Uint8Array {
    const E = bins - 1;
    const flat = new Float64Array(d * E); // (d, bins − 1): column j's edges first
    edges.forEach((e, j) => flat.set(e.subarray(0, E), j * E));
    const count = Int32Array.from(edges, (e) => Math.min(e.length, E));
    return this.withHostBlocks([values, flat, count], [n * d], ([x, e, c, out]) => {
      this.m.ex.binRowsF32(x!, n, d, bins, e!, c!, out!);
      return new Uint8Array(this.m.buf(), out!, n * d).slice();
    });
  }

  sharedKeys(keys: Int32Array): Uint8Array {
    const n = keys.length;
    let cap = 16;
    while (cap < 2 * n) cap *= 2; // at most half full
    return this.withHostBlocks([keys], [n, this.m.ex.sharedKeysScratchBytes(cap)], ([k, out, scratch]) => {
      this.m.ex.sharedKeysI32(k!, n, out!, cap, scratch!);
      return new Uint8Array(this.m.buf(), out!, n).slice();
    });
  }

  sumSquares(x: Storage): number | null {
    if (x.backend !== this.m.backend || x.dtype !== 'float32') return null;
    return this.m.ex.sumSquaresF32(this.m.ptr('sumSquares', x), x.size);
  }

  linearDesign(train: Float32Array, d: number, rows: Int32Array, held: Float32Array, m: number): { Xt: Float32Array; Xh: Float32Array } {
    const n = rows.length, D = d + 1;
    return this.withHostBlocks([train, rows, held], [d * 8, d * 8, n * D * 4, m * D * 4], ([t, r, h, mean, std, xt, xh]) => {
      this.m.ex.linearDesignF32(t!, d, r!, n, h!, m, mean!, std!, xt!, xh!);
      const buf = this.m.buf();
      return { Xt: new Float32Array(buf, xt!, n * D).slice(), Xh: new Float32Array(buf, xh!, m * D).slice() };
    });
  }
}
