/**
 * Terminal rendering: colour decided once (NO_COLOR, FORCE_COLOR, TTY),
 * tables with CJK-aware widths (cli-table3 measures with string-width), and
 * a progress line on stderr. Render functions return strings; commands print.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { forLayout } from './output.js';

/** FORCE_COLOR wins, then NO_COLOR, then whether the stream is a terminal. */
export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '' || force === 'true') return 1;
    const n = Number.parseInt(force, 10);
    return (Number.isFinite(n) ? Math.min(Math.max(n, 1), 3) : 1) as 1 | 2 | 3;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 1;
}

export function makeChalk(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): ChalkInstance {
  return new Chalk({ level: colorLevel(env, isTTY) });
}

export interface TableOptions {
  head: string[];
  rows: (string | number | null | undefined)[][];
  /** Column indexes to right-align (numbers). */
  right?: number[];
  chalk?: ChalkInstance;
  /** Fit this many columns (default: the terminal's, see setTableWidth); undefined = natural width. */
  width?: number | undefined;
  /** Per column, the narrowest it is clipped to (default 4; a right-aligned column is never clipped). */
  min?: (number | undefined)[];
  /** Columns left out, in this order, while the table cannot fit even with every column at its minimum. */
  drop?: number[];
}

let terminalWidth: number | undefined;

/**
 * The width human tables fit (SPEC §1): the terminal's columns when stdout
 * is a terminal, else $COLUMNS when set (a script or test asking for a
 * width), else none — a table piped elsewhere keeps its natural width.
 * Set once per command (program.ts); a command writing --out sets none.
 */
export function setTableWidth(width: number | undefined): void {
  terminalWidth = width !== undefined && Number.isFinite(width) && width >= 20 ? Math.floor(width) : undefined;
}

/**
 * Column widths (display columns, without padding) that fit `width`: the
 * widest clippable column gives up one column at a time until the table
 * (borders and one space of padding each side included) fits or every
 * clippable column is down to `min`. Right-aligned (number) columns are
 * never clipped. Pure; the widths are what each column may show.
 */
export function fitColumns(natural: readonly number[], width: number, clippable: readonly boolean[], min: readonly (number | undefined)[] = []): number[] {
  const w = [...natural];
  const floor = (i: number): number => Math.min(natural[i]!, Math.max(1, min[i] ?? 4));
  const total = (): number => w.reduce((a, b) => a + b + 3, 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < w.length; i++) if (clippable[i] && w[i]! > floor(i) && (widest < 0 || w[i]! - floor(i) > w[widest]! - floor(widest))) widest = i;
    if (widest < 0) break;
    w[widest]!--;
  }
  return w;
}

/** Display width of the widest line of each column (header included). */
function naturalWidths(head: readonly string[], cells: readonly string[][]): number[] {
  return head.map((h, i) => Math.max(stringWidth(h), ...cells.map((r) => Math.max(0, ...(r[i] ?? '').split('\n').map((l) => stringWidth(l))))));
}

export function renderTable(t: TableOptions): string {
  let cells = t.rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : forLayout(String(c)))));
  let head = t.head;
  let right = t.right ?? [];
  let min = t.min ?? [];
  const width = t.width ?? terminalWidth;
  if (width !== undefined) {
    // Long text is clipped with …, never wrapped into the next line (SPEC §1);
    // columns the table can spare go first when clipping is not enough.
    const minTotal = (): number => {
      const numbers = naturalWidths(head.map(() => ''), cells);
      return naturalWidths(head, cells).reduce((a, n, i) => a + 3 + (right.includes(i) ? numbers[i]! : Math.min(n, min[i] ?? 4)), 1);
    };
    const dropped = new Set<number>();
    for (const d of t.drop ?? []) {
      if (minTotal() <= width) break;
      dropped.add(d);
      const keep = (_: unknown, i: number): boolean => !dropped.has(i);
      head = t.head.filter(keep);
      cells = t.rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : forLayout(String(c)))).filter(keep));
      const index = t.head.map((_, i) => i).filter((i) => !dropped.has(i));
      right = (t.right ?? []).filter((i) => !dropped.has(i)).map((i) => index.indexOf(i));
      min = index.map((i) => t.min?.[i]);
    }
    const natural = naturalWidths(head, cells);
    // A number is never clipped, but its heading may be (down to the widest number).
    const numbers = naturalWidths(head.map(() => ''), cells);
    const fit = fitColumns(natural, width, head.map(() => true), head.map((_, i) => (right.includes(i) ? numbers[i] : min[i])));
    if (fit.some((w, i) => w < natural[i]!)) {
      head = head.map((h, i) => clip(h, fit[i]!));
      for (const r of cells) for (let i = 0; i < r.length; i++) if (fit[i]! < natural[i]!) r[i] = r[i]!.split('\n').map((l) => clip(l, fit[i]!)).join('\n');
    }
  }
  const table = new Table({
    head: head.map((h) => (t.chalk ? t.chalk.bold(h) : h)),
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (right.includes(i) ? 'right' : 'left')),
  });
  for (const r of cells) table.push(r);
  return table.toString();
}

/** Key/value lines, padded so values align (CJK-aware). */
export function renderPairs(pairs: [string, string | number][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => displayWidth(k)));
  return pairs.map(([k, v]) => `${k}${' '.repeat(width - displayWidth(k))}  ${v}`).join('\n');
}

/** Display width: East Asian wide characters count 2 columns, ANSI codes 0. */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

/**
 * `text` cut to at most `cols` display columns, with "…" when cut (CJK-aware).
 * ANSI colour codes are kept and take no room; a cut coloured text ends with
 * a reset so the colour does not run on.
 */
export function clip(text: string, cols: number): string {
  // Masked first: a cut must never leave the first digits of a phone number behind.
  const s = forLayout(text);
  if (stringWidth(s) <= cols) return s;
  let out = '';
  let w = 0;
  let coloured = false;
  // eslint-disable-next-line no-control-regex
  const parts = s.split(/(\u001b\[[0-9;]*m)/);
  outer: for (const part of parts) {
    if (part.startsWith('\u001b[')) {
      out += part;
      coloured = true;
      continue;
    }
    for (const ch of part) {
      const cw = stringWidth(ch);
      if (w + cw > cols - 1) break outer;
      out += ch;
      w += cw;
    }
  }
  return `${out}…${coloured ? '\u001b[0m' : ''}`;
}

/** A throttled one-line progress display on a terminal; silent elsewhere. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly enabled: boolean,
  ) {}

  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.stream.write(`\r\u001b[2K${text}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}
