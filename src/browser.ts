// The browser bundle's entry (dist/browser/axon.js): everything index.ts exports, the asset and
// data URL settings, and the wasm kernels loaded when the bundle is imported — the same code then
// runs in Node and in a page. If the kernels can not load, the reference backend runs and says why.
import { initWasm } from './backend/wasm/browser.js';
import { platform } from './platform/current.js';

export * from './index.js';
export { setAssetUrl, setDataUrl } from './platform/browser.js';

try {
  await initWasm();
} catch (e) {
  platform.notice(`axon: the wasm kernels did not load (${(e as Error).message}); running on the slower reference backend`);
}
