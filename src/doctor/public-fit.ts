// The fit() users call: the training loop of train/fit.ts with the training doctor attached as a
// callback, on by default (`doctor: false` turns it off). The loop itself knows nothing of it.
import type { Module } from '../nn/module.js';
import type { History } from '../train/callbacks.js';
import { fit as fitLoop, type FitOptions as LoopOptions } from '../train/fit.js';
import { createFitDoctor, type DoctorOptions } from './fit-doctor.js';
import { checkLabelDtype } from './label-dtype.js';

export interface FitOptions extends LoopOptions {
  /** The training doctor (default on): checks data, loss, learning rate, fit and gradients; findings land in history.findings. */
  doctor?: boolean | DoctorOptions;
}

/**
 * Train `model`. Validation (when given) runs once before the first step, so a broken
 * validation pipeline shows in seconds, and after every epoch. Same seed ⇒ identical run. The
 * training doctor watches the run unless `doctor: false`.
 *
 * @example
 * const history = fit(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 });
 * for (const f of history.findings ?? []) console.log(formatFinding(f));
 */
export function fit(model: Module, opts: FitOptions): History {
  const { doctor, ...loop } = opts;
  checkLabelDtype(model, loop.data, loop.loss);
  return fitLoop(model, { ...loop, attach: [(run) => createFitDoctor(doctor, run), ...(loop.attach ?? [])] });
}
