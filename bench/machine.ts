// What the benchmark ran on: date, CPU model (from /proc/cpuinfo), logical cores, Node version.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine { date: string; cpu: string; cores: number; node: string }

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch { /* not Linux: keep os.cpus() */ }
  return { date: new Date().toISOString().slice(0, 10), cpu, cores: os.availableParallelism(), node: process.version };
}
