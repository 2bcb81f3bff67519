/**
 * Bytes → text for every CSV qa reads (SPEC §2 "Decoding"), in one place.
 *
 * - Encoding: a byte-order mark decides (UTF-8, UTF-16LE/BE, GB18030);
 *   without one, the first line holding a non-ASCII byte does: valid UTF-8
 *   there means UTF-8, anything else GB18030 (GBK and GB2312 are subsets).
 *   `--encoding` forces one.
 * - Never substitutes: every decoder is strict (`fatal`). A byte sequence
 *   invalid in the file's encoding, a NUL byte, or a U+FFFD already in the
 *   text stops the read with a {@link DecodeError} carrying the byte offset;
 *   {@link explainDecodeError} then reads the file once more, line by line,
 *   to say which lines look like which encoding (a file that mixes UTF-8
 *   lines with GBK lines is refused as such, naming lines of each).
 * - Line ends: CRLF, LF and a bare CR (classic Mac Excel), mixed in one file,
 *   all become LF, so the tokenizer and every line number downstream count
 *   them alike. A CR at the end of one chunk waits for the next.
 * - Invisible characters (U+200B–U+200D, U+2060, U+FEFF) are removed from
 *   the text: in a header they hide a column name, in an id they make two
 *   ids that print the same.
 *
 * Offsets are 0-based byte offsets into the file (BOM included); lines are
 * 1-based and counted like the tokenizer counts them.
 */
import fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { UsageError } from '../errors.js';
import { msg } from '../i18n.js';

export type EncodingName = 'utf8' | 'gb18030' | 'utf16le' | 'utf16be';

export const ENCODINGS: readonly EncodingName[] = ['utf8', 'gb18030', 'utf16le', 'utf16be'];

/** Human names, for messages. */
export const ENCODING_LABEL: Record<EncodingName, string> = {
  utf8: 'UTF-8',
  gb18030: 'GBK/GB18030',
  utf16le: 'UTF-16LE',
  utf16be: 'UTF-16BE',
};

/** `--encoding` value → canonical name, or a usage error naming the choices. */
export function normalizeEncoding(value: string): EncodingName {
  const v = value.trim().toLowerCase().replace(/_/g, '-');
  if (v === 'utf8' || v === 'utf-8' || v === 'utf-8-bom' || v === 'utf8bom' || v === 'utf-8-sig') return 'utf8';
  // GBK and GB2312 are subsets of GB18030: decoding with the superset is always right.
  if (v === 'gbk' || v === 'gb2312' || v === 'gb18030' || v === 'cp936' || v === 'ansi') return 'gb18030';
  if (v === 'utf16le' || v === 'utf-16le' || v === 'utf16' || v === 'utf-16' || v === 'unicode' || v === 'ucs-2') return 'utf16le';
  if (v === 'utf16be' || v === 'utf-16be') return 'utf16be';
  throw new UsageError(msg(`未知的编码 "${value}"`, `unknown encoding "${value}"`), { hint: msg('可用 --encoding utf8、gb18030、utf16le 或 utf16be', 'use --encoding utf8, gb18030, utf16le or utf16be') });
}

const BOMS: { enc: EncodingName; bytes: number[] }[] = [
  { enc: 'utf8', bytes: [0xef, 0xbb, 0xbf] },
  { enc: 'gb18030', bytes: [0x84, 0x31, 0x95, 0x33] },
  { enc: 'utf16le', bytes: [0xff, 0xfe] },
  { enc: 'utf16be', bytes: [0xfe, 0xff] },
];

/** The byte-order mark at the start of `head`, if any. */
export function bomOf(head: Uint8Array): { enc: EncodingName; length: number } | null {
  for (const b of BOMS) {
    if (head.length >= b.bytes.length && b.bytes.every((x, i) => head[i] === x)) return { enc: b.enc, length: b.bytes.length };
  }
  return null;
}

export type DecodeProblem = 'invalid' | 'nul' | 'replacement' | 'mixed' | 'ambiguous';

/** Why the bytes cannot be read as text, and where (byte offset into the file). */
export class DecodeError extends Error {
  constructor(
    readonly problem: DecodeProblem,
    readonly encoding: EncodingName,
    /** Byte offset of the offending byte, or of the chunk holding it when unknown (-1: unknown). */
    readonly offset: number,
  ) {
    super(`${problem} (${encoding}, byte ${offset})`);
  }
}

/** How many bytes of ambiguous text (valid as UTF-8 and as GBK) are held back before refusing to guess. */
export const AMBIGUITY_WINDOW = 4 * 1024 * 1024;

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
const INVISIBLE_TEST = /[\u200B-\u200D\u2060\uFEFF]/;

/** Cut a buffer before a trailing incomplete UTF-8 sequence; returns the length to keep. */
export function completeUtf8Prefix(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return n;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte that breaks UTF-8 in `buf` (whole buffer assumed complete), or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || c < min || c > max) return i;
      min = 0x80;
      max = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Characters that UTF-8 text of a Chinese business export does not hold but
 * GBK bytes misread as UTF-8 produce: C1 controls and U+0250–U+07FF (IPA,
 * spacing modifiers, combining marks, Greek, Cyrillic, Armenian, Hebrew,
 * Arabic, Syriac, Thaana). Latin-1 and Latin Extended (é, °, ·) are plausible.
 */
const IMPLAUSIBLE_UTF8 = /[\u0080-\u009f\u0250-\u07ff]/;
/** IMPLAUSIBLE_UTF8 or INVISIBLE: one scan of a UTF-8 chunk instead of two (neither is in most chunks). */
const RARE_IN_UTF8 = /[\u0080-\u009f\u0250-\u07ff\u200B-\u200D\u2060\uFEFF]/;

/**
 * A line's bytes that are valid UTF-8 only by accident: no 3-byte sequence,
 * an implausible character when read as UTF-8, and valid GB18030.
 */
export function looksGbkNotUtf8(bytes: Uint8Array): boolean {
  if (hasMultiByteCjk(bytes) || !isGb18030(bytes)) return false;
  return IMPLAUSIBLE_UTF8.test(Buffer.from(bytes).toString('utf8'));
}

/** True when valid UTF-8 `bytes` hold a 3- or 4-byte sequence (CJK text in UTF-8 always does). */
export function hasMultiByteCjk(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0xe0) return true;
  return false;
}

/** GB18030 validity of a prefix of the file (a character cut at the end is fine unless final). */
function isGb18030Prefix(bytes: Uint8Array, final: boolean): boolean {
  try {
    new TextDecoder('gb18030', { fatal: true }).decode(bytes, { stream: !final });
    return true;
  } catch {
    return false;
  }
}

/** True when `bytes` decode as GB18030 without an invalid sequence. */
export function isGb18030(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * A streaming, strict decoder. `push` each chunk of the file in order, then
 * `end`; each returns the text decoded so far with line ends as LF and
 * invisible characters removed. Throws {@link DecodeError}.
 */
export class StrictDecoder {
  /** The file's encoding: forced, from the BOM, or detected (null while every byte so far is ASCII). */
  encoding: EncodingName | null;
  /** How it was decided. */
  how: 'forced' | 'bom' | 'detected' | 'ascii' = 'ascii';
  /** Bytes of BOM skipped. */
  bom = 0;
  private offset = 0; // bytes of the file handed in so far
  private started = false;
  private carry: Buffer = Buffer.alloc(0);
  private carryAt = 0; // file offset of carry[0]
  private pendingCR = false;
  private textDecoder: InstanceType<typeof TextDecoder> | null = null;
  /** GB18030 (detected): bytes of the current, unfinished line, for the per-line UTF-8 check. */
  private lineCarry: Buffer = Buffer.alloc(0);

  constructor(forced: EncodingName | null = null) {
    this.encoding = forced;
    if (forced) this.how = 'forced';
  }

  push(chunk: Buffer): string {
    let data = chunk;
    let at = this.offset;
    this.offset += chunk.length;
    if (!this.started) {
      // The byte-order mark needs the first 4 bytes.
      if (this.carry.length + chunk.length < 4) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return '';
      }
      data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
      this.carry = Buffer.alloc(0);
      this.started = true;
      data = this.takeBom(data);
      at = this.bom;
    }
    return this.decode(data, at, false);
  }

  /** The start of the file: a byte-order mark decides the encoding (unless forced to another) and is skipped. */
  private takeBom(data: Buffer): Buffer {
    const bom = bomOf(data);
    if (!bom || (this.encoding !== null && this.encoding !== bom.enc)) return data;
    if (this.encoding === null) {
      this.encoding = bom.enc;
      this.how = 'bom';
    }
    this.bom = bom.length;
    return data.subarray(bom.length);
  }

  end(): string {
    if (!this.started) {
      // A file of fewer than 4 bytes.
      this.started = true;
      const data = this.takeBom(this.carry);
      this.carry = Buffer.alloc(0);
      return this.decode(data, this.bom, true);
    }
    return this.decode(Buffer.alloc(0), this.offset, true);
  }

  private decode(chunk: Buffer, at: number, final: boolean): string {
    let data = chunk;
    if (this.carry.length > 0) {
      data = chunk.length > 0 ? Buffer.concat([this.carry, chunk]) : this.carry;
      at = this.carryAt;
      this.carry = Buffer.alloc(0);
    }
    let text: string;
    const enc = this.encoding;
    if (enc === 'utf16le' || enc === 'utf16be') {
      text = this.decodeUtf16(data, at, final);
    } else {
      const nul = data.indexOf(0);
      if (nul !== -1) throw new DecodeError('nul', enc ?? 'utf8', at + nul);
      if (enc === null) {
        if (isAscii(data)) text = data.toString('latin1');
        else if (!final && isAscii(data.subarray(0, completeUtf8Prefix(data)))) {
          // Only the start of a character so far: decide when it is whole.
          const cut = completeUtf8Prefix(data);
          this.carry = Buffer.from(data.subarray(cut));
          this.carryAt = at + cut;
          text = data.toString('latin1', 0, cut);
        } else {
          const decided = this.decide(data, final, at);
          if (decided === null) {
            // Only bytes valid as both UTF-8 and GBK so far: wait for more text to tell (up to AMBIGUITY_WINDOW).
            this.carry = Buffer.from(data);
            this.carryAt = at;
            return '';
          }
          this.encoding = decided;
          this.how = 'detected';
          return this.decode(data, at, final);
        }
      } else if (enc === 'utf8') {
        const cut = final ? data.length : completeUtf8Prefix(data);
        const part = data.subarray(0, cut);
        if (!isUtf8(part)) {
          const bad = firstInvalidUtf8(part);
          throw new DecodeError('invalid', 'utf8', at + (bad === -1 ? 0 : bad));
        }
        if (cut < data.length) {
          this.carry = Buffer.from(data.subarray(cut));
          this.carryAt = at + cut;
        }
        // Validated above. (TextDecoder decodes a chunk ~30 % faster, but the import as a whole
        // measured ~6 % slower with its strings: 3.1 vs 2.9 s of parsing per million rows.)
        text = part.toString('utf8');
        // Detected UTF-8: a GBK row pasted in can still be valid UTF-8 (GBK 袁泉 = D4 AC C8 AA reads
        // as "ԬȪ"). Such a row decodes to characters no Chinese export holds (C1 controls, IPA,
        // combining marks, Greek to Syriac) and has no 3-byte sequence: refuse it as mixed.
        const rare = RARE_IN_UTF8.test(text);
        if (rare && this.how !== 'forced' && IMPLAUSIBLE_UTF8.test(text)) this.checkUtf8Lines(text, at);
        return this.finish(text, at, final, rare);
      } else {
        text = this.decodeGb(data, at, final);
      }
    }
    return this.finish(text, at, final);
  }

  /**
   * Decide from the text at hand (this chunk, from the first line holding a
   * non-ASCII byte): Chinese in UTF-8 is 3-byte sequences, so valid UTF-8
   * with one → UTF-8; valid GB18030 and not UTF-8 → GB18030. Bytes valid in
   * both with no 3-byte sequence (GBK 同一 reads as UTF-8 "ͬһ") cannot be
   * told apart: null (keep reading) until the text tells or AMBIGUITY_WINDOW
   * bytes or the end of the file are reached, then refused ('ambiguous')
   * rather than guessed. The decision never depends on where chunks end. Invalid in both:
   * the first such line decides, and the strict decoder names the byte.
   */
  private decide(data: Buffer, final: boolean, at: number): EncodingName | null {
    let first = 0;
    while (data[first]! < 0x80) first++;
    let start = first;
    while (start > 0 && data[start - 1] !== 10 && data[start - 1] !== 13) start--;
    let sample = data.subarray(start);
    if (!final) sample = sample.subarray(0, completeUtf8Prefix(sample));
    const u = isUtf8(sample);
    if (u && hasMultiByteCjk(sample)) return 'utf8';
    let end = first;
    while (end < data.length && data[end] !== 10 && data[end] !== 13) end++;
    const line = data.subarray(start, end);
    // UTF-8 Chinese on the first such line: UTF-8 (a GBK line later is then refused as mixed).
    if (!u && isUtf8(line) && hasMultiByteCjk(line)) return 'utf8';
    const g = isGb18030Prefix(sample, final);
    if (u && g) {
      if (!final && data.length < AMBIGUITY_WINDOW) return null;
      throw new DecodeError('ambiguous', 'utf8', at + start);
    }
    if (u) return 'utf8';
    if (g) return 'gb18030';
    if (isUtf8(line)) return 'utf8';
    return isGb18030(line) ? 'gb18030' : 'utf8';
  }

  /** Each line of `text` holding an implausible character: GBK bytes that also read as UTF-8? */
  private checkUtf8Lines(text: string, at: number): void {
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (!IMPLAUSIBLE_UTF8.test(line)) continue;
      const bytes = Buffer.from(line, 'utf8');
      if (looksGbkNotUtf8(bytes)) throw new DecodeError('mixed', 'utf8', at);
    }
  }

  private decodeGb(data: Buffer, at: number, final: boolean): string {
    this.textDecoder ??= new TextDecoder('gb18030', { fatal: true });
    let text: string;
    try {
      text = this.textDecoder.decode(data, { stream: !final });
    } catch {
      throw new DecodeError('invalid', 'gb18030', -1);
    }
    if (this.how === 'detected') this.checkGbLines(data, at, final);
    return text;
  }

  /**
   * Detected GB18030: a line that is valid UTF-8 with non-ASCII text is a
   * UTF-8 line pasted into a GBK file (it would decode as mojibake).
   */
  private checkGbLines(data: Buffer, at: number, final: boolean): void {
    let buf = data;
    let base = at;
    if (this.lineCarry.length > 0) {
      buf = Buffer.concat([this.lineCarry, data]);
      base = at - this.lineCarry.length;
      this.lineCarry = Buffer.alloc(0);
    }
    let start = 0;
    const n = buf.length;
    for (let i = 0; i <= n; i++) {
      const b = i < n ? buf[i]! : -1;
      if (b !== 10 && b !== 13 && i < n) continue;
      if (i === n && !final) {
        this.lineCarry = Buffer.from(buf.subarray(start));
        break;
      }
      const line = buf.subarray(start, i);
      if (!isAscii(line) && isUtf8(line) && hasMultiByteCjk(line)) throw new DecodeError('mixed', 'gb18030', base + start);
      start = i + 1;
    }
  }

  private decodeUtf16(data: Buffer, at: number, final: boolean): string {
    this.textDecoder ??= new TextDecoder(this.encoding === 'utf16le' ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true });
    let text: string;
    try {
      text = this.textDecoder.decode(data, { stream: !final });
    } catch {
      throw new DecodeError('invalid', this.encoding!, -1);
    }
    const nul = text.indexOf('\0');
    if (nul !== -1) throw new DecodeError('nul', this.encoding!, -1);
    return text;
  }

  /** Line ends → LF, invisible characters out, U+FFFD refused. */
  /** `mayHaveInvisible` false: the caller's scan found no invisible character (skip looking again). */
  private finish(text: string, at: number, final: boolean, mayHaveInvisible = true): string {
    if (this.pendingCR) {
      text = '\r' + text;
      this.pendingCR = false;
    }
    if (text.indexOf('\uFFFD') !== -1) throw new DecodeError('replacement', this.encoding ?? 'utf8', at);
    if (text.indexOf('\r') !== -1) {
      if (!final && text.charCodeAt(text.length - 1) === 13) {
        this.pendingCR = true;
        text = text.slice(0, -1);
      }
      text = text.replace(/\r\n?/g, '\n');
    }
    if (mayHaveInvisible && INVISIBLE_TEST.test(text)) text = text.replace(INVISIBLE, '');
    return text;
  }
}

/** What one physical line of the file looks like. */
export type LineLook = 'ascii' | 'utf8' | 'gb18030' | 'invalid';

export interface DecodeExplanation {
  /** One line for `qa: error: …`. */
  message: string;
  /** The line and byte it happened at. */
  line: number;
  offset: number;
  hint: string;
}

/**
 * Read the file again, line by line, to explain a {@link DecodeError}: the
 * line and byte offset of the problem, and — for UTF-8/GB18030 files —
 * which lines look like which encoding. Only runs after a failure.
 */
export function explainDecodeError(file: string, err: DecodeError, forced: boolean): DecodeExplanation {
  const bytes = fs.readFileSync(file);
  const enc = err.encoding;
  if (enc === 'utf16le' || enc === 'utf16be') return explainUtf16(bytes, err);
  const bom = bomOf(bytes);
  const skip = bom && bom.enc === enc ? bom.length : 0;
  const looks: Record<LineLook, number[]> = { ascii: [], utf8: [], gb18030: [], invalid: [] };
  const ambiguous: number[] = [];
  let firstBad: { line: number; offset: number; byte: number } | null = null;
  let nulAt: { line: number; offset: number } | null = null;
  let fffdAt: { line: number; offset: number } | null = null;
  let line = 1;
  let start = skip;
  const n = bytes.length;
  for (let i = skip; i <= n; i++) {
    const b = i < n ? bytes[i]! : 10;
    if (b !== 10 && b !== 13) continue;
    const part = bytes.subarray(start, i);
    if (part.length > 0) {
      const nul = part.indexOf(0);
      if (nul !== -1 && !nulAt) nulAt = { line, offset: start + nul };
      let look: LineLook;
      if (isAscii(part)) look = 'ascii';
      else if (isUtf8(part) && (hasMultiByteCjk(part) || !isGb18030(part)) && !looksGbkNotUtf8(part)) look = 'utf8';
      else if (isGb18030(part)) look = 'gb18030';
      else look = 'invalid';
      if (look === 'gb18030' && isUtf8(part)) ambiguous.push(line);
      looks[look].push(line);
      if (!firstBad && look !== 'ascii' && ((enc === 'utf8' && look !== 'utf8') || (enc === 'gb18030' && look === 'invalid'))) {
        const off = enc === 'utf8' ? firstInvalidUtf8(part) : firstInvalidGb(part);
        firstBad = { line, offset: start + Math.max(0, off), byte: part[Math.max(0, off)]! };
      }
      if (!fffdAt && look === 'utf8' && enc === 'utf8') {
        const f = part.indexOf(Buffer.from([0xef, 0xbf, 0xbd]));
        if (f !== -1) fffdAt = { line, offset: start + f };
      }
    }
    if (i < n && b === 13 && bytes[i + 1] === 10) i++;
    line++;
    start = i + 1;
  }
  const list = (ls: number[]): string => {
    const shown = ls.slice(0, 5).join(', ');
    return ls.length > 5 ? `${shown} …${msg(`（共 ${ls.length} 行）`, ` (${ls.length} lines)`)}` : shown;
  };
  const label = ENCODING_LABEL[enc];
  const lines = (ls: number[]): string => msg(`第 ${list(ls)} 行`, `line${ls.length > 1 ? 's' : ''} ${list(ls)}`);

  if (err.problem === 'nul') {
    const at = nulAt ?? { line: 1, offset: Math.max(0, err.offset) };
    return {
      message: msg('这不是 CSV 文本文件（含有 NUL 字节）', 'this is not a CSV text file (it contains NUL bytes)'),
      line: at.line,
      offset: at.offset,
      hint: msg(
        '请导出为 CSV；电子表格（.xlsx）或二进制文件无法导入。没有字节序标记的 Excel "Unicode 文本"：加 --encoding utf16le',
        'export the data as CSV; a spreadsheet (.xlsx) or binary file cannot be imported. Excel "Unicode Text" without a byte-order mark: pass --encoding utf16le',
      ),
    };
  }
  if (err.problem === 'replacement') {
    const at = fffdAt ?? { line: 1, offset: Math.max(0, err.offset) };
    return {
      message: msg(
        '文本中含有 U+FFFD（�）——某个程序无法解码字符时留下的标记：这个导出文件在 qa 读取之前就已损坏',
        'the text holds U+FFFD (�), the mark a program leaves where it could not decode a character: this export was already damaged before qa read it',
      ),
      line: at.line,
      offset: at.offset,
      hint: msg('请从源系统重新导出（CSV UTF-8），或更正损坏的值', 'export the file again from the source system (as CSV UTF-8), or correct the damaged value'),
    };
  }
  if (err.problem === 'ambiguous') {
    const at = ambiguous[0] ?? 1;
    const offset = lineOffset(bytes, skip, at);
    let end = offset;
    while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13) end++;
    const raw = bytes.subarray(offset, end);
    const clip = (t: string): string => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
    return {
      message: msg(
        `无法判断编码：第 ${at} 行按 UTF-8 读是 ${clip(raw.toString('utf8'))}，按 GBK 读是 ${clip(new TextDecoder('gb18030').decode(raw))}`,
        `cannot tell the encoding: line ${at} reads as UTF-8 ${clip(raw.toString('utf8'))} or as GBK ${clip(new TextDecoder('gb18030').decode(raw))}`,
      ),
      line: at,
      offset,
      hint: msg('请指明：--encoding gb18030（中文 Windows 上的 Excel）或 --encoding utf8', 'say which: --encoding gb18030 (Excel on Chinese Windows) or --encoding utf8'),
    };
  }
  const mixed = (looks.utf8.length > 0 || (bom !== null && bom.enc === 'utf8')) && looks.gb18030.length > 0 && !forced;
  if (mixed || err.problem === 'mixed') {
    // Point at the encoding with fewer lines (the pasted rows); on a tie, the one that starts later.
    const [u, g] = [looks.utf8, looks.gb18030];
    const other = u.length !== g.length ? (u.length < g.length ? u : g) : (u[0] ?? 0) > (g[0] ?? 0) ? u : g;
    const first = other[0] ?? firstBad?.line ?? 1;
    const offset = firstBad && firstBad.line === first ? firstBad.offset : lineOffset(bytes, skip, first);
    return {
      message: msg(
        `文件混用了多种编码：${looks.utf8.length ? `${lines(looks.utf8)}像 UTF-8` : '字节序标记表明是 UTF-8'}，${lines(looks.gb18030)}像 GBK/GB18030${looks.invalid.length ? `；${lines(looks.invalid)}两者都不是` : ''}`,
        `the file mixes encodings: ${looks.utf8.length ? `${lines(looks.utf8)} look${looks.utf8.length > 1 ? '' : 's'} like UTF-8` : 'its byte-order mark says UTF-8'}, ${lines(looks.gb18030)} like GBK/GB18030${looks.invalid.length ? `; ${lines(looks.invalid)} like neither` : ''}`,
      ),
      line: first,
      offset,
      hint: msg(
        '请把整个文件存为同一种编码（Excel：另存为 → "CSV UTF-8"），或重新录入粘贴进来的行；如果每一行都是 GBK，加 --encoding gb18030',
        'save the whole file in one encoding (Excel: Save As → "CSV UTF-8"), or retype the pasted rows; if every line is GBK, pass --encoding gb18030',
      ),
    };
  }
  const bad = firstBad ?? { line: 1, offset: Math.max(0, err.offset), byte: bytes[Math.max(0, err.offset)] ?? 0 };
  const seen = [
    looks.utf8.length ? msg(`${lines(looks.utf8)}像 UTF-8`, `${lines(looks.utf8)} look${looks.utf8.length > 1 ? '' : 's'} like UTF-8`) : '',
    looks.gb18030.length ? msg(`${lines(looks.gb18030)}像 GBK/GB18030`, `${lines(looks.gb18030)} like GBK/GB18030`) : '',
    looks.invalid.length ? msg(`${lines(looks.invalid)}既不是 UTF-8 也不是 GBK/GB18030`, `${lines(looks.invalid)} like neither UTF-8 nor GBK/GB18030`) : '',
  ].filter(Boolean);
  const hex = `0x${bad.byte.toString(16).padStart(2, '0').toUpperCase()}`;
  return {
    message: msg(
      `文件不是有效的 ${label}：第 ${bad.offset} 字节 ${hex} 无法解码${seen.length ? `（${seen.join('；')}）` : ''}`,
      `the file is not valid ${label}: byte ${hex} at byte ${bad.offset} cannot be decoded${seen.length ? ` (${seen.join('; ')})` : ''}`,
    ),
    line: bad.line,
    offset: bad.offset,
    hint:
      enc === 'utf8'
        ? msg('文件已损坏或被两个程序编辑过：请重新导出；如果全是 GBK，加 --encoding gb18030', 'the file is damaged or was edited in two programs: export it again; if it is GBK throughout, pass --encoding gb18030')
        : msg('文件已损坏或不是 GBK：请重新导出；如果是 UTF-8，加 --encoding utf8', 'the file is damaged or is not GBK: export it again, or pass --encoding utf8 if it is UTF-8'),
  };
}

/** Offset of the first byte of line `target` (1-based, CR/LF/CRLF line ends). */
function lineOffset(bytes: Uint8Array, from: number, target: number): number {
  let line = 1;
  for (let i = from; i < bytes.length; i++) {
    if (line === target) return i;
    const b = bytes[i]!;
    if (b === 13 && bytes[i + 1] === 10) i++;
    if (b === 10 || b === 13) line++;
  }
  return bytes.length;
}

/** Offset of the first invalid GB18030 sequence in one line (a prefix search: lines are short). */
function firstInvalidGb(part: Uint8Array): number {
  let lo = 0;
  let hi = part.length;
  // The longest valid prefix (binary search on prefix validity, allowing a cut mid-character).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    let ok: boolean;
    try {
      new TextDecoder('gb18030', { fatal: true }).decode(part.subarray(0, mid), { stream: true });
      ok = true;
    } catch {
      ok = false;
    }
    if (ok) lo = mid;
    else hi = mid - 1;
  }
  // Step back to the start of the character that failed.
  let at = lo;
  while (at > 0 && part[at - 1]! >= 0x80) {
    try {
      new TextDecoder('gb18030', { fatal: true }).decode(part.subarray(0, at));
      break;
    } catch {
      at--;
    }
  }
  return at;
}

function explainUtf16(bytes: Buffer, err: DecodeError): DecodeExplanation {
  const le = err.encoding === 'utf16le';
  const bom = bomOf(bytes);
  let i = bom && bom.enc === err.encoding ? 2 : 0;
  let line = 1;
  const unit = (k: number): number => (le ? bytes[k]! | (bytes[k + 1]! << 8) : (bytes[k]! << 8) | bytes[k + 1]!);
  for (; i + 1 < bytes.length; i += 2) {
    const u = unit(i);
    if (u === 0) {
      return {
        message: `this is not a CSV text file (it contains a NUL character at byte ${i})`,
        line,
        offset: i,
        hint: `check that the file is ${ENCODING_LABEL[err.encoding]} text; pass --encoding if it is another encoding`,
      };
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = i + 3 < bytes.length ? unit(i + 2) : -1;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 2;
        continue;
      }
      break;
    }
    if (u >= 0xdc00 && u <= 0xdfff) break;
    if (u === 13 && i + 3 < bytes.length && unit(i + 2) === 10) {
      i += 2;
      line++;
      continue;
    }
    if (u === 10 || u === 13) line++;
    if (u === 0xfffd && err.problem === 'replacement') {
      return {
        message: 'the text holds U+FFFD (�), the mark a program leaves where it could not decode a character: this export was already damaged before qa read it',
        line,
        offset: i,
        hint: 'export the file again from the source system, or correct the damaged value',
      };
    }
  }
  const odd = i + 1 >= bytes.length && bytes.length % 2 === 1;
  return {
    message: odd
      ? `the file is not valid ${ENCODING_LABEL[err.encoding]}: it ends in half a character (an odd number of bytes)`
      : `the file is not valid ${ENCODING_LABEL[err.encoding]}: an unpaired surrogate at byte ${i} cannot be decoded`,
    line,
    offset: Math.min(i, bytes.length),
    hint: 'the file is damaged: export it again',
  };
}
