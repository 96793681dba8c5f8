// Check: rows of the validation/test set that also occur in training, exactly (same values) or
// nearly (RMS difference ≤ 2% of a standard deviation per feature after standardizing with the
// training statistics). Every row is first projected on 12 random sign directions of the
// standardized features (one matmul per split on the backend; wide rows through a window of their
// widest-spread columns). Exact: rows with equal values have
// bit-equal projections, so the projections are a cheap first key and only rows whose key another
// row shares are hashed and compared in full. Near: locality-sensitive hashing on the same projections (a near pair lands
// in the same bucket of one of a few hash tables with high probability; a far pair almost never),
// then each candidate pair is measured exactly — O(n·d) instead of comparing every pair (O(n²·d)).
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { Generator } from '../tensor/random.js';
import { matmul } from '../ops/linalg.js';
import { slice } from '../ops/movement.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Finding } from '../train/finding.js';
import { argsort } from './leakage.js';
import type { ColumnStats } from './column-stats.js';
import type { Matrix } from './matrix.js';

export interface DuplicateOptions {
  /** Near-duplicate threshold: RMS of the standardized difference per feature. Default 0.02 (2% of a standard deviation). */
  nearTolerance?: number;
  /** Seed of the random projections (the doctor never touches the global generator). */
  seed?: number;
}

export interface DuplicateReport {
  /** Rows of `other` equal to some training row. */
  exact: number;
  /** Rows of `other` within the tolerance of some training row (and not exact). */
  near: number;
  /** Up to 5 row indices of `other` that are duplicates. */
  examples: number[];
  /** Share of training rows that have an exact twin inside the training set itself. */
  withinTrainRate: number;
  /**
   * Expected number of rows of `other` that repeat a training row by pure coincidence, if the
   * columns were independent: m · n · Π_j P(two rows share column j's value). About 0.04 for
   * iris (4 columns at 0.1 cm), astronomically small for continuous or high-dimensional data,
   * where a repeat is a copy.
   */
  chanceRepeats: number;
}

/** The float32 bit patterns of a matrix's values (a view when they are float32 already). */
function bits(v: ArrayLike<number>): Uint32Array {
  if (v instanceof Float32Array) return new Uint32Array(v.buffer, v.byteOffset, v.length);
  return new Uint32Array(Float32Array.from(v).buffer);
}

function rowHash(b: Uint32Array, off: number, d: number): number {
  // FNV-1a-style over the float32 bit patterns, two lanes folded into a 53-bit safe integer.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let j = 0; j < d; j++) {
    const w = b[off + j]!;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ (w >>> 7), 0x5bd1e995);
  }
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff);
}

/** A 30-bit hash of the k projections of row i (their float32 bit patterns). */
function projectionKey(p: Uint32Array, i: number, k: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let c = 0; c < k; c++) {
    const w = p[i * k + c]!;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ (w >>> 7), 0x5bd1e995);
  }
  return (h1 ^ (h2 >>> 15)) & 0x3fffffff; // 30 bits; a collision only costs a full hash
}

function sameRow(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (Math.fround(a[ai + j]!) !== Math.fround(b[bi + j]!)) return false;
  return true;
}

const TABLES = 3;
const BITS = 4;

/**
 * Count rows of `other` that duplicate a training row, exactly or nearly.
 *
 * Shape: train (n, d) and other (m, d) as matrices; xTrain/xOther the same data as tensors (for
 * the projections, done with one matmul each).
 */
export function findDuplicates(train: Matrix, other: Matrix, stats: ColumnStats, xTrain: Tensor, xOther: Tensor, opts: DuplicateOptions = {}): DuplicateReport {
  const { nearTolerance = 0.02, seed = 0 } = opts;
  const d = train.d;
  const sc = scales(stats);
  const proj = other.n > 0 ? projections(sc, xTrain, train.n, xOther, other.n, seed) : null;
  let trainBits: Uint32Array | null = null, otherBits: Uint32Array | null = null; // read on first use
  // Stage 1: the projections as a key (0 for every row when no column varies). A row whose key no
  // other row shares has no exact twin, so only rows in shared keys are hashed in full (stage 2):
  // on image-like data that is almost none of them; on coarse data many, as it must be.
  const trainKeys = proj?.trainKeys ?? new Int32Array(train.n);
  const otherKeys = proj?.otherKeys ?? new Int32Array(other.n);
  const shared = sharedKeys(trainKeys, otherKeys); // (n + m): 1 where another row has the key
  const table = new Map<number, number[]>();
  let withinTwins = 0;
  for (let i = 0; i < train.n; i++) {
    if (!shared[i]) continue;
    const h = rowHash((trainBits ??= bits(train.values)), i * d, d);
    const list = table.get(h);
    if (list) {
      if (list.some((k) => sameRow(train.values, k * d, train.values, i * d, d))) withinTwins++;
      list.push(i);
    } else table.set(h, [i]);
  }
  const isExact = new Uint8Array(other.n);
  let exact = 0;
  const examples: number[] = [];
  for (let i = 0; i < other.n; i++) {
    if (!shared[train.n + i]) continue;
    const list = table.get(rowHash((otherBits ??= bits(other.values)), i * d, d));
    if (list && list.some((k) => sameRow(train.values, k * d, other.values, i * d, d))) {
      isExact[i] = 1;
      exact++;
      if (examples.length < 5) examples.push(i);
    }
  }
  const near = proj ? nearCount(train, other, xTrain, xOther, stats, sc, proj, isExact, Math.max(nearTolerance, 1e-9), examples) : 0;
  const chanceRepeats = exact + near > 0 ? other.n * train.n * Math.exp(logCollision(train)) : 0;
  return { exact, near, examples, withinTrainRate: train.n > 0 ? (2 * withinTwins) / train.n : 0, chanceRepeats };
}

/**
 * Arguments of nearHits (see nearCount): per row of `other`, whether
 * a training row sharing one of its hash buckets lies within √limit (standardized distance).
 */
interface NearRowsRequest {
  n: number;
  m: number;
  d: number;
  /** Projections of the rows (n × k and m × k), k = tables · bits. */
  pTrain: Float32Array;
  pOther: Float32Array;
  tables: number;
  bits: number;
  /** 1 / bucket width, and each projection's grid offset (k). */
  invWidth: number;
  offsets: Float64Array;
  /** Columns measured, in this order, and every column's inverse scale (d). */
  order: Int32Array;
  inv: Float64Array;
  /** Squared distance at or below which a pair is near. */
  limit: number;
  /** Candidates measured per row at most. */
  maxChecks: number;
  /** Rows of `other` not to check (1: already an exact duplicate). */
  skip: Uint8Array;
}

/** Per row of both splits (training rows first), 1 when another row has its key. */
function sharedKeys(trainKeys: Int32Array, otherKeys: Int32Array): Uint8Array {
  const all = new Int32Array(trainKeys.length + otherKeys.length);
  all.set(trainKeys);
  all.set(otherKeys, trainKeys.length);
  const count = new Map<number, number>();
  for (const k of all) count.set(k, (count.get(k) ?? 0) + 1);
  return Uint8Array.from(all, (k) => (count.get(k)! >= 2 ? 1 : 0));
}

/** Both splits projected on k random sign directions of the standardized features, each row's key of its projections (projectionKey), and the bucket offsets. */
interface Projections { train: Float32Array; other: Float32Array; k: number; offsets: Float64Array; trainKeys: Int32Array; otherKeys: Int32Array }

/** Rows wider than this are projected through a window of their columns (see `projectionWindow`). */
const WINDOW_FROM = 256;

/**
 * The consecutive columns the projections read: all of them up to WINDOW_FROM, else the window of
 * max(128, ⌈d/4⌉) consecutive columns with the largest summed spread. A pair near in every column
 * is near inside any window (its distance there can only be smaller), so the window loses no near
 * pair; pairs that differ only outside it become candidates and are measured on every column.
 * It cuts the projection matmul about fourfold on images.
 */
export function projectionWindow(sc: Float64Array): [number, number] {
  const d = sc.length;
  if (d <= WINDOW_FROM) return [0, d];
  const w = Math.max(128, Math.ceil(d / 4));
  let best = 0, bestSum = -1, acc = 0;
  for (let j = 0; j < d; j++) {
    acc += sc[j]!;
    if (j >= w) acc -= sc[j - w]!;
    if (j >= w - 1 && acc > bestSum) { bestSum = acc; best = j - w + 1; }
  }
  return [best, best + w];
}

/**
 * Project every row on TABLES·BITS random sign directions over the standardized features of the
 * projection window: z·r = x·(r/σ) − (μ/σ)·r, so the raw rows are projected (one matmul per
 * split) and the constant shift drops out of every difference. Null when no column varies.
 *
 * Shape: xTrain (n, *), xOther (m, *) → (n, k), (m, k) row-major.
 */
function projections(sc: Float64Array, xTrain: Tensor, n: number, xOther: Tensor, m: number, seed: number): Projections | null {
  const d = sc.length;
  if (!sc.some((v) => v > 0)) return null;
  const [a, b] = projectionWindow(sc);
  const w = b - a;
  const g = new Generator(seed + 104729);
  const k = TABLES * BITS;
  // Random signs (Rademacher: as good as Gaussian directions for this; 32 per random draw) over σ.
  const r = new Float64Array(w * k);
  let word = 0;
  for (let q = 0; q < w * k; q++) {
    if (q % 32 === 0) word = g.nextUint32();
    const j = a + Math.floor(q / k);
    r[q] = sc[j]! > 0 ? ((word >>> (q % 32)) & 1 ? 1 : -1) / sc[j]! : 0;
  }
  const offsets = Float64Array.from({ length: k }, () => g.uniform()); // as a fraction of the bucket width
  const project = (x: Tensor, rows: number): Float32Array => noGrad(() => scope(() => {
    let flat = x.reshape(rows, d).to(x.dtype === 'float64' ? 'float64' : 'float32'); // (rows, d)
    if (w < d) flat = slice(flat, [null, [a, b]]); // (rows, w)
    return matmul(flat, fromArray(r, [w, k], flat.dtype, flat.storage.backend)).to('float32').data() as Float32Array; // (rows, k)
  }));
  const pt = project(xTrain, n), po = project(xOther, m);
  const keysOf = (p: Float32Array, rows: number): Int32Array => {
    const pb = bits(p);
    const keys = new Int32Array(rows);
    for (let i = 0; i < rows; i++) keys[i] = projectionKey(pb, i, k);
    return keys;
  };
  return { train: pt, other: po, k, offsets, trainKeys: keysOf(pt, n), otherKeys: keysOf(po, m) };
}

/** Floor for per-column scales: columns that almost never change must not dominate distances. */
function scales(stats: ColumnStats): Float64Array {
  const nz = stats.std.filter((s) => s > 0).sort(); // numeric order (a typed array's sort)
  const floor = nz.length ? 0.1 * nz[Math.floor(nz.length / 2)]! : 1;
  return stats.std.map((s) => (s > 0 ? Math.max(s, floor) : 0));
}

/** log of Π_j Σ_v p_j(v)²: the chance that two random training rows agree in every column (independence). */
function logCollision(m: Matrix): number {
  let logP = 0;
  for (let j = 0; j < m.d && logP > -60; j++) {
    const counts = new Map<number, number>();
    for (let i = 0; i < m.n; i++) { const v = m.values[i * m.d + j]!; counts.set(v, (counts.get(v) ?? 0) + 1); }
    let q = 0;
    for (const c of counts.values()) q += (c / m.n) ** 2;
    logP += Math.log(q);
  }
  return logP;
}

/**
 * Bucket key of every row in each of the TABLES hash tables: the grid cells ⌊p·inv + offset⌋ of
 * the table's BITS projections (inv = 1 / bucket width), hashed. Shape: p (rows, k) → out (rows, TABLES).
 */
function bucketKeys(p: Float32Array, rows: number, k: number, inv: number, offsets: Float64Array): Int32Array {
  const out = new Int32Array(rows * TABLES);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < TABLES; t++) {
      let h = t + 1;
      for (let b = 0; b < BITS; b++) {
        const c = t * BITS + b;
        h = Math.imul(h ^ Math.floor(p[i * k + c]! * inv + offsets[c]!), 0x01000193);
      }
      out[i * TABLES + t] = h & 0x3fffffff; // a hash collision only adds a candidate, which is then measured exactly
    }
  }
  return out;
}

/** Squared standardized distance of rows a[ai..] and b[bi..] over the columns in `order`, stopping once it exceeds `limit`. */
function dist2(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, order: Int32Array, inv: Float64Array, limit: number): number {
  let s = 0;
  for (let q = 0; q < order.length && s <= limit; q++) {
    const j = order[q]!;
    const z = (a[ai + j]! - b[bi + j]!) * inv[j]!;
    s += z * z;
  }
  return s;
}

/** Candidates measured per row at most: a crowded bucket means dense data, where looking further costs without telling. */
const MAX_CHECKS = 200;

function nearCount(train: Matrix, other: Matrix, xTrain: Tensor, xOther: Tensor, stats: ColumnStats, sc: Float64Array, proj: Projections, isExact: Uint8Array, tol: number, examples: number[]): number {
  const d = train.d;
  const n = train.n;
  // Active columns, widest spread first: a far candidate pair usually differs there, so the
  // early exit of dist2 comes after a few columns instead of after the (often blank) leading ones.
  const active = Int32Array.from([...sc.keys()].filter((j) => sc[j]! > 0));
  const negStd = new Float64Array(active.length);
  for (let q = 0; q < active.length; q++) negStd[q] = -stats.std[active[q]!]!;
  const order = argsort(negStd).map((q) => active[q]!); // std descending, ties by column
  const inv = sc.map((v) => (v > 0 ? 1 / v : 0));
  const radius = tol * Math.sqrt(active.length);
  const r2 = radius * radius;
  // bucket width: a pair at the threshold shares a bucket per direction w.p. ≈ 0.9, so one
  // table of BITS directions w.p. ≈ 0.66 and one of TABLES tables w.p. ≈ 0.96
  const width = 8 * radius;
  const req: NearRowsRequest = {
    n, m: other.n, d, pTrain: proj.train, pOther: proj.other,
    tables: TABLES, bits: BITS, invWidth: 1 / width, offsets: proj.offsets, order, inv, limit: r2, maxChecks: MAX_CHECKS, skip: isExact,
  };
  const hits = nearHits(train, other, req);
  let near = 0;
  for (let i = 0; i < other.n; i++) {
    if (!hits[i]) continue;
    near++;
    if (examples.length < 5) examples.push(i);
  }
  return near;
}

/** hit[i] = 1 when row i of other has a near training row among the candidates its buckets name. */
function nearHits(train: Matrix, other: Matrix, r: NearRowsRequest): Uint8Array {
  const { n, m, d, order, inv, limit } = r;
  const k = r.tables * r.bits;
  const kt = bucketKeys(r.pTrain, n, k, r.invWidth, r.offsets);
  const ko = bucketKeys(r.pOther, m, k, r.invWidth, r.offsets);
  // Each bucket is a linked list through next[t·n + row], rows in ascending order (built
  // backwards), its head in a map from bucket key to row.
  const heads = Array.from({ length: TABLES }, () => new Map<number, number>());
  const next = new Int32Array(TABLES * n);
  for (let i = n - 1; i >= 0; i--) {
    for (let t = 0; t < TABLES; t++) {
      const key = kt[i * TABLES + t]!;
      next[t * n + i] = heads[t]!.get(key) ?? -1;
      heads[t]!.set(key, i);
    }
  }
  const hit = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    if (r.skip[i]) continue;
    let checked = 0;
    for (let t = 0; t < TABLES && !hit[i]; t++) {
      for (let tr = heads[t]!.get(ko[i * TABLES + t]!) ?? -1; tr >= 0; tr = next[t * n + tr]!) {
        if (++checked > r.maxChecks) break; // a crowded bucket: the data is dense here, stop looking
        if (dist2(train.values, tr * d, other.values, i * d, order, inv, limit) <= limit) { hit[i] = 1; break; }
      }
    }
  }
  return hit;
}

/** The finding for duplicates between training and `split` ('validation' or 'test'). */
export function duplicateFinding(rep: DuplicateReport, split: string, m: number): Finding | null {
  const count = rep.exact + rep.near;
  if (count === 0) return null;
  const rate = count / m;
  // Data that repeats inside training as often (e.g. iris, coarse measurements) repeats across
  // splits by chance: that is information, not a leak.
  const natural = rate <= 3 * rep.withinTrainRate || rep.chanceRepeats >= 0.01;
  return {
    id: `duplicates-train-${split}`,
    severity: natural ? 'info' : 'warning',
    title: `${count} of ${m} ${split} rows (${(100 * rate).toFixed(1)}%) also occur in training (${rep.exact} exact, ${rep.near} near)${natural ? '; the data is coarse enough (few distinct values per column) for rows to repeat by coincidence' : ''}`,
    evidence: { exact: rep.exact, near: rep.near, rows: m, rate, withinTrainRate: rep.withinTrainRate, chanceRepeats: rep.chanceRepeats, firstRow: rep.examples[0] ?? -1 },
    fix: `remove the repeated rows from the ${split} set (or de-duplicate before splitting, and keep all rows of one entity/source on the same side, e.g. a grouped split): a ${split} score measured on rows the model trained on is optimistic`,
  };
}
