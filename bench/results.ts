/**
 * Result rows, their verdicts, and the two outputs: a plain-text table meant
 * to be pasted into a note, and bench/out/results.json for scripts.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Unit = 's' | 'MB' | 'x';

export interface Target {
  op: '<=' | '<';
  value: number;
  unit: Unit;
  /** A second, harder goal reported alongside (the import ratio's 1.5x). */
  stretch?: number;
}

export type Status = 'ok' | 'miss' | 'info' | 'skipped' | 'unavailable' | 'failed';

export interface Row {
  id: string;
  label: string;
  unit: Unit;
  samples: number[];
  median: number | null;
  min: number | null;
  max: number | null;
  target: Target | null;
  status: Status;
  /** The last column: ratio and verdict, or why there is no number. */
  verdict: string;
  note?: string;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  // Even count: the mean of the middle two, so 2 runs do not just report the faster one.
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function meets(value: number, t: Target, limit = t.value): boolean {
  return t.op === '<=' ? value <= limit : value < limit;
}

function verdictFor(value: number, t: Target | null): { status: Status; verdict: string } {
  if (!t) return { status: 'info', verdict: '' };
  const ok = meets(value, t);
  let verdict = ok ? 'ok' : 'MISS';
  if (t.stretch !== undefined) verdict += meets(value, t, t.stretch) ? `, stretch ${t.stretch}x met` : `, stretch ${t.stretch}x not met`;
  return { status: ok ? 'ok' : 'miss', verdict };
}

/** A row of measured samples (seconds or MB), judged by its median. */
export function measured(id: string, label: string, unit: Unit, samples: number[], target: Target | null = null, note?: string): Row {
  const med = median(samples);
  const v = med === null ? { status: 'failed' as const, verdict: 'no samples' } : verdictFor(med, target);
  return {
    id,
    label,
    unit,
    samples,
    median: med,
    min: samples.length ? Math.min(...samples) : null,
    max: samples.length ? Math.max(...samples) : null,
    target,
    ...v,
    ...(note ? { note } : {}),
  };
}

/** The ratio of two rows' medians, judged against a target; the ratio goes in the verdict column. */
export function ratio(id: string, label: string, num: Row, den: Row, target: Target): Row {
  if (num.median === null || den.median === null || den.median === 0) {
    return noNumber(id, label, 'x', 'skipped', 'no ratio: a side is missing', target);
  }
  const r = num.median / den.median;
  const v = verdictFor(r, target);
  return { id, label, unit: 'x', samples: [], median: r, min: null, max: null, target, status: v.status, verdict: `${r.toFixed(2)}x ${v.verdict}` };
}

/** A row without a number: skipped, not available yet, or failed (the reason is the verdict). */
export function noNumber(id: string, label: string, unit: Unit, status: Status, why: string, target: Target | null = null): Row {
  return { id, label, unit, samples: [], median: null, min: null, max: null, target, status, verdict: why };
}

export function fmtValue(v: number, unit: Unit): string {
  switch (unit) {
    case 's':
      return v < 1 ? `${v.toFixed(3)} s` : `${v.toFixed(2)} s`;
    case 'MB':
      return `${v.toFixed(1)} MB`;
    case 'x':
      return `${v.toFixed(2)}x`;
  }
}

function fmtRange(r: Row): string {
  if (r.min === null || r.max === null || r.samples.length < 2) return '';
  const num = (v: number): string => fmtValue(v, r.unit).replace(/ ?(s|MB|x)$/, '');
  return `${num(r.min)}–${fmtValue(r.max, r.unit)}`;
}

export function fmtTarget(t: Target | null): string {
  if (!t) return '';
  const v = t.unit === 'x' ? `${t.value.toFixed(1)}x` : `${t.value} ${t.unit}`;
  return `${t.op} ${v}${t.stretch !== undefined ? ` (stretch ${t.stretch}x)` : ''}`;
}

/** Plain monospace text, no colour or box characters, so it survives a paste into any note. */
export function renderTable(rows: readonly Row[]): string {
  const head = ['measurement', 'median', 'min–max', 'target', 'ratio / verdict'];
  const body = rows.map((r) => [
    r.label,
    r.median === null || r.unit === 'x' ? '' : fmtValue(r.median, r.unit),
    fmtRange(r),
    fmtTarget(r.target),
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.label}: ${r.note}`);
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}

export interface ResultsDoc {
  meta: Record<string, unknown>;
  rows: Row[];
  table: string;
}

export function writeJson(file: string, doc: ResultsDoc): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
