// The training doctor's near-duplicate search (src/doctor/duplicates.ts, nearCount), compiled
// ahead: in a program's first fit the JavaScript version runs interpreted for most of its ~20 ms
// on 10,000 image rows, this one at compiled speed from its first call. Same algorithm, same
// arithmetic (f64 sums of f32 values, JS ToInt32 of the grid cells), so the same answers:
// locality-sensitive hash tables over the training rows' projections, then each row of `other`
// (not already an exact duplicate) is measured against the training rows sharing one of its
// buckets, at most `maxChecks` of them, with an early exit once the distance passes the limit.

/** JavaScript's ToInt32 of a float64 (what `h ^ x` does to x): wraps modulo 2³², 0 for NaN/±Inf. */
function toInt32(x: f64): i32 {
  if (x >= -2147483648.0 && x < 2147483648.0) return <i32>x;
  if (!isFinite(x)) return 0;
  const m = x - 4294967296.0 * Math.floor(x / 4294967296.0);
  return <i32><u32>m;
}

/** The hash key of table t for the row whose k projections start at p (see bucketKeys in duplicates.ts). */
function bucketKey(p: usize, t: i32, bits: i32, invWidth: f64, offsets: usize): i32 {
  let h = t + 1;
  for (let b = 0; b < bits; b++) {
    const c = t * bits + b;
    const cell = Math.floor(<f64>load<f32>(p + (<usize>c << 2)) * invWidth + load<f64>(offsets + (<usize>c << 3)));
    h = (h ^ toInt32(cell)) * 0x01000193;
  }
  return h & 0x3fffffff;
}

/** Slot of `key` in the open-addressing table at `keys` (capacity 2^(32 − shift)), or the empty slot where it goes. */
function slot(keys: usize, key: i32, shift: i32, mask: i32): i32 {
  let i = <i32>(<u32>(key * <i32>0x9e3779b1) >>> shift);
  while (true) {
    const k = load<i32>(keys + (<usize>i << 2));
    if (k == -1 || k == key) return i;
    i = (i + 1) & mask;
  }
  return i;
}

/** Squared standardized distance of two f32 rows over the columns in `order`, stopping past `limit`. */
function dist2(a: usize, b: usize, order: usize, nOrder: i32, inv: usize, limit: f64): f64 {
  let s = 0.0;
  for (let q = 0; q < nOrder && s <= limit; q++) {
    const j = <usize>load<i32>(order + (<usize>q << 2));
    const z = (<f64>load<f32>(a + (j << 2)) - <f64>load<f32>(b + (j << 2))) * load<f64>(inv + (j << 3));
    s += z * z;
  }
  return s;
}

/** Bytes of scratch nearRowsF32 needs for n training rows (hash tables of capacity `cap` each). */
export function nearRowsScratchBytes(n: i32, tables: i32, cap: i32): i32 {
  return 4 * (2 * tables * n + 2 * tables * cap);
}

/**
 * The hash tables of the training rows' buckets, built in scratch (nearRowsScratchBytes):
 * projections pTrain (n × k f32), k = tables·bits; offsets (k) f64; cap: a power of two ≥ 2n.
 * Then nearRowsF32 looks rows up in them.
 */
export function nearTablesF32(n: i32, pTrain: usize, k: i32, tables: i32, bits: i32, invWidth: f64, offsets: usize, cap: i32, scratch: usize): void {
  const kt = scratch; // (n, tables) i32
  const next = kt + (<usize>(n * tables) << 2); // (tables, n) i32
  const keys = next + (<usize>(n * tables) << 2); // (tables, cap) i32
  const heads = keys + (<usize>(tables * cap) << 2); // (tables, cap) i32
  const shift = 32 - (31 - clz<i32>(cap));
  const mask = cap - 1;
  memory.fill(keys, 0xff, <usize>(tables * cap) << 2); // -1: empty
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < tables; t++) store<i32>(kt + (<usize>(i * tables + t) << 2), bucketKey(pTrain + (<usize>(i * k) << 2), t, bits, invWidth, offsets));
  }
  // Each bucket a linked list through next[t·n + row], rows ascending (built backwards).
  for (let i = n - 1; i >= 0; i--) {
    for (let t = 0; t < tables; t++) {
      const key = load<i32>(kt + (<usize>(i * tables + t) << 2));
      const tk = keys + (<usize>(t * cap) << 2);
      const th = heads + (<usize>(t * cap) << 2);
      const s = slot(tk, key, shift, mask);
      const had = load<i32>(tk + (<usize>s << 2)) == key;
      store<i32>(next + (<usize>(t * n + i) << 2), had ? load<i32>(th + (<usize>s << 2)) : -1);
      store<i32>(tk + (<usize>s << 2), key);
      store<i32>(th + (<usize>s << 2), i);
    }
  }
}

/**
 * For rows i0 … i1 − 1 of other (m × d, f32): hit[i] = 1 when the row lies within √limit of a
 * training row (n × d, f32) sharing one of its `tables` buckets (the tables nearTablesF32 built in
 * scratch), else 0; rows with skip[i] = 1 are left 0. Projections pOther (m × k) f32; order
 * (nOrder) i32 the columns to measure, inv (d) f64 their inverse scales. Called on row ranges (a
 * long first call would run unoptimized code throughout).
 */
export function nearRowsF32(train: usize, other: usize, i0: i32, i1: i32, n: i32, d: i32, pOther: usize, k: i32,
  tables: i32, bits: i32, invWidth: f64, offsets: usize, order: usize, nOrder: i32, inv: usize, limit: f64,
  maxChecks: i32, skip: usize, hit: usize, cap: i32, scratch: usize): void {
  const next = scratch + (<usize>(n * tables) << 2); // (tables, n) i32
  const keys = next + (<usize>(n * tables) << 2); // (tables, cap) i32
  const heads = keys + (<usize>(tables * cap) << 2); // (tables, cap) i32
  const shift = 32 - (31 - clz<i32>(cap));
  const mask = cap - 1;
  const rowBytes = <usize>d << 2;
  for (let i = i0; i < i1; i++) {
    store<u8>(hit + <usize>i, 0);
    if (load<u8>(skip + <usize>i) != 0) continue;
    const b = other + <usize>i * rowBytes;
    let checked = 0;
    let found = false;
    for (let t = 0; t < tables && !found && checked <= maxChecks; t++) {
      const key = bucketKey(pOther + (<usize>(i * k) << 2), t, bits, invWidth, offsets);
      const tk = keys + (<usize>(t * cap) << 2);
      const s = slot(tk, key, shift, mask);
      if (load<i32>(tk + (<usize>s << 2)) != key) continue;
      for (let tr = load<i32>(heads + (<usize>(t * cap + s) << 2)); tr >= 0; tr = load<i32>(next + (<usize>(t * n + tr) << 2))) {
        if (++checked > maxChecks) break;
        if (dist2(train + <usize>tr * rowBytes, b, order, nOrder, inv, limit) <= limit) { found = true; break; }
      }
    }
    if (found) store<u8>(hit + <usize>i, 1);
  }
}

/**
 * Project rows on k directions over the columns a … a + w − 1: out[i, c] = Σ_j x[i, a + j]·r[j, c]
 * (f32, j ascending; x n × d f32, r w × k f32), and each row's 30-bit key of the bit patterns of
 * its k projections (projectionKey in duplicates.ts). Reads the window in place: no copy of it.
 */
export function projectRowsF32(x: usize, n: i32, d: i32, a: i32, w: i32, r: usize, k: i32, out: usize, keys: usize): void {
  const k4 = k & ~3;
  let i0 = 0;
  if (k == 12) { // the doctor's k: four rows at a time, twelve independent sums (not one add chain per lane)
    for (; i0 + 4 <= n; i0 += 4) {
      const r0 = x + (<usize>(i0 * d + a) << 2), r1 = r0 + (<usize>d << 2), r2 = r1 + (<usize>d << 2), r3 = r2 + (<usize>d << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
      let e0 = f32x4.splat(0), e1 = f32x4.splat(0), e2 = f32x4.splat(0);
      for (let j = 0; j < w; j++) {
        const rj = r + (<usize>(j * 12) << 2);
        const w0 = v128.load(rj), w1 = v128.load(rj, 16), w2 = v128.load(rj, 32);
        const o = <usize>j << 2;
        const xa = f32x4.splat(load<f32>(r0 + o)), xb = f32x4.splat(load<f32>(r1 + o));
        const xc = f32x4.splat(load<f32>(r2 + o)), xe = f32x4.splat(load<f32>(r3 + o));
        a0 = f32x4.add(a0, f32x4.mul(xa, w0)); a1 = f32x4.add(a1, f32x4.mul(xa, w1)); a2 = f32x4.add(a2, f32x4.mul(xa, w2));
        b0 = f32x4.add(b0, f32x4.mul(xb, w0)); b1 = f32x4.add(b1, f32x4.mul(xb, w1)); b2 = f32x4.add(b2, f32x4.mul(xb, w2));
        c0 = f32x4.add(c0, f32x4.mul(xc, w0)); c1 = f32x4.add(c1, f32x4.mul(xc, w1)); c2 = f32x4.add(c2, f32x4.mul(xc, w2));
        e0 = f32x4.add(e0, f32x4.mul(xe, w0)); e1 = f32x4.add(e1, f32x4.mul(xe, w1)); e2 = f32x4.add(e2, f32x4.mul(xe, w2));
      }
      const o = out + (<usize>(i0 * 12) << 2);
      v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32);
      v128.store(o, b0, 48); v128.store(o, b1, 64); v128.store(o, b2, 80);
      v128.store(o, c0, 96); v128.store(o, c1, 112); v128.store(o, c2, 128);
      v128.store(o, e0, 144); v128.store(o, e1, 160); v128.store(o, e2, 176);
      for (let q = 0; q < 4; q++) projectionKey(o + (<usize>(q * 12) << 2), 12, keys + (<usize>(i0 + q) << 2));
    }
  }
  for (let i = i0; i < n; i++) {
    const row = x + (<usize>(i * d + a) << 2);
    const o = out + (<usize>(i * k) << 2);
    memory.fill(o, 0, <usize>k << 2);
    for (let j = 0; j < w; j++) {
      const xj = load<f32>(row + (<usize>j << 2));
      const rj = r + (<usize>(j * k) << 2);
      const xv = f32x4.splat(xj);
      let c = 0;
      for (; c < k4; c += 4) {
        const p = o + (<usize>c << 2);
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(xv, v128.load(rj + (<usize>c << 2)))));
      }
      for (; c < k; c++) {
        const p = o + (<usize>c << 2);
        store<f32>(p, load<f32>(p) + xj * load<f32>(rj + (<usize>c << 2)));
      }
    }
    projectionKey(o, k, keys + (<usize>i << 2));
  }
}

/** projectRowsF32 on rows i0 … i1 − 1 of x (n × d): the form the thread pool runs in parallel (its range last). */
export function projectRowsRangeF32(x: usize, d: i32, a: i32, w: i32, r: usize, k: i32, out: usize, keys: usize, i0: i32, i1: i32): void {
  projectRowsF32(x + (<usize>(i0 * d) << 2), i1 - i0, d, a, w, r, k, out + (<usize>(i0 * k) << 2), keys + (<usize>i0 << 2));
}

/** Store at `key` the 30-bit key of the k f32 projections at p (their bit patterns, FNV-style: projectionKey in duplicates.ts). */
function projectionKey(p: usize, k: i32, key: usize): void {
  let h1: u32 = 0x811c9dc5;
  let h2: u32 = 0x01000193;
  for (let c = 0; c < k; c++) {
    const b = load<u32>(p + (<usize>c << 2));
    h1 = (h1 ^ b) * 0x01000193;
    h2 = (h2 ^ (b >>> 7)) * 0x5bd1e995;
  }
  store<i32>(key, <i32>((h1 ^ (h2 >>> 15)) & 0x3fffffff));
}

/** Bytes of scratch sharedKeysI32 needs (a hash table of capacity cap: keys and counts). */
export function sharedKeysScratchBytes(cap: i32): i32 {
  return 8 * cap;
}

/**
 * out[i] = 1 when keys[i] (n non-negative 30-bit keys) occurs at least twice among the n keys,
 * else 0: the duplicate check's first stage (only such rows can have an exact twin). cap: a power
 * of two ≥ 2n.
 */
export function sharedKeysI32(keys: usize, n: i32, out: usize, cap: i32, scratch: usize): void {
  const table = scratch; // (cap) i32 keys, −1 empty
  const counts = scratch + (<usize>cap << 2); // (cap) i32
  const shift = 32 - (31 - clz<i32>(cap));
  const mask = cap - 1;
  memory.fill(table, 0xff, <usize>cap << 2);
  memory.fill(counts, 0, <usize>cap << 2);
  for (let i = 0; i < n; i++) {
    const key = load<i32>(keys + (<usize>i << 2));
    const s = slot(table, key, shift, mask);
    store<i32>(table + (<usize>s << 2), key);
    store<i32>(counts + (<usize>s << 2), load<i32>(counts + (<usize>s << 2)) + 1);
  }
  for (let i = 0; i < n; i++) {
    const s = slot(table, load<i32>(keys + (<usize>i << 2)), shift, mask);
    store<u8>(out + <usize>i, load<i32>(counts + (<usize>s << 2)) >= 2 ? 1 : 0);
  }
}
