// safetensors headers past the limits: deep JSON (header or __metadata__), nested metadata, and
// more tensors than maxTensors are typed errors naming the field and the option that raises it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

function file(header: string): Uint8Array {
  let h = new TextEncoder().encode(header);
  if (h.length % 8 !== 0) { const p = new Uint8Array(h.length + 8 - (h.length % 8)).fill(0x20); p.set(h); h = p; }
  const out = new Uint8Array(8 + h.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}
const is = (cls: new (...a: never[]) => Error, ...parts: string[]) => (e: unknown): boolean =>
  e instanceof cls && parts.every((p) => (e as Error).message.includes(p));

test('deeply nested header JSON or __metadata__ is a LimitError, not a RangeError', () => {
  assert.throws(() => ax.parseSafetensors(file(`{"x":${'['.repeat(100000)}${']'.repeat(100000)}}`)), is(ax.LimitError, 'nesting depth', 'maxDepth'));
  assert.throws(() => ax.parseSafetensors(file(`{"__metadata__":{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`)), is(ax.LimitError, 'maxDepth'));
  assert.throws(() => ax.parseSafetensors(file('{"__metadata__":{"a":{"b":"c"}}}')), is(ax.ValueError, '__metadata__["a"]', 'must be strings'));
});

test('more tensors than maxTensors are refused before any is built; the limit can be raised', () => {
  const parts = Array.from({ length: 20 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  const bytes = file(`{"__metadata__":{"k":"v"},${parts.join(',')}}`);
  assert.throws(() => ax.parseSafetensors(bytes, { maxTensors: 19 }), is(ax.LimitError, 'number of tensors', 'is 20', 'maxTensors: 20'));
  assert.equal(Object.keys(ax.parseSafetensors(bytes, { maxTensors: 20 }).tensors).length, 20);
  assert.equal(ax.DEFAULT_LIMITS.maxTensors, 16_384);
});

test('a tensor named __proto__ is kept as an own entry', () => {
  const f = ax.parseSafetensors(file('{"__proto__":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'));
  assert.deepEqual(Object.keys(f.tensors), ['__proto__']);
  assert.equal(Object.getPrototypeOf(f.tensors), Object.prototype);
});
