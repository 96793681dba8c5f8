// Tokenizers: char-level and byte-level BPE round trips on arbitrary Unicode, JSON save/load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as ax from '../../../src/index.js';
import { throwsWith } from './throws.js';

const corpus = 'the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs! '.repeat(20) + 'naïve café — 東京 🚀🚀 👩‍💻';

test('CharTokenizer: sorted code points, emoji as one token, round trip, unknown characters named', () => {
  const tok = ax.CharTokenizer.fromText('ba🚀a');
  assert.deepEqual(tok.chars, ['a', 'b', '🚀']);
  assert.deepEqual(tok.encode('ab🚀'), [0, 1, 2]);
  assert.equal(tok.decode(tok.encode('🚀ab')), '🚀ab');
  assert.throws(() => tok.encode('c'), /character "c" \(U\+63\) is not in the vocabulary of 3/);
  assert.deepEqual(ax.CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok))).chars, tok.chars);
});

test('BPETokenizer: merges frequent pairs (fewer tokens than bytes) and saves/loads as JSON', () => {
  const bpe = ax.BPETokenizer.train(corpus, { vocabSize: 300 });
  assert.equal(bpe.vocabSize, 300);
  const ids = bpe.encode('the quick brown fox');
  assert.ok(ids.length < 10, `${ids.length} tokens`);
  assert.equal(bpe.decode(ids), 'the quick brown fox');
  const again = ax.BPETokenizer.fromJSON(JSON.parse(JSON.stringify(bpe)));
  assert.deepEqual(again.encode(corpus), bpe.encode(corpus));
  assert.deepEqual(bpe.merges[0], [...bpe.merges[0]!]);
  assert.throws(() => ax.BPETokenizer.fromJSON({ type: 'bpe', merges: [[300, 1]] }), /refers to a token not defined before it/);
});

test('BPETokenizer round-trips arbitrary Unicode (property)', () => {
  const bpe = ax.BPETokenizer.train(corpus, { vocabSize: 320 });
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => bpe.decode(bpe.encode(s)) === s), { numRuns: 300 });
  for (const s of ['naïve café — 東京 🚀🚀 👩‍💻', '', ' \n\t  ', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'e\u0301']) assert.equal(bpe.decode(bpe.encode(s)), s);
});

test('fromJSON checks types and sizes before building anything', () => {
  throwsWith(() => ax.CharTokenizer.fromJSON({ type: 'char', chars: [1, {}] } as never), ax.ValueError, 'chars[0]', 'one code point');
  throwsWith(() => ax.CharTokenizer.fromJSON(null as never), ax.ValueError, 'CharTokenizer.fromJSON');
  throwsWith(() => ax.BPETokenizer.fromJSON({ type: 'bpe', merges: [[1.5, 2]] }), ax.ValueError, 'merge 0');
  throwsWith(() => ax.BPETokenizer.fromJSON({ type: 'bpe', merges: [['a', 2]] } as never), ax.ValueError, 'merge 0');
  // 30 merges, each doubling the last token: 2^30 bytes if built.
  const doubling: [number, number][] = [[97, 97]];
  for (let r = 1; r < 30; r++) doubling.push([255 + r, 255 + r]);
  const t0 = Date.now();
  throwsWith(() => ax.BPETokenizer.fromJSON({ type: 'bpe', merges: doubling }), ax.LimitError, 'maxTokenBytes', 'merge 12');
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(ax.BPETokenizer.fromJSON({ type: 'bpe', merges: doubling.slice(0, 20) }, { maxTokenBytes: 2 ** 20 }).vocabSize, 276);
  throwsWith(() => ax.BPETokenizer.fromJSON({ type: 'bpe', merges: doubling.slice(0, 20) }, { maxTokenBytes: 2 ** 20, maxVocabBytes: 1000 }), ax.LimitError, 'maxVocabBytes');
});
