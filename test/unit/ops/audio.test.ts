// Audio features against NumPy/PyTorch (test/fixtures/audio.json, written by
// scripts/fixtures/gen_audio.py): rfft, stft, the mel filter bank (torchaudio's, HTK and Slaney),
// the (log-)mel spectrogram; the WAV reader's validation; bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertClose, fixtureValues, fromFixture, readJson, ROOT, type FixtureTensor } from '../../helpers.js';
import { TOL } from '../../tolerances.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Case { name: string; op: string; input?: FixtureTensor; attrs: Attrs; output: FixtureTensor }
const fx = readJson<{ generator_sha256: string; cases: Case[] }>('test/fixtures/audio.json');

test('audio fixtures are fresh (generator unchanged since they were written)', async () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_audio.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_audio.py changed but test/fixtures/audio.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_audio.py');
});

const OPS: Record<string, (x: Tensor | null, a: Attrs) => Tensor> = {
  rfft: (x, a) => ax.rfft(x!, a),
  stft: (x, a) => ax.stft(x!, a as ax.StftOptions),
  melFilterBank: (_, a) => ax.melFilterBank({ ...a, dtype: 'float64' } as ax.MelFilterBankOptions),
  melSpectrogram: (x, a) => ax.melSpectrogram(x!, a as ax.MelSpectrogramOptions),
  hzToMel: (_, a) => ax.tensor((a.hz as number[]).map((f) => ax.hzToMel(f, a.scale)), { dtype: 'float64' }),
  melToHz: (_, a) => ax.tensor((a.mels as number[]).map((m) => ax.melToHz(m, a.scale)), { dtype: 'float64' }),
};

for (const c of fx.cases) {
  test(`reference parity: ${c.name}`, async () => {
    const out = OPS[c.op]!(c.input ? fromFixture(c.input) : null, c.attrs);
    await assertClose(out, { shape: c.output.shape, data: fixtureValues(c.output) }, TOL.fixtureF64, c.name);
  });
}

test('the radix-2 path equals the DFT written out, and float32 signals give float32 spectra', async () => {
  const x = ax.randn([64], { dtype: 'float64', generator: new ax.Generator(1) });
  const fast = ax.rfft(x).data(); // 64 samples: the packed radix-2 path
  const xs = x.data();
  for (let k = 0; k <= 32; k++) {
    let [re, im] = [0, 0];
    for (let t = 0; t < 64; t++) { re += xs[t]! * Math.cos((-2 * Math.PI * k * t) / 64); im += xs[t]! * Math.sin((-2 * Math.PI * k * t) / 64); }
    assert.ok(Math.abs(fast[2 * k]! - re) < 1e-9 && Math.abs(fast[2 * k + 1]! - im) < 1e-9, `bin ${k}: (${fast[2 * k]}, ${fast[2 * k + 1]}) vs (${re}, ${im})`);
  }
  const y = ax.rfft(x.float());
  assert.equal(y.dtype, 'float32');
  await assertClose(y, { shape: [33, 2], data: fast }, TOL.float32, 'float32 rfft');
  // A pure tone lands in its bin: cos(2π·5t/64) → X[5] = 32.
  const tone = ax.tensor(Array.from({ length: 64 }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / 64)), { dtype: 'float64' });
  const s = ax.rfft(tone).data();
  assert.ok(Math.abs(s[10]! - 32) < 1e-9 && Math.abs(s[11]!) < 1e-9 && Math.abs(s[12]!) < 1e-9);
});

test('the spectral ops refuse what they cannot do, saying why', async () => {
  const x = ax.randn([100]);
  assert.throws(() => ax.rfft(ax.randn([8], { requiresGrad: true })), (e: unknown) => e instanceof ax.GradError && /noGrad/.test(e.message));
  assert.doesNotThrow(() => ax.noGrad(() => ax.rfft(ax.randn([8], { requiresGrad: true }))));
  assert.throws(() => ax.stft(x, { nFft: 256 }), (e: unknown) => e instanceof ax.ShapeError && /longer than nFft \/ 2 = 128/.test(e.message));
  assert.throws(() => ax.stft(x, { nFft: 32, winLength: 40 }), ax.ValueError);
  assert.throws(() => ax.stft(x, { nFft: 32, hopLength: 0 }), ax.ValueError);
  assert.throws(() => ax.stft(x, { nFft: 32, window: ax.ones([31]) }), ax.ShapeError);
  assert.throws(() => ax.melSpectrogram(x, { sampleRate: 8000, nFft: 32, fMax: 5000 }), (e: unknown) => e instanceof ax.ValueError && /4000 Hz/.test(e.message));
  assert.throws(() => ax.melFilterBank({ nFreqs: 129, nMels: 40, sampleRate: 8000, melScale: 'mel' as ax.MelScale }), ax.ValueError);
  assert.throws(() => ax.melSpectrogram(ax.tensor([1, 2, 3], { dtype: 'int32' }), { sampleRate: 8000 }), ax.ValueError);
});

/** A WAV file's bytes: the header fields can be overridden to make a bad file. */
function wav(samples: number[], o: { rate?: number; channels?: number; bits?: number; format?: number; byteRate?: number; blockAlign?: number; riffExtra?: number } = {}): Uint8Array {
  const { rate = 8000, channels = 1, bits = 16, format = 1 } = o;
  const bps = bits / 8;
  const blockAlign = o.blockAlign ?? channels * bps;
  const data = samples.length * bps;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  const tag = (at: number, s: string): void => { for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i); };
  tag(0, 'RIFF'); v.setUint32(4, 36 + data + (o.riffExtra ?? 0), true); tag(8, 'WAVE');
  tag(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, format, true); v.setUint16(22, channels, true);
  v.setUint32(24, rate, true); v.setUint32(28, o.byteRate ?? rate * blockAlign, true); v.setUint16(32, blockAlign, true); v.setUint16(34, bits, true);
  tag(36, 'data'); v.setUint32(40, data, true);
  samples.forEach((s, i) => {
    if (bits === 16) v.setInt16(44 + 2 * i, s, true);
    else if (bits === 32 && format === 3) v.setFloat32(44 + 4 * i, s, true);
    else if (bits === 8) v.setUint8(44 + i, s);
  });
  return b;
}

test('decodeWav reads 16-bit PCM, 8-bit PCM and float WAVs, de-interleaving channels', async () => {
  const a = ax.decodeWav(wav([0, 16384, -32768, 32767]));
  assert.equal(a.sampleRate, 8000);
  assert.deepEqual(Array.from(a.samples.data()), [0, 0.5, -1, 32767 / 32768]);
  assert.deepEqual(a.samples.shape, [1, 4]);
  const st = ax.decodeWav(wav([1, 2, 3, 4, 5, 6].map((s) => s * 4096), { channels: 2 }));
  assert.deepEqual(st.samples.toArray(), [[0.125, 0.375, 0.625], [0.25, 0.5, 0.75]]);
  assert.deepEqual(Array.from(ax.decodeWav(wav([128, 192, 0], { bits: 8 })).samples.data()), [0, 0.5, -1]);
  assert.deepEqual(Array.from(ax.decodeWav(wav([0.25, -0.5], { bits: 32, format: 3 })).samples.data()), [0.25, -0.5]);
  // The committed spoken-digit clips are 8 kHz 16-bit mono.
  const clip = ax.readWav(path.join(ROOT, 'data/spoken-digits', readdirFirst(), '7.wav'), { sampleRate: 8000 });
  assert.equal(clip.channels, 1);
  assert.ok(clip.samples.shape[1]! > 1000);
});

function readdirFirst(): string {
  const meta = JSON.parse(readFileSync(path.join(ROOT, 'data/spoken-digits/speakers.json'), 'utf8')) as { speakers: { name: string }[] };
  return meta.speakers[0]!.name;
}

test('decodeWav refuses bad headers, and a clip at the wrong rate naming both rates', async () => {
  const bad = (bytes: Uint8Array, re: RegExp): void => assert.throws(() => ax.decodeWav(bytes, { source: 'clip.wav' }), (e: unknown) => e instanceof ax.ValueError && re.test(e.message) && /clip\.wav/.test(e.message));
  assert.throws(() => ax.decodeWav(wav([1, 2], { rate: 22050 }), { sampleRate: 8000, source: 'clip.wav' }), (e: unknown) => e instanceof ax.ValueError && /22050 Hz/.test(e.message) && /8000 Hz/.test(e.message));
  bad(new TextEncoder().encode('ID3 not a wave file at all'), /RIFF/);
  bad(wav([1, 2], { riffExtra: 100 }), /truncated/);
  bad(wav([1, 2], { byteRate: 1234 }), /byteRate 1234/);
  bad(wav([1, 2], { blockAlign: 3 }), /blockAlign 3/);
  bad(wav([1, 2], { format: 2 }), /format code 2/);
  bad(wav([1, 2], { bits: 12 }), /12-bit/);
  bad(wav([1, 2], { rate: 0 }), /0 Hz/);
  bad(wav([1, 2, 3], { channels: 2 }), /whole number/);
  const noData = wav([]).slice(0, 36);
  new DataView(noData.buffer).setUint32(4, 28, true);
  bad(noData, /no "data" chunk/);
});
