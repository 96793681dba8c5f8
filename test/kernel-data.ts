// Deterministic kernel test data shared by the fast-backend-vs-reference tests (wasm-vs-ts,
// webgpu-vs-ts): the same seed gives the same values on every backend and every run.

/** n float32-representable values in [-1, 1]; with `specials`, NaN, ±0, ±Inf, ±1 every 7th. */
export function kernelData(n: number, seed: number, specials = false): Float64Array {
  const out = new Float64Array(n);
  let s = (seed * 2654435761) % 4294967296;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) % 4294967296;
    out[i] = Math.fround((s / 4294967296) * 2 - 1);
  }
  if (specials) {
    const sp = [NaN, 0, -0, Infinity, -Infinity, 1, -1];
    for (let i = 0; i < n; i += 7) out[i] = sp[(i / 7) % sp.length]!;
  }
  return out;
}
