// The playground page (web/index.html): pick a task, train it in a Web Worker with trainInWorker,
// draw the loss curve as epochs arrive, list the doctor's findings, and score the test set on the
// page. The page imports the shipped bundle, /dist/browser/axon.js, as any user's page would.
import type * as Axon from '../src/index.js';

const ax = (await import(String('/dist/browser/axon.js'))) as typeof Axon;
type Tensor = Axon.Tensor;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $('status'), result = $('result'), findingsList = $('findings');
const trainButton = $<HTMLButtonElement>('train'), stopButton = $<HTMLButtonElement>('stop');
const canvas = $<HTMLCanvasElement>('curve');

interface Task { model: () => Axon.Module; train: { x: Tensor; y: Tensor }; test: { x: Tensor; y: Tensor }; lr: number; epochs: number; batchSize: number }

const idx = (i: number[]): Tensor => ax.fromArray(i, [i.length], 'int32');

async function makeTask(name: string): Promise<Task> {
  ax.manualSeed(0);
  if (name === 'xor') {
    const x = ax.fromArray([0, 0, 0, 1, 1, 0, 1, 1], [4, 2], 'float32');
    const y = ax.fromArray([0, 1, 1, 0], [4], 'int32');
    return { model: () => new ax.Sequential(new ax.Linear(2, 8), new ax.Tanh(), new ax.Linear(8, 2)), train: { x, y }, test: { x, y }, lr: 0.05, epochs: 300, batchSize: 4 };
  }
  if (name === 'iris') {
    const data = await ax.loadIris({ seed: 0 });
    const split = ax.stratifiedSplit(data.y, { testFraction: 0.2, seed: 0 });
    const [tr, te] = [idx(split.train), idx(split.test)];
    const scaler = new ax.StandardScaler().fit(ax.indexSelect(data.x, 0, tr));
    return {
      model: () => new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 3)),
      train: { x: scaler.transform(ax.indexSelect(data.x, 0, tr)), y: ax.indexSelect(data.y, 0, tr) },
      test: { x: scaler.transform(ax.indexSelect(data.x, 0, te)), y: ax.indexSelect(data.y, 0, te) },
      lr: 0.01, epochs: 60, batchSize: 16,
    };
  }
  const { train, test } = await ax.loadMnist({ trainSize: 8000, testSize: 2000 });
  const norm = (x: Tensor): Tensor => ax.div(ax.sub(x, 0.1307), 0.3081);
  if (name === 'mnist-mlp') {
    return {
      model: () => new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10)),
      train: { x: norm(train.x), y: train.y }, test: { x: norm(test.x), y: test.y }, lr: 1e-3, epochs: 5, batchSize: 64,
    };
  }
  const img = (x: Tensor): Tensor => ax.reshape(norm(x), [-1, 1, 28, 28]); // (N, 784) -> (N, 1, 28, 28)
  return {
    model: () => new ax.Sequential(
      new ax.Conv2d(1, 6, 5, { padding: 2 }), new ax.ReLU(), new ax.MaxPool2d(2), // (N, 1, 28, 28) -> (N, 6, 14, 14)
      new ax.Conv2d(6, 16, 5), new ax.ReLU(), new ax.MaxPool2d(2), new ax.Flatten(), // -> (N, 16, 5, 5) -> (N, 400)
      new ax.Linear(400, 120), new ax.ReLU(), new ax.Linear(120, 84), new ax.ReLU(), new ax.Linear(84, 10), // -> (N, 10)
    ),
    train: { x: img(train.x), y: train.y }, test: { x: img(test.x), y: test.y }, lr: 2e-3, epochs: 3, batchSize: 64,
  };
}

/** The loss curve: every streamed batch loss (light) and the epoch losses (dark), over training progress. */
function draw(batches: { at: number; loss: number }[], losses: number[], total: number): void {
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  g.clearRect(0, 0, w, h);
  if (batches.length === 0) return;
  const all = [...batches.map((b) => b.loss), ...losses].filter(Number.isFinite);
  const hi = Math.max(...all), lo = Math.min(0, ...all);
  const px = (at: number): number => 30 + (w - 40) * Math.min(1, at / total);
  const py = (l: number): number => h - 20 - (h - 40) * ((l - lo) / (hi - lo || 1));
  const line = (pts: [number, number][], color: string, width: number): void => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
    g.stroke();
  };
  line(batches.map((b) => [px(b.at), py(b.loss)]), '#9bd', 1);
  line(losses.map((l, i) => [px(i + 1), py(l)]), '#36c', 2);
  g.fillStyle = '#555';
  const last = losses.length ? `epoch ${losses.length}/${total}: loss ${losses.at(-1)!.toPrecision(3)}` : `epoch 1/${total}: batch loss ${batches.at(-1)!.loss.toPrecision(3)}`;
  g.fillText(last, 34, 14);
}

function showFinding(f: Axon.Finding): void {
  if (findingsList.dataset.empty !== 'no') { findingsList.textContent = ''; findingsList.dataset.empty = 'no'; }
  const li = document.createElement('li');
  li.className = f.severity;
  li.textContent = `[${f.severity}] ${f.title} — ${f.fix}`;
  findingsList.append(li);
}

const selected = (): string => (document.querySelector('input[name=task]:checked') as HTMLInputElement).value;
/** Put the task's usual epochs and learning rate in the form (body[data-task] says which task they are for). */
async function taskDefaults(): Promise<void> {
  const name = selected();
  const t = await makeTask(name);
  $<HTMLInputElement>('epochs').value = String(t.epochs);
  $<HTMLInputElement>('lr').value = String(t.lr);
  document.body.dataset.task = name;
}
document.querySelectorAll('input[name=task]').forEach((r) => r.addEventListener('change', () => { void taskDefaults(); }));
await taskDefaults();

let run: Axon.WorkerTraining | null = null;

trainButton.addEventListener('click', async () => {
  trainButton.disabled = true;
  stopButton.disabled = false;
  result.textContent = '';
  findingsList.textContent = 'No findings yet.';
  delete findingsList.dataset.empty;
  try {
    status.textContent = 'Loading data…';
    const task = await makeTask(selected());
    const epochs = Number($<HTMLInputElement>('epochs').value) || task.epochs;
    const model = task.model();
    const losses: number[] = [];
    const batches: { at: number; loss: number }[] = [];
    const t0 = performance.now();
    run = ax.trainInWorker(model, {
      data: task.train, epochs, batchSize: task.batchSize, seed: 0,
      optimizer: { type: 'Adam', lr: Number($<HTMLInputElement>('lr').value) || task.lr },
      onStart: (s) => { status.textContent = `Training in a worker on ${s.backend} with ${s.threads} thread${s.threads > 1 ? 's' : ''}…`; },
      onBatch: (b) => { batches.push({ at: b.epoch - 1 + b.step / (b.stepsPerEpoch || b.step), loss: b.loss }); draw(batches, losses, epochs); },
      onEpoch: (l) => { losses.push(l.loss); draw(batches, losses, epochs); },
      onFinding: showFinding,
    });
    const history = await run.done;
    const r = ax.evaluate(model, task.test);
    result.textContent = `Test accuracy ${(100 * r.accuracy!).toFixed(1)}% after ${history.epochs.length} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
    result.dataset.accuracy = String(r.accuracy);
    status.textContent = 'Done.';
  } catch (e) {
    status.textContent = `Error: ${(e as Error).message}`;
    status.className = 'error';
  } finally {
    run = null;
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
});

stopButton.addEventListener('click', () => run?.stop());

const s = ax.threadStatus();
status.textContent = `Axon ready: ${ax.getBackend().name} backend, ${s.sharedMemory ? `${s.requested} threads available (cross-origin isolated)` : '1 thread (this page is not cross-origin isolated)'}.`;
trainButton.dataset.ready = 'yes';
