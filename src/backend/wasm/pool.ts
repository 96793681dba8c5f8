// The worker-thread pool of the wasm backend (Node worker_threads over one shared memory). The
// caller always takes the first part of a job itself, so a job of p parts wakes p − 1 workers.
// Workers start lazily and asynchronously; until one reports ready, its share runs on the caller.
import { AxonError } from '../../errors.js';
import { nodeEnv } from './env.js';
import type { KernelExports } from './loader.js';
import { ARGS_PER_WORKER, DONE, EXIT, FN, GO, NARGS, PARALLEL_FNS, READY, SLOT_INTS, type ParallelFn, type WorkerInit } from './protocol.js';

const MAX_WORKERS = 64;
const SPIN = 50000;
const TIMEOUT_MS = 60000;

type WorkerHandle = InstanceType<NonNullable<typeof nodeEnv>['workerThreads']['Worker']>;

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(MAX_WORKERS * SLOT_INTS * 4));
  private readonly args = new Float64Array(new SharedArrayBuffer(MAX_WORKERS * ARGS_PER_WORKER * 8));
  private readonly workers: WorkerHandle[] = [];
  private readonly fnIndex = new Map<ParallelFn, number>(PARALLEL_FNS.map((n, i) => [n, i]));
  private ready = 0;
  private closed = false;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly exports: KernelExports,
  ) {}

  /** Start workers until there are `n` (never stops any: extra ones just idle). */
  grow(n: number): void {
    const wt = nodeEnv?.workerThreads;
    if (!wt || this.closed) return;
    n = Math.min(n, MAX_WORKERS);
    while (this.workers.length < n) {
      const index = this.workers.length;
      const data: WorkerInit = { module: this.module, memory: this.memory, ctrl: this.ctrl.buffer as SharedArrayBuffer, args: this.args.buffer as SharedArrayBuffer, index };
      const w = new wt.Worker(new URL('./worker.js', import.meta.url), { workerData: data });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Workers started and ready to take work, up to `limit`. */
  readyWorkers(limit: number): number {
    while (this.ready < this.workers.length && Atomics.load(this.ctrl, this.ready * SLOT_INTS + READY) === 1) this.ready++;
    return Math.min(this.ready, limit);
  }

  /** Block until `n` workers are ready (at most `timeoutMs`); returns how many are. */
  waitReady(n: number, timeoutMs = 10000): number {
    const end = Date.now() + timeoutMs;
    for (let i = 0; i < Math.min(n, this.workers.length); i++) {
      while (Atomics.load(this.ctrl, i * SLOT_INTS + READY) !== 1 && Date.now() < end) Atomics.wait(this.ctrl, i * SLOT_INTS + READY, 0, 50);
    }
    return this.readyWorkers(n);
  }

  /** Run export `fn` once per argument list: parts[0] on this thread, parts[i] on worker i − 1. */
  run(fn: ParallelFn, parts: readonly (readonly number[])[]): void {
    const f = this.exports[fn] as (...a: number[]) => void;
    const nw = parts.length - 1;
    const ctrl = this.ctrl;
    const idx = this.fnIndex.get(fn)!;
    for (let w = 0; w < nw; w++) {
      const p = parts[w + 1]!;
      const base = w * SLOT_INTS;
      this.args.set(p, w * ARGS_PER_WORKER);
      ctrl[base + FN] = idx;
      ctrl[base + NARGS] = p.length;
      Atomics.add(ctrl, base + GO, 1);
      Atomics.notify(ctrl, base + GO);
    }
    f(...parts[0]!);
    for (let w = 0; w < nw; w++) this.await(w);
  }

  private await(w: number): void {
    const ctrl = this.ctrl;
    const base = w * SLOT_INTS;
    const go = Atomics.load(ctrl, base + GO);
    let done = Atomics.load(ctrl, base + DONE);
    for (let s = 0; done !== go && s < SPIN; s++) done = Atomics.load(ctrl, base + DONE);
    const end = Date.now() + TIMEOUT_MS;
    while (done !== go) {
      Atomics.wait(ctrl, base + DONE, done, 100);
      done = Atomics.load(ctrl, base + DONE);
      if (done !== go && Date.now() > end) {
        throw new AxonError('wasm threads', `worker ${w} did not finish a kernel within ${TIMEOUT_MS / 1000} s; it may have crashed — call setNumThreads(1) to run without workers`);
      }
    }
  }

  /** Ask every worker to exit; the pool stays closed (jobs then run on the caller alone). */
  close(): void {
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOT_INTS;
      this.ctrl[base + FN] = EXIT;
      Atomics.add(this.ctrl, base + GO, 1);
      Atomics.notify(this.ctrl, base + GO);
    }
    this.workers.length = 0;
    this.ready = 0;
  }

  get isClosed(): boolean { return this.closed; }
}
