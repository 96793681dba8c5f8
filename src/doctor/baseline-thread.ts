// Where fit()'s doctor fits its linear and GBT baselines: in place with the backend's compiled
// kernels where it has them (the wasm backend: a few ms, also in a program's first fit), else on
// one worker thread beside training in Node (baseline-worker.ts), so that their JavaScript,
// compared with the network only at the end of the fit, costs the training thread nothing but a
// copy of the rows; in place in a browser without the kernels, when the worker cannot start, or
// when asked to. The main thread collects the scores without an event
// loop (a fit is synchronous): receiveMessageOnPort, and Atomics.wait on a counter the worker bumps.
import { nodeEnv } from '../backend/wasm/env.js';
import { runBaselines, type BaselineScores } from './baselines.js';
import type { Matrix, Targets } from './matrix.js';

/** Training rows and held-out rows (validation, or an internal split) of one tabular dataset. */
export interface BaselineJob { fit: Matrix; fitT: Targets; held: Matrix; heldT: Targets }

/** The baselines' scores, and the milliseconds their fit took where it ran. */
export interface BaselineRun { scores: BaselineScores; ms: number }

/** A baseline job under way. */
export interface PendingBaselines {
  /** Where it runs. */
  readonly where: 'thread' | 'inline';
  /** The result if it is there (never blocks). */
  poll(): BaselineRun | null;
  /** The result, blocking until it is there (or running the job here if the thread fails). */
  wait(): BaselineRun;
}

/** The worker must report ready within this time of its start, else the job runs in place. */
const READY_TIMEOUT_MS = 10_000;
/** A job the worker has not answered in this time is run in place. */
const RESULT_TIMEOUT_MS = 60_000;
/** Jobs whose results are still wanted, at most (older ones belong to fits that threw). */
const MAX_WAITING = 8;

/** Run the job on this thread (with the backend's compiled kernels where it has them). */
function runInPlace(job: BaselineJob): BaselineRun {
  const t0 = performance.now();
  const scores = runBaselines(job.fit, job.fitT, job.held, job.heldT);
  return { scores, ms: performance.now() - t0 };
}

type Answer = { result: BaselineRun } | { error: string };
type NodeWorker = InstanceType<NonNullable<typeof nodeEnv>['workerThreads']['Worker']>;
type NodePort = InstanceType<NonNullable<typeof nodeEnv>['workerThreads']['MessagePort']>;

/** A copy of a matrix the worker can own (a view on the backend's shared memory must not travel). */
function own(m: Matrix): { m: Matrix; buffer: ArrayBuffer } {
  const v = m.values;
  const copy = ArrayBuffer.isView(v) ? (v as unknown as Float32Array).slice() : Float64Array.from(v);
  return { m: { values: copy, n: m.n, d: m.d }, buffer: copy.buffer as ArrayBuffer };
}

/** The one worker thread of the process (started at the first job, never keeps the process alive). */
class BaselineThread {
  private readonly flag = new Int32Array(new SharedArrayBuffer(8)); // [0] ready, [1] results posted
  private readonly worker: NodeWorker;
  private readonly port: NodePort;
  private readonly started = performance.now();
  private readonly answers = new Map<number, Answer>();
  private readonly waiting: number[] = [];
  private nextId = 1;
  broken = false;

  constructor(private readonly wt: NonNullable<typeof nodeEnv>['workerThreads'], url: URL) {
    const { port1, port2 } = new wt.MessageChannel();
    this.worker = new wt.Worker(url, { workerData: { port: port2, flags: this.flag.buffer }, transferList: [port2] });
    this.worker.unref();
    this.worker.on('error', () => { this.broken = true; });
    port1.unref();
    this.port = port1;
  }

  submit(job: BaselineJob): number {
    const id = this.nextId++;
    this.waiting.push(id);
    if (this.waiting.length > MAX_WAITING) this.answers.delete(this.waiting.shift()!);
    const fit = own(job.fit), held = own(job.held);
    this.worker.postMessage({ id, job: { ...job, fit: fit.m, held: held.m } }, [fit.buffer, held.buffer]);
    return id;
  }

  /** The answer to job `id` if it has arrived (drains the port, keeping only wanted answers). */
  take(id: number): Answer | null {
    for (let msg = this.wt.receiveMessageOnPort(this.port); msg; msg = this.wt.receiveMessageOnPort(this.port)) {
      const { id: got, ...answer } = msg.message as { id: number } & Answer;
      if (this.waiting.includes(got)) this.answers.set(got, answer);
    }
    const a = this.answers.get(id);
    if (!a) return null;
    this.answers.delete(id);
    this.waiting.splice(this.waiting.indexOf(id), 1);
    return a;
  }

  /** Block until job `id` is answered; null when the thread failed or ran out of time. */
  wait(id: number): Answer | null {
    const t0 = performance.now();
    for (;;) {
      const posted = Atomics.load(this.flag, 1);
      const a = this.take(id);
      if (a) return a;
      if (!this.waiting.includes(id)) return null; // evicted by MAX_WAITING newer jobs: run it in place
      const now = performance.now();
      if (this.broken || (Atomics.load(this.flag, 0) === 0 && now - this.started > READY_TIMEOUT_MS)) { this.broken = true; return null; }
      if (now - t0 > RESULT_TIMEOUT_MS) return null;
      Atomics.wait(this.flag, 1, posted, 100);
    }
  }
}

let thread: BaselineThread | null | undefined;

/** The worker thread, started on first use; null where there is none (browser, no worker file). */
function baselineThread(): BaselineThread | null {
  if (thread === undefined) {
    thread = null;
    const wt = nodeEnv?.workerThreads;
    const url = new URL('./baseline-worker.js', import.meta.url);
    if (wt && typeof SharedArrayBuffer !== 'undefined' && url.protocol === 'file:' && nodeEnv!.fs.existsSync(url)) {
      try { thread = new BaselineThread(wt, url); } catch { thread = null; }
    }
  }
  return thread && !thread.broken ? thread : null;
}

/** Start the job: on the worker thread ('thread', where there is one) or here at once ('inline'). */
export function startBaselines(job: BaselineJob, where: 'thread' | 'inline'): PendingBaselines {
  const t = where === 'thread' ? baselineThread() : null;
  if (!t) {
    const result = runInPlace(job);
    return { where: 'inline', poll: () => result, wait: () => result };
  }
  const id = t.submit(job);
  let result: BaselineRun | null = null;
  const settle = (a: Answer | null): BaselineRun => {
    if (a && 'result' in a) return a.result;
    return runInPlace(job); // the thread failed: run it here (an error in the baselines throws here, as in place)
  };
  return {
    where: 'thread',
    poll: () => {
      if (!result) { const a = t.take(id); if (a) result = settle(a); }
      return result;
    },
    wait: () => (result ??= settle(t.wait(id))),
  };
}
