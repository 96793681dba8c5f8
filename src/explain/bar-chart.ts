// A horizontal bar chart of feature attributions as an SVG document: one bar per feature, positive
// to the right in red, negative to the left in blue (SHAP's colours), largest |value| first.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

export interface BarChartOptions {
  /** One name per value (default f0, f1, …). */
  labels?: readonly string[];
  title?: string;
  /** Keep the given order instead of sorting by |value|. Default false. */
  keepOrder?: boolean;
  /** Drawing width in pixels. Default 560. */
  width?: number;
}

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * An SVG bar chart of attributions (e.g. one row of Shapley values, or permutation importances),
 * with each value printed beside its bar.
 *
 * @example
 * writeFileAtomicSync('shap.svg', barChartSvg(select(values, 0, 0), { labels: ['sepal length', …] }));
 */
export function barChartSvg(values: Tensor | readonly number[], opts: BarChartOptions = {}): string {
  const op = 'barChartSvg';
  const v = Array.isArray(values) ? [...values as number[]] : [...(values as Tensor).data()];
  if (!Array.isArray(values) && (values as Tensor).ndim > 1) throw new ValueError(op, `values must be one row (M,), got shape ${JSON.stringify((values as Tensor).shape)}; pick a row with select(values, 0, i)`);
  const labels = opts.labels ?? v.map((_, i) => `f${i}`);
  if (labels.length !== v.length) throw new ValueError(op, `${labels.length} labels for ${v.length} values; pass one label per value`);
  const order = v.map((_, i) => i);
  if (!opts.keepOrder) order.sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!));
  const width = opts.width ?? 560;
  const labelW = Math.min(200, 12 + 7 * Math.max(...labels.map((l) => l.length), 2));
  const rowH = 22, top = opts.title ? 34 : 10;
  const plotW = width - labelW - 80;
  const max = Math.max(...v.map(Math.abs), 1e-300);
  const hasNeg = v.some((x) => x < 0);
  const zero = labelW + (hasNeg ? plotW / 2 : 0);
  const span = hasNeg ? plotW / 2 : plotW;
  const height = top + rowH * v.length + 10;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`];
  if (opts.title) out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(opts.title)}</text>`);
  order.forEach((i, r) => {
    const y = top + r * rowH;
    const len = (Math.abs(v[i]!) / max) * span;
    const x = v[i]! >= 0 ? zero : zero - len;
    out.push(`<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeXml(labels[i]!)}</text>`);
    out.push(`<rect x="${x.toFixed(2)}" y="${y + 3}" width="${len.toFixed(2)}" height="${rowH - 6}" fill="${v[i]! >= 0 ? '#ff0051' : '#008bfb'}"/>`);
    const tx = v[i]! >= 0 ? zero + len + 4 : zero - len - 4;
    out.push(`<text x="${tx.toFixed(2)}" y="${y + 15}" text-anchor="${v[i]! >= 0 ? 'start' : 'end'}">${v[i]!.toPrecision(3)}</text>`);
  });
  out.push(`<line x1="${zero}" y1="${top}" x2="${zero}" y2="${top + rowH * v.length}" stroke="#333"/>`, '</svg>');
  return out.join('\n');
}
