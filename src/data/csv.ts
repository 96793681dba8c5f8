// CSV loading into typed rows. Tokenizing is csv-parse's job (the node-csv project's parser:
// RFC 4180 quoting, embedded newlines and delimiters, BOMs, ships its own TypeScript types, no
// dependencies, a synchronous API, tested against a large corpus of odd files); chosen over
// papaparse, which needs separate @types and whose Node entry is a UMD bundle. This file adds
// what a training pipeline needs on top: column typing, and missing values that fail loudly
// with their row and column unless the caller says to drop or keep them.
import { platform, sourceName, type FileSource } from '../platform/current.js';
import { parse } from 'csv-parse/sync';
import { ValueError } from '../errors.js';
import { checkLimit } from '../limits.js';
import { decodeUtf8 } from './utf8.js';

/** One cell after typing: numbers, strings, booleans, dates, or null for a missing value. */
export type Cell = number | string | boolean | Date | null;
/** One row: column name → cell. */
export type Row = Record<string, Cell>;
/** Rows plus their column names, in file order. */
export interface Table<R extends Row = Row> {
  columns: string[];
  rows: R[];
}
/** How a column's text is read. */
export type ColumnType = 'number' | 'string' | 'boolean' | 'date';

export interface CsvOptions {
  /** Field separator. Default ','. */
  delimiter?: string;
  /** true (default): the first line names the columns; an array: the names, and line 1 is data. */
  header?: boolean | readonly string[];
  /** Keep only these columns (in this order); missing values are only checked in them. */
  columns?: readonly string[];
  /**
   * Type per column; columns not listed are inferred: 'number' if every present value is a
   * decimal number, 'boolean' if every one is true/false, else 'string'. Dates are never
   * inferred: ask for 'date' (ISO 8601 text becomes a Date).
   */
  types?: Readonly<Record<string, ColumnType>>;
  /** Cell texts that mean "missing" (compared after trimming). Default '', NA, N/A, NaN, nan, null, NULL, None. */
  missingValues?: readonly string[];
  /**
   * What a missing value does: 'error' (default) throws naming its row and column, 'drop'
   * drops the row, 'keep' keeps it as null.
   */
  onMissing?: 'error' | 'drop' | 'keep';
  /** Lines starting with this character are skipped. Default: none. */
  comment?: string;
  /** Most columns a row may have (checked before typing). Default 16,384. */
  maxColumns?: number;
}

const DEFAULT_MISSING = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None'];
const BOOLEAN = /^(true|false)$/i;

interface RawRecord { info: { lines: number }; record: string[] }

/**
 * Parse CSV text into typed rows.
 *
 * @example
 * const { columns, rows } = parseCsv('x,y,label\n1,2,a\n3,4,b\n');
 * // columns ['x','y','label'], rows [{ x: 1, y: 2, label: 'a' }, { x: 3, y: 4, label: 'b' }]
 */
export function parseCsv<R extends Row = Row>(text: string | Uint8Array, options: CsvOptions = {}): Table<R> {
  return parseWith('parseCsv', '', typeof text === 'string' ? text : decodeUtf8('parseCsv', '', text), options);
}

/**
 * Read and parse a CSV file (see `parseCsv` for the options). Async: data loading is the one
 * place Axon awaits.
 *
 * @example
 * const { rows } = await readCsv('data/houses.csv', { onMissing: 'drop' });
 */
export async function readCsv<R extends Row = Row>(path: FileSource, options: CsvOptions = {}): Promise<Table<R>> {
  const bytes = await platform.readBytes('readCsv', path);
  return parseWith('readCsv', `${sourceName(path)}: `, decodeUtf8('readCsv', `${sourceName(path)}: `, bytes), options);
}

function parseWith<R extends Row>(op: string, where: string, text: string, options: CsvOptions): Table<R> {
  const { delimiter = ',', header = true, types = {}, onMissing = 'error', comment } = options;
  if (!['error', 'drop', 'keep'].includes(onMissing)) throw new ValueError(op, `onMissing must be 'error', 'drop' or 'keep', got ${JSON.stringify(onMissing)}`);
  const missing = new Set(options.missingValues ?? DEFAULT_MISSING);
  let records: RawRecord[];
  try {
    records = parse(text, { delimiter, info: true, bom: true, skip_empty_lines: true, ...(comment ? { comment } : {}) }) as unknown as RawRecord[];
  } catch (e) {
    throw new ValueError(op, `${where}malformed CSV: ${(e as Error).message}; check quoting and the number of fields on that line`);
  }
  const widest = records.reduce((m, r) => Math.max(m, r.record.length), 0);
  checkLimit(op, `${where}the number of columns`, Math.max(widest, Array.isArray(header) ? header.length : 0), options, 'maxColumns');
  let names: string[];
  if (header === true) {
    const first = records.shift();
    if (first === undefined) throw new ValueError(op, `${where}the CSV is empty: no header line`);
    names = first.record.map((s) => s.trim());
  } else if (header === false) {
    names = (records[0]?.record ?? []).map((_, i) => `column${i}`);
  } else {
    names = [...header];
    if (records.length > 0 && records[0]!.record.length !== names.length) {
      throw new ValueError(op, `${where}header lists ${names.length} names but line ${records[0]!.info.lines} has ${records[0]!.record.length} fields`);
    }
  }
  const index = new Map<string, number>();
  for (const [i, n] of names.entries()) {
    if (index.has(n)) throw new ValueError(op, `${where}column name ${JSON.stringify(n)} appears twice in the header; rename one`);
    index.set(n, i);
  }
  const some = (): string => `${JSON.stringify(names.slice(0, 20))}${names.length > 20 ? ` (and ${names.length - 20} more)` : ''}`;
  const keep = options.columns ? [...options.columns] : names;
  const pos = keep.map((c) => {
    const i = index.get(c);
    if (i === undefined) throw new ValueError(op, `${where}no column ${JSON.stringify(c)}; the columns are ${some()}`);
    return i;
  });
  for (const c of Object.keys(types)) {
    if (!index.has(c)) throw new ValueError(op, `${where}types names a column ${JSON.stringify(c)} that is not in the file; the columns are ${some()}`);
  }

  const isMissing = (s: string): boolean => missing.has(s.trim());
  const colTypes = keep.map((c, k): ColumnType => {
    const t = Object.hasOwn(types, c) ? types[c] : undefined;
    if (t !== undefined) return t;
    const present = records.map((r) => r.record[pos[k]!]!).filter((s) => !isMissing(s));
    if (present.length > 0 && present.every((s) => isNumber(s.trim()))) return 'number';
    if (present.length > 0 && present.every((s) => BOOLEAN.test(s.trim()))) return 'boolean';
    return 'string';
  });

  const rows: R[] = [];
  records.forEach((r, i) => {
    const row: Row = {};
    let drop = false;
    keep.forEach((c, k) => {
      const s = r.record[pos[k]!]!;
      if (isMissing(s)) {
        if (onMissing === 'error') {
          throw new ValueError(op, `${where}missing value at row ${i} (line ${r.info.lines}), column ${JSON.stringify(c)} (cell ${JSON.stringify(s)}); pass { onMissing: 'drop' } to drop such rows, or { onMissing: 'keep' } to keep them as null and fill them yourself`);
        }
        if (onMissing === 'drop') drop = true;
        setCell(row, c, null);
        return;
      }
      setCell(row, c, convert(op, where, s.trim(), colTypes[k]!, i, r.info.lines, c));
    });
    if (!drop) rows.push(row as R);
  });
  return { columns: keep, rows };
}

function convert(op: string, where: string, s: string, type: ColumnType, row: number, line: number, col: string): Cell {
  const bad = (what: string): never => {
    throw new ValueError(op, `${where}row ${row} (line ${line}), column ${JSON.stringify(col)}: ${JSON.stringify(s)} is not ${what}; fix the cell, list it in missingValues, or read the column as { types: { ${JSON.stringify(col)}: 'string' } }`);
  };
  switch (type) {
    case 'string': return s;
    case 'number': return isNumber(s) ? Number(s) : bad('a number');
    case 'boolean': return BOOLEAN.test(s) ? s.toLowerCase() === 'true' : bad('true or false');
    case 'date': {
      const t = Date.parse(s);
      return Number.isNaN(t) ? bad('a date (use ISO 8601, e.g. 2012-01-31)') : new Date(t);
    }
  }
}

/** Set a cell, even for a column named "__proto__" (which plain assignment would drop). */
function setCell(row: Row, c: string, v: Cell): void {
  if (c === '__proto__') Object.defineProperty(row, c, { value: v, enumerable: true, writable: true, configurable: true });
  else row[c] = v;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** A decimal number ([+-] digits [. digits] [e[+-]digits], or .digits), in one linear pass. */
function isNumber(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (i < n && (s[i] === '+' || s[i] === '-')) i++;
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
  if (i < n && s[i] === '.') {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
  }
  if (digits === 0) return false;
  if (i < n && (s[i] === 'e' || s[i] === 'E')) {
    i++;
    if (i < n && (s[i] === '+' || s[i] === '-')) i++;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  return i === n;
}
