// The fused one-pass Adam/AdamW of the wasm backend follows the composed update of the reference
// backend (float32, a few ulps per step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

function trajectory(backend: string, Opt: typeof ax.Adam, opts: Partial<ax.AdamOptions>): number[] {
  ax.setBackend(backend);
  try {
    const g = new ax.Generator(3);
    const p = ax.keep(ax.randn([37], { generator: g, requiresGrad: true }));
    const target = ax.keep(ax.randn([37], { generator: g }));
    const opt = new Opt([p], opts);
    for (let i = 0; i < 5; i++) {
      ax.scope(() => { opt.zeroGrad(); ax.mseLoss(p, target).backward(); opt.step(); });
    }
    return Array.from(p.data());
  } finally {
    ax.setBackend('ts');
  }
}

for (const [name, Opt, opts] of [['Adam', ax.Adam, { lr: 0.05, weightDecay: 0.01 }], ['AdamW', ax.AdamW, { lr: 0.05, weightDecay: 0.1 }]] as const) {
  test(`${name}: fused wasm update matches the composed reference update`, (t) => {
    if (!ax.listBackends().includes('wasm')) { t.skip('no wasm backend on this platform'); return; }
    const ref = trajectory('ts', Opt, opts);
    const fused = trajectory('wasm', Opt, opts);
    fused.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) <= 1e-5 * Math.max(1, Math.abs(ref[i]!)), `element ${i}: ${v} vs ${ref[i]}`));
  });
}
