// A training process killed with SIGKILL at a random step, then resumed in a new process from
// its last checkpoint, ends bit-identical to a process that ran uninterrupted: weights, epoch
// history and every step's loss. The script is resume-child.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EPOCHS, STEPS_PER_EPOCH } from '../../resume-setup.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'resume-child.js');

interface ChildRun { code: number | null; signal: NodeJS.Signals | null; steps: Map<number, number>; from: number }

/** Run the child; with `killAt`, SIGKILL it as soon as it reports that step. */
function child(mode: 'fresh' | 'resume', dir: string, out: string, killAt?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CHILD, mode, dir, out], { stdio: ['ignore', 'pipe', 'inherit'] });
    const steps = new Map<number, number>();
    let from = -1;
    let buf = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [what, n, loss] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (what === 'from') from = Number(n);
        if (what !== 'step') continue;
        steps.set(Number(n), JSON.parse(loss!) as number);
        if (Number(n) === killAt) p.kill('SIGKILL');
      }
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, steps, from }));
  });
}

test('a process killed with SIGKILL at a random step and resumed in a new one ends bit-identical', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-sigkill-'));
  try {
    const total = EPOCHS * STEPS_PER_EPOCH;
    const ref = await child('fresh', path.join(dir, 'ref'), path.join(dir, 'ref.json'));
    assert.equal(ref.code, 0);
    assert.equal(ref.steps.size, total);
    const k = Number(process.env.AXON_KILL_AT ?? 2 + Math.floor(Math.random() * (total - 3))); // 2 … total − 2 (AXON_KILL_AT replays one)
    const work = path.join(dir, 'run');
    const killed = await child('fresh', work, path.join(dir, 'killed.json'), k);
    assert.equal(killed.signal, 'SIGKILL', `the child was to be killed at step ${k} but exited with ${killed.code}`);
    const resumed = await child('resume', work, path.join(dir, 'resumed.json'));
    assert.equal(resumed.code, 0, `resuming after a kill at step ${k}`);
    assert.ok(resumed.from >= k - 1 && resumed.from < total, `resumed from step ${resumed.from} after a kill at step ${k}`);
    for (const [n, loss] of [...killed.steps, ...resumed.steps]) assert.equal(loss, ref.steps.get(n), `loss of step ${n} (killed at ${k}, resumed from ${resumed.from})`);
    assert.equal(new Set([...killed.steps.keys(), ...resumed.steps.keys()]).size, total);
    const [a, b] = ['ref.json', 'resumed.json'].map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { weights: number[][]; history: unknown });
    assert.deepEqual(b!.history, a!.history, `history after a kill at step ${k}`);
    assert.deepEqual(b!.weights, a!.weights, `weights after a kill at step ${k}`);
    assert.deepEqual(readdirSync(work).filter((f) => f.endsWith('.tmp')), [], 'no temp file left after the resumed run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
