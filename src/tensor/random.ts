// Seeded, platform-independent random numbers: xoshiro128** seeded through splitmix32.
// Only 32-bit integer arithmetic (Math.imul, >>>) is used, so Node and browsers agree bit for bit.
import { ValueError } from '../errors.js';

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A reproducible random generator. The same seed gives the same stream everywhere.
 *
 * @example
 * const g = new Generator(42); g.uniform(); // a float in [0, 1)
 */
export class Generator {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) { this.manualSeed(seed); }

  /** Reset the stream to the start of `seed` (any finite number; non-integers are truncated). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ValueError('manualSeed', `seed must be a finite number, got ${seed}`);
    const lo = Math.trunc(seed) >>> 0;
    const hi = Math.floor(Math.trunc(seed) / 4294967296) >>> 0;
    const st = { s: lo ^ Math.imul(hi, 0x27d4eb2d) };
    this.s0 = splitmix32(st); this.s1 = splitmix32(st); this.s2 = splitmix32(st); this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    return this;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    const span = high - low;
    if (!(span > 0)) throw new ValueError('randint', `empty range [${low}, ${high}); high must exceed low`);
    return low + Math.floor(this.uniform() * span);
  }

  /**
   * The generator's state, like `torch.get_rng_state()`: four 32-bit words, plus the normal
   * sample held for the next `normal()` call when there is one. Plain finite numbers, so it
   * survives JSON; `setState` puts the stream back exactly where it was.
   */
  getState(): number[] {
    const words = [this.s0, this.s1, this.s2, this.s3];
    return this.spare === null ? words : [...words, this.spare];
  }

  /** Restore a state from `getState()` (a 5th value of NaN, as older checkpoints wrote, means none held). */
  setState(s: readonly number[]): void {
    const ok = Array.isArray(s) && (s.length === 4 || s.length === 5) && s.slice(0, 4).every((w) => Number.isInteger(w) && w >= -2147483648 && w <= 4294967295)
      && (s[4] === undefined || typeof s[4] === 'number') && (s[0]! | s[1]! | s[2]! | s[3]!) !== 0;
    if (!ok) throw new ValueError('Generator.setState', `expected the 4 or 5 numbers getState() returns (32-bit words, not all zero, then an optional held sample), got ${JSON.stringify(s)?.slice(0, 80)}`);
    [this.s0, this.s1, this.s2, this.s3] = [s[0]! | 0, s[1]! | 0, s[2]! | 0, s[3]! | 0];
    this.spare = s[4] === undefined || !Number.isFinite(s[4]) ? null : s[4];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when an op is given none. */
export const defaultGenerator = new Generator(0);

/** Seed the default generator (like `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
