// The current backend's compiled versions of the baselines' hot loops (Backend.doctor: boostTrees,
// forestScores, binColumns, binRows, softmaxRegression; the wasm module's), as baselines.ts takes
// them. Main thread only (it reaches the backend); the worker thread runs the baselines' JavaScript.
import { getBackend } from '../backend/backend.js';
import type { BaselineKernels } from './baselines.js';
import { penalize, type Objective, type ObjectiveFor } from './logistic.js';

/** Whether the current backend compiles every hot loop of the baselines (then they are cheap in place, even in a program's first fit). */
export function hasCompiledBaselines(): boolean {
  const k = getBackend().doctor;
  return k?.boostTrees !== undefined && k.forestScores !== undefined && k.softmaxRegression !== undefined;
}

/** The kernels the current backend compiles (none on the reference backend: the JavaScript runs). */
export function backendBaselineKernels(): BaselineKernels {
  const b = getBackend().doctor;
  const kernels: BaselineKernels = {};
  if (!b) return kernels;
  if (b.boostTrees && b.forestScores) {
    kernels.boost = (req) => b.boostTrees!(req);
    kernels.forestScores = (f, X, m, d) => b.forestScores!(f, X, m, d);
  }
  if (b.binColumns && b.binRows) {
    kernels.binColumns = (values, d, rows, bins) => b.binColumns!(values, d, rows, bins);
    kernels.binRows = (values, n, d, edges, bins) => b.binRows!(values, n, d, edges, bins);
  }
  if (b.linearDesign) kernels.linearDesign = (train, d, rows, held, m) => b.linearDesign!(train, d, rows, held, m);
  if (b.softmaxRegression) {
    const objective: ObjectiveFor = (X, labels, n, D, K, lambda) => {
      const s = b.softmaxRegression!(X, labels, n, D, K);
      const at: Objective = (W) => {
        const { f, g } = s.at(W);
        return { f: f + penalize(W, g, K, lambda), g };
      };
      at.release = () => s.release();
      return at;
    };
    kernels.objective = objective;
  }
  return kernels;
}
