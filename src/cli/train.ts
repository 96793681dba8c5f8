// `axon train <example>` and `axon list`: run one of the bundled examples (dist/examples/*.js),
// printing its progress on stderr and its test figures on stdout (one JSON line with --json).
import { dirOfUrl, fileExists, resolvePath } from '../platform/node.js';
import { EXIT, UsageError, intOption, parseCommand } from './args.js';
import type { DashboardOptions } from '../dashboard/dashboard.js';

export const EXAMPLES: Record<string, string> = {
  'xor-perceptron': "Rosenblatt's perceptron on XOR (it can not exceed 75%)",
  'xor-mlp': 'a 2-4-1 MLP trained by backprop on XOR (100%)',
  'iris-mlp': 'a 4-16-3 MLP on the iris flowers',
  'mnist-mlp': 'the 784-256-128-10 MLP on 8,000/2,000 MNIST digits',
  'mnist-lenet': 'LeNet-5 (conv/pool) on 8,000/2,000 MNIST digits, with early stopping',
  'mnist-lenet-augmented': 'LeNet-5 with BatchNorm and composed image transforms (shift, rotation, noise)',
  'sotu-gpt': 'a character-level GPT on the State of the Union addresses, samples included',
  'sotu-gpt-moe': 'sotu-gpt with Mixture-of-Experts blocks (4 experts, top-2)',
  'co2-lstm': 'an LSTM forecasting next month\'s CO2 (Mauna Loa) vs the seasonal-naive baseline',
  'spam-gru': 'a GRU over word embeddings classifying SpamAssassin emails (accuracy, F1)',
  'mnist-transfer': 'the pretrained 0–4 digit CNN adapted to the digits 5–9 from 100 examples, vs from scratch',
  'spam-gpt-finetune': 'the pretrained State of the Union GPT fine-tuned on 200 SpamAssassin emails, vs from scratch (F1)',
  'mnist-siamese': 'a CNN embedding trained with the triplet loss; verifies pairs of digits from classes it never saw (ROC AUC, EER)',
  'mnist-vae': 'a variational autoencoder on MNIST: test negative ELBO in nats, PNG grids of samples and of a latent walk',
  'spoken-digits': 'log-mel spectrograms of spoken digits (espeak-ng voices) into a small CNN, tested on unseen voices',
  'names-makemore': 'first names generated character by character: bigram counts vs an MLP vs a small Transformer (nats/char)',
  'cmudict-g2p': 'spelling to pronunciation on CMUdict with an encoder-decoder Transformer, greedy and beam search (PER, WER)',
};

/** The examples trained by fit() with one optimizer rate: they take --dashboard and --lr. */
const FIT_EXAMPLES = new Set(['xor-mlp', 'iris-mlp', 'mnist-mlp', 'mnist-lenet', 'mnist-lenet-augmented', 'co2-lstm', 'spam-gru']);

const NAME_WIDTH = Math.max(...Object.keys(EXAMPLES).map((k) => k.length));
export const EXAMPLE_LIST = Object.entries(EXAMPLES).map(([k, v]) => `  ${k.padEnd(NAME_WIDTH)}  ${v}`).join('\n');

export const TRAIN_USAGE = `usage: axon train <example> [--epochs N] [--seed S] [--lr X] [--dashboard [...]] [--json]

Train one of the bundled examples and print its test figures (progress goes to stderr).

options:
  --epochs N            train for N epochs instead of the example's default
  --seed S              random seed (default 0: the same seed gives the same run)
  --lr X                replace the example's learning rate (e.g. 10, to watch the doctor object)
  --dashboard           watch the training in a browser: prints a 127.0.0.1 URL, writes the run
                        log runs/<example>-<date>.jsonl, and keeps serving after training until Ctrl-C
  --dashboard-port N    port for the dashboard (default 6060, or a free one when it is taken)
  --dashboard-host H    address to bind (default 127.0.0.1; another one exposes the run to the network)
  --dashboard-wait S    wait up to S seconds for the page to open before training starts
  --dashboard-exit      stop serving (and exit) when training ends
  --json                end with one JSON line: { example, metrics, epochs, seconds, doctorMs }
  -h, --help            show this help

--lr and --dashboard work with the examples trained by fit(): ${[...FIT_EXAMPLES].join(', ')}.

examples:
${EXAMPLE_LIST}`;

export const LIST_USAGE = `usage: axon list [--json]

List the bundled examples (axon train <example> runs one).`;

interface ExampleModule { run(o: { epochs?: number; seed?: number; verbose?: boolean; lr?: number; dashboard?: DashboardOptions }): Promise<{ example: string; metrics: Record<string, number>; epochs: number; seconds: number; doctorMs?: number; note?: string }> }

function exampleFile(name: string): string {
  return resolvePath(dirOfUrl(import.meta.url), '../../examples', `${name}.js`); // dist/src/cli → dist/examples
}

/** `axon list`. */
export function runList(argv: string[]): number {
  const { values } = parseCommand(argv, {}, LIST_USAGE);
  if (values.help) { console.log(LIST_USAGE); return EXIT.ok; }
  if (values.json) console.log(JSON.stringify({ examples: Object.entries(EXAMPLES).map(([name, description]) => ({ name, description })) }));
  else console.log(EXAMPLE_LIST);
  return EXIT.ok;
}

/** `axon train <example>`; returns the exit code. */
export async function runTrain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    epochs: { type: 'string' }, seed: { type: 'string' }, lr: { type: 'string' }, dashboard: { type: 'boolean' },
    'dashboard-port': { type: 'string' }, 'dashboard-host': { type: 'string' }, 'dashboard-wait': { type: 'string' }, 'dashboard-exit': { type: 'boolean' },
  }, TRAIN_USAGE, { positionals: true });
  if (values.help) { console.log(TRAIN_USAGE); return EXIT.ok; }
  const [name, ...rest] = positionals;
  if (!name) throw new UsageError('name the example to train', TRAIN_USAGE);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, TRAIN_USAGE);
  if (!(name in EXAMPLES)) throw new UsageError(`unknown example '${name}'`, TRAIN_USAGE);
  const epochs = intOption(values.epochs, 'epochs', TRAIN_USAGE);
  const seed = intOption(values.seed, 'seed', TRAIN_USAGE);
  const lr = values.lr === undefined ? undefined : Number(values.lr);
  if (lr !== undefined && !(Number.isFinite(lr) && lr > 0)) throw new UsageError(`--lr must be a positive number, got '${values.lr}'`, TRAIN_USAGE);
  const dashFlags = (['dashboard-port', 'dashboard-host', 'dashboard-wait', 'dashboard-exit'] as const).filter((k) => values[k] !== undefined);
  if (!values.dashboard && dashFlags.length > 0) throw new UsageError(`--${dashFlags[0]} needs --dashboard`, TRAIN_USAGE);
  for (const [flag, on] of [['lr', lr !== undefined], ['dashboard', values.dashboard]] as const) {
    if (on && !FIT_EXAMPLES.has(name)) throw new UsageError(`--${flag} is not available for ${name} (it trains with its own loop); it works with ${[...FIT_EXAMPLES].join(', ')}`, TRAIN_USAGE);
  }
  const wait = intOption(values['dashboard-wait'], 'dashboard-wait', TRAIN_USAGE);
  const dashboard: DashboardOptions | undefined = values.dashboard ? {
    name, port: intOption(values['dashboard-port'], 'dashboard-port', TRAIN_USAGE), host: values['dashboard-host'],
    keepServing: !values['dashboard-exit'], waitForPage: wait === undefined ? 0 : wait * 1000,
  } : undefined;
  const file = exampleFile(name);
  if (!fileExists(file)) { console.error(`the example ${name} is not built (${file}); run npm run build`); return EXIT.failed; }
  const mod = (await import(file)) as ExampleModule;
  const result = await mod.run({ epochs, seed, verbose: true, ...(lr !== undefined ? { lr } : {}), ...(dashboard ? { dashboard } : {}) });
  if (values.json) {
    const doctor = result.doctorMs !== undefined ? { doctorMs: Number(result.doctorMs.toFixed(1)) } : {};
    console.log(JSON.stringify({ example: result.example, metrics: result.metrics, epochs: result.epochs, seconds: Number(result.seconds.toFixed(2)), ...doctor }));
  } else {
    const figures = Object.entries(result.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ');
    const doctor = result.doctorMs !== undefined ? `, doctor ${result.doctorMs.toFixed(0)} ms` : '';
    console.log(`${result.example}: ${figures} (${result.epochs} epochs, ${result.seconds.toFixed(1)} s${doctor})`);
    if (result.note) console.log(result.note);
  }
  return EXIT.ok;
}
