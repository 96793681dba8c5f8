// The `axon` command line: `axon train <example> [--epochs N] [--seed S] [--json]`, `axon list`,
// `axon doctor --csv data.csv --target label …`.
// A thin face over the examples; with --json the last line printed is one JSON object.
import { dirOfUrl, fileExists, parseArgs, resolvePath } from '../platform/node.js';

const EXAMPLES: Record<string, string> = {
  'xor-perceptron': "Rosenblatt's perceptron on XOR (it can not exceed 75%)",
  'xor-mlp': 'a 2-4-1 MLP trained by backprop on XOR (100%)',
  'iris-mlp': 'a 4-16-3 MLP on the iris flowers',
  'mnist-mlp': 'the 784-256-128-10 MLP on 8,000/2,000 MNIST digits',
  'mnist-lenet': 'LeNet-5 (conv/pool) on 8,000/2,000 MNIST digits',
  'mnist-lenet-augmented': 'LeNet-5 with BatchNorm and composed image transforms (shift, rotation, noise)',
  'sotu-gpt': 'a char-level GPT (W4) on the State of the Union addresses, samples included',
  'sotu-gpt-moe': 'sotu-gpt with Mixture-of-Experts blocks (4 experts, top-2)',
  'co2-lstm': 'an LSTM forecasting next month\'s CO2 (Mauna Loa) vs the seasonal-naive baseline',
  'spam-gru': 'a GRU over word embeddings classifying SpamAssassin emails (accuracy, F1)',
};

const NAME_WIDTH = Math.max(...Object.keys(EXAMPLES).map((k) => k.length));
const USAGE = `usage: axon train <example> [--epochs N] [--seed S] [--json]
       axon doctor --csv data.csv --target label [--task classification|regression] [--time-col date] [--test-csv test.csv] [--json]
       axon list

examples:
${Object.entries(EXAMPLES).map(([k, v]) => `  ${k.padEnd(NAME_WIDTH)}  ${v}`).join('\n')}`;

interface ExampleModule { run(o: { epochs?: number; seed?: number; verbose?: boolean }): Promise<{ example: string; metrics: Record<string, number>; epochs: number; seconds: number; doctorMs?: number; note?: string }> }

function exampleFile(name: string): string {
  return resolvePath(dirOfUrl(import.meta.url), '../../examples', `${name}.js`); // dist/src/cli → dist/examples
}

function intArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'doctor') return (await import('./doctor.js')).runDoctor(argv.slice(1));
  if (argv[0] === 'export') return (await import('./export.js')).runExport(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { epochs: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [cmd, name] = positionals;
  if (values.help || cmd === undefined) { console.log(USAGE); return cmd === undefined && !values.help ? 1 : 0; }
  if (cmd === 'list') { console.log(USAGE.split('\n').slice(4).join('\n')); return 0; }
  if (cmd !== 'train') { console.error(`unknown command '${cmd}'\n\n${USAGE}`); return 1; }
  if (!name || !(name in EXAMPLES)) { console.error(`unknown example '${name ?? ''}'\n\n${USAGE}`); return 1; }
  const file = exampleFile(name);
  if (!fileExists(file)) { console.error(`the example ${name} is not built (${file}); run npm run build`); return 1; }
  const mod = (await import(file)) as ExampleModule;
  const result = await mod.run({ epochs: intArg(values.epochs, 'epochs'), seed: intArg(values.seed, 'seed'), verbose: true });
  if (values.json) {
    const doctor = {
      ...(result.doctorMs !== undefined ? { doctorMs: Number(result.doctorMs.toFixed(1)) } : {}),
    };
    console.log(JSON.stringify({ example: result.example, metrics: result.metrics, epochs: result.epochs, seconds: Number(result.seconds.toFixed(2)), ...doctor }));
  } else {
    const figures = Object.entries(result.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ');
    const doctor = result.doctorMs !== undefined ? `, doctor ${result.doctorMs.toFixed(0)} ms` : '';
    console.log(`${result.example}: ${figures} (${result.epochs} epochs, ${result.seconds.toFixed(1)} s${doctor})`);
    if (result.note) console.log(result.note);
  }
  return 0;
}
