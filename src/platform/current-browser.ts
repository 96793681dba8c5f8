// The host Axon runs on, in the browser bundle (see current.ts): the same names.
export { browserPlatform as platform } from './browser.js';
export { sourceName } from './source.js';
export type { FileSource, Platform } from './platform.js';
