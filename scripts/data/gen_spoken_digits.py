#!/usr/bin/env python3
"""Synthesise the spoken-digits data set with Debian's espeak-ng (apt-get install -y espeak-ng).

Each speaker is one espeak-ng English voice (an accent: en-gb, en-us, en-gb-scotland, …) with one
voice variant (a timbre: m1…m8, f1…f5, klatt…, named characters), one speaking speed and one
pitch; it says the ten words "zero" … "nine". Every clip is trimmed of leading/trailing silence,
resampled from espeak-ng's 22,050 Hz to 8,000 Hz (FFT resampling, the band above 4 kHz dropped),
mixed with white noise at a signal-to-noise ratio drawn from 15–35 dB, and written as a mono 16-bit
PCM WAV file: data/spoken-digits/<speaker>/<digit>.wav, with data/spoken-digits/speakers.json
listing each speaker's voice, variant, speed, pitch, SNR and split.

The split is by variant: the 8 test speakers (one per accent) use variants that no training speaker
uses, so the test measures voices never heard in training.

Run from the repository root: /usr/bin/python3 scripts/data/gen_spoken_digits.py (numpy; about a
minute). Seeded: the same espeak-ng build gives the same files.
"""
import json
import os
import shutil
import subprocess
import tempfile
import wave

import numpy as np

OUT = 'data/spoken-digits'
WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
ACCENTS = ['en-gb', 'en-us', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-rp', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc']
TRAIN_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'f1', 'f2', 'f3', 'f4', 'klatt', 'klatt2', 'klatt3',
                  'Andy', 'Annie', 'david', 'linda', 'Michael', 'steph', 'robert', 'john', 'paul', 'rob', 'anika']
TEST_VARIANTS = ['m7', 'm8', 'f5', 'klatt4', 'edward', 'belinda', 'aunty', 'max']
TRAIN_PER_ACCENT = 5
RATE = 8000


def synth(voice, speed, pitch, word, tmp):
    path = os.path.join(tmp, 'clip.wav')
    subprocess.run(['espeak-ng', '-v', voice, '-s', str(speed), '-p', str(pitch), '-w', path, word], check=True)
    with wave.open(path, 'rb') as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2, voice
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.float64) / 32768
    return x, rate


def trim(x, rate):
    """Drop leading/trailing silence: samples below 2% of the peak, keeping 20 ms either side."""
    loud = np.nonzero(np.abs(x) > 0.02 * np.abs(x).max())[0]
    pad = int(0.02 * rate)
    return x[max(loud[0] - pad, 0):loud[-1] + pad + 1]


def resample(x, rate, to):
    """FFT resampling (as scipy.signal.resample): keep the spectrum below the new Nyquist."""
    n = int(round(len(x) * to / rate))
    spec = np.fft.rfft(x)
    keep = n // 2 + 1
    return np.fft.irfft(spec[:keep], n) * (n / len(x))


def main():
    rng = np.random.default_rng(24)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    speakers = []
    for a, accent in enumerate(ACCENTS):
        variants = list(rng.choice(TRAIN_VARIANTS, TRAIN_PER_ACCENT, replace=False))
        for v in variants:
            speakers.append({'voice': accent, 'variant': str(v), 'split': 'train'})
        speakers.append({'voice': accent, 'variant': TEST_VARIANTS[a], 'split': 'test'})
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for s in speakers:
            s['speed'] = int(rng.integers(130, 231))  # words per minute (espeak-ng's default is 175)
            s['pitch'] = int(rng.integers(20, 81))  # 0–99 (default 50)
            s['snrDb'] = round(float(rng.uniform(15, 35)), 1)
            name = f"{s['voice']}+{s['variant']}-s{s['speed']}-p{s['pitch']}"
            s['name'] = name
            os.makedirs(os.path.join(OUT, name))
            for d, word in enumerate(WORDS):
                x, rate = synth(f"{s['voice']}+{s['variant']}", s['speed'], s['pitch'], word, tmp)
                y = resample(trim(x, rate), rate, RATE)
                y = y / np.abs(y).max() * rng.uniform(0.3, 0.9)  # a random recording level
                noise = rng.standard_normal(len(y)) * np.sqrt(np.mean(y ** 2) / 10 ** (s['snrDb'] / 10))
                pcm = np.clip(np.round((y + noise) * 32767), -32768, 32767).astype('<i2')
                path = os.path.join(OUT, name, f'{d}.wav')
                with wave.open(path, 'wb') as w:
                    w.setnchannels(1)
                    w.setsampwidth(2)
                    w.setframerate(RATE)
                    w.writeframes(pcm.tobytes())
                total += os.path.getsize(path)
    with open(os.path.join(OUT, 'speakers.json'), 'w') as f:
        json.dump({'rate': RATE, 'words': WORDS, 'speakers': speakers}, f, indent=1)
        f.write('\n')
    print(f'{len(speakers)} speakers, {len(speakers) * 10} clips, {total / 1e6:.2f} MB')


if __name__ == '__main__':
    main()
