// Fuzz in the suite: 2,000 seeded mutations per loader (plus the hostile inputs of the hardening
// issue), each of which must load or throw an AxonError, within 5 s, without external memory
// growing past what its limits allow. `npm run fuzz` runs 20,000 per loader (test/fuzz/run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../helpers.js';
import { fuzz } from './harness.js';
import { allTargets } from './targets.js';

const CASES = 2000;
const SEED = 20261206;

for (const target of allTargets()) {
  test(`fuzz ${target.name}: ${CASES} mutated files and the hostile inputs load or throw an AxonError, fast and within the limits`, () => {
    const r = fuzz(target, CASES, SEED);
    assert.equal(r.cases, CASES + target.hostile.length);
    assert.deepEqual({ untyped: r.untyped, hangs: r.hangs, overMemory: r.overMemory, samples: r.samples }, { untyped: 0, hangs: 0, overMemory: 0, samples: [] });
  });
}
