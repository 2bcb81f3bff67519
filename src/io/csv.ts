/**
 * Reading CSV exports: encoding detection (UTF-8 with or without BOM, else
 * GB18030 as Excel on Chinese Windows writes it), streaming decode, and the
 * tokenizer (csvParser.ts) with exact line numbers for every record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { QaError, UsageError } from '../errors.js';
import { CsvParser, CsvSyntaxError } from './csvParser.js';

export type EncodingName = 'utf8' | string;

export interface Encoding {
  /** 'utf8' or an iconv-lite encoding name ('gb18030', …). */
  name: EncodingName;
  /** Bytes of byte-order mark to skip. */
  bom: number;
  /** How it was decided, for the import summary. */
  detected: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const GB18030_BOM = [0x84, 0x31, 0x95, 0x33];
const SNIFF_WINDOW = 64 * 1024;

/** `--encoding` value → canonical name, or a usage error. */
export function normalizeEncoding(value: string): EncodingName {
  const v = value.trim().toLowerCase().replace(/_/g, '-');
  if (v === 'utf8' || v === 'utf-8' || v === 'utf-8-bom' || v === 'utf8bom') return 'utf8';
  // GBK and GB2312 are subsets of GB18030: decoding with the superset is always right.
  if (v === 'gbk' || v === 'gb2312' || v === 'gb18030' || v === 'cp936') return 'gb18030';
  if (iconv.encodingExists(v)) return v;
  throw new UsageError(`unknown encoding "${value}"`, { hint: 'use --encoding utf8 or --encoding gb18030' });
}

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** Cut a buffer before a trailing incomplete UTF-8 sequence. */
function completeUtf8Prefix(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return n;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return len > back ? n - back : n;
  }
  return n;
}

/**
 * Decide the encoding of a file: a BOM wins; otherwise the first non-ASCII
 * bytes are checked — valid UTF-8 there means UTF-8, anything else means
 * GB18030 (Chinese text in GB18030 is practically never valid UTF-8).
 */
export async function detectEncoding(file: string, display = file): Promise<Encoding> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    const h = head.subarray(0, bytesRead);
    if (startsWith(h, UTF8_BOM)) return { name: 'utf8', bom: 3, detected: true };
    if (startsWith(h, GB18030_BOM)) return { name: 'gb18030', bom: 4, detected: true };
    const chunk = Buffer.alloc(1 << 20);
    let pos = 0;
    // NUL bytes do not occur in text exports (UTF-8 or GB18030): refuse early
    // instead of reporting mojibake "headers".
    const { bytesRead: firstRead } = await fh.read(chunk, 0, 64 * 1024, 0);
    if (chunk.subarray(0, firstRead).includes(0)) {
      throw new QaError('this is not a CSV text file (it contains NUL bytes)', {
        where: display,
        hint: 'export the data as CSV; a spreadsheet (.xlsx) or binary file cannot be imported',
      });
    }
    for (;;) {
      const { bytesRead: n } = await fh.read(chunk, 0, chunk.length, pos);
      if (n === 0) return { name: 'utf8', bom: 0, detected: true }; // all ASCII
      const part = chunk.subarray(0, n);
      if (isAscii(part)) {
        pos += n;
        continue;
      }
      let first = 0;
      while (part[first]! < 0x80) first++;
      const window = Buffer.alloc(SNIFF_WINDOW);
      const { bytesRead: w } = await fh.read(window, 0, SNIFF_WINDOW, pos + first);
      const sample = window.subarray(0, w);
      const atEof = w < SNIFF_WINDOW;
      const cut = atEof ? sample.length : completeUtf8Prefix(sample);
      return { name: isUtf8(sample.subarray(0, cut)) ? 'utf8' : 'gb18030', bom: 0, detected: true };
    }
  } finally {
    await fh.close();
  }
}

/** Rough row count from the first 64 KB (to size per-file structures once). */
export function estimateRows(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let lines = 0;
    for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
    return lines === 0 ? 16 : Math.ceil((size / n) * lines * 1.05);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copy stdin to a private temp file so it can be sniffed, hashed and re-read.
 * The folder is mkdtemp's (random name, 0700), the file is created
 * exclusively (0600); it holds the customers' phone numbers unmasked, so it
 * is removed on every exit path: cleanup(), a failure here, a normal exit,
 * and SIGINT/SIGTERM/SIGHUP — which also stop the copy at once, even while
 * stdin is still open (rejects with Interrupted).
 */
export async function spoolStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<{ file: string; cleanup: () => void }> {
  const { registerCleanup, onInterrupt, interruptedError } = await import('./cleanup.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-stdin-'));
  const remove = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const forget = registerCleanup(remove);
  const cleanup = (): void => {
    remove();
    forget();
  };
  const file = path.join(dir, 'stdin.csv');
  try {
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let stopListening = (): void => {};
    try {
      await new Promise<void>((resolve, reject) => {
        stopListening = onInterrupt((signal) => {
          stdin.unpipe(out);
          (stdin as NodeJS.ReadableStream & { pause?: () => void }).pause?.();
          out.destroy();
          reject(interruptedError(signal));
        });
        stdin.on('error', reject);
        out.on('error', reject);
        out.on('finish', () => resolve());
        stdin.pipe(out);
      });
    } finally {
      stopListening();
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { file, cleanup };
}

export interface CsvReadOptions {
  file: string;
  /** Name used in messages (the path as the user typed it, or "stdin"). */
  display: string;
  encoding: Encoding;
  delimiter: string;
  /** Called with each record and the line it starts on (1-based). */
  onRecord: (fields: string[], line: number) => void;
  /** A record the tokenizer could not read (bad quoting): its line, raw text and why. */
  onMalformed: (line: number, raw: string, reason: string) => void;
  /** Awaited after each chunk: lets the consumer apply back-pressure. */
  room?: () => Promise<void> | void;
  onProgress?: (bytesRead: number) => void;
  /** Stop early (Ctrl-C): checked between chunks. */
  shouldStop?: () => boolean;
}

export interface CsvReadResult {
  sha256: string;
  bytes: number;
  lines: number;
}

const CHUNK = 256 * 1024;

/** Stream a CSV file through the tokenizer, calling onRecord with exact start lines. */
export async function readCsv(opts: CsvReadOptions): Promise<CsvReadResult> {
  const { file, display, encoding } = opts;
  const hash = crypto.createHash('sha256');
  const parser = new CsvParser(opts.delimiter, { record: opts.onRecord, malformed: opts.onMalformed });
  // fatal: invalid UTF-8 throws instead of turning into U+FFFD (a GB18030 file
  // forced to utf8, or a corrupt export); stream: sequences may span chunks.
  const utf8 = encoding.name === 'utf8' ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : null;
  const other = utf8 ? null : iconv.getDecoder(encoding.name);
  let bytes = 0;
  let skipBom = encoding.bom;

  const syntaxError = (e: unknown): unknown => {
    if (!(e instanceof CsvSyntaxError)) return e;
    if (e.code === 'unclosed_quote') {
      return new QaError('a quoted field is never closed', {
        where: `${display} line ${e.line}`,
        hint: 'a field that starts with " must end with "; write a quote inside a quoted field as ""',
      });
    }
    return new QaError('a record is longer than 1 MB — this does not look like a CSV export', {
      where: `${display} line ${e.line}`,
      hint: 'check the file is the right one, not a spreadsheet (.xlsx) or a binary file',
    });
  };

  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      hash.update(chunk);
      bytes += chunk.length;
      if (skipBom) {
        const n = Math.min(skipBom, chunk.length);
        chunk = chunk.subarray(n);
        skipBom -= n;
      }
      let text: string;
      if (utf8) {
        try {
          text = utf8.decode(chunk, { stream: true });
        } catch {
          throw await invalidUtf8(file, display);
        }
      } else {
        text = other!.write(chunk);
      }
      try {
        if (text.length > 0) parser.push(text);
      } catch (e) {
        throw syntaxError(e);
      }
      opts.onProgress?.(bytes);
      if (opts.shouldStop?.()) return { sha256: hash.digest('hex'), bytes, lines: parser.nextLine - 1 };
      const wait = opts.room?.();
      if (wait) await wait;
    }
    let rest: string;
    if (utf8) {
      try {
        rest = utf8.decode();
      } catch {
        throw await invalidUtf8(file, display);
      }
    } else {
      rest = other!.end() ?? '';
    }
    try {
      if (rest) parser.push(rest);
      parser.end();
    } catch (e) {
      throw syntaxError(e);
    }
  } finally {
    stream.destroy();
  }
  return { sha256: hash.digest('hex'), bytes, lines: parser.nextLine - 1 };
}

/**
 * Locate the first invalid UTF-8 byte (its line and offset) for the message.
 * Only runs once a decode has failed, so a plain byte loop is fine here.
 */
async function invalidUtf8(file: string, display: string): Promise<QaError> {
  let offset = 0;
  let line = 1;
  let need = 0; // continuation bytes still expected
  let seqStart = 0;
  let seqLine = 1;
  let bad = -1;
  let min = 0x80; // smallest valid second byte (overlong / surrogate checks)
  let max = 0xbf;
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++, offset++) {
        const b = chunk[i]!;
        if (need > 0) {
          if (b < min || b > max) {
            bad = seqStart;
            line = seqLine;
            break outer;
          }
          min = 0x80;
          max = 0xbf;
          need--;
          continue;
        }
        if (b === 10) line++;
        if (b < 0x80) continue;
        seqStart = offset;
        seqLine = line;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0) min = 0xa0;
          if (b === 0xed) max = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0) min = 0x90;
          if (b === 0xf4) max = 0x8f;
        } else {
          bad = offset;
          break outer;
        }
      }
    }
  } finally {
    stream.destroy();
  }
  if (bad === -1) bad = need > 0 ? seqStart : offset; // truncated sequence at the end
  return new QaError(`the file is not valid UTF-8 (byte ${bad})`, {
    where: `${display} line ${line}`,
    hint: 'if it was saved by Excel on Chinese Windows, pass --encoding gb18030',
  });
}

/** Rebuild one CSV line from fields (for keeping a rejected row's text). */
export function toCsvLine(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}
