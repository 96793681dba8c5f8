// Injected into the browser bundle (scripts/bundle.mjs) where code names `Buffer`: pngjs's reader
// wants Node's Buffer methods on the bytes it reads; the `buffer` package provides them.
export { Buffer } from 'buffer';
