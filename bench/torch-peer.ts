// PyTorch CPU as a peer: runs bench/torch_peer.py in a child process per thread count (1 and 2) on
// the same workloads, with the environment a user's machine has: this machine sets
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for old OpenBLAS builds, so both are removed for the child
// only; OMP/OpenBLAS/MKL thread counts are set to the thread count, and glibc's malloc keeps freed
// memory (childEnv). Two Pythons are tried: Debian's
// `/usr/bin/python3` (python3-torch, columns torch-1t / torch-2t) and the `python3` on PATH when it
// has a different torch (a pip wheel: columns torch-pip-1t / torch-pip-2t). A Python without torch
// gives the column "not installed"; the library itself never needs Python.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TorchPeer {
  /** Column prefix: `torch` or `torch-pip`. */
  name: string;
  python: string;
  /** torch.__version__ and the BLAS library it loaded, or null when torch is not importable. */
  version: string | null;
  blas: string;
}

const SCRIPT = fileURLToPath(new URL('../../bench/torch_peer.py', import.meta.url));

/**
 * The torch child's environment. glibc's malloc hands tensors above its mmap threshold back to the
 * kernel when they are freed and trims the heap top, so with the defaults torch 1.13 page-faults
 * on every fresh optimizer temporary (W1 measured 5.1 ms a step on 1 thread vs 1.03 ms, Adam's
 * `div` 370 µs a call vs 64 µs): keeping freed memory (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_)
 * gives the faster peer, the one the figures describe, so ratios are never flattered.
 */
export function childEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads),
    MALLOC_MMAP_THRESHOLD_: '100000000', MALLOC_TRIM_THRESHOLD_: '1000000000', // the values measured above
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

interface PeerOut { torch: string; blas: string; threads: number; results: Record<string, unknown> }

function runScript(python: string, args: string[], threads: number, timeoutMs: number): PeerOut {
  const out = execFileSync(python, [SCRIPT, '--threads', String(threads), ...args], { env: childEnv(threads), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as PeerOut;
}

function probe(name: string, python: string): TorchPeer {
  try {
    const o = runScript(python, ['--only', 'none'], 1, 120_000);
    return { name, python, version: o.torch, blas: o.blas };
  } catch {
    return { name, python, version: null, blas: '' };
  }
}

/** The torch peers on this machine (one entry per Python tried, `version` null when torch is missing). */
export function findTorchPeers(): TorchPeer[] {
  const debian = probe('torch', '/usr/bin/python3');
  const pip = probe('torch-pip', 'python3');
  // The same interpreter or the same build twice is one peer.
  return pip.version !== null && !(pip.version === debian.version && pip.blas === debian.blas) ? [debian, pip] : [debian];
}

/** Figures of workload group `only` (e.g. "W1") for one peer at `threads` threads; {} when it failed. */
export function torchFigures(peer: TorchPeer, only: string, threads: number, minTime: number): Record<string, number> {
  if (peer.version === null) return {};
  try {
    return runScript(peer.python, ['--only', only, '--min-time', String(minTime)], threads, 600_000).results as Record<string, number>;
  } catch (e) {
    process.stderr.write(`${peer.name} ${threads}t ${only} failed: ${(e as Error).message.split('\n')[0]}\n`);
    return {};
  }
}
