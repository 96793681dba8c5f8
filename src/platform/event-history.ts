// What the dashboard's server keeps of a run for pages that open late (or reload): every event
// except the per-step ones in full, and the steps thinned once they pass a cap — as TensorBoard
// keeps a bounded sample of each scalar. When more than `maxSteps` step events are kept, every
// other one is dropped and from then on only every 2nd (then 4th, 8th, …) new step is kept, so
// memory stays bounded on a run of millions of steps (≈ 150 bytes a step otherwise, forever)
// while the curve keeps its shape from the first step to the latest. Pages that are open get
// every event as it happens, and the run log on disk keeps them all.

/** Whether a serialized event is a per-step one ({"event":"step",…}, as the callback writes it). */
const isStep = (json: string): boolean => json.startsWith('{"event":"step"');

export class EventHistory {
  private readonly entries: { json: string; step: boolean }[] = [];
  private keptSteps = 0;
  private seenSteps = 0;
  private stride = 1;

  constructor(readonly maxSteps = 20_000) {
    if (!(maxSteps >= 2)) throw new RangeError(`EventHistory: maxSteps must be at least 2, got ${maxSteps}`);
  }

  /** Keep `json` (or not, for a step between the current stride's samples). */
  add(json: string): void {
    if (!isStep(json)) { this.entries.push({ json, step: false }); return; }
    const n = this.seenSteps++;
    if (n % this.stride !== 0) return;
    this.entries.push({ json, step: true });
    if (++this.keptSteps > this.maxSteps) this.thin();
  }

  /** Drop every other kept step (the 1st, 3rd, … stay) and double the stride. */
  private thin(): void {
    let k = 0;
    let w = 0;
    for (const e of this.entries) {
      if (e.step && k++ % 2 === 1) continue;
      this.entries[w++] = e;
    }
    this.entries.length = w;
    this.keptSteps = Math.ceil(this.keptSteps / 2);
    this.stride *= 2;
  }

  /** The kept events in the order they came. */
  snapshot(): string[] {
    return this.entries.map((e) => e.json);
  }

  /** How many events are kept. */
  get size(): number {
    return this.entries.length;
  }
}
