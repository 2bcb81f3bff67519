/**
 * Reading CSV exports (SPEC §2): the one path every CSV qa reads goes
 * through — bytes are decoded strictly by decode.ts (encoding, line ends,
 * invisible characters), an Excel `sep=X` first line and the delimiter are
 * settled, and the tokenizer (csvParser.ts) hands on each record with the
 * exact line it starts on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { QaError, UsageError } from '../errors.js';
import { msg } from '../i18n.js';
import { CsvParser, CsvSyntaxError, DEFAULT_MAX_RECORD } from './csvParser.js';
import { DecodeError, ENCODING_LABEL, explainDecodeError, normalizeEncoding, StrictDecoder, type EncodingName } from './decode.js';

export { normalizeEncoding, type EncodingName };

/** Rough row count from the first 64 KB (to size per-file structures once). */
export function estimateRows(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let lines = 0;
    for (let i = 0; i < n; i++) if (buf[i] === 10 || (buf[i] === 13 && buf[i + 1] !== 10)) lines++;
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
  /** A forced encoding (`--encoding`), or null to detect. */
  encoding: EncodingName | null;
  /** A delimiter given by the user, or null: `,`, or tab for a header with tabs and no commas; a `sep=X` line wins. */
  delimiter: string | null;
  /** Longest record accepted, in characters (`--max-record-bytes`). */
  maxRecordBytes?: number;
  /** Called with each record and the line it starts on (1-based). */
  onRecord: (fields: string[], line: number) => void;
  /** A record the tokenizer could not read (bad quoting): its line, raw text and why. */
  onMalformed: (line: number, raw: string, reason: string) => void;
  /** Awaited after each chunk: lets the consumer apply back-pressure. */
  room?: () => Promise<void> | void;
  onProgress?: (bytesRead: number) => void;
  /** The delimiter settled from the first line(s), before the first record. */
  onDelimiter?: (delimiter: string, sepLine: boolean) => void;
  /** Stop early (Ctrl-C): checked between chunks. */
  shouldStop?: () => boolean;
}

export interface CsvReadResult {
  sha256: string;
  bytes: number;
  lines: number;
  /** The encoding the file was read in ('utf8' for a file that is all ASCII). */
  encoding: EncodingName;
  delimiter: string;
  /** True when an Excel `sep=X` line set the delimiter. */
  sepLine: boolean;
}

const CHUNK = 256 * 1024;
const SEP_LINE = /^"?sep=(.)"?[,;\t|]*$/i;

/** A character shown so that a person can type it: tab, invisible or control characters escaped. */
function showDelimiter(d: string): string {
  return d === '\t' ? 'tab' : JSON.stringify(d);
}

/**
 * Stream a CSV file through the strict decoder and the tokenizer, calling
 * onRecord with exact start lines. Throws QaError for a file that cannot be
 * read as text (naming line, byte offset and the fix), an unclosed quote or
 * a record longer than the limit.
 */
export async function readCsv(opts: CsvReadOptions): Promise<CsvReadResult> {
  const { file, display } = opts;
  const max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD;
  const hash = crypto.createHash('sha256');
  const decoder = new StrictDecoder(opts.encoding);
  let parser: CsvParser | null = null;
  let delimiter = opts.delimiter ?? ',';
  let sepLine = false;
  let head = ''; // text before the parser exists: the first line or two
  let bytes = 0;

  const syntaxError = (e: unknown): unknown => {
    if (!(e instanceof CsvSyntaxError)) return e;
    if (e.code === 'unclosed_quote') {
      return new QaError(msg('引号字段没有闭合', 'a quoted field is never closed'), {
        where: `${display} line ${e.line}`,
        hint: msg('以 " 开头的字段必须以 " 结束；引号字段内的引号写成 ""', 'a field that starts with " must end with "; write a quote inside a quoted field as ""'),
      });
    }
    return new QaError(msg(`一条记录超过 ${formatBytes(max)}（--max-record-bytes 的上限）`, `a record is longer than ${formatBytes(max)} (the --max-record-bytes limit)`), {
      where: `${display} line ${e.line}`,
      hint: msg(
        `如果文件没问题，调高上限，例如 --max-record-bytes ${Math.max(max * 4, 4 << 20)}；否则检查它是不是 CSV 导出，而不是电子表格（.xlsx）或二进制文件`,
        `if the file is right, raise the limit, e.g. --max-record-bytes ${Math.max(max * 4, 4 << 20)}; else check it is a CSV export, not a spreadsheet (.xlsx) or binary file`,
      ),
    });
  };
  const decodeError = (e: unknown): unknown => {
    if (!(e instanceof DecodeError)) return e;
    const x = explainDecodeError(file, e, opts.encoding !== null);
    return new QaError(x.message, { where: `${display} line ${x.line}, byte ${x.offset}`, hint: x.hint });
  };

  /** Settle the delimiter from the first line(s), then start the tokenizer. */
  const start = (final: boolean): boolean => {
    let from = 0;
    let line = 1;
    for (;;) {
      const nl = head.indexOf('\n', from);
      if (nl === -1 && !final) {
        if (head.length > max) throw syntaxError(new CsvSyntaxError('record too long', line, 'record_too_long'));
        return false;
      }
      const first = head.slice(from, nl === -1 ? head.length : nl);
      if (!sepLine && line === 1) {
        const m = SEP_LINE.exec(first.replace(/^ +| +$/g, ''));
        if (m) {
          const declared = m[1]!;
          if (opts.delimiter !== null && opts.delimiter !== declared) {
            throw new UsageError(
              msg(
                `文件第一行声明分隔符为 ${showDelimiter(declared)}（sep=${declared}），但给了 --delimiter ${showDelimiter(opts.delimiter)}`,
                `the file's first line declares the delimiter ${showDelimiter(declared)} (sep=${declared}) but --delimiter ${showDelimiter(opts.delimiter)} was given`,
              ),
              { hint: msg('去掉 --delimiter：qa 会读取 sep= 行', 'leave out --delimiter: qa reads the sep= line') },
            );
          }
          delimiter = declared;
          sepLine = true;
          from = nl === -1 ? head.length : nl + 1;
          line = 2;
          continue;
        }
      }
      // Excel "Unicode Text" (and some systems) separate with tabs.
      if (opts.delimiter === null && !sepLine && first.includes('\t') && !first.includes(',')) delimiter = '\t';
      break;
    }
    opts.onDelimiter?.(delimiter, sepLine);
    parser = new CsvParser(delimiter, { record: opts.onRecord, malformed: opts.onMalformed }, max, line);
    const rest = head.slice(from);
    head = '';
    if (rest) parser.push(rest);
    return true;
  };

  const feed = (text: string, final: boolean): void => {
    try {
      if (parser) {
        if (text) parser.push(text);
      } else {
        head += text;
        start(final);
      }
      if (final) {
        if (!parser) start(true);
        parser!.end();
      }
    } catch (e) {
      throw syntaxError(e);
    }
  };

  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      let text: string;
      try {
        text = decoder.push(chunk);
      } catch (e) {
        throw decodeError(e);
      }
      feed(text, false);
      opts.onProgress?.(bytes);
      if (opts.shouldStop?.()) break;
      const wait = opts.room?.();
      if (wait) await wait;
    }
    if (!opts.shouldStop?.()) {
      let rest: string;
      try {
        rest = decoder.end();
      } catch (e) {
        throw decodeError(e);
      }
      feed(rest, true);
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).syscall) {
      throw new QaError(msg(`无法读取文件（${(e as NodeJS.ErrnoException).code}）`, `cannot read the file (${(e as NodeJS.ErrnoException).code})`), { where: display });
    }
    throw e;
  } finally {
    stream.destroy();
  }
  const p = parser as CsvParser | null;
  return {
    sha256: hash.digest('hex'),
    bytes,
    lines: p ? p.nextLine - 1 : 0,
    encoding: decoder.encoding ?? 'utf8',
    delimiter,
    sepLine,
  };
}

/** 1048576 → "1 MiB". */
export function formatBytes(n: number): string {
  if (n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * A small CSV read whole (finding import, inspections …): the same strict
 * decoding and tokenizer as the import, records with their lines.
 */
export async function readCsvRecords(
  file: string,
  display = file,
  opts: { encoding?: EncodingName | null; delimiter?: string | null } = {},
): Promise<{ records: { fields: string[]; line: number }[]; malformed: { line: number; message: string }[]; encoding: EncodingName }> {
  const records: { fields: string[]; line: number }[] = [];
  const malformed: { line: number; message: string }[] = [];
  const res = await readCsv({
    file,
    display,
    encoding: opts.encoding ?? null,
    delimiter: opts.delimiter ?? null,
    onRecord: (fields, line) => records.push({ fields, line }),
    onMalformed: (line, _raw, reason) => malformed.push({ line, message: reason }),
  });
  return { records, malformed, encoding: res.encoding };
}

export { ENCODING_LABEL };

/** Rebuild one CSV line from fields (for keeping a rejected row's text). */
export function toCsvLine(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}
