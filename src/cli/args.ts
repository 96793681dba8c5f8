// The CLI's shared conventions: option parsing with node:util.parseArgs (a mistake is a usage
// error: exit 2, message and usage on stderr), --help on every command (usage on stdout, exit 0),
// and the exit codes every command returns.
import { parseArgs } from '../platform/node.js';

/** Exit codes: 0 ok, 1 a finding of severity error or a failed run, 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line (unknown option, missing argument, bad value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) { super(message); this.name = 'UsageError'; }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values<O extends OptionSpec> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

export interface Parsed<O extends OptionSpec> { values: Values<O> & { help?: boolean; json?: boolean }; positionals: string[] }

/** Parse `argv` against `options` (plus --help/-h and --json); throws UsageError naming the mistake. */
export function parseCommand<O extends OptionSpec>(argv: string[], options: O, usage: string, { positionals = false } = {}): Parsed<O> {
  try {
    const r = parseArgs({ args: argv, allowPositionals: positionals, options: { ...options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } } });
    return r as unknown as Parsed<O>;
  } catch (e) {
    throw new UsageError((e as Error).message, usage);
  }
}

/** A non-negative integer option, or undefined when absent. */
export function intOption(v: string | undefined, name: string, usage: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`, usage);
  return n;
}

/** One of `allowed`, or undefined when absent. */
export function choiceOption<T extends string>(v: string | undefined, name: string, allowed: readonly T[], usage: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got '${v}'`, usage);
  return v as T;
}

/** Print a line to stderr (errors and notes never go to stdout, which --json keeps clean). */
export const warn = (line: string): void => console.error(line);
