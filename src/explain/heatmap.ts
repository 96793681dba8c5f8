// Pictures of attributions: a PNG heat map (optionally over the input image) and a text rendering
// for terminals. Values are scaled as Captum's visualisation does: by the 98th percentile of |a|.
import pngjs from 'pngjs';
import { ShapeError, ValueError } from '../errors.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export type Colormap = 'inferno' | 'viridis' | 'coolwarm' | 'gray';

// Nine evenly spaced stops of each map (matplotlib's colours at 0, 1/8, …, 1), interpolated linearly.
const STOPS: Record<Colormap, readonly string[]> = {
  inferno: ['000004', '1f0c48', '550f6d', '88226a', 'ba3655', 'e35933', 'f98e09', 'f9cb35', 'fcffa4'],
  viridis: ['440154', '472c7a', '3b518b', '2c718e', '21908d', '27ad81', '5cc863', 'aadc32', 'fde725'],
  coolwarm: ['3b4cc0', '5977e3', '7b9ff9', '9ebeff', 'c0d4f5', 'dddcdc', 'f2cbb7', 'f7ac8e', 'b40426'],
  gray: ['000000', 'ffffff'],
};

/** The colour of t ∈ [0, 1] on `map`, as [r, g, b] in 0..255. */
export function colorAt(map: Colormap, t: number): [number, number, number] {
  const stops = STOPS[map];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = (h: string, k: number): number => parseInt(h.slice(2 * k, 2 * k + 2), 16);
  return [0, 1, 2].map((k) => Math.round(rgb(stops[i]!, k) * (1 - f) + rgb(stops[i + 1]!, k) * f)) as [number, number, number];
}

/** A 2-D map (H, W) from an attribution (H, W), (C, H, W) or (1, C, H, W): channels summed. */
export function toMap(op: string, attr: Tensor): { h: number; w: number; v: Float64Array } {
  let s = attr.shape;
  if (s.length === 4 && s[0] === 1) s = s.slice(1);
  if (s.length !== 2 && s.length !== 3) throw new ShapeError(op, `attribution must be (H, W), (C, H, W) or (1, C, H, W), got ${shapeStr(attr.shape)}; pick one row with select(attr, 0, i)`);
  const [c, h, w] = s.length === 2 ? [1, s[0]!, s[1]!] : [s[0]!, s[1]!, s[2]!];
  const d = attr.data();
  const v = new Float64Array(h * w);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) v[p] += d[k * h * w + p]!;
  return { h, w, v };
}

/** The value at the `q` quantile of |v| (Captum's `_normalize_scale` uses q = 0.98); 1 when all are 0. */
function scaleOf(v: Float64Array, q: number): number {
  const a = Array.from(v, Math.abs).sort((x, y) => x - y);
  const s = a[Math.min(a.length - 1, Math.floor(q * a.length))] ?? 0;
  return s > 0 ? s : Math.max(...a) || 1;
}

export interface HeatmapOptions {
  /** The input to draw under the map: (H, W), (1, H, W) or (3, H, W), any range (min–max scaled), or (1, C, H, W). */
  image?: Tensor;
  /** Default 'inferno'; signed maps default to the diverging 'coolwarm' (blue negative, red positive). */
  colormap?: Colormap;
  /** Opacity of the map over the image, 0..1. Default 0.6 with an image. */
  alpha?: number;
  /** Draw positive and negative values apart, 0 at the middle of the map. Default false: |a| if any value is negative. */
  signed?: boolean;
  /** Pixels per map cell (nearest-neighbour upscaling), so a 28×28 map is visible. Default 8. */
  scale?: number;
  /** Values above this quantile of |a| saturate (Captum: 98%). Default 0.98. */
  clipQuantile?: number;
}

/**
 * A PNG of the attribution map, optionally blended over the input image: the encoded bytes (write
 * them with writeFileAtomicSync or serve them). Each value is divided by the 98th percentile of
 * |a| and clipped (as Captum's `visualize_image_attr`, `outlier_perc=2`).
 *
 * @example
 * writeFileAtomicSync('saliency.png', heatmapPng(select(attr, 0, 0), { image: select(x, 0, 0) }));
 */
export function heatmapPng(attr: Tensor, opts: HeatmapOptions = {}): Uint8Array {
  const op = 'heatmapPng';
  const { h, w, v } = toMap(op, attr);
  const signed = opts.signed ?? false;
  const cmap = opts.colormap ?? (signed ? 'coolwarm' : 'inferno');
  const scale = opts.scale ?? 8;
  const alpha = opts.alpha ?? (opts.image ? 0.6 : 1);
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new ValueError(op, `scale must be an integer in [1, 64], got ${scale}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new ValueError(op, `alpha must be in [0, 1], got ${alpha}`);
  const s = scaleOf(v, opts.clipQuantile ?? 0.98);
  let img: { c: number; d: Float64Array } | null = null;
  if (opts.image) {
    let is = opts.image.shape;
    if (is.length === 4 && is[0] === 1) is = is.slice(1);
    const ic = is.length === 2 ? 1 : is[0]!;
    if (!((is.length === 2 && is[0] === h && is[1] === w) || (is.length === 3 && (ic === 1 || ic === 3) && is[1] === h && is[2] === w))) {
      throw new ShapeError(op, `image has shape ${shapeStr(opts.image.shape)} but the map is ${h}×${w}; pass (${h}, ${w}), (1, ${h}, ${w}) or (3, ${h}, ${w})`);
    }
    const d = Float64Array.from(opts.image.data());
    let lo = Infinity, hi = -Infinity;
    for (const x of d) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    for (let i = 0; i < d.length; i++) d[i] = hi > lo ? (d[i]! - lo) / (hi - lo) : 0;
    img = { c: ic, d };
  }
  const png = new pngjs.PNG({ width: w * scale, height: h * scale });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const t = signed ? 0.5 + 0.5 * Math.max(-1, Math.min(1, v[p]! / s)) : Math.min(1, Math.abs(v[p]!) / s);
      const col = colorAt(cmap, t);
      const px = [0, 1, 2].map((k) => {
        if (!img) return col[k]!;
        const under = 255 * img.d[(img.c === 1 ? 0 : k) * h * w + p]!;
        return Math.round((1 - alpha) * under + alpha * col[k]!);
      });
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const o = ((y * scale + dy) * w * scale + x * scale + dx) * 4;
          png.data[o] = px[0]!; png.data[o + 1] = px[1]!; png.data[o + 2] = px[2]!; png.data[o + 3] = 255;
        }
      }
    }
  }
  const buf = pngjs.PNG.sync.write(png);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const RAMP = ' .:-=+*#%@';

/**
 * The map as text for a terminal: one character per cell from ' .:-=+*#%@' (|a| scaled as in
 * heatmapPng), `width` columns (cells averaged), rows halved (a character is about twice as tall as wide).
 */
export function heatmapText(attr: Tensor, { width }: { width?: number } = {}): string {
  const { h, w, v } = toMap('heatmapText', attr);
  const cols = Math.max(1, Math.min(width ?? w, w));
  const rows = Math.max(1, Math.round((h * cols) / w / 2));
  const s = scaleOf(v, 0.98);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const [y0, y1] = [Math.floor((r * h) / rows), Math.max(Math.floor((r * h) / rows) + 1, Math.floor(((r + 1) * h) / rows))];
      const [x0, x1] = [Math.floor((c * w) / cols), Math.max(Math.floor((c * w) / cols) + 1, Math.floor(((c + 1) * w) / cols))];
      let m = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m += Math.abs(v[y * w + x]!);
      const t = Math.min(1, m / ((y1 - y0) * (x1 - x0)) / s);
      line += RAMP[Math.min(RAMP.length - 1, Math.floor(t * RAMP.length))];
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
