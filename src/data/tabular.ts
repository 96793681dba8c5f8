// Tabular helpers between typed rows and tensors: column selection, rows → tensor, standardizing
// and min-max scaling (fitted on the training part only, then applied to every part), and
// encodings for categorical columns (LabelEncoder, oneHotEncode).
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Cell, Row, Table } from './csv.js';
import type { Label } from './random-order.js';

type Rows<R extends Row> = readonly R[] | Table<R>;
const rowsOf = <R extends Row>(x: Rows<R>): readonly R[] => (Array.isArray(x) ? x : (x as Table<R>).rows);

function checkColumns(op: string, rows: readonly Row[], columns: readonly string[]): void {
  if (rows.length === 0) return;
  for (const c of columns) {
    if (!(c in rows[0]!)) throw new ValueError(op, `no column ${JSON.stringify(c)}; the columns are ${JSON.stringify(Object.keys(rows[0]!))}`);
  }
}

const isMissingCell = (v: Cell | undefined): boolean => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/**
 * The same rows with only `columns`, in that order (a Table in gives a Table out).
 *
 * @example
 * selectColumns(rows, ['x1', 'x2']);
 */
export function selectColumns<R extends Row, K extends keyof R & string>(rows: readonly R[], columns: readonly K[]): Pick<R, K>[];
export function selectColumns<R extends Row, K extends keyof R & string>(table: Table<R>, columns: readonly K[]): Table<Pick<R, K>>;
export function selectColumns<R extends Row, K extends keyof R & string>(source: Rows<R>, columns: readonly K[]): Pick<R, K>[] | Table<Pick<R, K>> {
  const rows = rowsOf(source);
  checkColumns('selectColumns', rows, columns);
  const out = rows.map((r) => {
    const o = {} as Pick<R, K>;
    for (const c of columns) o[c] = r[c];
    return o;
  });
  return Array.isArray(source) ? out : { columns: [...columns], rows: out };
}

/** The values of one column, row by row. */
export function column<R extends Row, K extends keyof R & string>(source: Rows<R>, name: K): R[K][] {
  const rows = rowsOf(source);
  checkColumns('column', rows, [name]);
  return rows.map((r) => r[name]);
}

/**
 * The rows with no missing value (null or NaN) in `columns` (all columns by default). Apply it
 * once, before taking features and labels, so both keep the same rows.
 */
export function dropMissing<R extends Row>(rows: readonly R[], columns?: readonly (keyof R & string)[]): R[];
export function dropMissing<R extends Row>(table: Table<R>, columns?: readonly (keyof R & string)[]): Table<R>;
export function dropMissing<R extends Row>(source: Rows<R>, columns?: readonly (keyof R & string)[]): R[] | Table<R> {
  const rows = rowsOf(source);
  if (columns) checkColumns('dropMissing', rows, columns);
  const out = rows.filter((r) => (columns ?? Object.keys(r)).every((c) => !isMissingCell(r[c])));
  return Array.isArray(source) ? out : { columns: (source as Table<R>).columns, rows: out };
}

/**
 * A tensor of the numeric `columns` of `rows`: shape (N, C) for a list of columns, (N,) for one
 * column name. Booleans become 0/1. A missing value or a text cell is an error naming its row and
 * column (drop rows with `dropMissing`, encode text with `LabelEncoder`/`oneHotEncode`).
 *
 * @example
 * const x = toTensor(rows, ['sepalLength', 'sepalWidth']);      // (N, 2) float32
 * const y = toTensor(rows, 'label', { dtype: 'int32' });        // (N,)
 */
export function toTensor<R extends Row>(source: Rows<R>, columns: (keyof R & string) | readonly (keyof R & string)[], options: { dtype?: DType } = {}): Tensor {
  const op = 'toTensor';
  const { dtype = 'float32' } = options;
  const rows = rowsOf(source);
  const cols: readonly string[] = typeof columns === 'string' ? [columns] : columns;
  if (cols.length === 0) throw new ValueError(op, 'columns is empty; name at least one column');
  if (rows.length === 0) throw new ValueError(op, 'there are no rows; check the source (or a filter such as dropMissing that removed them all)');
  checkColumns(op, rows, cols);
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      const v = r[c];
      if (isMissingCell(v)) {
        throw new ValueError(op, `missing value (${v === null || v === undefined ? 'null' : 'NaN'}) at row ${i}, column ${JSON.stringify(c)}; drop such rows first with dropMissing(rows, columns) (or read the CSV with { onMissing: 'drop' }), or fill them`);
      }
      if (typeof v === 'number') out[i * cols.length + j] = v;
      else if (typeof v === 'boolean') out[i * cols.length + j] = v ? 1 : 0;
      else {
        throw new DTypeError(op, `row ${i}, column ${JSON.stringify(c)} holds ${v instanceof Date ? 'a Date' : `the text ${JSON.stringify(v)}`}, not a number; encode categories with LabelEncoder or oneHotEncode${v instanceof Date ? ', or map dates to numbers (e.g. d.getTime())' : ''}`);
      }
      if (dtype === 'int32' && !Number.isInteger(out[i * cols.length + j])) {
        throw new DTypeError(op, `row ${i}, column ${JSON.stringify(c)} is ${v}, not an integer, but dtype is int32; use a float dtype`);
      }
    });
  });
  return fromArray(out, typeof columns === 'string' ? [rows.length] : [rows.length, cols.length], dtype);
}

// ---- scalers ----

interface Columns { data: Float64Array; n: number; c: number; shape: readonly number[]; dtype: DType }

/** A 2-D (N, C) or 1-D (N,) tensor as float64 columns; NaN/Infinity are errors naming the cell. */
function columnsOf(op: string, x: Tensor): Columns {
  if (!(x instanceof Tensor)) throw new ValueError(op, `expected a Tensor, got ${typeof x}; make one with toTensor(rows, columns)`);
  if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(op, `expected a (N, C) or (N,) tensor, got shape ${shapeStr(x.shape)}; flatten the features first`);
  const data = Float64Array.from(x.data());
  const c = x.ndim === 2 ? x.shape[1]! : 1;
  data.forEach((v, k) => {
    if (!Number.isFinite(v)) throw new ValueError(op, `${v} at row ${Math.floor(k / c)}, column ${k % c}; drop or fill missing values before scaling`);
  });
  return { data, n: x.shape[0]!, c, shape: x.shape, dtype: isFloat(x.dtype) ? x.dtype : 'float32' };
}

/** Apply `f(value, column)` to every element, as a tensor of the input's shape. */
function mapColumns(x: Columns, f: (v: number, j: number) => number): Tensor {
  const out = new Float64Array(x.data.length);
  for (let k = 0; k < out.length; k++) out[k] = f(x.data[k]!, k % x.c);
  return fromArray(out, x.shape, x.dtype);
}

function checkFitted(op: string, fitted: unknown, c: number, expected: number | undefined): void {
  if (!fitted) throw new ValueError(op, 'the scaler is not fitted yet; call fit(xTrain) first (fit on the training part only)');
  if (c !== expected) throw new ShapeError(op, `the scaler was fitted on ${expected} columns but got ${c}; pass the same features in the same order`);
}

/**
 * Standardize each column to zero mean and unit variance: z = (x − mean) / std, like sklearn's
 * StandardScaler. std is the population standard deviation (divides by N); a constant column
 * gets std 1, so it maps to 0 instead of NaN. Fit on the training part only, then transform
 * every part with the same statistics, or validation scores leak information from the test set.
 *
 * Shape: (N, C) or (N,) in, same shape out (float; int input gives float32).
 *
 * @example
 * const scaler = new StandardScaler();
 * const xTrainS = scaler.fitTransform(xTrain);
 * const xTestS = scaler.transform(xTest);
 */
export class StandardScaler {
  /** Per-column mean after `fit` (0s when withMean is false). */
  mean: number[] | null = null;
  /** Per-column divisor after `fit`: the std, with 0 replaced by 1 (1s when withStd is false). */
  scale: number[] | null = null;
  readonly withMean: boolean;
  readonly withStd: boolean;

  constructor({ withMean = true, withStd = true }: { withMean?: boolean; withStd?: boolean } = {}) {
    this.withMean = withMean;
    this.withStd = withStd;
  }

  /** Learn per-column mean and std from `x` (the training features). Returns this. */
  fit(x: Tensor): this {
    const d = columnsOf('StandardScaler.fit', x);
    if (d.n === 0) throw new ValueError('StandardScaler.fit', 'x has no rows');
    const mean = new Array<number>(d.c).fill(0);
    for (let k = 0; k < d.data.length; k++) mean[k % d.c]! += d.data[k]!;
    for (let j = 0; j < d.c; j++) mean[j]! /= d.n;
    const sq = new Array<number>(d.c).fill(0);
    for (let k = 0; k < d.data.length; k++) sq[k % d.c]! += (d.data[k]! - mean[k % d.c]!) ** 2; // two passes: no cancellation
    this.mean = this.withMean ? mean : mean.map(() => 0);
    this.scale = sq.map((s) => {
      const std = Math.sqrt(s / d.n);
      return !this.withStd || std === 0 ? 1 : std;
    });
    return this;
  }

  /** (x − mean) / scale with the fitted statistics. */
  transform(x: Tensor): Tensor {
    const d = columnsOf('StandardScaler.transform', x);
    checkFitted('StandardScaler.transform', this.mean, d.c, this.mean?.length);
    return mapColumns(d, (v, j) => (v - this.mean![j]!) / this.scale![j]!);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** x · scale + mean: back to the original units. */
  inverseTransform(x: Tensor): Tensor {
    const d = columnsOf('StandardScaler.inverseTransform', x);
    checkFitted('StandardScaler.inverseTransform', this.mean, d.c, this.mean?.length);
    return mapColumns(d, (v, j) => v * this.scale![j]! + this.mean![j]!);
  }

  /** The fitted statistics as plain JSON (to save next to a model). */
  toJSON(): { mean: number[] | null; scale: number[] | null; withMean: boolean; withStd: boolean } {
    return { mean: this.mean, scale: this.scale, withMean: this.withMean, withStd: this.withStd };
  }

  /** A scaler with the statistics of `toJSON()`. */
  static fromJSON(s: { mean: number[] | null; scale: number[] | null; withMean?: boolean; withStd?: boolean }): StandardScaler {
    const out = new StandardScaler(s);
    out.mean = s.mean;
    out.scale = s.scale;
    return out;
  }
}

/**
 * Rescale each column linearly so the training minimum maps to `featureRange[0]` and the maximum
 * to `featureRange[1]` (default [0, 1]), like sklearn's MinMaxScaler: x·scale + offset with
 * scale = (hi − lo) / (max − min). A constant column gets scale 1. Fit on the training part only.
 *
 * @example
 * const mm = new MinMaxScaler({ featureRange: [-1, 1] });
 * const xs = mm.fitTransform(xTrain);
 */
export class MinMaxScaler {
  /** Per-column training minimum and maximum after `fit`. */
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;
  /** Per-column multiplier and offset: x·scale + offset. */
  scale: number[] | null = null;
  offset: number[] | null = null;
  readonly featureRange: readonly [number, number];

  constructor({ featureRange = [0, 1] }: { featureRange?: readonly [number, number] } = {}) {
    if (!(featureRange[0] < featureRange[1])) throw new ValueError('MinMaxScaler', `featureRange must be [low, high] with low < high, got ${JSON.stringify(featureRange)}`);
    this.featureRange = [featureRange[0], featureRange[1]];
  }

  /** Learn per-column min and max from `x` (the training features). Returns this. */
  fit(x: Tensor): this {
    const d = columnsOf('MinMaxScaler.fit', x);
    if (d.n === 0) throw new ValueError('MinMaxScaler.fit', 'x has no rows');
    const lo = new Array<number>(d.c).fill(Infinity);
    const hi = new Array<number>(d.c).fill(-Infinity);
    d.data.forEach((v, k) => {
      const j = k % d.c;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    });
    const [a, b] = this.featureRange;
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = lo.map((m, j) => (hi[j]! - m === 0 ? 1 : (b - a) / (hi[j]! - m)));
    this.offset = lo.map((m, j) => a - m * this.scale![j]!);
    return this;
  }

  /** x · scale + offset with the fitted statistics. */
  transform(x: Tensor): Tensor {
    const d = columnsOf('MinMaxScaler.transform', x);
    checkFitted('MinMaxScaler.transform', this.scale, d.c, this.scale?.length);
    return mapColumns(d, (v, j) => v * this.scale![j]! + this.offset![j]!);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** (x − offset) / scale: back to the original units. */
  inverseTransform(x: Tensor): Tensor {
    const d = columnsOf('MinMaxScaler.inverseTransform', x);
    checkFitted('MinMaxScaler.inverseTransform', this.scale, d.c, this.scale?.length);
    return mapColumns(d, (v, j) => (v - this.offset![j]!) / this.scale![j]!);
  }
}

// ---- categorical encodings ----

function categoryArray(op: string, values: Tensor | ArrayLike<Label | Cell>): Label[] {
  const arr = values instanceof Tensor ? Array.from(values.data()) : Array.from(values);
  arr.forEach((v, i) => {
    if (!(typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v)))) {
      throw new ValueError(op, `value ${i} is ${v === null ? 'null' : v instanceof Date ? 'a Date' : String(v)}; categories must be strings or numbers (drop missing rows first with dropMissing)`);
    }
  });
  return arr as Label[];
}

/** Sorted distinct values (numbers ascending, strings in code-unit order), as sklearn's np.unique. */
function sortedClasses(op: string, values: readonly Label[]): Label[] {
  const distinct = [...new Set(values)];
  const kinds = new Set(distinct.map((v) => typeof v));
  if (kinds.size > 1) throw new ValueError(op, `values mix numbers and strings (e.g. ${JSON.stringify(distinct.slice(0, 4))}); convert them to one type`);
  return kinds.has('number') ? (distinct as number[]).sort((a, b) => a - b) : (distinct as string[]).sort();
}

/**
 * Map categories to integers 0..K−1 in sorted order, like sklearn's LabelEncoder (the usual
 * preparation of class labels for `crossEntropy`, which wants int32 targets).
 *
 * @example
 * const enc = new LabelEncoder();
 * const y = enc.fitTransform(['cat', 'dog', 'cat']); // int32 [0, 1, 0]; enc.classes ['cat','dog']
 * enc.inverseTransform([1]);                          // ['dog']
 */
export class LabelEncoder {
  /** The categories, sorted; class i is `classes[i]`. */
  classes: Label[] | null = null;
  private index = new Map<Label, number>();

  /** Learn the sorted distinct categories. Returns this. */
  fit(values: Tensor | ArrayLike<Label | Cell>): this {
    const v = categoryArray('LabelEncoder.fit', values);
    if (v.length === 0) throw new ValueError('LabelEncoder.fit', 'values is empty');
    this.classes = sortedClasses('LabelEncoder.fit', v);
    this.index = new Map(this.classes.map((c, i) => [c, i]));
    return this;
  }

  /** Number of categories after `fit`. */
  get numClasses(): number {
    return this.classes?.length ?? 0;
  }

  /** Category → code, as an int32 tensor (N,). An unseen category is an error. */
  transform(values: Tensor | ArrayLike<Label | Cell>): Tensor {
    const op = 'LabelEncoder.transform';
    if (this.classes === null) throw new ValueError(op, 'the encoder is not fitted yet; call fit(values) first');
    const v = categoryArray(op, values);
    const codes = v.map((x, i) => {
      const c = this.index.get(x);
      if (c === undefined) throw new ValueError(op, `value ${i} (${JSON.stringify(x)}) was not seen in fit; known classes are ${JSON.stringify(this.classes!.slice(0, 20))}${this.classes!.length > 20 ? '…' : ''}`);
      return c;
    });
    return fromArray(codes, [codes.length], 'int32');
  }

  /** `fit(values)` then `transform(values)`. */
  fitTransform(values: Tensor | ArrayLike<Label | Cell>): Tensor {
    return this.fit(values).transform(values);
  }

  /** Code → category. */
  inverseTransform(codes: Tensor | ArrayLike<number>): Label[] {
    const op = 'LabelEncoder.inverseTransform';
    if (this.classes === null) throw new ValueError(op, 'the encoder is not fitted yet; call fit(values) first');
    const k = this.classes.length;
    return Array.from(codes instanceof Tensor ? codes.data() : codes, (c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= k) throw new ValueError(op, `code ${i} is ${c}, outside 0..${k - 1}`);
      return this.classes![c]!;
    });
  }
}

/**
 * One-hot encode a categorical column: row i has a 1 in the column of its category. Categories
 * are the sorted distinct values unless `classes` fixes them (do that for validation/test data,
 * with the training classes, so the columns line up).
 *
 * Shape: (N,) values → encoded (N, K).
 *
 * @example
 * const { encoded, classes } = oneHotEncode(['b', 'a', 'b']); // [[0,1],[1,0],[0,1]], ['a','b']
 */
export function oneHotEncode(values: Tensor | ArrayLike<Label | Cell>, options: { classes?: readonly Label[]; dtype?: DType } = {}): { encoded: Tensor; classes: Label[] } {
  const op = 'oneHotEncode';
  const v = categoryArray(op, values);
  const classes = options.classes ? [...options.classes] : sortedClasses(op, v);
  if (classes.length === 0) throw new ValueError(op, 'no categories: values is empty and no classes were given');
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const out = new Float64Array(v.length * k);
  v.forEach((x, i) => {
    const c = index.get(x);
    if (c === undefined) throw new ValueError(op, `value ${i} (${JSON.stringify(x)}) is not one of the classes ${JSON.stringify(classes.slice(0, 20))}; add it to classes or drop the row`);
    out[i * k + c] = 1;
  });
  return { encoded: fromArray(out, [v.length, k], options.dtype ?? 'float32'), classes };
}
