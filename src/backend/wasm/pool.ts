// The worker-thread pool of the wasm backend (Node worker_threads or Web Workers, over one shared
// memory). The
// caller publishes a job, wakes up to T − 1 workers and claims chunks itself like any worker, so
// a small job, or one whose worker is descheduled, still finishes on the caller without waiting.
// Workers start lazily and asynchronously; until one reports ready it is not woken.
import { AxonError } from '../../errors.js';
import { platform } from '../../platform/current.js';
import type { WorkerPort } from '../../platform/platform.js';
import type { KernelExports } from './kernel-exports.generated.js';
import { StragglerGuard } from './straggler.js';
import {
  CLAIM, CLOSED, DONE, drain, EXIT, GO, MAX_ARGS, MAX_THREADS, P_ARGS, P_CHUNK, P_FN, P_NARGS, P_RANGE, P_SCRATCH,
  P_SCRATCH_TABLE, P_TOTAL, PARALLEL_FNS, PARAM_COUNT, READY, SLOT_INTS, WORKER_BASE, type ParallelFn, type WorkerInit,
} from './protocol.js';

const SPIN = 10000;
const TIMEOUT_MS = 60000;

/** One parallel job: `args` with the range start at `range` (end at range + 1), scratch at `scratch` (or -1). */
export interface Job { fn: ParallelFn; args: readonly number[]; range: number; scratch: number; total: number; chunk: number }

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer((WORKER_BASE + MAX_THREADS * SLOT_INTS) * 4));
  private readonly params = new Float64Array(new SharedArrayBuffer(PARAM_COUNT * 8));
  private readonly workers: WorkerPort[] = [];
  /** Whether this thread may sleep in Atomics.wait (a browser's main thread may only spin). */
  private readonly canBlock = platform.canBlock();
  /** The first error a worker reported (a script that did not load, …); the pool then runs on the caller alone. */
  failure: Error | null = null;
  private readonly fnIndex = new Map<ParallelFn, number>(PARALLEL_FNS.map((n, i) => [n, i]));
  private readonly fns: ((...a: number[]) => void)[];
  private readonly args: number[] = [];
  private job = 0;
  private ready = 0;
  private closed = false;
  /** Falls back to the caller alone while workers keep arriving late (an oversubscribed machine). */
  readonly guard = new StragglerGuard();

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    exports: KernelExports,
    /** Scratch memory for thread t (0 = the caller), allocated by the backend. */
    private readonly scratchFor: (t: number) => number,
  ) {
    this.fns = PARALLEL_FNS.map((n) => exports[n] as (...a: number[]) => void);
    this.ctrl[CLAIM] = CLOSED;
  }

  /** Start workers until there are `n` (never stops any: extra ones just idle). */
  grow(n: number): void {
    if (this.closed || this.failure) return;
    n = Math.min(n, MAX_THREADS - 1);
    while (this.workers.length < n) {
      const index = this.workers.length;
      this.params[P_SCRATCH_TABLE + index + 1] = this.scratchFor(index + 1);
      const data: WorkerInit = { module: this.module, memory: this.memory, ctrl: this.ctrl.buffer as SharedArrayBuffer, params: this.params.buffer as SharedArrayBuffer, index };
      const w = platform.startWorker('kernel', data);
      w.onError((e) => {
        if (this.failure) return;
        this.failure = e;
        platform.notice(`axon: a wasm kernel thread failed (${e.message}); kernels go on on one thread`);
        this.close();
      });
      this.workers.push(w);
    }
  }

  get isClosed(): boolean { return this.closed; }

  /** Workers started and ready to take work, up to `limit` (0 while backed off). */
  readyWorkers(limit: number): number {
    if (!this.guard.allowed()) return 0;
    return Math.min(this.live(), limit);
  }

  /** Workers started and ready (whether or not the straggler guard lets them work now). */
  live(): number {
    while (this.ready < this.workers.length && Atomics.load(this.ctrl, WORKER_BASE + this.ready * SLOT_INTS + READY) === 1) this.ready++;
    return this.ready;
  }

  /** Block until `n` workers are ready (at most `timeoutMs`); returns how many are. Where this thread may not block, it does not wait. */
  waitReady(n: number, timeoutMs = 10000): number {
    if (!this.canBlock) return this.readyWorkers(n);
    const end = Date.now() + timeoutMs;
    for (let i = 0; i < Math.min(n, this.workers.length); i++) {
      const slot = WORKER_BASE + i * SLOT_INTS + READY;
      while (Atomics.load(this.ctrl, slot) !== 1 && Date.now() < end) Atomics.wait(this.ctrl, slot, 0, 50);
    }
    return this.readyWorkers(n);
  }

  /** Run `job` on the caller and up to `helpers` ready workers; returns when every chunk is done. */
  run(job: Job, helpers: number): void {
    const { ctrl, params } = this;
    const chunks = Math.ceil(job.total / job.chunk);
    if (job.args.length > MAX_ARGS) throw new AxonError('wasm threads', `a kernel job has ${job.args.length} arguments, at most ${MAX_ARGS} fit`);
    this.job = (this.job + 1) & 0x7fff;
    Atomics.store(ctrl, CLAIM, (this.job << 16) | CLOSED);
    Atomics.store(ctrl, DONE, 0);
    params[P_FN] = this.fnIndex.get(job.fn)!;
    params[P_NARGS] = job.args.length;
    params[P_TOTAL] = job.total;
    params[P_CHUNK] = job.chunk;
    params[P_RANGE] = job.range;
    params[P_SCRATCH] = job.scratch;
    params[P_SCRATCH_TABLE] = this.scratchFor(0);
    params.set(job.args, P_ARGS);
    Atomics.store(ctrl, CLAIM, this.job << 16); // open: chunk 0 is next
    for (let w = 0; w < helpers; w++) {
      const slot = WORKER_BASE + w * SLOT_INTS + GO;
      Atomics.add(ctrl, slot, 1);
      Atomics.notify(ctrl, slot);
    }
    const t0 = performance.now();
    drain(ctrl, params, this.fns, 0, this.args);
    const t1 = performance.now();
    this.awaitDone(chunks);
    this.guard.record(t1 - t0, performance.now() - t1);
    Atomics.store(ctrl, CLAIM, (this.job << 16) | CLOSED);
  }

  private awaitDone(chunks: number): void {
    const ctrl = this.ctrl;
    let done = Atomics.load(ctrl, DONE);
    for (let s = 0; done !== chunks && s < SPIN; s++) done = Atomics.load(ctrl, DONE);
    const end = Date.now() + TIMEOUT_MS;
    while (done !== chunks) {
      if (this.canBlock) Atomics.wait(ctrl, DONE, done, 100);
      done = Atomics.load(ctrl, DONE);
      if (done !== chunks && Date.now() > end) {
        throw new AxonError('wasm threads', `a worker did not finish its part of a kernel within ${TIMEOUT_MS / 1000} s; it may have crashed — call setNumThreads(1) to run without workers`);
      }
    }
  }

  /** Ask every worker to exit; the pool stays closed (jobs then run on the caller alone). */
  close(): void {
    this.closed = true;
    this.params[P_FN] = EXIT;
    Atomics.store(this.ctrl, CLAIM, CLOSED);
    for (let w = 0; w < this.workers.length; w++) {
      const slot = WORKER_BASE + w * SLOT_INTS + GO;
      Atomics.add(this.ctrl, slot, 1);
      Atomics.notify(this.ctrl, slot);
    }
    this.workers.length = 0;
    this.ready = 0;
  }
}
