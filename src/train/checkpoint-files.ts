// The files of a checkpoint series (ModelCheckpoint, fit's checkpoint option): a path template
// with {epoch} and {step}, its folder created when missing, the temp files a crash mid-write left
// behind (the atomic writer's `.<name>.<pid>.<random>.tmp`, only for this template and only of
// processes no longer running) removed, and only the newest `keepLast` files kept.
import { ValueError } from '../errors.js';
import { platform } from '../platform/current.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class CheckpointFiles {
  private readonly dir: string;
  /** The file name pattern; its groups are the {epoch}/{step} numbers in template order. */
  private readonly name: RegExp;
  private readonly temp: RegExp;
  private prepared = false;

  constructor(readonly template: string, readonly keepLast?: number, private readonly op = 'ModelCheckpoint') {
    if (keepLast !== undefined && !(Number.isInteger(keepLast) && keepLast >= 1)) throw new ValueError(op, `keepLast must be an integer ≥ 1, got ${keepLast}`);
    this.dir = platform.dirname(template);
    const base = template.slice(Math.max(template.lastIndexOf('/'), template.lastIndexOf('\\')) + 1);
    if (/\{(epoch|step)\}/.test(this.dir)) throw new ValueError(op, `{epoch} and {step} may only appear in the file name, not the folder: ${template}`);
    const body = escape(base).replace(/\\\{(epoch|step)\\\}/g, '(\\d+)');
    this.name = new RegExp(`^${body}$`);
    this.temp = new RegExp(`^\\.${body}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  }

  /** The file for this epoch (1-based) and step. */
  path(epoch: number, step: number): string {
    return this.template.replaceAll('{epoch}', String(epoch)).replaceAll('{step}', String(step));
  }

  /** Create the folder and remove stale temp files of this series (once per run). */
  prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    platform.makeDirSync(this.op, this.dir);
    for (const f of platform.listDir(this.op, this.dir)) {
      const m = this.temp.exec(f);
      if (m && !platform.processAlive(Number(m[m.length - 1]))) platform.removeFileSync(this.op, platform.joinPath(this.dir, f));
    }
  }

  /** Delete the oldest files of the series so that `keep` (default keepLast) remain; nothing without keepLast. */
  prune(keep = this.keepLast): void {
    if (keep === undefined || this.keepLast === undefined || !/\{(epoch|step)\}/.test(this.template)) return; // one fixed file: nothing to rotate
    const files = platform.listDir(this.op, this.dir)
      .map((f) => ({ f, m: this.name.exec(f) }))
      .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
      .map(({ f, m }) => ({ f, key: m.slice(1).map(Number) }))
      .sort((a, b) => { for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!; return 0; });
    for (const { f } of files.slice(0, Math.max(0, files.length - keep))) platform.removeFileSync(this.op, platform.joinPath(this.dir, f));
  }
}
