// The `axon` command line: dispatches to its commands (train, list, doctor, fit, predict, export,
// explain, dashboard) and
// keeps the conventions of src/cli/args.ts: --help and --json everywhere, --version, exit codes
// 0 ok / 1 failed run or error finding / 2 usage error, errors on stderr.
import { dirOfUrl, readText, resolvePath } from '../platform/node.js';
import { EXIT, UsageError } from './args.js';

export const USAGE = `usage: axon <command> [options]

commands:
  fit       train a network on your CSV file (or image folder) and compare it with classical baselines
  predict   predict with a model saved by axon fit --save
  doctor    check a CSV file for training problems (duplicates, leaks, imbalance…) and fit baselines
  train     train one of the bundled examples
  list      list the bundled examples
  export    write a saved model as an ONNX file
  explain   explain a prediction: saliency, integrated gradients, Grad-CAM, SHAP, attention maps
  dashboard replay finished runs (their run logs, e.g. runs/) in the browser

Every command takes --help and --json. axon --version prints the version.
Exit codes: 0 ok, 1 the run failed or found an error, 2 the command line is wrong.`;

function version(): string {
  const pkg = resolvePath(dirOfUrl(import.meta.url), '../../../package.json'); // dist/src/cli → the package root
  return (JSON.parse(readText(pkg)) as { version: string }).version;
}

const COMMANDS: Record<string, (argv: string[]) => Promise<number> | number> = {
  train: async (a) => (await import('./train.js')).runTrain(a),
  list: async (a) => (await import('./train.js')).runList(a),
  doctor: async (a) => (await import('./doctor.js')).runDoctor(a),
  fit: async (a) => (await import('./fit.js')).runFit(a),
  predict: async (a) => (await import('./predict.js')).runPredict(a),
  export: async (a) => (await import('./export.js')).runExport(a),
  explain: async (a) => (await import('./explain.js')).runExplain(a),
  dashboard: async (a) => (await import('./dashboard.js')).runDashboard(a),
};

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v') {
    console.log(rest.includes('--json') ? JSON.stringify({ version: version() }) : version());
    return EXIT.ok;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    if (cmd === 'help' && rest[0] && rest[0] in COMMANDS) return main([rest[0], '--help']);
    console.log(rest.includes('--json') ? JSON.stringify({ commands: Object.keys(COMMANDS) }) : USAGE);
    return EXIT.ok;
  }
  if (cmd === undefined) { console.error(USAGE); return EXIT.usage; }
  const command = COMMANDS[cmd];
  if (!command) { console.error(`axon: unknown command '${cmd}'\n\n${USAGE}`); return EXIT.usage; }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`axon ${cmd}: ${e.message}\n\n${e.usage}`);
      return EXIT.usage;
    }
    console.error(`axon ${cmd}: ${e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e)}`);
    return EXIT.failed;
  }
}
