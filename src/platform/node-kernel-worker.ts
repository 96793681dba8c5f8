// A wasm kernel thread in Node (worker_threads): the pool's init arrives as workerData.
import { workerData } from 'node:worker_threads';
import { kernelWorkerLoop } from '../backend/wasm/worker-loop.js';
import type { WorkerInit } from '../backend/wasm/protocol.js';

kernelWorkerLoop(workerData as WorkerInit);
