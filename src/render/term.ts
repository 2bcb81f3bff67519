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
}

export function renderTable(t: TableOptions): string {
  const table = new Table({
    head: t.head.map((h) => (t.chalk ? t.chalk.bold(h) : h)),
    style: { head: [], border: [], compact: true },
    colAligns: t.head.map((_, i) => (t.right?.includes(i) ? 'right' : 'left')),
  });
  // Cells masked before layout, so the borders line up with what is shown (SPEC §1).
  for (const r of t.rows) table.push(r.map((c) => (c === null || c === undefined ? '' : forLayout(String(c)))));
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

/** `s` cut to at most `cols` display columns, with "…" when cut (CJK-aware). */
export function clip(text: string, cols: number): string {
  // Masked first: a cut must never leave the first digits of a phone number behind.
  const s = forLayout(text);
  if (stringWidth(s) <= cols) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = stringWidth(ch);
    if (w + cw > cols - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
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
