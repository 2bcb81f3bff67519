/**
 * Raw CSV fields → typed rows, or precise problems. The header is matched to
 * canonical columns (case-insensitive, trimmed, by canonical name or alias);
 * unknown columns are kept as JSON extras.
 */
import { QaError } from '../errors.js';
import { KIND_SCHEMAS, type FieldDef, type Kind, type KindSchema } from '../core/kinds.js';
import type { Zone } from '../core/time.js';
import { Bad, parseBool, parseChoice, parseDuration, parsePhone, parseRecordType, parseScore, parseTimestamp } from './values.js';

export interface HeaderMap {
  schema: KindSchema;
  /** For each schema field, the column index in the file, or -1. */
  columnOf: Int32Array;
  /** Columns kept as extras: their index and header text. */
  extras: { index: number; name: string }[];
  /** The header as found (trimmed), for messages. */
  found: string[];
  width: number;
}

/** Format characters a header may carry unseen (zero-width, BOM, bidi marks, soft hyphen): removed before matching. */
const HEADER_INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** How headers are compared: invisible characters removed, trimmed (NBSP, U+3000 too), case-insensitive, blanks and dashes as `_`. */
export function normalizeHeader(h: string): string {
  return h.replace(HEADER_INVISIBLE, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** A header or value as a message shows it: invisible and control characters escaped (`\u200b`), so `call_id\u200b` is not shown as `call_id`. */
export function showInvisible(s: string): string {
  return s.replace(/[\p{Cf}\p{Cc}\p{Zs}\u2028\u2029]/gu, (c) => (c === ' ' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Match a header row. A missing required column is an error that lists what
 * was found; two headers naming the same column is an error too.
 */
export function mapHeader(kind: Kind, header: readonly string[], extraAliases: Record<string, string[]> = {}, display = ''): HeaderMap {
  const schema = KIND_SCHEMAS[kind];
  const lookup = new Map<string, number>();
  schema.fields.forEach((fd, i) => {
    for (const name of [fd.name, ...fd.aliases, ...(extraAliases[fd.name] ?? [])]) lookup.set(normalizeHeader(name), i);
  });
  const columnOf = new Int32Array(schema.fields.length).fill(-1);
  const extras: { index: number; name: string }[] = [];
  const found = header.map((h) => h.replace(HEADER_INVISIBLE, '').trim());
  found.forEach((h, col) => {
    const i = lookup.get(normalizeHeader(h));
    if (i === undefined) {
      extras.push({ index: col, name: h });
      return;
    }
    const prev = columnOf[i]!;
    if (prev !== -1) {
      throw new QaError(`columns "${showInvisible(found[prev]!)}" and "${showInvisible(h)}" both mean ${schema.fields[i]!.name}`, {
        where: `${display} line 1`,
        hint: 'remove one of them, or rename it so it is kept as an extra column',
      });
    }
    columnOf[i] = col;
  });
  const missing = schema.fields.filter((fd, i) => fd.required && columnOf[i] === -1);
  if (missing.length > 0) {
    const names = missing.map((m) => `${m.name} (${m.aliases.join(', ')})`).join('; ');
    const shown = found.slice(0, 25).map((h) => showInvisible(h.length > 30 ? `${h.slice(0, 30)}…` : h));
    const list = (shown.join(', ') || '(nothing)') + (found.length > shown.length ? `, … (${found.length} columns)` : '');
    throw new QaError(`missing required column${missing.length > 1 ? 's' : ''} ${names}; found: ${list}`, {
      where: `${display} line 1`,
      hint: `is this a ${kind} export? Map other header names with columns.${kind}.<column> in qa.config.json`,
    });
  }
  return { schema, columnOf, extras: uniqueExtraNames(extras), found, width: header.length };
}

/**
 * Name the extra columns so that no two share a name (they are the keys of
 * the extras JSON: a clash would drop a value). A blank header becomes
 * `column_<n>`; a repeated or clashing name gets `_2`, `_3`, …. Headers as
 * written keep their name first, so a generated `column_6` yields to a real
 * `column_6` header.
 */
function uniqueExtraNames(extras: { index: number; name: string }[]): { index: number; name: string }[] {
  const written = new Set(extras.map((x) => x.name).filter((n) => n !== ''));
  const taken = new Set<string>();
  return extras.map((x) => {
    const base = x.name !== '' ? x.name : `column_${x.index + 1}`;
    let name = base;
    // The first column with a written name keeps it; anything else avoids every written name.
    if (taken.has(name) || (x.name === '' && written.has(name))) {
      for (let k = 2; ; k++) {
        name = `${base}_${k}`;
        if (!taken.has(name) && !written.has(name)) break;
      }
    }
    taken.add(name);
    return { index: x.index, name };
  });
}

export interface CellProblem {
  column: string;
  bad: Bad;
}

function isBlankChar(c: number): boolean {
  return c <= 32 || c === 0x3000 || c === 0xa0 || c === 0xfeff;
}

/**
 * A cell's value: surrounding blanks trimmed, and Excel's text guard
 * `="00123"` (systems write it so that Excel keeps leading zeros and long
 * numbers such as phones as text) unwrapped to `00123`.
 */
export function clean(v: string | undefined): string {
  if (v === undefined || v === '') return '';
  // Trim only when needed: most cells have no surrounding blanks.
  if (!isBlankChar(v.charCodeAt(0)) && !isBlankChar(v.charCodeAt(v.length - 1))) {
    return v.charCodeAt(0) === 61 /* = */ ? unguard(v) : v;
  }
  const t = v.replace(/^[\s\u3000\ufeff]+|[\s\u3000\ufeff]+$/g, '');
  return t.charCodeAt(0) === 61 ? unguard(t) : t;
}

function unguard(v: string): string {
  return v.length >= 3 && v.charCodeAt(1) === 34 && v.charCodeAt(v.length - 1) === 34 && v.indexOf('"', 2) === v.length - 1 ? v.slice(2, -1).trim() : v;
}

export type Cell = string | number | null;

/**
 * Converts rows of one file. `convert` appends the typed values (schema order,
 * then the extras JSON or null) to `out` and returns null, or returns the list
 * of problems and appends nothing.
 */
export class RowConverter {
  private readonly fields: readonly FieldDef[];
  private readonly columnOf: Int32Array;

  constructor(
    private readonly map: HeaderMap,
    private readonly zone: Zone,
  ) {
    this.fields = map.schema.fields;
    this.columnOf = map.columnOf;
  }

  /** Values per row: the schema fields plus the extras column. */
  get width(): number {
    return this.fields.length + 1;
  }

  /** True when every cell is blank (a spacer row, not data). */
  static isBlank(fields: readonly string[]): boolean {
    for (const f of fields) if (f !== '' && clean(f) !== '') return false;
    return true;
  }

  convert(raw: readonly string[], out: Cell[]): CellProblem[] | null {
    let problems: CellProblem[] | null = null;
    if (raw.length !== this.map.width) {
      // Excel often pads rows with empty trailing cells: harmless.
      const tooMany = raw.length > this.map.width && raw.slice(this.map.width).every((f) => clean(f) === '');
      if (!tooMany) problems = [{ column: '(row)', bad: new Bad('field_count', String(raw.length), this.map.width) }];
    }
    // Written straight to `out` (no scratch copy); taken back below if the row has a problem.
    const before = out.length;
    let k = before;
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const col = this.columnOf[i]!;
      const fd = fields[i]!;
      const v = col === -1 ? '' : clean(raw[col]);
      if (v === '') {
        if (fd.required) (problems ??= []).push({ column: fd.name, bad: new Bad('required', '') });
        out[k++] = null;
        continue;
      }
      let r: Cell | Bad;
      switch (fd.type) {
        case 'text':
          r = v;
          break;
        case 'timestamp':
          r = parseTimestamp(v, this.zone);
          break;
        case 'bool':
          r = parseBool(v);
          break;
        case 'duration':
          r = parseDuration(v);
          break;
        case 'score':
          r = parseScore(v);
          break;
        case 'record_type':
          r = parseRecordType(v);
          break;
        case 'phone':
          r = parsePhone(v);
          break;
        case 'choice':
          r = parseChoice(v, fd.choices ?? {});
          break;
      }
      if (r instanceof Bad) {
        (problems ??= []).push({ column: fd.name, bad: r });
        out[k++] = null;
      } else {
        out[k++] = r;
      }
    }
    if (problems) {
      out.length = before;
      return problems;
    }
    let extras: string | null = null;
    if (this.map.extras.length > 0) {
      let obj: Record<string, string> | null = null;
      for (const x of this.map.extras) {
        const v = clean(raw[x.index]);
        // A null-prototype object: a column named __proto__ is data like any other.
        if (v !== '') (obj ??= Object.create(null) as Record<string, string>)[x.name] = v;
      }
      if (obj) extras = JSON.stringify(obj);
    }
    out[k] = extras;
    return null;
  }
}

/**
 * Ids seen in one file, to name both lines of a duplicate. Stores a 64-bit
 * hash (two independent 32-bit FNV-1a) and the line, in typed arrays, so a
 * million ids cost ~17 MB instead of a Map of strings. Two different ids
 * sharing all 64 bits (≈3·10⁻⁸ for a million rows) would be reported as a
 * duplicate — a refusal, never a silent loss.
 */
export class IdSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private line: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    // Linear probing stays fast up to ~70 % load. Any size works (the slot
    // is a multiply-shift of the hash, not a mask): no rounding up to a power
    // of two, which for a million rows would cost 24 MB instead of 17.
    this.hi = new Uint32Array(0);
    this.lo = new Uint32Array(0);
    this.line = new Int32Array(0);
    this.resize(Math.ceil(Math.max(16, capacity) / 0.7));
  }

  /** Records `id` at `line`; returns the earlier line if it was seen, else 0. */
  add(id: string, line: number): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 >>>= 0;
    h2 >>>= 0;
    const size = this.line.length;
    let slot = slotOf(h1, h2, size);
    for (;;) {
      const at = this.line[slot]!;
      if (at === 0) break;
      if (this.hi[slot] === h1 && this.lo[slot] === h2) return at;
      if (++slot === size) slot = 0;
    }
    this.hi[slot] = h1;
    this.lo[slot] = h2;
    this.line[slot] = line;
    if (++this.count > size * 0.7) this.resize(size * 2);
    return 0;
  }

  private resize(size: number): void {
    const { hi, lo, line } = this;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.line = new Int32Array(size);
    for (let i = 0; i < line.length; i++) {
      if (line[i] === 0) continue;
      let slot = slotOf(hi[i]!, lo[i]!, size);
      while (this.line[slot] !== 0) if (++slot === size) slot = 0;
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.line[slot] = line[i]!;
    }
  }
}

/** The hash scaled to [0, size): exact enough in a double (the product is below 2^63, its error below 2^10 < size when it matters). */
function slotOf(h1: number, h2: number, size: number): number {
  return Math.floor((((h1 ^ (h2 >>> 7)) >>> 0) * size) / 4294967296);
}
