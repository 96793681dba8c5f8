// Fits the per-interval erf polynomials of assembly/erf.ts against the reference erf (run after
// npm run build: node scripts/fit-erf.mjs; prints the worst relative error and writes the rows of
// src/backend/wasm/erf-table.ts's coefficient table to erf-table-rows.txt).
import { erf } from '../dist/src/backend/ts/scalar-math.js';
const DEG = 13;
function chebFit(f, a, b, deg) {
  const N = deg + 1; const c = new Array(N).fill(0);
  for (let k = 0; k < N; k++) {
    const th = Math.PI * (k + 0.5) / N; const t = Math.cos(th); const x = (a + b) / 2 + (b - a) / 2 * t; const fx = f(x);
    for (let j = 0; j < N; j++) c[j] += 2 / N * fx * Math.cos(j * th);
  }
  c[0] /= 2;
  // Chebyshev -> monomial in t
  const T = [[1], [0, 1]];
  for (let j = 2; j < N; j++) { const p = new Array(j + 1).fill(0); for (let i = 0; i < T[j-1].length; i++) p[i+1] += 2 * T[j-1][i]; for (let i = 0; i < T[j-2].length; i++) p[i] -= T[j-2][i]; T.push(p); }
  const m = new Array(N).fill(0);
  for (let j = 0; j < N; j++) for (let i = 0; i < T[j].length; i++) m[i] += c[j] * T[j][i];
  return m;
}
const out = [];
let worst = 0;
for (let iv = 0; iv < 8; iv++) {
  const a = 0.5 + iv * 0.5, b = a + 0.5;
  const m = chebFit(erf, a, b, DEG);
  for (let s = 0; s <= 2000; s++) { const x = a + (b - a) * s / 2000; const t = (x - (a + b) / 2) / ((b - a) / 2); let p = 0; for (let i = DEG; i >= 0; i--) p = p * t + m[i]; worst = Math.max(worst, Math.abs(p - erf(x)) / erf(x)); }
  out.push(m);
}
console.log('worst rel', worst);
console.log(out.map((m) => m.map((v) => v.toPrecision(17)).join(', ')).join(',\n'));
// Emit the table's rows: 14 coefficients per interval, c₀ first (erf-table.ts's layout).
let src = '';
out.forEach((m, iv) => {
  src += `  // iv = ${iv}: |x| in [${0.5 + iv * 0.5}, ${1 + iv * 0.5})\n`;
  for (let k = 0; k <= DEG; k += 4) src += `  ${m.slice(k, k + 4).map((v) => v.toPrecision(17)).join(', ')},\n`;
});
import('fs').then((fs) => fs.writeFileSync('erf-table-rows.txt', src));
