// The fit() users call: the training loop of train/fit.ts with the training doctor attached as a
// callback, on by default (`doctor: false` turns it off), and the live dashboard when asked
// (`dashboard: true`). The loop itself knows nothing of either.
import type { Module } from '../nn/module.js';
import type { History } from '../train/callbacks.js';
import { fit as fitLoop, type FitOptions as LoopOptions, type FitRun } from '../train/fit.js';
import type { Callback } from '../train/callbacks.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { fitAsync as fitLoopAsync, hostCopies, type AsyncReadOptions } from '../train/fit-async.js';
import { isXY } from '../train/batches.js';
import { createFitDoctor, type DoctorOptions } from './fit-doctor.js';
import { checkLabelDtype } from './label-dtype.js';
import { createDashboard, type DashboardOptions } from '../dashboard/dashboard.js';
import { ValueError } from '../errors.js';

export interface FitOptions extends LoopOptions {
  /** The training doctor (default on): checks data, loss, learning rate, fit and gradients; findings land in history.findings. */
  doctor?: boolean | DoctorOptions;
  /**
   * Watch the run in a browser (default off): a server on 127.0.0.1 streams the loss, metrics,
   * learning rate, gradient norm, the doctor's findings, the confusion matrix (or predictions vs
   * targets) and the model summary to a page, and writes the run log that `axon dashboard` replays.
   */
  dashboard?: boolean | DashboardOptions;
}

/**
 * Train `model`. Validation (when given) runs once before the first step, so a broken
 * validation pipeline shows in seconds, and after every epoch. Same seed ⇒ identical run. The
 * training doctor watches the run unless `doctor: false`.
 *
 * @example
 * const history = fit(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 });
 * for (const f of history.findings ?? []) console.log(formatFinding(f));
 * fit(model, { data: { x, y }, validation: 0.1, dashboard: true }); // prints http://127.0.0.1:6060/
 */
export function fit(model: Module, opts: FitOptions): History {
  const { doctor, dashboard, ...loop } = opts;
  checkLabelDtype(model, loop.data, loop.loss);
  // The doctor first: the dashboard reads the findings it has put on the history or the error.
  return fitLoop(model, { ...loop, attach: [(run) => createFitDoctor(doctor, run), (run) => createDashboard(dashboard, run), ...(loop.attach ?? [])] });
}

export interface FitAsyncOptions extends FitOptions, AsyncReadOptions {}

/**
 * fit() for a backend whose memory is read back only asynchronously (WebGPU), working on every
 * backend: the same options and History (identical to fit's on ts/wasm for the same seed), the
 * losses read back in batches (`readEvery` steps, default 16, and at each epoch's end) instead of
 * once per step. The training doctor's data checks run on a CPU copy of the data read once at the
 * start, its run checks on the batched losses; on WebGPU its gradient and activation checks are off.
 *
 * @example
 * await setBackend('webgpu');
 * const history = await fitAsync(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 });
 */
export async function fitAsync(model: Module, opts: FitAsyncOptions): Promise<History> {
  const { doctor, dashboard, ...loop } = opts;
  if (dashboard && model.parameters().some((p) => p.storage.backend.syncRead === false)) {
    throw new ValueError('fitAsync', `the dashboard reads gradient norms and validation outputs synchronously, which the ${model.parameters()[0]!.storage.backend.name} backend cannot do yet; train with dashboard on the wasm backend, or leave the dashboard off here`);
  }
  const host = await hostCopies(loop.data, loop.validation);
  checkLabelDtype(model, isXY(loop.data) ? { x: loop.data.x, y: host(loop.data.y) } : loop.data, loop.loss);
  const copied = isXY(loop.data) && host(loop.data.x) !== loop.data.x;
  // The data checks compute on the CPU copy: what they create goes to the ts backend with it.
  const makeDoctor = (run: FitRun): Callback | null => (copied ? onBackend('ts', () => createFitDoctor(doctor, run)) : createFitDoctor(doctor, run));
  return fitLoopAsync(model, { ...loop, attach: [makeDoctor, (run) => createDashboard(dashboard, run), ...(loop.attach ?? [])] }, host);
}

/** `f()` with `name` as the active backend (fitAsync makes its own active again before its first step). */
function onBackend<T>(name: string, f: () => T): T {
  const prev = getBackend();
  setBackend(name);
  try {
    return f();
  } finally {
    void Promise.resolve(setBackend(prev.name)).catch(() => undefined); // webgpu: made active again asynchronously (it is started)
  }
}
