// The Node host: files through node:fs, atomic writes (temp file, fsync, rename), gzip through
// node:zlib, worker_threads for kernel threads and worker training. The only place in src/ (with
// node-atomic.ts) that imports `node:*`.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { MessageChannel, Worker, parentPort as nodeParent, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ValueError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from './node-atomic.js';
import type { EventServer, EventServerOptions, ParentPort, Platform, WorkerPort, WorkerScript } from './platform.js';
import type { EventServerInit, EventServerMessage } from './node-event-server.js';
import { bytesOf, isBytes } from './source.js';

export { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);

function pathOf(op: string, source: string | URL): string {
  if (source instanceof URL || /^file:\/\//.test(source)) return fileURLToPath(source);
  if (/^https?:\/\//.test(source)) throw new ValueError(op, `${source} is a web address; Axon never downloads at run time in Node — save the file and pass its path`);
  return source;
}

function readError(op: string, file: string, e: unknown): ValueError {
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return new ValueError(op, `can not read ${file}: ${why}; check the path (relative paths start at ${process.cwd()})`);
}

const WORKER_FILES: Record<WorkerScript, URL> = {
  kernel: new URL('./node-kernel-worker.js', import.meta.url),
  train: new URL('../worker/train-worker.js', import.meta.url),
};

function nodeWorker(script: WorkerScript, init: unknown, transfer: Transferable[] = []): WorkerPort {
  const w = new Worker(WORKER_FILES[script], { workerData: init, transferList: transfer as never });
  if (script === 'kernel') w.unref(); // kernel workers never keep the process alive
  return {
    post: (m, transfer) => w.postMessage(m, transfer as never),
    onMessage: (f) => { w.on('message', f); },
    onError: (f) => { w.on('error', f); },
    terminate: () => { void w.terminate(); },
  };
}

function packageRoot(op: string, pkg: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    // Packages with an "exports" map hide package.json: start from the entry point and walk up.
  }
  let dir: string;
  try {
    dir = path.dirname(require.resolve(pkg));
  } catch {
    throw new ValueError(op, `the npm package ${pkg} is not installed; run npm install ${pkg}`);
  }
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new ValueError(op, `could not find the folder of the npm package ${pkg}; reinstall it (npm install ${pkg})`);
    dir = up;
  }
}

// dist/src/platform/node.js → dist/wasm/
const WASM_DIR = new URL('../../wasm/', import.meta.url);
const PACKAGE_ROOT = new URL('../../../', import.meta.url); // dist/src/platform/node.js → the package root

export const nodePlatform: Platform = {
  name: 'node',
  async readBytes(op, source) {
    if (isBytes(source)) return bytesOf(source);
    if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
    const file = pathOf(op, source as string | URL);
    try {
      return bytesOf(await readFile(file));
    } catch (e) {
      throw readError(op, file, e);
    }
  },
  readBytesSync(op, source) {
    if (isBytes(source)) return bytesOf(source);
    if (typeof Blob !== 'undefined' && source instanceof Blob) throw new ValueError(op, 'a Blob can only be read asynchronously; use the async loader (or pass its bytes)');
    const file = pathOf(op, source as string | URL);
    try {
      return bytesOf(readFileSync(file));
    } catch (e) {
      throw readError(op, file, e);
    }
  },
  readHead(op, file, n) {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw readError(op, file, e);
    }
    try {
      const buf = new Uint8Array(n);
      return buf.subarray(0, readSync(fd, buf, 0, n, 0));
    } finally {
      closeSync(fd);
    }
  },
  listDir(op, dir) {
    try {
      return readdirSync(dir);
    } catch (e) {
      throw new ValueError(op, `can not read folder '${dir}': ${(e as Error).message}`);
    }
  },
  isDirectory: (p) => statSync(p).isDirectory(),
  joinPath: (...parts) => path.join(...parts),
  dirname: (p) => path.dirname(p),
  packageFile(op, pkg, rel) {
    const root = packageRoot(op, pkg);
    const file = path.join(root, rel);
    if (!existsSync(file)) throw new ValueError(op, `${pkg} is installed at ${root} but has no ${rel}; reinstall it (npm install ${pkg})`);
    return file;
  },
  writeFileAtomic,
  writeFileAtomicSync,
  makeDirSync(op, dir) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ValueError(op, `can not create folder '${dir}': ${(e as Error).message}`);
    }
  },
  removeFileSync(op, file) {
    try {
      rmSync(file, { force: true });
    } catch (e) {
      throw new ValueError(op, `can not delete '${file}': ${(e as Error).message}`);
    }
  },
  processAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as { code?: string }).code === 'EPERM'; // it exists, owned by someone else
    }
  },
  gunzipSync(op, bytes, maxBytes, partial = false, tooLarge) {
    try {
      return gunzipSync(bytes, { maxOutputLength: Math.max(1, Math.min(maxBytes, bufferConstants.MAX_LENGTH)), ...(partial ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {}) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ValueError(op, tooLarge ?? `the gzip data inflates to more than ${maxBytes} bytes; if the file is genuine, raise the limit (maxBytes)`);
      }
      throw new ValueError(op, `the gzip stream is corrupt or truncated (${(e as Error).message}); download the file again`);
    }
  },
  async gunzip(op, bytes, maxBytes) {
    return nodePlatform.gunzipSync!(op, bytes, maxBytes);
  },
  cores: () => os.availableParallelism?.() ?? os.cpus().length,
  canBlock: () => typeof SharedArrayBuffer !== 'undefined',
  sharedMemory: () => typeof SharedArrayBuffer !== 'undefined',
  wasmBytesSync: (file) => bytesOf(readFileSync(new URL(file, WASM_DIR))),
  wasmUrl: (file) => new URL(file, WASM_DIR),
  assetUrl: (file) => new URL(file, PACKAGE_ROOT),
  enableRelaxedSimd() {
    if (process.env.AXON_WASM_RELAXED === '0') return false;
    // V8 11.0–11.3 (Node 20) implement relaxed SIMD with its final encoding behind this flag;
    // 11.4 shipped it. Older V8 had other opcodes, newer needs nothing (and may not know the flag).
    const [major, minor] = process.versions.v8.split('.').map(Number) as [number, number];
    if (major === 11 && minor < 4) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  },
  compileWasm(bytes) {
    // V8 otherwise starts with its baseline compiler (Liftoff) and tiers hot functions up later,
    // so the first few hundred kernel calls would run on slower code. The module is small.
    v8.setFlagsFromString('--no-liftoff');
    try {
      return new WebAssembly.Module(bytes);
    } finally {
      v8.setFlagsFromString('--liftoff');
    }
  },
  startWorker: nodeWorker,
  async parentPort() {
    if (!nodeParent) throw new ValueError('worker', 'this script runs as a worker thread started by Axon, not on its own');
    const p = nodeParent;
    const port: ParentPort = { post: (m, transfer) => p.postMessage(m, transfer as never), onMessage: (f) => { p.on('message', f); } };
    return { port, init: workerData as unknown };
  },
  gcHooks: typeof WeakRef === 'undefined' ? null : gcHooks(),
  startEventServer,
  notice: (line) => { process.stderr.write(`${line}\n`); },
  async gpu() {
    // An optional peer dependency: a CPU-only install does without it. A non-literal specifier keeps
    // its types (and Dawn) out of the build of everyone who does not use it.
    const pkg: string = 'webgpu';
    let mod: { create(flags: string[]): unknown };
    try {
      mod = (await import(pkg)) as typeof mod;
    } catch (e) {
      return { missing: `the optional package 'webgpu' (Dawn for Node) is not installed or did not load (${(e as Error).message}); install it with: npm install webgpu` };
    }
    return { gpu: mod.create([]) };
  },
};

/** The event server's thread (node-event-server.ts), started and waited for synchronously: fit() can not await. */
function startEventServer(op: string, options: EventServerOptions): EventServer {
  const flags = new Int32Array(new SharedArrayBuffer(12)); // [state, port, pages]
  const { port1, port2 } = new MessageChannel();
  const init: EventServerInit = { ...options, assets: fileURLToPath(options.assets), flags: flags.buffer as SharedArrayBuffer, reply: port2 };
  const w = new Worker(new URL('./node-event-server.js', import.meta.url), { workerData: init, transferList: [port2] });
  // Starting a thread and binding a socket take milliseconds; 20 s is for a machine under heavy load.
  if (Atomics.wait(flags, 0, 0, 20_000) === 'timed-out') {
    void w.terminate();
    throw new ValueError(op, `the dashboard server did not start within 20 s on ${options.host}:${options.port}; try again, or pass another port`);
  }
  if (Atomics.load(flags, 0) === 2) {
    const m = receiveMessageOnPort(port1)?.message as { error?: string } | undefined;
    port1.close();
    throw new ValueError(op, m?.error ?? 'the dashboard server could not start');
  }
  port1.close();
  const port = Atomics.load(flags, 1);
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  let closed = false;
  return {
    url: `http://${shown}:${port}/`,
    portFallback: options.port !== 0 && port !== options.port,
    publish: (events) => { if (!closed && events.length > 0) w.postMessage({ type: 'events', events: [...events] } satisfies EventServerMessage); },
    waitForPage: (ms) => {
      const until = performance.now() + ms;
      while (Atomics.load(flags, 2) === 0) {
        const left = until - performance.now();
        if (left <= 0) return false;
        Atomics.wait(flags, 2, 0, left);
      }
      return true;
    },
    close: () => { if (!closed) { closed = true; w.postMessage({ type: 'close' } satisfies EventServerMessage); } },
  };
}

/**
 * A microtask checkpoint of a private vm context clears the WeakRef "kept objects" list; the
 * collector on demand is node's own with --expose-gc, else one made for a fresh context (the flag
 * is set only for that moment).
 */
function gcHooks(): NonNullable<Platform['gcHooks']> {
  const context = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
  const script = new vm.Script('0');
  let gc: (() => void) | null | undefined;
  return {
    checkpoint: () => { script.runInContext(context); },
    gc: () => {
      if (gc !== undefined) return gc;
      gc = (globalThis as { gc?: () => void }).gc ?? null;
      if (gc === null) {
        try {
          v8.setFlagsFromString('--expose-gc');
          gc = vm.runInNewContext('gc') as () => void;
        } catch {
          gc = null;
        } finally {
          v8.setFlagsFromString('--no-expose-gc');
        }
      }
      return gc;
    },
  };
}

/** Whether a file exists (the CLI's checks). */
export const fileExists = (p: string): boolean => existsSync(p);
/** The folder of a module's URL (the CLI finds the compiled examples with it). */
export const dirOfUrl = (url: string): string => path.dirname(fileURLToPath(url));
export const resolvePath = (...parts: string[]): string => path.resolve(...parts);

/** A text file's contents (UTF-8), for the CLI. */
export const readText = (p: string): string => readFileSync(p, 'utf8');

/** Write a text file atomically (temp file + rename), for the CLI. */
export const writeText = (p: string, text: string): void => writeFileAtomicSync(p, new TextEncoder().encode(text));

/** Write to standard output without a trailing newline, for the CLI. */
export const writeStdout = (text: string): void => { process.stdout.write(text); };
