// Property tests (fast-check): broadcasting, reshape/permute round trips, sums over random dims
// against a naive loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, broadcastShapes, fromArray, permute, reshape, sum, ShapeError } from '../../src/index.js';
import { numelOf, stridesOf } from '../../src/tensor/shape.js';

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
const seq = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i * 0.5 - 3);

test('broadcast add equals an index-by-index loop', () => {
  fc.assert(fc.property(shapeArb, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.nat(4), (shape, ones, drop) => {
    // b: a suffix of shape with some sizes set to 1, so the pair always broadcasts.
    const bShape = shape.slice(Math.min(drop, shape.length)).map((s, i) => (ones[i] ? 1 : s));
    const a = fromArray(seq(numelOf(shape)), shape, 'float64');
    const b = fromArray(seq(numelOf(bShape)).map((v) => v * 10), bShape, 'float64');
    const out = add(a, b);
    assert.deepEqual([...out.shape], broadcastShapes('t', shape, bShape));
    const od = out.data(); const ad = a.data(); const bd = b.data();
    const st = stridesOf(out.shape);
    const bst = stridesOf(bShape);
    for (let i = 0; i < od.length; i++) {
      const idx = st.map((s, d) => Math.floor(i / s) % out.shape[d]!);
      const bi = bShape.reduce((acc, s, d) => acc + (s === 1 ? 0 : idx[idx.length - bShape.length + d]!) * bst[d]!, 0);
      assert.equal(od[i], ad[i]! + bd[bi]!);
    }
  }), { numRuns: 150 });
});

test('incompatible shapes throw a ShapeError naming both shapes', () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), (m, n) => {
    fc.pre(m !== n);
    assert.throws(() => add(fromArray(seq(m), [m], 'float64'), fromArray(seq(n), [n], 'float64')),
      (e: unknown) => e instanceof ShapeError && e.message.includes(`[${m}]`) && e.message.includes(`[${n}]`));
  }));
});

test('reshape round trip and permute then inverse permute are identities', () => {
  fc.assert(fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
    const x = fromArray(seq(numelOf(shape)), shape, 'float64');
    assert.deepEqual(reshape(reshape(x, [-1]), shape).data(), x.data());
    const perm = shape.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => { inv[p] = i; });
    const y = permute(permute(x, perm), inv);
    assert.deepEqual([...y.shape], shape);
    assert.deepEqual(y.data(), x.data());
  }), { numRuns: 150 });
});

test('sum over random dims equals a naive loop', () => {
  fc.assert(fc.property(shapeArb, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.boolean(), (shape, pick, keepDim) => {
    const dims = shape.map((_, i) => i).filter((i) => pick[i]);
    const x = fromArray(seq(numelOf(shape)), shape, 'float64');
    const out = sum(x, { dim: dims.length ? dims : null, keepDim });
    const reduced = dims.length ? dims : shape.map((_, i) => i);
    const keptShape = shape.map((s, i) => (reduced.includes(i) ? 1 : s));
    const expect = new Float64Array(numelOf(keptShape));
    const st = stridesOf(shape); const kst = stridesOf(keptShape);
    const xd = x.data();
    for (let i = 0; i < xd.length; i++) {
      const o = shape.reduce((acc, s, d) => acc + (reduced.includes(d) ? 0 : Math.floor(i / st[d]!) % s) * kst[d]!, 0);
      expect[o]! += xd[i]!;
    }
    const wantShape = keepDim ? keptShape : shape.filter((_, i) => !reduced.includes(i));
    assert.deepEqual([...out.shape], wantShape);
    const od = out.data();
    for (let i = 0; i < od.length; i++) assert.ok(Math.abs(od[i]! - expect[i]!) < 1e-9);
  }), { numRuns: 150 });
});
