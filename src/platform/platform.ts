// What Axon needs from its host (Node or a browser): files, folders, atomic writes, gzip, the
// kernel module's bytes, worker threads and the core count. The core imports only this interface
// and `current.ts`; node.ts and browser.ts implement it, and only they may touch `node:*` or DOM
// APIs that exist in one host alone. (The browser bundle swaps current.ts for current-browser.ts.)

/**
 * Where file bytes come from. Node: a path, a `file:` URL or bytes. Browser: a URL (fetched),
 * a `File`/`Blob`, or bytes. A path string in a browser is resolved against the page's URL.
 */
export type FileSource = string | URL | Blob | ArrayBuffer | ArrayBufferView;

/** A worker seen from the thread that started it. */
export interface WorkerPort {
  post(message: unknown, transfer?: Transferable[]): void;
  onMessage(f: (message: unknown) => void): void;
  /** An uncaught error in the worker, or a script that could not load. */
  onError(f: (error: Error) => void): void;
  terminate(): void;
}

/** The thread a worker runs on, seen from inside it. */
export interface ParentPort {
  post(message: unknown, transfer?: Transferable[]): void;
  onMessage(f: (message: unknown) => void): void;
}

/** The scripts Axon starts as workers. */
export type WorkerScript = 'kernel' | 'train';

/** A loopback HTTP server on its own thread that serves one folder and streams JSON events (the training dashboard). */
export interface EventServerOptions {
  /** The folder of static files it serves (a file: URL, e.g. from assetUrl); nothing outside it is served. */
  assets: URL;
  /** The address to bind (127.0.0.1 unless the user names another). */
  host: string;
  /** The port to listen on (0: any free one). */
  port: number;
  /** When `port` is in use: take a free one instead (true) or fail saying so (false). */
  fallbackPort: boolean;
  /** Append every event to this file as one JSON line (the run log). */
  logFile?: string;
  /** Fewest milliseconds between two messages of the stream (50: at most 20 a second). */
  minIntervalMs: number;
}

/** A running event server, seen from the thread that started it. */
export interface EventServer {
  readonly url: string;
  /** The port asked for was in use and a free one was taken. */
  readonly portFallback: boolean;
  /** Queue events (each one JSON text) for the pages and the run log. */
  publish(events: readonly string[]): void;
  /** Block up to `ms` until a page has opened the stream; whether one did. */
  waitForPage(ms: number): boolean;
  /** Send what is queued, close the log and the server, and end its thread. */
  close(): void;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** The bytes of a file (see FileSource); errors name `op` and the file. */
  readBytes(op: string, source: FileSource): Promise<Uint8Array<ArrayBuffer>>;
  /** Synchronous read: Node only (a browser can not block on I/O); bytes pass through on both. */
  readBytesSync(op: string, source: FileSource): Uint8Array<ArrayBuffer>;
  /** The first `n` bytes of a file (or fewer if it is shorter): Node only. */
  readHead(op: string, file: string, n: number): Uint8Array;
  /** Names in a folder (Node only). */
  listDir(op: string, dir: string): string[];
  /** Whether a path is a folder (Node only). */
  isDirectory(path: string): boolean;
  joinPath(...parts: string[]): string;
  dirname(path: string): string;
  /** Where the file `rel` of the npm package `pkg` is: a path in Node, a URL in a browser (see setDataUrl). */
  packageFile(op: string, pkg: string, rel: string): string;
  /** Write atomically (temp file, fsync, rename): Node only. */
  writeFileAtomic(file: string, bytes: Uint8Array | Iterable<Uint8Array>): Promise<void>;
  writeFileAtomicSync(file: string, bytes: Uint8Array | Iterable<Uint8Array>): void;
  /** Create a folder and its parents if missing (Node only). */
  makeDirSync(op: string, dir: string): void;
  /** Delete a file; a missing file is not an error (Node only). */
  removeFileSync(op: string, file: string): void;
  /** Whether a process with this id is running (Node; a browser says true: nothing to clean there). */
  processAlive(pid: number): boolean;
  /**
   * Inflate gzip bytes, refusing to produce more than `maxBytes` (null when the host can not do it
   * synchronously); `partial` inflates what a truncated stream holds (e.g. the first kilobyte, to read a header);
   * `tooLarge` is the message when the output would pass `maxBytes` (default: raise the limit).
   */
  gunzipSync: ((op: string, bytes: Uint8Array, maxBytes: number, partial?: boolean, tooLarge?: string) => Uint8Array) | null;
  /** Inflate gzip bytes asynchronously, refusing to produce more than `maxBytes`. */
  gunzip(op: string, bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
  /** Logical cores this process may use for kernel threads (1 where threads are impossible). */
  cores(): number;
  /** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
  canBlock(): boolean;
  /** Whether shared WebAssembly memory (and so kernel threads) is available here. */
  sharedMemory(): boolean;
  /** The kernel module file's bytes, synchronously (Node), or null where it must be fetched. */
  wasmBytesSync(file: string): Uint8Array<ArrayBuffer> | null;
  /** The URL of a kernel module file. */
  wasmUrl(file: string): URL;
  /**
   * The URL of a file the package ships outside its code, e.g. `pretrained/mnist-cnn-0to4.safetensors`:
   * Node: under the package root; browser: beside the bundle (or under setAssetUrl's folder).
   */
  assetUrl(file: string): URL;
  /**
   * Let the engine take relaxed SIMD where it implements it behind a flag (Node 20: V8 11.3; V8
   * 11.4 and later ship it), unless the user turned it off (Node: AXON_WASM_RELAXED=0). Returns
   * whether relaxed SIMD may be used at all; the loader still validates the module.
   */
  enableRelaxedSimd(): boolean;
  /** Compile a module (Node: with the optimizing tier up front). */
  compileWasm(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module;
  /** Start one of Axon's worker scripts; `init` is its first message (the kernel worker's shared memory, …), `transfer` the buffers it moves rather than copies. */
  startWorker(script: WorkerScript, init: unknown, transfer?: Transferable[]): WorkerPort;
  /** Inside a worker: the port to the thread that started it, and the first message it was sent. */
  parentPort(): Promise<{ port: ParentPort; init: unknown }>;
  /**
   * Hooks that let a synchronous loop give back storages the garbage collector took (see
   * tensor/collected.ts), or null where the host has none (browsers: memory then returns through
   * the FinalizationRegistry when the thread yields). `checkpoint` ends the "kept objects" hold that
   * WeakRef reads place until the synchronous run ends; `gc` is a full collection on demand (null if
   * the runtime refuses one).
   */
  readonly gcHooks: { checkpoint(): void; gc(): (() => void) | null } | null;
  /** Start an event server (Node only: a page can not open a listening socket); blocks until it listens or fails. */
  startEventServer(op: string, options: EventServerOptions): EventServer;
  /** Print a one-line notice for the user (stderr in Node, console.info in a browser). */
  notice(line: string): void;
  /**
   * The host's WebGPU entry point (a `GPU` object: `navigator.gpu` in a browser, the optional
   * `webgpu` package's Dawn in Node), or why there is none and how to get one.
   */
  gpu(): Promise<{ gpu: unknown } | { missing: string }>;
}
