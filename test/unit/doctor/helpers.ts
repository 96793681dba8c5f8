// Shared set-ups for the doctor tests: real datasets cut into train/validation, small MLPs.
import * as ax from '../../../src/index.js';

export const pick = (t: ax.Tensor, idx: readonly number[]): ax.Tensor => ax.indexSelect(t, 0, ax.tensor([...idx], { dtype: 'int32' }));
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
export interface XY { x: ax.Tensor; y: ax.Tensor }

/** Ids of the findings at warning level or above. */
export const alarms = (fs: readonly ax.Finding[] | undefined): string[] => (fs ?? []).filter((f) => f.severity !== 'info').map((f) => `${f.id}: ${f.title}`);
export const find = (fs: readonly ax.Finding[] | undefined, id: string): ax.Finding | undefined => (fs ?? []).find((f) => f.id === id);

/** A dataset split 80/20 stratified (seeded, 0 by default), raw and standardized with training statistics. */
export async function tabular(loader: (o: { seed?: number }) => Promise<{ x: ax.Tensor; y: ax.Tensor; featureNames: string[] }>, seed = 0): Promise<{ raw: { train: XY; val: XY }; std: { train: XY; val: XY }; names: string[] }> {
  const d = await loader({ seed });
  const s = ax.stratifiedSplit(d.y, { testFraction: 0.2, seed });
  const train = { x: pick(d.x, s.train), y: pick(d.y, s.train) };
  const val = { x: pick(d.x, s.test), y: pick(d.y, s.test) };
  const sc = new ax.StandardScaler().fit(train.x);
  return { raw: { train, val }, std: { train: { x: sc.transform(train.x), y: train.y }, val: { x: sc.transform(val.x), y: val.y } }, names: d.featureNames };
}

/** Linear layers of the given sizes with `Act` between them (seeded). */
export function mlp(sizes: number[], Act: new () => ax.Module = ax.ReLU, seed = 0): ax.Sequential {
  ax.manualSeed(seed);
  const layers: ax.Module[] = [];
  sizes.slice(1).forEach((s, i) => { layers.push(new ax.Linear(sizes[i]!, s)); if (i < sizes.length - 2) layers.push(new Act()); });
  return new ax.Sequential(...layers);
}
