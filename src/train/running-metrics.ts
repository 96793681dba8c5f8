// Metrics accumulated batch by batch inside fit()/evaluate(): accuracy, mae, rmse.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

export type MetricName = 'accuracy' | 'mae' | 'rmse';

/** Sums over batches; `value()` gives the metric over everything seen. */
export class RunningMetric {
  private total = 0;
  private count = 0;
  /** For single-output classifiers: the score at which a prediction counts as class 1. */
  constructor(readonly name: MetricName, private readonly threshold = 0) {
    if (!['accuracy', 'mae', 'rmse'].includes(name)) throw new ValueError('fit', `unknown metric '${name}'; use accuracy, mae or rmse (richer metrics: import them from the metrics module)`);
  }

  update(pred: Tensor, target: Tensor): void {
    this.updateValues(pred.data(), target.data(), target.dtype === 'int32');
  }

  /** update() on values already read back (fitAsync): `classIndices` when the targets are int32 labels. */
  updateValues(p: ArrayLike<number>, t: ArrayLike<number>, classIndices: boolean): void {
    if (this.name === 'accuracy') {
      const n = t.length;
      const c = p.length / Math.max(n, 1);
      for (let i = 0; i < n; i++) {
        let cls: number;
        if (c === 1) cls = p[i]! >= this.threshold ? 1 : 0;
        else if (!classIndices && t.length === p.length) {
          // probability targets: compare argmaxes
          cls = argmaxRow(p, i * c, c);
          this.total += cls === argmaxRow(t, i * c, c) ? 1 : 0;
          this.count++;
          continue;
        } else cls = argmaxRow(p, i * c, c);
        this.total += cls === t[i] ? 1 : 0;
        this.count++;
      }
      return;
    }
    for (let i = 0; i < p.length; i++) {
      const d = p[i]! - t[i]!;
      this.total += this.name === 'mae' ? Math.abs(d) : d * d;
      this.count++;
    }
  }

  /** The sums so far (for a training checkpoint). */
  getState(): [number, number] { return [this.total, this.count]; }
  setState([total, count]: readonly number[]): void {
    if (typeof total !== 'number' || !Number.isInteger(count) || count! < 0) throw new ValueError('fit', `a running metric's state must be [total, count], got ${JSON.stringify([total, count])}`);
    this.total = total;
    this.count = count!;
  }

  value(): number {
    if (this.count === 0) return NaN;
    const m = this.total / this.count;
    return this.name === 'rmse' ? Math.sqrt(m) : m;
  }
}

function argmaxRow(a: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[off + j]! > a[off + best]!) best = j;
  return best;
}
