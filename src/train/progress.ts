// Progress reporting for fit(): a live bar on a TTY (epoch, step, loss, metrics, rate, ETA) and
// one plain line per epoch otherwise (a summary every N epochs on long runs). NO_COLOR or
// TERM=dumb turn the live bar's terminal codes off. Written to stderr so stdout stays clean for --json output.
import type { Callback, EpochLogs, TrainContext } from './callbacks.js';
import { formatFinding, type Finding } from './finding.js';

export interface ProgressOptions {
  /** Where to write; defaults to process.stderr in Node, console.log elsewhere. */
  write?: (s: string) => void;
  /** Force the live bar (true) or plain lines (false); default: live on a TTY. */
  live?: boolean;
  /** Bar width in characters. */
  width?: number;
  /**
   * Print the epoch line every this many epochs (the first and the last always print). Default:
   * every epoch for runs of ≤ 20 epochs, else about ten lines per run (300 epochs: every 30th).
   */
  every?: number;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

function fmtLogs(logs: Record<string, number | undefined>): string {
  return Object.entries(logs)
    .filter(([k, v]) => v !== undefined && k !== 'epoch' && k !== 'seconds' && k !== 'lr')
    .map(([k, v]) => `${k} ${Math.abs(v!) >= 100 ? v!.toFixed(1) : v!.toFixed(4)}`)
    .join('  ');
}

/** The progress bar callback (fit adds one unless `verbose: false`). */
export class ProgressBar implements Callback {
  private readonly write: (s: string) => void;
  private readonly live: boolean;
  private readonly width: number;
  private epochStart = 0;
  private lastDraw = 0;
  private samples = 0;
  private readonly every: number | undefined;
  private pending: string | null = null;

  constructor(opts: ProgressOptions = {}) {
    const proc = (globalThis as { process?: { stderr?: { isTTY?: boolean; write(s: string): void } } }).process;
    this.write = opts.write ?? (proc?.stderr ? (s) => proc.stderr!.write(s) : (s) => console.log(s.trimEnd()));
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
    this.live = opts.live ?? (Boolean(proc?.stderr?.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
    this.width = opts.width ?? 24;
    this.every = opts.every;
  }

  onTrainBegin(ctx: TrainContext): void {
    const init = ctx.history.initial;
    if (init) this.write(`before training: ${fmtLogs(init)}\n`);
  }

  /** Print a doctor finding as it happens (on its own lines, above the live bar). */
  onFinding(f: Finding): void {
    this.write(`${this.live ? '\r\x1b[K' : ''}doctor ${formatFinding(f)}\n`);
  }

  onEpochBegin(): void {
    this.epochStart = performance.now();
    this.samples = 0;
  }

  onBatchEnd(step: number, logs: { loss: number; batchSize: number }, ctx: TrainContext): void {
    this.samples += logs.batchSize;
    if (!this.live) return;
    const now = performance.now();
    const total = ctx.stepsPerEpoch;
    if (now - this.lastDraw < 100 && step + 1 < total) return;
    this.lastDraw = now;
    const done = step + 1;
    const elapsed = (now - this.epochStart) / 1000;
    const frac = total > 0 ? done / total : 0;
    const filled = Math.round(frac * this.width);
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? '>' : '') + '.'.repeat(this.width - filled);
    const rate = this.samples / Math.max(elapsed, 1e-9);
    const eta = (elapsed / done) * (total - done);
    this.write(`\rEpoch ${ctx.epoch + 1}/${ctx.epochs} [${bar}] ${done}/${total}  loss ${logs.loss.toFixed(4)}  ${rate.toFixed(0)} samples/s  ETA ${fmtTime(eta)}\x1b[K`);
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const secs = (performance.now() - this.epochStart) / 1000;
    const rate = this.samples / Math.max(secs, 1e-9);
    const line = `Epoch ${epoch + 1}/${ctx.epochs}  ${fmtLogs(logs)}  (${fmtTime(secs)}, ${rate.toFixed(0)} samples/s)`;
    const every = this.every ?? (ctx.epochs <= 20 ? 1 : Math.ceil(ctx.epochs / 10));
    if (epoch === 0 || (epoch + 1) % every === 0 || epoch + 1 === ctx.epochs) {
      this.write(`${this.live ? '\r' : ''}${line}${this.live ? '\x1b[K' : ''}\n`);
      this.pending = null;
    } else {
      if (this.live) this.write(`\r${line}\x1b[K`);
      this.pending = line;
    }
  }

  /** A run that stopped early ends with its last epoch's line. */
  onTrainEnd(): void {
    if (this.pending !== null) this.write(`${this.live ? '\r' : ''}${this.pending}${this.live ? '\x1b[K' : ''}\n`);
    this.pending = null;
  }
}
