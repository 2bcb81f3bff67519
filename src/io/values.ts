/**
 * Cell parsers for SPEC §2 "Values": timestamps, booleans, durations, scores
 * and record types. They run once per cell of a million-row import, so they
 * parse by hand instead of trying format strings one after another; each
 * returns the value, null for an empty cell, or a Bad describing the problem.
 */
import type { Zone } from '../core/time.js';
import { daysInMonth } from '../core/time.js';
import { CHOICE_SETS, choiceList, RECORD_TYPE_ALIASES, RECORD_TYPES, type RecordType } from '../core/kinds.js';
import type { Lang } from '../i18n.js';

export type ProblemCode =
  | 'required'
  | 'bad_timestamp'
  | 'impossible_date'
  | 'bad_bool'
  | 'bad_duration'
  | 'negative_duration'
  | 'bad_score'
  | 'bad_record_type'
  | 'bad_choice'
  | 'duplicate_id'
  | 'field_count'
  | 'malformed_row'
  | 'phone_as_number';

/** A cell that could not be read. `value` is the raw text (already trimmed). */
export class Bad {
  constructor(
    readonly code: ProblemCode,
    readonly value: string,
    /** duplicate_id: the first line; field_count: the header's width; bad_choice: the column's index in CHOICE_SETS. */
    readonly extra: number = 0,
  ) {}
}

const MAX_SHOWN = 40;
function shown(v: string): string {
  const s = v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}…` : v;
  return JSON.stringify(s);
}

/** The human text of a problem; English is what --json and the database store. */
export function problemText(b: Bad, lang: Lang = 'en'): string {
  const v = shown(b.value);
  if (lang === 'zh') {
    switch (b.code) {
      case 'required': return '必填，但为空';
      case 'bad_timestamp': return `${v} 不是日期时间（例如 2026-10-21 09:30 或 2026/10/21 9:30）`;
      case 'impossible_date': return `${v} 不是真实存在的日期`;
      case 'bad_bool': return `${v} 不是是/否（可用 是/否、yes/no、true/false、1/0、Y/N）`;
      case 'bad_duration': return `${v} 不是整数秒（或 时:分:秒）`;
      case 'negative_duration': return `${v} 是负数，时长不能为负`;
      case 'bad_score': return `${v} 不是 1–5 的评分`;
      case 'bad_record_type': return `${v} 不是记录类型（consult 咨询、contract 合同、delivery 交付、repair 维修、return 退租）`;
      case 'bad_choice': return `${v} 不是可用的值（${choiceList(b.extra)}）`;
      case 'duplicate_id': return `${v} 在本文件中重复（首次出现在第 ${b.extra} 行）`;
      case 'field_count': return `本行有 ${b.value} 个字段，表头有 ${b.extra} 个`;
      case 'malformed_row': return '引号使用有误：闭合引号后还有文字（引号字段内的引号应写成 ""）';
      case 'phone_as_number': return `${v} 是被 Excel 当成数字的电话号码（小数、科学计数或千分位形式，位数可能已丢失或改变）：导出前把该列设为"文本"格式`;
    }
  }
  switch (b.code) {
    case 'required': return 'is required but empty';
    case 'bad_timestamp': return `${v} is not a date and time (expected e.g. 2026-10-21 09:30 or 2026/10/21 9:30)`;
    case 'impossible_date': return `${v} is not a real date`;
    case 'bad_bool': return `${v} is not a yes/no value (yes/no, true/false, 1/0, Y/N, 是/否)`;
    case 'bad_duration': return `${v} is not a whole number of seconds (or H:MM:SS)`;
    case 'negative_duration': return `${v} is negative; a duration cannot be`;
    case 'bad_score': return `${v} is not a score from 1 to 5`;
    case 'bad_record_type': return `${v} is not a record type (consult, contract, delivery, repair, return)`;
    case 'bad_choice': return `${v} is not one of ${choiceList(b.extra)}`;
    case 'duplicate_id': return `${v} appears twice in this file (first on line ${b.extra})`;
    case 'field_count': return `the row has ${b.value} fields but the header has ${b.extra}`;
    case 'malformed_row': return 'bad quoting: text after a closing quote (write a quote inside a quoted field as "")';
    case 'phone_as_number': return `${v} is a phone number that Excel turned into a number (a decimal, exponent or grouped form: its digits may be lost or changed): format the column as Text before exporting`;
  }
}

// ---------------------------------------------------------------- timestamps

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Reads 1–`max` digits at `pos`; returns [value, nextPos] or null. */
function readNum(s: string, pos: number, min: number, max: number): [number, number] | null {
  let end = pos;
  while (end < s.length && end - pos < max) {
    const c = s.charCodeAt(end);
    if (c < 48 || c > 57) break;
    end++;
  }
  if (end - pos < min) return null;
  return [digits(s, pos, end), end];
}

/**
 * Accepted (SPEC §2): ISO 8601 with or without offset (`2026-10-21T09:30:00+08:00`,
 * `…Z`, fractional seconds), `YYYY-MM-DD HH:mm[:ss]`, `YYYY/M/D H:mm[:ss]`, and a
 * bare date (midnight, as Excel prints a timestamp at 00:00). Without an
 * offset the time is local to `zone`.
 */
export function parseTimestamp(raw: string, zone: Zone): number | Bad {
  // Fast path: `YYYY-MM-DD HH:mm:ss` / `YYYY-MM-DDTHH:mm:ss`, the usual export layout.
  if (raw.length === 19 && raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45 && raw.charCodeAt(13) === 58 && raw.charCodeAt(16) === 58) {
    const sep = raw.charCodeAt(10);
    if (sep === 32 || sep === 84) {
      const year = digits(raw, 0, 4);
      const month = digits(raw, 5, 7);
      const day = digits(raw, 8, 10);
      const hour = digits(raw, 11, 13);
      const minute = digits(raw, 14, 16);
      const second = digits(raw, 17, 19);
      if ((year | month | day | hour | minute | second) >= 0) {
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
          return new Bad('impossible_date', raw);
        }
        return zone.fromLocal(year, month, day, hour, minute, second, 0);
      }
    }
  }
  const s = raw;
  const y = readNum(s, 0, 4, 4);
  if (!y) return new Bad('bad_timestamp', raw);
  let pos = y[1];
  const sep = s.charCodeAt(pos);
  if (sep !== 45 /* - */ && sep !== 47 /* / */) return new Bad('bad_timestamp', raw);
  const mo = readNum(s, pos + 1, 1, 2);
  if (!mo || s.charCodeAt(mo[1]) !== sep) return new Bad('bad_timestamp', raw);
  const d = readNum(s, mo[1] + 1, 1, 2);
  if (!d) return new Bad('bad_timestamp', raw);
  pos = d[1];
  const year = y[0];
  const month = mo[0];
  const day = d[0];
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offsetMin: number | null = null;
  if (pos < s.length) {
    const t = s.charCodeAt(pos);
    if (t !== 84 /* T */ && t !== 32 /* space */ && t !== 116 /* t */) return new Bad('bad_timestamp', raw);
    pos++;
    while (s.charCodeAt(pos) === 32) pos++;
    const h = readNum(s, pos, 1, 2);
    if (!h || s.charCodeAt(h[1]) !== 58 /* : */) return new Bad('bad_timestamp', raw);
    const mi = readNum(s, h[1] + 1, 2, 2);
    if (!mi) return new Bad('bad_timestamp', raw);
    hour = h[0];
    minute = mi[0];
    pos = mi[1];
    if (s.charCodeAt(pos) === 58) {
      const se = readNum(s, pos + 1, 2, 2);
      if (!se) return new Bad('bad_timestamp', raw);
      second = se[0];
      pos = se[1];
      const dot = s.charCodeAt(pos);
      if (dot === 46 /* . */ || dot === 44 /* , */) {
        const fr = readNum(s, pos + 1, 1, 9);
        if (!fr) return new Bad('bad_timestamp', raw);
        ms = Math.floor(fr[0] / 10 ** (fr[1] - pos - 1 - 3));
        pos = fr[1];
      }
    }
    if (pos < s.length) {
      const z = s.charCodeAt(pos);
      if ((z === 90 /* Z */ || z === 122) && pos + 1 === s.length) {
        offsetMin = 0;
        pos++;
      } else if (z === 43 /* + */ || z === 45 /* - */) {
        const oh = readNum(s, pos + 1, 2, 2);
        if (!oh) return new Bad('bad_timestamp', raw);
        let om = 0;
        let p2 = oh[1];
        if (s.charCodeAt(p2) === 58) p2++;
        if (p2 < s.length) {
          const m2 = readNum(s, p2, 2, 2);
          if (!m2) return new Bad('bad_timestamp', raw);
          om = m2[0];
          p2 = m2[1];
        }
        if (p2 !== s.length || oh[0] > 23 || om > 59) return new Bad('bad_timestamp', raw);
        offsetMin = (z === 45 ? -1 : 1) * (oh[0] * 60 + om);
        pos = p2;
      } else {
        return new Bad('bad_timestamp', raw);
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return new Bad('impossible_date', raw);
  }
  if (offsetMin === null) return zone.fromLocal(year, month, day, hour, minute, second, ms);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

// ------------------------------------------------------------------- others

const TRUE = new Set(['yes', 'true', '1', 'y', '是', 't']);
const FALSE = new Set(['no', 'false', '0', 'n', '否', 'f']);

export function parseBool(raw: string): 0 | 1 | Bad {
  if (raw.length === 1) {
    // The common cells first, without allocating a lower-case copy.
    switch (raw) {
      case '1': case 'Y': case 'y': case '是': case 'T': case 't': return 1;
      case '0': case 'N': case 'n': case '否': case 'F': case 'f': return 0;
    }
  }
  const s = raw.length <= 5 ? raw.toLowerCase() : raw;
  if (TRUE.has(s)) return 1;
  if (FALSE.has(s)) return 0;
  return new Bad('bad_bool', raw);
}

/** Whole seconds; also `M:SS` and `H:MM:SS` as call-centre exports print them. */
export function parseDuration(raw: string): number | Bad {
  if (raw.charCodeAt(0) === 45 /* - */ && /^-\d+(\.0+)?$/.test(raw)) return new Bad('negative_duration', raw);
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^\d+\.0+$/.test(raw)) return Math.trunc(Number(raw));
  const m = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)$/.exec(raw);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return new Bad('bad_duration', raw);
}

export function parseScore(raw: string): number | Bad {
  if (!/^\d+(\.\d+)?$/.test(raw)) return new Bad('bad_score', raw);
  const n = Number(raw);
  return n >= 1 && n <= 5 ? n : new Bad('bad_score', raw);
}

/** Full-width digits and signs (Ａ: U+FF10–U+FF19, ＋, －, （, ）, U+3000) → ASCII. */
export function normaliseWidth(raw: string): string {
  // Fast path (the hot loop meets ASCII phones a million times): nothing full-width, nothing to do.
  let wide = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) >= 0x2000) {
      wide = true;
      break;
    }
  }
  if (!wide) return raw;
  let out = '';
  let changed = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    let r = c;
    if (c >= 0xff10 && c <= 0xff19) r = c - 0xff10 + 48;
    else if (c === 0xff0b) r = 43; // ＋
    else if (c === 0xff0d || c === 0x2212 || c === 0x2014 || c === 0x2013) r = 45; // －, minus, dashes
    else if (c === 0xff08) r = 40; // （
    else if (c === 0xff09) r = 41; // ）
    else if (c === 0x3000) r = 32;
    else if (c === 0xff0e) r = 46; // ．
    if (r !== c) changed = true;
    out += String.fromCharCode(r);
  }
  return changed ? out : raw;
}

// Shapes a spreadsheet gives a phone column it took for numbers: an exponent
// anywhere (1.38E+10, 1,38123E+10, 1.38E+10/1.39E+10), a decimal part at the
// end, with a point or a comma (13800001234.0, 13812345678,0, 13812345678.,
// 138-1234-5657.0), thousands separators (13,800,001,234), and the ####### a
// too-narrow column shows.
const EXCEL_EXPONENT = /\d[.,]?\d*[eE][+-]?\d/;
const EXCEL_DECIMAL_END = /\d[.,]\d{0,2}$/;
const EXCEL_GROUPED = /^\d{1,3}(,\d{3}){2,}(\.\d+)?$/;
const EXCEL_HASHES = /^#+$/;

/**
 * A phone cell (SPEC §2 "Phone columns"): full-width digits normalised, and
 * Excel's text marker (a leading apostrophe) dropped; a value a spreadsheet
 * turned into a number is refused — its digits may be lost or changed and
 * must never be shown as if they were the customer's.
 */
export function parsePhone(raw: string): string | Bad {
  let v = normaliseWidth(raw);
  if (v.charCodeAt(0) === 39 /* ' */) v = v.slice(1).trim();
  // Every Excel number shape has a '.', ',', '#' or an exponent: test the patterns only then.
  if (
    (v.includes('.') || v.includes(',') || v.includes('e') || v.includes('E') || v.includes('#')) &&
    (EXCEL_EXPONENT.test(v) || EXCEL_DECIMAL_END.test(v) || EXCEL_GROUPED.test(v) || EXCEL_HASHES.test(v))
  ) {
    return new Bad('phone_as_number', raw);
  }
  return v;
}

export function parseRecordType(raw: string): RecordType | Bad {
  // The usual spelling first, without allocating a lower-case copy.
  const t = RECORD_TYPE_ALIASES[raw] ?? RECORD_TYPE_ALIASES[raw.toLowerCase()];
  return t ?? new Bad('bad_record_type', raw);
}

export { RECORD_TYPES };

/** A value of a 'choice' column (SPEC §6: severity, survey channel): any listed spelling → its id. */
export function parseChoice(raw: string, choices: Readonly<Record<string, string>>): string | Bad {
  const id = choices[raw.toLowerCase()];
  return id !== undefined ? id : new Bad('bad_choice', raw, CHOICE_SETS.indexOf(choices));
}
