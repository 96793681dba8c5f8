// A wasm kernel thread in a browser (a module Web Worker): the pool's init is the first message.
import { kernelWorkerLoop } from '../backend/wasm/worker-loop.js';
import type { WorkerInit } from '../backend/wasm/protocol.js';

addEventListener('message', (e: MessageEvent<{ init: WorkerInit }>) => kernelWorkerLoop(e.data.init), { once: true });
