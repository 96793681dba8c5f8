// `axon explain <example> --method M [--index N] [--out FILE]`: explain one prediction of a bundled
// model — a digit of the pretrained MNIST CNN (saliency, SmoothGrad, integrated gradients,
// Grad-CAM as a PNG heat map), a row of iris or penguins (Shapley values, integrated gradients,
// saliency as an SVG bar chart, the MLP trained on the spot), or text through the pretrained
// State of the Union GPT (attention rollout as a PNG).
import { loadIris, loadPenguins } from '../data/datasets.js';
import { loadMnist } from '../data/mnist.js';
import { asciiText } from '../data/sotu.js';
import { attentionMaps } from '../explain/attention-maps.js';
import { barChartSvg } from '../explain/bar-chart.js';
import { gradCam } from '../explain/grad-cam.js';
import { heatmapPng, heatmapText } from '../explain/heatmap.js';
import { integratedGradients } from '../explain/integrated-gradients.js';
import { saliency } from '../explain/saliency.js';
import { exactShapley } from '../explain/shapley.js';
import { smoothGrad } from '../explain/smooth-grad.js';
import { loadPretrained } from '../io/pretrained.js';
import { writeFileAtomicSync } from '../io/files.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/layers.js';
import { ReLU } from '../nn/activations.js';
import { Module } from '../nn/module.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/activation.js';
import { crossEntropy } from '../ops/losses.js';
import { div, sub } from '../ops/elementwise.js';
import { reshape, select, slice } from '../ops/movement.js';
import { mean, std } from '../ops/reduce.js';
import { Adam } from '../optim/adam.js';
import { fromArray } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { readCsv } from '../data/csv.js';
import { loadCheckpoint } from '../io/checkpoint.js';
import { kernelShap } from '../explain/kernel-shap.js';
import { MAX_EXACT_FEATURES } from '../explain/shapley.js';
import { fileExists } from '../platform/node.js';
import { EXIT, UsageError, choiceOption, intOption, parseCommand } from './args.js';
import { encodeInputs, inputNames, type TabularPrep } from './tabular-prep.js';
import '../nn/layers.js';
import '../nn/linear.js';
import '../nn/activations.js';
// The layers of the pretrained models register themselves for loading when imported.
import '../nn/conv.js';
import '../nn/pool.js';
import '../nn/gpt.js';

const TARGETS = ['mnist', 'iris', 'penguins', 'sotu-gpt'] as const;
type ExplainTarget = (typeof TARGETS)[number];
const METHODS: Record<ExplainTarget, readonly string[]> = {
  mnist: ['saliency', 'smoothgrad', 'ig', 'gradcam'],
  iris: ['shap', 'ig', 'saliency'],
  penguins: ['shap', 'ig', 'saliency'],
  'sotu-gpt': ['attention'],
};

export const EXPLAIN_USAGE = `usage: axon explain <example> [--method M] [--index N] [--out FILE] [--json]
       axon explain model.safetensors --csv rows.csv [--method M] [--index N] [--out FILE] [--json]

Explain one prediction of a bundled model, or of a model saved by axon fit --save --csv (row N of
rows.csv: shap, ig or saliency over its encoded inputs, as for iris), and draw the explanation.

examples and their methods (the first is the default):
  mnist      the pretrained CNN (pretrained/mnist-cnn-0to4) on MNIST test digit N (digits 0-4):
             saliency, smoothgrad, ig (integrated gradients), gradcam (last conv layer);
             --out a PNG heat map over the digit; without --out, a text heat map
  iris       a 4-16-3 MLP trained here (seeded, a few seconds) on the iris flowers, row N;
  penguins   the same on the Palmer penguins (4 measurements, 3 species): shap (exact Shapley
             values of the predicted class's probability, every row as background), ig
             (baseline: the mean row), saliency (signed gradient); --out an SVG bar chart
  sotu-gpt   the pretrained character GPT (pretrained/sotu-gpt-small) on --text: attention
             (rollout over both blocks); --out a PNG of the T×T map

options:
  --method M   one of the example's methods (default: its first)
  --index N    which digit or row (default 0)
  --csv FILE   the rows for a saved model (the columns it was trained on)
  --text TEXT  the text for sotu-gpt (default "The state of the Union is strong.")
  --steps S    integration points for ig (default 50) or noisy samples for smoothgrad (default 50)
  --out FILE   write the picture there (PNG for images and attention, SVG for tabular rows)
  --json       print one JSON line { example, method, index, label, prediction, out, ... }
  -h, --help   show this help`;

interface Explanation { label: string | null; prediction: string; extra: Record<string, unknown>; text: string; picture: Uint8Array | string }

async function explainMnist(method: string, index: number, steps: number | undefined): Promise<Explanation> {
  const { model } = loadPretrained('mnist-cnn-0to4');
  const { test } = await loadMnist({ seed: 0 });
  const y = test.y.data();
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i]! < 5) rows.push(i);
  if (index >= rows.length) throw new UsageError(`--index ${index} is past the ${rows.length} test digits 0-4`, EXPLAIN_USAGE);
  const raw = reshape(slice(test.x, [[rows[index]!, rows[index]! + 1]]), [1, 1, 28, 28]); // (1, 784) -> (1, 1, 28, 28)
  const x = div(sub(raw, 0.1307), 0.3081); // the standardisation the model was trained with
  const probs = noGrad(() => softmax(model.forward(x) as Tensor, { dim: 1 })).data();
  const pred = probs.indexOf(Math.max(...probs));
  const target = [pred];
  const attr = method === 'saliency' ? saliency(model, x, { target })
    : method === 'smoothgrad' ? smoothGrad(model, x, { target, samples: steps ?? 50 })
      : method === 'ig' ? integratedGradients(model, x, { target, steps: steps ?? 50 }).attributions
        : gradCam(model, '3', x, { target });
  const map = select(attr, 0, 0); // (1, 28, 28)
  return {
    label: String(y[rows[index]!]), prediction: String(pred), extra: { probability: probs[pred] },
    text: heatmapText(map), picture: heatmapPng(map, { image: select(raw, 0, 0), alpha: 0.6 }),
  };
}

/**
 * Explain row `index` of the standardised inputs `x` (N, M) for `model`: exact Shapley values of the
 * predicted class's probability (or of the output, for regression) with every row as background
 * (at most 100, evenly spaced; Kernel SHAP past 12 inputs), integrated gradients from the mean
 * row (0), or the signed gradient.
 */
function tabularAttributions(model: Module, x: Tensor, index: number, method: string, steps: number | undefined, classes: readonly string[] | null): { values: number[]; pred: number | null; extra: Record<string, unknown> } {
  const N = x.shape[0]!, M = x.shape[1]!;
  const row = slice(x, [[index, index + 1]]); // (1, M)
  const out = noGrad(() => model.forward(row) as Tensor);
  const probs = classes ? softmax(out, { dim: 1 }).data() : null;
  const pred = probs ? probs.indexOf(Math.max(...probs)) : null;
  const target = pred ?? undefined;
  const extra: Record<string, unknown> = probs ? { probability: probs[pred!] } : { output: out.data()[0] };
  let values: Tensor;
  if (method === 'shap') {
    const every = Math.max(1, Math.ceil(N / 100));
    const bg = fromArray(Array.from(x.data()).filter((_, k) => Math.floor(k / M) % every === 0), [Math.ceil(N / every), M], x.dtype);
    const f = (z: Tensor): Tensor => (classes ? softmax(model.forward(z) as Tensor, { dim: 1 }) : model.forward(z) as Tensor);
    const r = M <= MAX_EXACT_FEATURES ? exactShapley(f, row, bg, { target }) : kernelShap(f, row, bg, { target });
    values = select(r.values, 0, 0);
    extra.baseValue = r.baseValue.data()[0];
  } else if (method === 'ig') {
    values = select(integratedGradients(model, row, { target, baseline: 0, steps: steps ?? 50 }).attributions, 0, 0);
  } else {
    values = select(saliency(model, row, { target, abs: false }), 0, 0);
  }
  return { values: [...values.data()], pred, extra };
}

function tabularExplanation(title: string, names: readonly string[], values: number[], extra: Record<string, unknown>, label: string | null, prediction: string): Explanation {
  extra.attributions = Object.fromEntries(names.map((f, i) => [f, values[i]]));
  const width = Math.max(...names.map((f) => f.length));
  return {
    label, prediction, extra,
    text: names.map((f, i) => `${f.padEnd(width)}  ${values[i]! >= 0 ? ' ' : ''}${values[i]!.toFixed(4)}`).join('\n'),
    picture: barChartSvg(values, { labels: names, title }),
  };
}

async function explainSaved(file: string, csv: string | undefined, method: string, index: number, steps: number | undefined): Promise<Explanation> {
  if (!csv) throw new UsageError('give the rows to explain with --csv (the columns the model was trained on)', EXPLAIN_USAGE);
  const { model, extra } = loadCheckpoint(file);
  const prep = extra.prep as TabularPrep | undefined;
  if (prep?.format !== 'axon-fit-tabular-1') throw new UsageError(`${file} holds no preprocessing for CSV rows; it was not saved by axon fit --save --csv`, EXPLAIN_USAGE);
  const table = await readCsv(csv, { onMissing: 'keep' });
  const missing = prep.columns.map((c) => c.name).filter((c) => !table.columns.includes(c));
  if (missing.length > 0) throw new UsageError(`${csv} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} the model was trained on`, EXPLAIN_USAGE);
  if (index >= table.rows.length) throw new UsageError(`--index ${index} is past the ${table.rows.length} rows of ${csv}`, EXPLAIN_USAGE);
  const enc = encodeInputs(prep, table.rows);
  model.eval();
  const classes = prep.task === 'classification' ? prep.classes! : null;
  const r = tabularAttributions(model, fromArray(enc.values, [enc.n, enc.d], 'float32'), index, method, steps, classes);
  const truth = table.rows[index]![prep.target];
  const prediction = classes ? classes[r.pred!]! : String((r.extra.output as number) * prep.targetStd! + prep.targetMean!);
  return tabularExplanation(`${file} row ${index}: ${method}${classes ? ` for '${prediction}'` : ''}`, inputNames(prep), r.values, r.extra,
    truth === undefined || truth === null ? null : String(truth), prediction);
}

async function explainTabular(which: 'iris' | 'penguins', method: string, index: number, steps: number | undefined): Promise<Explanation> {
  const data = which === 'iris' ? await loadIris({ seed: 0 }) : await loadPenguins({ seed: 0 });
  const n = data.x.shape[0]!;
  if (index >= n) throw new UsageError(`--index ${index} is past the ${n} rows of ${which}`, EXPLAIN_USAGE);
  const mu = mean(data.x, { dim: 0, keepDim: true });
  const sd = std(data.x, { dim: 0, keepDim: true });
  const x = div(sub(data.x, mu), sd); // standardised features (N, 4)
  manualSeed(0);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, data.classNames.length));
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  for (let epoch = 0; epoch < 200; epoch++) { // full batch: a few hundred rows
    opt.zeroGrad();
    crossEntropy(model.forward(x), data.y).backward();
    opt.step();
  }
  model.eval();
  const r = tabularAttributions(model, x, index, method, steps, data.classNames);
  const pred = data.classNames[r.pred!]!;
  return tabularExplanation(`${which} row ${index}: ${method} for '${pred}'`, data.featureNames, r.values, r.extra, data.classNames[data.y.data()[index]!]!, pred);
}

function explainGpt(text: string): Explanation {
  const { model, tokenizer } = loadPretrained('sotu-gpt-small');
  const ids = tokenizer!.encode(asciiText(text));
  if (ids.length < 2) throw new UsageError('--text needs at least 2 characters', EXPLAIN_USAGE);
  const maps = attentionMaps(model as Module, fromArray(ids, [1, ids.length], 'int32'));
  const rollout = select(maps.rollout!, 0, 0); // (T, T)
  const last = [...select(rollout, 0, ids.length - 1).data()];
  const chars = [...asciiText(text)];
  const top = last.map((w, j) => [w, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
  return {
    label: null, prediction: '', extra: { layers: maps.layers.map((l) => ({ name: l.name, shape: l.weights.shape })), lastRow: last },
    text: `rollout for the last character '${chars[chars.length - 1]}': ${top.map(([w, j]) => `'${chars[j]}'@${j} ${w.toFixed(3)}`).join(', ')}`,
    picture: heatmapPng(rollout, { scale: 12 }),
  };
}

/** `axon explain`; returns the exit code. */
export async function runExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { method: { type: 'string' }, index: { type: 'string' }, out: { type: 'string' }, text: { type: 'string' }, steps: { type: 'string' }, csv: { type: 'string' } }, EXPLAIN_USAGE, { positionals: true });
  if (values.help) { console.log(EXPLAIN_USAGE); return EXIT.ok; }
  const [name, ...rest] = positionals;
  if (!name) throw new UsageError('name the example to explain', EXPLAIN_USAGE);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, EXPLAIN_USAGE);
  const saved = name.endsWith('.safetensors') || fileExists(name);
  if (!saved && !(TARGETS as readonly string[]).includes(name)) throw new UsageError(`unknown example '${name}'; the examples are ${TARGETS.join(', ')}, or pass a model file saved by axon fit --save`, EXPLAIN_USAGE);
  const target = saved ? 'model' : name as ExplainTarget;
  const methods = saved ? METHODS.iris : METHODS[target as ExplainTarget];
  const method = choiceOption(values.method, 'method', methods, EXPLAIN_USAGE) ?? methods[0]!;
  const index = intOption(values.index, 'index', EXPLAIN_USAGE) ?? 0;
  const steps = intOption(values.steps, 'steps', EXPLAIN_USAGE);
  if (steps !== undefined && steps < 2) throw new UsageError(`--steps must be at least 2, got ${steps}`, EXPLAIN_USAGE);
  const r = saved ? await explainSaved(name, values.csv, method, index, steps)
    : target === 'mnist' ? await explainMnist(method, index, steps)
    : target === 'sotu-gpt' ? explainGpt(values.text ?? 'The state of the Union is strong.')
      : await explainTabular(target as 'iris' | 'penguins', method, index, steps);
  if (values.out) {
    writeFileAtomicSync(values.out, typeof r.picture === 'string' ? new TextEncoder().encode(r.picture) : r.picture);
    console.error(`axon explain: wrote ${values.out}`);
  }
  if (values.json) {
    console.log(JSON.stringify({ example: saved ? name : target, method, index, label: r.label, prediction: r.prediction, out: values.out ?? null, ...r.extra }));
  } else {
    if (r.prediction !== '') console.log(`${saved ? name : target} #${index}: label ${r.label ?? '?'}, predicted ${r.prediction}; ${method}:`);
    console.log(r.text);
  }
  return EXIT.ok;
}
