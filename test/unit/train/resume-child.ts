// The training script the SIGKILL test runs in a child process: `node resume-child.js <fresh|resume>
// <dir> <out.json>`. It checkpoints every step to <dir>/last.safetensors, prints `step N <loss>`
// after each step (then pauses briefly, so the parent can kill it mid-run), and writes the final
// weights and history to <out.json>.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import '../../helpers.js';
import * as ax from '../../../src/index.js';
import { losses, model, options, weightBytes } from '../../resume-setup.js';

const [mode, dir, out] = process.argv.slice(2) as [string, string, string];
const file = path.join(dir, 'last.safetensors');
const pause = new Int32Array(new SharedArrayBuffer(4));
let step = mode === 'resume' ? ax.loadTrainingCheckpoint(file, { model: model(), generators: {} }).step : 0;
process.stdout.write(`from ${step}\n`);
const m = model();
const h = ax.fit(m, options(m, {
  checkpoint: { path: file, everySteps: 1 },
  ...(mode === 'resume' ? { resume: file } : {}),
  onStep: (loss) => {
    process.stdout.write(`step ${++step} ${JSON.stringify(loss)}\n`);
    Atomics.wait(pause, 0, 0, 10);
  },
}));
writeFileSync(out, JSON.stringify({ weights: weightBytes(m), history: losses(h) }));
