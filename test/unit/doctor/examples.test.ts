// The shipped examples are clean, well-set-up runs: the doctor must not raise a warning on them
// (a doctor that cries wolf on the project's own examples is worse than none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alarms } from './helpers.js';
import { run as xorMlp } from '../../../examples/xor-mlp.js';
import { run as irisMlp } from '../../../examples/iris-mlp.js';
import { run as co2Lstm } from '../../../examples/co2-lstm.js';

for (const [name, run] of [['xor-mlp', xorMlp], ['iris-mlp', irisMlp], ['co2-lstm', co2Lstm]] as const) {
  test(`the ${name} example raises no warning`, async () => {
    const r = await run({ verbose: false });
    assert.ok(r.findings !== undefined && r.findings.length > 0, 'the doctor ran');
    assert.deepEqual(alarms(r.findings), []);
  });
}
