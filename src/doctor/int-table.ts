// A small open-addressing hash map from non-negative 31-bit integer keys to int32 values, kept in
// two typed arrays: the doctor's row buckets (tens of thousands of inserts per check) without a
// JS Map entry or an array per bucket.

/**
 * Map from non-negative integer keys (< 2³¹) to int32 values; `get` returns `missing` for an
 * absent key. Sized once for at most `capacity` keys.
 *
 * @example
 * const t = new IntTable(100);
 * t.set(42, 7);
 * t.get(42); // 7
 * t.get(5);  // -1
 */
export class IntTable {
  private readonly keys: Int32Array;
  private readonly vals: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(capacity: number) {
    let bits = 4;
    while (1 << bits < 2 * capacity) bits++; // load ≤ 1/2: short probe runs
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.vals = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  get(key: number, missing = -1): number {
    const i = this.slot(key);
    return this.keys[i] === key ? this.vals[i]! : missing;
  }

  set(key: number, value: number): void {
    const i = this.slot(key);
    this.keys[i] = key;
    this.vals[i] = value;
  }
}
