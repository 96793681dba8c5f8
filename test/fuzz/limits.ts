// What every fuzz target shares: the small limits each loader gets (so a case's memory bound
// means something) and byte/text helpers.
/** Limits every fuzzed loader gets: small enough that a case's memory bound means something. */
export const FUZZ_LIMITS = {
  maxBytes: 64 * 2 ** 20, maxPixels: 2 ** 22, maxParameters: 2 ** 22, maxTensors: 4096, maxColumns: 4096,
  maxDepth: 64, maxVocab: 2 ** 16, maxTokenBytes: 4096, maxVocabBytes: 2 ** 24,
} as const;
export const MB = 2 ** 20;
export const utf8 = new TextEncoder();
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
