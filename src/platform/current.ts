// The host Axon runs on. This file is Node's; the browser bundle (scripts/bundle.mjs) replaces it
// with current-browser.ts, so the bundle holds no Node code at all. Both export the same names.
export { nodePlatform as platform } from './node.js';
export { sourceName } from './source.js';
export type { FileSource, Platform } from './platform.js';
