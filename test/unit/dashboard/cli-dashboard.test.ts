// The dashboard's commands: `axon dashboard <logs>` replays (a corrupt line skipped with a warning
// naming it) and `axon doctor --csv … --dashboard` streams the findings it printed; both keep
// serving until stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-dash-cli-'));

/** Run `axon args` until `ready` matches its stderr (or stdout); then the output so far, and the child to stop. */
function axonUntil(args: string[], ready: RegExp): Promise<{ out: string; err: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  return new Promise((ok, fail) => {
    const check = (): void => { if (ready.test(err) || ready.test(out)) ok({ out, err, stop: () => child.kill() }); };
    child.stdout.on('data', (c: Buffer) => { out += String(c); check(); });
    child.stderr.on('data', (c: Buffer) => { err += String(c); check(); });
    child.on('exit', (code) => fail(new Error(`axon ${args.join(' ')} exited (${code}) before ${ready}:\n${out}\n${err}`)));
  });
}

/** The first message of /events: the whole run so far. */
function firstMessage(url: string): Promise<{ event: string; [k: string]: unknown }[]> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = http.get({ host: u.hostname, port: u.port, path: '/events', headers: { Host: u.host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += String(c);
        const m = /^data: (.*)$/m.exec(body);
        if (m) { req.destroy(); ok(JSON.parse(m[1]!) as { event: string }[]); }
      });
    });
    req.on('error', fail);
  });
}

test('axon dashboard replays run logs, skipping a corrupt line with a warning that names it', async () => {
  writeFileSync(path.join(dir, 'a.jsonl'), '{"event":"start","epochs":1,"stepsPerEpoch":1,"initial":null}\n{"event":"step","step":1,"epoch":1,"loss":0.5,"lr":0.1,"samples":2,"t":0.1}\n');
  writeFileSync(path.join(dir, 'b.jsonl'), '{"event":"start","epochs":1,"stepsPerEpoch":1,"initial":null}\n{"event":"step",\n{"event":"end","epochs":1,"stoppedEarly":false}\n');
  const r = await axonUntil(['dashboard', 'a.jsonl', 'b.jsonl', '--port', '0', '--json'], /"url"/);
  try {
    assert.match(r.err, /b\.jsonl line 2 is not valid JSON \(.*\): skipped/);
    const j = JSON.parse(r.out.trim().split('\n').at(-1)!) as { url: string; runs: { name: string; events: number }[] };
    assert.deepEqual(j.runs.map((x) => [x.name, x.events]), [['a', 2], ['b', 2]]);
    const events = await firstMessage(j.url);
    assert.deepEqual(events.map((e) => [e.run, e.event]), [['a', 'start'], ['a', 'step'], ['b', 'start'], ['b', 'end']]);
  } finally {
    r.stop();
  }
});

test('axon doctor --dashboard streams the findings it printed, and logs them', async () => {
  // 40 rows with 10 exact duplicates and a column equal to the label: a leak and duplicates.
  const rows = Array.from({ length: 40 }, (_, i) => `${(i * 7) % 13},${(i * 3) % 5},${i % 2},${i % 2}`);
  writeFileSync(path.join(dir, 'leaky.csv'), ['a,b,copy,label', ...rows, ...rows.slice(0, 10)].join('\n') + '\n');
  const r = await axonUntil(['doctor', '--csv', 'leaky.csv', '--target', 'label', '--dashboard', '--dashboard-port', '0', '--json'], /"baselines"/);
  try {
    const url = /dashboard: the findings are at (http:\/\/\S+)/.exec(r.err)![1]!;
    const printed = (JSON.parse(r.out.trim().split('\n').at(-1)!) as { findings: { id: string }[] }).findings.map((f) => f.id);
    assert.ok(printed.length > 0);
    const events = await firstMessage(url);
    assert.equal(events[0]!.event, 'start');
    assert.deepEqual(events.filter((e) => e.event === 'finding').map((e) => e.id), printed);
    const log = readdirSync(path.join(dir, 'runs')).find((f) => f.startsWith('doctor-leaky-'))!;
    const logged = readFileSync(path.join(dir, 'runs', log), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    assert.deepEqual(logged.map((e) => e.event), events.map((e) => e.event));
  } finally {
    r.stop();
  }
});
