/**
 * Phone numbers are personal data (PIPL; seed 000 §三(一) 客户信息保护):
 * every output shows them masked, `138****5678`, unless --unmask (SPEC §1).
 *
 * One matcher finds every form a phone number takes in the exports, and the
 * output layer (src/render/output.ts) runs it over everything qa prints or
 * writes. The forms (SPEC §1 "Masking covers…"):
 *
 *   mobiles   13812345678, 138 1234 5678, 138-1234-5678, 138.1234.5678,
 *             with +86 / 0086 / 86 in front (+86 138…, +86-138…, 0086 138…)
 *   landlines 02155556633, 021-5555-6633, 021 55556633, 0755-8888-9999,
 *             (021) 6555-1234, (010)87654321, （010）8765 4321, +86 21 5555 6633
 *   abroad    +1 415 555 0100, 0085291234567
 *   any of these written with full-width digits, plus and separators
 *   (１３８１２３４５６３４, ＋８６ …, 021－5555－6633)
 *
 * Only phone-shaped runs match: a run glued to more digits is not a phone
 * (dates 20261021093000, ranks, epoch times), nor are ids like
 * SR-202610-00074, amounts (1288.00) or durations (00:05:32). A run inside a
 * lowercase hex token of 16+ characters (a sha256, a UUID part) is a hash,
 * not a phone.
 */

/** ASCII and full-width digits. */
const D = '[0-9\\uFF10-\\uFF19]';
/**
 * One optional separator: a space (also no-break, ideographic), or a dash (ASCII,
 * full-width, hyphen/en/em dash), dot, slash or underscore with a space on either
 * side or none (138 - 1234 - 5658, 138–1234–5657, 138/1234/5626, 138_1234_5627).
 */
const BLANK = '[ \\u00A0\\u3000]';
const SEP = `(?:${BLANK}?[\\-.\\uFF0D\\uFF0E\\u2010-\\u2015/_]${BLANK}?|${BLANK})`;
const S = `${SEP}?`;
const PLUS = '[+\\uFF0B]';
/** +86, 0086 or 86 before a number (ASCII or full-width). */
const CC86 = `(?:${PLUS}[8８][6６]|[0０][0０][8８][6６]|[8８][6６])`;
/** +86 or 0086 (a bare 86 before an area code is too likely to be a score or a count). */
const CC86_STRICT = `(?:${PLUS}[8８][6６]|[0０][0０][8８][6６])`;
// A mobile is 3-4-4 digits (or 4-3-4), with the same separator twice or none, or
// 3-8 with a dash: two numbers side by side ("1300000 2000-01-01") are not one phone.
const MOBILE = `(?:${CC86}${S})?[1１][3-9３-９]${D}(?:(?<ms>${S})${D}{4}\\k<ms>${D}{4}|${D}(?<m2>${SEP})${D}{3}\\k<m2>${D}{4}|[\\-\\u2010-\\u2015]${D}{8})`;
/** A local number: 7 or 8 digits, not starting with 0, as 3+4 or 4+4 with one optional separator. */
const local = (name: string): string => `[1-9１-９]${D}{2,3}(?<${name}>${S})${D}{4}`;
const LANDLINE = [
  `[0０][1-9１-９]${D}{1,2}${S}${local('l1')}`, // 021-5555-6633, 02155556633, 021 55556633
  `[(（][0０][1-9１-９]${D}{1,2}[)）]${S}${local('l2')}`, // (021) 6555-1234, （010）87654321
  `${CC86_STRICT}${S}[(（]?[1-9１-９]${D}{1,2}[)）]?${S}${local('l3')}`, // +86 21 5555 6633, 0086-10-62345678
].join('|');
// Abroad: +CC and groups (+1 415 555 0100); 00CC only unseparated (00852 9123 4567
// would join a zero-padded id to the next number).
const ABROAD = `${PLUS}[1-9１-９]${D}{0,2}(?:[ \\u00A0\\-]?${D}){7,13}|[0０][0０][1-9１-９]${D}{8,13}`;

// Not glued to more digits. Landlines and numbers abroad are also not the fraction
// or the whole part of a decimal (0.0100 1000000.00); a mobile (11 digits, 1[3-9]…)
// is masked even there: a numbered list (1.13812345678), Excel's 13812345625.0, a
// file name (13812345606.20261005.wav) — no amount or fraction looks like one.
const NOT_GLUED_BEFORE = '(?<![0-9\\uFF10-\\uFF19])';
const NOT_GLUED_AFTER = '(?![0-9\\uFF10-\\uFF19])';
const NOT_DECIMAL = '(?<![0-9\\uFF10-\\uFF19][.\\uFF0E])';
const NOT_DECIMAL_AFTER = '(?![.\\uFF0E][0-9\\uFF10-\\uFF19])';
const DOMESTIC_SOURCE = `${NOT_GLUED_BEFORE}(?:${MOBILE}${NOT_GLUED_AFTER}|${NOT_DECIMAL}(?:${LANDLINE})${NOT_GLUED_AFTER}${NOT_DECIMAL_AFTER})`;
const ABROAD_SOURCE = `${NOT_GLUED_BEFORE}${NOT_DECIMAL}(?:${ABROAD})${NOT_GLUED_AFTER}${NOT_DECIMAL_AFTER}`;

/**
 * The two passes, each a fresh global matcher (each caller its own lastIndex).
 * Numbers abroad come second: their digit groups are free-form, so in one
 * pass "+1 415 555 0100 021-5555-6633" read as one long foreign number and
 * left the landline's last digits in clear; after the first pass the
 * landline is already masked and cannot be split.
 */
function passes(): RegExp[] {
  return [new RegExp(DOMESTIC_SOURCE, 'g'), new RegExp(ABROAD_SOURCE, 'g')];
}

/** Full-width digits and plus to ASCII; everything else unchanged. */
function toAscii(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF0B]/g, (c) => (c === '\uFF0B' ? '+' : String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30)));
}

const HEX = /[0-9a-f]/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Is the match at [start, end) part of a hash or a UUID? True when it sits
 * in a run of 16+ lowercase hex characters that holds a letter (a sha256),
 * or inside a UUID: such runs are ids, never phone numbers. A letter right
 * after a backslash is a JSON escape (\f, \b), not hex.
 */
function insideHash(text: string, start: number, end: number): boolean {
  // The hex run through the match's first digits, and through its last ones.
  for (const at of [start, end - 1]) {
    if (!HEX.test(text[at]!)) continue;
    let s = at;
    let e = at + 1;
    while (s > 0 && HEX.test(text[s - 1]!) && text[s - 2] !== '\\') s--;
    while (e < text.length && HEX.test(text[e]!)) e++;
    if (e - s >= 16 && /[a-f]/.test(text.slice(s, e))) return true;
  }
  // A UUID around it (8-4-4-4-12 hex digits)?
  const from = Math.max(0, start - 36);
  for (const m of text.slice(from, Math.min(text.length, end + 36)).matchAll(UUID)) {
    const us = from + m.index;
    if (us < end && us + m[0].length > start) return true;
  }
  return false;
}

/**
 * The generic mask of one number: its digits (full-width read as ASCII), the
 * first three and the last four shown, the rest `*`; +86 / 0086 in front is
 * kept as `+86 `. Fewer than 7 digits: only the last two shown.
 * Returns null for null/undefined, '' for ''.
 */
function maskNumber(phone: string): string {
  let digits = toAscii(phone).replace(/\D/g, '');
  let prefix = '';
  if (digits.length >= 12 && digits.startsWith('0086')) digits = digits.slice(2);
  if (digits.length >= 11 && digits.startsWith('86') && /^\s*(?:\+|00|86)/.test(toAscii(phone))) {
    prefix = '+86 ';
    digits = digits.slice(2);
  }
  if (digits.length >= 7) return `${prefix}${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  if (digits.length >= 3) return `${prefix}${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(Math.max(phone.length, 3));
}

/**
 * Mask every phone number inside a text (notes, status, recording_ref,
 * extras, reasons, raw rows, a whole rendered table or JSON document): each
 * becomes `138****5678` (its own last four digits; `+86 ` kept). Text that is
 * not phone-shaped is returned unchanged. null/undefined pass through.
 */
export function maskPhonesInText<T extends string | null | undefined>(text: T): T {
  if (typeof text !== 'string') return text;
  let out: string = text;
  for (const re of passes()) {
    const before = out;
    out = before.replace(re, (m: string, ...rest: unknown[]) => {
      // The arguments after the captures: offset, the whole text, then the named groups.
      const offset = rest.find((v) => typeof v === 'number') as number;
      return insideHash(before, offset, offset + m.length) ? m : maskNumber(m);
    });
  }
  return out as T;
}

/** How many phone numbers a text holds (what --unmask shows and logs). */
export function countPhones(text: string | null | undefined): number {
  if (typeof text !== 'string' || text === '') return 0;
  let n = 0;
  let rest = text;
  for (const re of passes()) {
    const cur = rest;
    // Count this pass's numbers, then blank them (same length) so the next pass cannot reuse their digits.
    rest = cur.replace(re, (m: string, ...args: unknown[]) => {
      const offset = args.find((v) => typeof v === 'number') as number;
      if (insideHash(cur, offset, offset + m.length)) return m;
      n++;
      return '#'.repeat(m.length);
    });
  }
  return n;
}

/**
 * Mask a value of a phone column (customer_phone …): the numbers in it as in
 * free text; a value that is not phone-shaped (a typo, 12345) is masked
 * whole, showing its last digits only. Returns null for null/undefined.
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined || phone === '') return phone ?? null;
  const masked = maskPhonesInText(phone);
  // Five digits or more left in a row (beyond the shown last four) is too much for a phone column.
  return masked !== phone && !/[0-9\uFF10-\uFF19]{5,}/.test(masked.replace(/\*+\d{4}/g, '')) ? masked : maskNumber(phone);
}

/** Mask the phone fields of a row-like object (returns a copy). */
export function maskRow<T extends Record<string, unknown>>(row: T, fields: readonly string[] = ['customer_phone']): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) if (typeof out[f] === 'string') out[f] = maskPhone(out[f] as string);
  return out as T;
}

/** Every string inside a value (object, array, nested), masked; other values as they are. */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPhonesInText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}

/** How many phone numbers the strings inside a value hold. */
export function countPhonesDeep(value: unknown): number {
  if (typeof value === 'string') return countPhones(value);
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countPhonesDeep(v), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + countPhonesDeep(v), 0);
  return 0;
}
