// `ts-async`: the ts reference backend whose memory can only be read asynchronously, as on WebGPU
// (syncRead: false; read() throws SyncReadError; readAsync resolves on a later macrotask, so a
// caller that forgets to await sees no value). Registered by the test setup (test/helpers.ts) so
// the each-backend suite proves, without a GPU, that no op, layer, loss, optimizer or predict()
// reads a tensor synchronously: `AXON_TEST_BACKEND=ts-async node --test dist/test/each-backend/…`.
import { registerBackend, SyncReadError } from '../src/index.js';
import type { Storage } from '../src/backend/backend.js';
import { TsBackend } from '../src/backend/ts/ts-backend.js';
import type { TypedArray } from '../src/tensor/dtype.js';

export class TsAsyncBackend extends TsBackend {
  override readonly name = 'ts-async';
  readonly syncRead = false;
  /** Reads served so far (tests count them to check that fitAsync batches its read-backs). */
  asyncReads = 0;

  override read(_storage: Storage): TypedArray {
    throw new SyncReadError('read', 'the ts-async backend (a test stand-in for WebGPU) reads only asynchronously; use `await t.dataAsync()`');
  }

  readAsync(storage: Storage): Promise<TypedArray> {
    const copy = super.read(storage); // the contents now: later kernels must not change what comes back
    this.asyncReads++;
    return new Promise((resolve) => setImmediate(() => resolve(copy)));
  }
}

registerBackend('ts-async', () => new TsAsyncBackend());
