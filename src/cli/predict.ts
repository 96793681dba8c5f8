// `axon predict model.safetensors --csv new.csv [--out predictions.csv] [--json]`: read a model
// saved by `axon fit --save`, encode the rows with the preprocessing stored in its metadata, and
// write the rows back with a prediction column (and one probability column per class); with
// --images, classify the image files of a folder with a model saved by axon fit --images.
import { readCsv, type Cell } from '../data/csv.js';
import { loadCheckpoint } from '../io/checkpoint.js';
// The layers axon fit builds register themselves for loading when imported.
import '../nn/layers.js';
import '../nn/linear.js';
import '../nn/activations.js';
import { fromArray } from '../tensor/creation.js';
import { softmax } from '../ops/activation.js';
import { predict } from '../train/fit.js';
import { writeStdout, writeText } from '../platform/node.js';
import { EXIT, UsageError, parseCommand } from './args.js';
import { encodeInputs, type TabularPrep } from './tabular-prep.js';
import { predictImages, type ImagePrep } from './predict-images.js';
import '../nn/conv.js';
import '../nn/pool.js';

export const PREDICT_USAGE = `usage: axon predict model.safetensors --csv new.csv [--out predictions.csv] [--json]
       axon predict model.safetensors --images DIR [--out predictions.csv] [--json]

Predict with a model saved by axon fit --save: the rows of new.csv (the target column may be
absent) come back with a 'prediction' column, and for classes one 'p(class)' column per class;
for a model trained on images, one row per image file under DIR.

options:
  --csv FILE    the rows to predict (the same columns as the training file)
  --images DIR  the images to classify (PNG or JPEG, sub-folders included)
  --out FILE    write the CSV there (default: standard output)
  --json        print one JSON line { model, rows, predictions } instead of CSV
  -h, --help    show this help`;

const quote = (c: Cell | undefined): string => {
  const s = c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** `axon predict`; returns the exit code. */
export async function runPredict(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { csv: { type: 'string' }, images: { type: 'string' }, out: { type: 'string' } }, PREDICT_USAGE, { positionals: true });
  if (values.help) { console.log(PREDICT_USAGE); return EXIT.ok; }
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError('name the model file saved by axon fit --save', PREDICT_USAGE);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, PREDICT_USAGE);
  if (!values.csv === !values.images) throw new UsageError('give the rows to predict with --csv, or the images with --images', PREDICT_USAGE);
  const { model, extra } = loadCheckpoint(file);
  const emit = (text: string, n: number): void => {
    if (values.out) { writeText(values.out, text); console.error(`axon predict: wrote ${n} predictions to ${values.out}`); } else writeStdout(text);
  };
  if (values.images) {
    const imagePrep = extra.prep as ImagePrep | undefined;
    if (imagePrep?.format !== 'axon-fit-images-1') {
      console.error(`axon predict: ${file} was not saved by axon fit --images --save; it can not classify images`);
      return EXIT.failed;
    }
    const r = predictImages(model, imagePrep, values.images);
    if (values.json) { console.log(JSON.stringify({ model: file, task: 'classification', rows: r.files.length, files: r.files, predictions: r.predictions, classes: imagePrep.classes, probabilities: r.probabilities })); return EXIT.ok; }
    const lines = [['file', 'prediction', ...imagePrep.classes.map((c) => `p(${c})`)].map(quote).join(',')];
    r.files.forEach((f, i) => lines.push([quote(f), quote(r.predictions[i]!), ...r.probabilities[i]!.map((v) => String(Number(v.toPrecision(4))))].join(',')));
    emit(`${lines.join('\n')}\n`, r.files.length);
    return EXIT.ok;
  }
  const prep = extra.prep as TabularPrep | undefined;
  if (prep?.format !== 'axon-fit-tabular-1') {
    console.error(`axon predict: ${file} holds no preprocessing for CSV rows; it was not saved by axon fit --save --csv (load it in code with load('${file}'))`);
    return EXIT.failed;
  }
  const table = await readCsv(values.csv!, { onMissing: 'keep' });
  const missing = prep.columns.map((c) => c.name).filter((c) => !table.columns.includes(c));
  if (missing.length > 0) { console.error(`axon predict: ${values.csv} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} the model was trained on`); return EXIT.failed; }
  const x = encodeInputs(prep, table.rows);
  const out = predict(model, fromArray(x.values, [x.n, x.d], 'float32'));
  const cls = prep.task === 'classification';
  const probs = cls ? softmax(out, { dim: -1 }).data() : null;
  const raw = out.data();
  const K = cls ? prep.classes!.length : 1;
  const predictions: (string | number)[] = [];
  for (let i = 0; i < x.n; i++) {
    if (!cls) { predictions.push(raw[i]! * prep.targetStd! + prep.targetMean!); continue; }
    let best = 0;
    for (let k = 1; k < K; k++) if (probs![i * K + k]! > probs![i * K + best]!) best = k;
    predictions.push(prep.classes![best]!);
  }
  if (values.json) {
    console.log(JSON.stringify({ model: file, task: prep.task, target: prep.target, rows: x.n, predictions,
      ...(cls ? { classes: prep.classes, probabilities: Array.from({ length: x.n }, (_, i) => Array.from(probs!.slice(i * K, (i + 1) * K), (p) => Number(p.toFixed(6)))) } : {}) }));
    return EXIT.ok;
  }
  const head = [...table.columns, 'prediction', ...(cls ? prep.classes!.map((c) => `p(${c})`) : [])];
  const lines = [head.map(quote).join(',')];
  table.rows.forEach((r, i) => {
    const p = cls ? Array.from(probs!.slice(i * K, (i + 1) * K), (v) => String(Number(v.toPrecision(4)))) : [];
    lines.push([...table.columns.map((c) => quote(r[c])), quote(predictions[i]!), ...p].join(','));
  });
  emit(`${lines.join('\n')}\n`, x.n);
  return EXIT.ok;
}
