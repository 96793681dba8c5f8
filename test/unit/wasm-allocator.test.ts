// The wasm backend's allocator: size classes (≤ 25% slack), reuse through free lists, reuse of a
// larger free block before growing, generations that expose stale handles, memory growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Allocator, sizeClass } from '../../src/backend/wasm/allocator.js';

test('size classes are 16-byte aligned and waste at most 25% above 256 bytes', () => {
  for (let b = 1; b < 1 << 20; b = Math.ceil(b * 1.37) + 1) {
    const c = sizeClass(b);
    assert.ok(c >= b && c % 16 === 0, `class ${c} for ${b}`);
    if (b > 256) assert.ok(c <= b * 1.25 + 16, `class ${c} wastes more than 25% for ${b}`);
  }
});

test('freed blocks are reused (dirty), stale generations are detected, memory grows on demand', () => {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 100 });
  const a = new Allocator(mem, 1024);
  const x = a.alloc(1000);
  assert.equal(x.dirty, false, 'fresh memory is already zero');
  assert.ok(a.release(x));
  assert.equal(a.release(x), false, 'double free is refused');
  const y = a.alloc(1000);
  assert.equal(y.ptr, x.ptr);
  assert.equal(y.dirty, true, 'recycled memory must be zeroed before it is read');
  assert.equal(a.isLive(x), false, 'the old handle is stale');
  assert.equal(a.isLive(y), true);
  const big = a.alloc(200_000); // more than the initial 64 KiB page
  assert.ok(mem.buffer.byteLength >= big.ptr + 200_000);
});

test('a free block of a larger class (≤ 2×) is reused before the heap grows', () => {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 100 });
  const a = new Allocator(mem, 1024);
  const x = a.alloc(4096);
  a.release(x);
  const top = a.highWater;
  const y = a.alloc(3000);
  assert.equal(y.ptr, x.ptr);
  assert.equal(a.highWater, top);
  a.release(y);
  const z = a.alloc(1000); // 4096 > 2·1008: not reused
  assert.notEqual(z.ptr, x.ptr);
});
