// How `axon fit` turns CSV rows into network inputs, and how `axon predict` repeats it: numeric
// columns standardized with the training rows' mean and std (a missing value becomes the mean),
// text columns one-hot over the training rows' categories (an unseen or missing one is all
// zeros), the target as class indices (classes sorted by name) or standardized values. The whole
// recipe is plain JSON, saved in the model file's metadata.
import type { Cell, Row } from '../data/csv.js';
import type { Task } from '../doctor/matrix.js';

/** A numeric input column: z = (x − mean) / std. */
export interface NumericColumn { name: string; kind: 'numeric'; mean: number; std: number }
/** A text input column: one input per category, 1 for the row's category. */
export interface CategoryColumn { name: string; kind: 'category'; categories: string[] }
export type ColumnPrep = NumericColumn | CategoryColumn;

/** Everything predict needs to encode new rows and read the outputs. */
export interface TabularPrep {
  format: 'axon-fit-tabular-1';
  target: string;
  task: Task;
  columns: ColumnPrep[];
  /** Class names, class i is classes[i] (classification). */
  classes?: string[];
  /** Target standardization (regression): value = output · std + mean. */
  targetMean?: number;
  targetStd?: number;
}

/** A text column with more distinct values than this (and than half the rows) is an identifier, not a category. */
const MAX_CATEGORIES = 50;

export const cellNumber = (c: Cell | undefined): number =>
  c === null || c === undefined ? NaN : typeof c === 'number' ? c : typeof c === 'boolean' ? Number(c) : c instanceof Date ? c.getTime() : NaN;

const isMissing = (c: Cell | undefined): boolean => c === null || c === undefined || (typeof c === 'number' && Number.isNaN(c));

/** A fitted recipe and the columns it left out, with the reason for each. */
export interface PrepFit { prep: TabularPrep; dropped: { column: string; why: string }[] }

/**
 * Fit the recipe on the training rows. `classRows` (training and test rows) fixes the class list
 * so a class seen only in the test file still has an index.
 */
export function fitPrep(train: readonly Row[], inputs: readonly string[], target: string, task: Task, classRows: readonly Row[] = train): PrepFit {
  const columns: ColumnPrep[] = [];
  const dropped: { column: string; why: string }[] = [];
  for (const name of inputs) {
    const cells = train.map((r) => r[name]).filter((c) => !isMissing(c));
    if (cells.length === 0) { dropped.push({ column: name, why: 'every training value is missing' }); continue; }
    if (cells.some((c) => typeof c === 'string')) {
      const categories = [...new Set(cells.map(String))].sort();
      if (categories.length > MAX_CATEGORIES && categories.length > cells.length / 2) {
        dropped.push({ column: name, why: `text with ${categories.length} distinct values (an identifier or free text, not a category)` });
        continue;
      }
      columns.push({ name, kind: 'category', categories });
      continue;
    }
    const xs = cells.map(cellNumber);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    if (!(std > 0)) { dropped.push({ column: name, why: 'the same value in every training row' }); continue; }
    columns.push({ name, kind: 'numeric', mean, std });
  }
  const prep: TabularPrep = { format: 'axon-fit-tabular-1', target, task, columns };
  if (task === 'classification') {
    prep.classes = [...new Set(classRows.map((r) => r[target]).filter((c) => !isMissing(c)).map(String))].sort((a, b) => {
      const na = Number(a), nb = Number(b);
      return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
    });
  } else {
    const ys = train.map((r) => cellNumber(r[target])).filter(Number.isFinite);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
    prep.targetMean = mean;
    prep.targetStd = std > 0 ? std : 1;
  }
  return { prep, dropped };
}

/** The input names, one per network input ('island=Biscoe' for a category). */
export function inputNames(prep: TabularPrep): string[] {
  return prep.columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.categories.map((v) => `${c.name}=${v}`)));
}

/** Encode rows as a row-major (n, width) matrix of network inputs. */
export function encodeInputs(prep: TabularPrep, rows: readonly Row[]): { values: Float32Array; n: number; d: number } {
  const d = inputNames(prep).length;
  const values = new Float32Array(rows.length * d);
  const index = prep.columns.map((c) => (c.kind === 'category' ? new Map(c.categories.map((v, i) => [v, i])) : null));
  rows.forEach((r, i) => {
    let j = i * d;
    prep.columns.forEach((c, k) => {
      const cell = r[c.name];
      if (c.kind === 'numeric') {
        const v = cellNumber(cell);
        values[j++] = Number.isFinite(v) ? (v - c.mean) / c.std : 0;
      } else {
        const at = isMissing(cell) ? undefined : index[k]!.get(String(cell));
        if (at !== undefined) values[j + at] = 1;
        j += c.categories.length;
      }
    });
  });
  return { values, n: rows.length, d };
}

/** The rows whose target is present (a row without a label can not be learned from or scored). */
export const labelled = (rows: readonly Row[], target: string): Row[] => rows.filter((r) => !isMissing(r[target]));

/** Class indices (classification) or raw values (regression) of the target column. */
export function encodeTarget(prep: TabularPrep, rows: readonly Row[]): Int32Array | Float64Array {
  if (prep.task === 'classification') {
    const index = new Map(prep.classes!.map((v, i) => [v, i]));
    return Int32Array.from(rows, (r) => index.get(String(r[prep.target]))!);
  }
  return Float64Array.from(rows, (r) => cellNumber(r[prep.target]));
}
