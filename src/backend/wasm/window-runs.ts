// The gather map of unfold/fold (ts/im2col.ts: map[j] is tap j's offset in one input plane, −1 on
// padding) as runs for the wasm kernels: a stride-1 convolution's taps read whole rows of the
// input, so consecutive j mostly read consecutive offsets. Copying a run with vectors instead of
// looking up every element made LeNet's first unfold (64×1×28×28, 5×5) ~3× faster.

/** Runs of the map as triples (j, offset, length); offset −1 marks a run of padding. Cached per map. */
export function mapRuns(map: Int32Array): Int32Array {
  let runs = RUNS.get(map);
  if (runs === undefined) {
    const out: number[] = [];
    for (let j = 0; j < map.length;) {
      const start = j;
      const src = map[j]!;
      j++;
      if (src < 0) while (j < map.length && map[j]! < 0) j++;
      else while (j < map.length && map[j] === src + (j - start)) j++;
      out.push(start, src, j - start);
    }
    runs = Int32Array.from(out);
    RUNS.set(map, runs);
  }
  return runs;
}

const RUNS = new WeakMap<Int32Array, Int32Array>();
