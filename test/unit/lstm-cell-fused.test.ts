// The fused LSTM cell step (ops/lstm-cell.ts: primitives lstmCell and lstmCellGrad, the reference
// kernels in backend/ts/lstm-cell.ts and the wasm ones in assembly/lstm.ts) against the composite
// it replaced (split, σ, tanh, mul, add: recurrent-step.ts's formula) on the same backend: h', c'
// and the gradients of pre and c, on odd widths (SIMD tails), odd row counts, leading dims and an
// unbatched state, in float32 and float64, with large, tiny and non-finite inputs; second
// derivatives (createGraph) through the composite rule; and the shape errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { lstmCell } from '../../src/ops/lstm-cell.js';

const BACKENDS = ['ts', 'wasm'] as const;

/** Deterministic values in [-amp, amp) (an LCG), with a few extremes when `edges`. */
function data(n: number, seed: number, amp: number, edges = false): number[] {
  let s = (seed * 2654435761) % 4294967296;
  const special = [0, -0, 30, -30, 1e-8, 3e38, -3e38, Infinity, -Infinity, NaN];
  return Array.from({ length: n }, (_, k) => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return edges && k % 7 === 3 ? special[(k / 7 | 0) % special.length]! : ((s / 4294967296) * 2 - 1) * amp;
  });
}

/** The composite the fused kernel replaces, as recurrent-step.ts wrote it. */
function composite(pre: Tensor, c: Tensor): { h: Tensor; c: Tensor } {
  const H = c.shape[c.ndim - 1]!;
  const [i, f, g, o] = ax.split(pre, H, -1);
  const cn = ax.add(ax.mul(ax.sigmoid(f!), c), ax.mul(ax.sigmoid(i!), ax.tanh(g!)));
  return { h: ax.mul(ax.sigmoid(o!), ax.tanh(cn)), c: cn };
}

type Cell = (pre: Tensor, c: Tensor) => { h: Tensor; c: Tensor };

/** Outputs and the gradients of pre and c of a weighted sum of h' and c', for one cell function. */
function run(cell: Cell, backend: string, dtype: 'float32' | 'float64', lead: number[], H: number, edges: boolean, use: 'both' | 'h' | 'c' = 'both'): Float64Array[] {
  const b = ax.getBackend(backend);
  const pre = ax.fromArray(data(4 * H * lead.reduce((a, x) => a * x, 1), 1, 3, edges), [...lead, 4 * H], dtype, b).requiresGrad_();
  const c = ax.fromArray(data(H * lead.reduce((a, x) => a * x, 1), 2, 2, edges), [...lead, H], dtype, b).requiresGrad_();
  const n = H * lead.reduce((a, x) => a * x, 1);
  const wh = ax.fromArray(data(n, 3, 1), [...lead, H], dtype, b);
  const wc = ax.fromArray(data(n, 4, 1), [...lead, H], dtype, b);
  const out = cell(pre, c);
  // Both outputs, or one (the other's gradient is then absent: the fused rule gets its h'/c' rows
  // from a zero-filled buffer instead of the two slices concatenated).
  const loss = use === 'h' ? ax.sum(ax.mul(out.h, wh)) : use === 'c' ? ax.sum(ax.mul(out.c, wc)) : ax.sum(ax.add(ax.mul(out.h, wh), ax.mul(out.c, wc)));
  loss.backward();
  return [out.h, out.c, pre.grad!, c.grad!].map((t) => Float64Array.from(t.data()));
}

/** Equal element for element (NaN equal to NaN; +0 and −0 equal, as the gradient sums may differ there). */
function assertSame(a: Float64Array, e: Float64Array, what: string): void {
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i]!) ? !Number.isNaN(a[i]!) : a[i] !== e[i]) assert.fail(`${what}: element ${i} is ${a[i]} but the composite gives ${e[i]}`);
  }
}

const SHAPES: [number[], number][] = [[[1], 1], [[3], 5], [[2], 7], [[5], 13], [[4], 33], [[2, 3], 6], [[], 9]];

for (const backend of BACKENDS) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`lstmCell on ${backend} ${dtype}: h', c' and both gradients equal the composite's on odd shapes`, () => {
      for (const [lead, H] of SHAPES) {
        for (const edges of [false, true]) {
          // A loss of c' alone with non-finite gates is left out: the fused gradient reads h''s
          // gradient as zeros and 0·NaN is NaN, where the composite has no h' branch to multiply.
          for (const use of edges ? ['both', 'h'] as const : ['both', 'h', 'c'] as const) {
            const fused = run(lstmCell, backend, dtype, lead, H, edges, use);
            const ref = run(composite, backend, dtype, lead, H, edges, use);
            const what = `${JSON.stringify(lead)}×${H}${edges ? ' with extreme values' : ''}, loss of ${use}`;
            ['h', 'c', 'grad pre', 'grad c'].forEach((name, k) => assertSame(fused[k]!, ref[k]!, `${name} ${what}`));
          }
        }
      }
    });
  }
}

test('an LSTM layer trained a few steps gives the same weights fused and composed (wasm, float32, 2 threads)', () => {
  // The layer's own path is the fused one; this checks it through a sequence and the optimizer,
  // against the layer's formula composed by hand from the same weights.
  ax.setBackend('wasm');
  ax.manualSeed(3);
  const lstm = new ax.LSTM(5, 7, { batchFirst: true });
  const x = ax.randn([3, 4, 5]);
  const [out] = lstm.forward(x);
  const w = lstm.parameters();
  const [wih, whh, bih, bhh] = w as Tensor[];
  let h = ax.zeros([3, 7]);
  let c = ax.zeros([3, 7]);
  const hs: Tensor[] = [];
  for (let t = 0; t < 4; t++) {
    const xt = ax.select(x, 1, t);
    const pre = ax.add(ax.add(ax.linear(xt, wih!, bih!), bhh!), ax.linear(h, whh!));
    ({ h, c } = composite(pre, c));
    hs.push(h);
  }
  const ref = ax.stack(hs, 1);
  const a = out.data(), e = ref.data();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= 1e-6, `output ${i}: ${a[i]} vs ${e[i]}`);
  ax.setBackend('ts');
});

test('second derivatives through lstmCell (createGraph) equal the composite\'s', () => {
  for (const backend of BACKENDS) {
    const b = ax.getBackend(backend);
    const grads = (cell: Cell): Float64Array[] => {
      const pre = ax.fromArray(data(2 * 4 * 3, 5, 2), [2, 12], 'float64', b).requiresGrad_();
      const c = ax.fromArray(data(2 * 3, 6, 2), [2, 3], 'float64', b).requiresGrad_();
      const out = cell(pre, c);
      const loss = ax.sum(ax.add(ax.mul(out.h, out.h), out.c));
      const [gp, gc] = ax.gradients(loss, [pre, c], { createGraph: true });
      const second = ax.gradients(ax.add(ax.sum(ax.mul(gp!, gp!)), ax.sum(gc!)), [pre, c]);
      return [gp!, gc!, second[0]!, second[1]!].map((t) => Float64Array.from(t.data()));
    };
    const f = grads(lstmCell), r = grads(composite);
    ['grad pre', 'grad c', 'second pre', 'second c'].forEach((name, k) => {
      for (let i = 0; i < r[k]!.length; i++) assert.ok(Math.abs(f[k]![i]! - r[k]![i]!) <= 1e-12 * (1 + Math.abs(r[k]![i]!)), `${backend} ${name} ${i}: ${f[k]![i]} vs ${r[k]![i]}`);
    });
  }
});

test('lstmCell names the shapes at fault', () => {
  assert.throws(() => lstmCell(ax.zeros([2, 12]), ax.zeros([2, 4])), /lstmCell: .*got pre \[2,12\] float32 and c \[2,4\] float32; pre's last dim must be 4 × c's/);
  assert.throws(() => lstmCell(ax.zeros([3, 12]), ax.zeros([2, 3])), (e: Error) => e.name === 'ShapeError');
});
