/**
 * The parsing half of an import: read the file, map the header, convert and
 * check every row, and hand batches of typed rows (and the problems found) to
 * a consumer. It runs in a worker thread for large files, so the main thread
 * can write to SQLite while the next batch is parsed, or inline for small
 * ones; either way the messages are the same.
 */
import type { Kind } from '../core/kinds.js';
import { rankOf } from '../core/rank.js';
import { Zone } from '../core/time.js';
import { QaError } from '../errors.js';
import { readCsv } from './csv.js';
import { msg, setMessageLang, type Lang } from '../i18n.js';
import type { EncodingName } from './decode.js';
import { clean, mapHeader, normalizeHeader, RowConverter, type Cell, type HeaderMap } from './rows.js';
import { IdIndex } from './idIndex.js';
import { Bad } from './values.js';

export interface ProduceJob {
  kind: Kind;
  file: string;
  display: string;
  /** Forced (`--encoding`), or null: decided by decode.ts. */
  encoding: EncodingName | null;
  /** Given (`--delimiter`), or null: `,`, a tab-only header's tab, or an Excel `sep=` line. */
  delimiter: string | null;
  /** `--max-record-bytes`. */
  maxRecordBytes: number;
  /** Language of the messages made here (the worker thread has its own module state). */
  lang: Lang;
  timezone: string;
  aliases: Record<string, string[]>;
  /** Keep the text of rejected rows (only needed with --skip-invalid). */
  keepRaw: boolean;
  /** Stop sending valid rows after the first problem (all-or-nothing mode). */
  stopRowsOnProblem: boolean;
  batchSize: number;
  /** Estimated rows, to size the duplicate-id hash table at once if the ids do not come in runs (io/idIndex.ts). */
  expectedRows: number;
  /**
   * The database seed, for kinds that are ranked (records, calls): each row's
   * sampling rank is a sha256 (core/rank.ts), computed here so that in a
   * worker it runs beside the SQLite writes instead of before them.
   */
  rankSeed: string | null;
}

export interface Problem {
  line: number;
  column: string;
  code: Bad['code'];
  value: string;
  extra: number;
}

export interface RejectedRow {
  line: number;
  /** The row's cells as read (kept only when the caller stores or writes rejects). */
  fields: string[] | null;
  /** For a row that could not be split into cells: its text as read. */
  text?: string;
  problems: Problem[];
}

export type ProducerMessage =
  | { t: 'header'; found: string[]; extras: string[]; phoneColumns: number[]; delimiter: string }
  | { t: 'rows'; values: Cell[]; lines: number[]; ranks: Float64Array | null; rejected: RejectedRow[] }
  | { t: 'progress'; bytes: number }
  | { t: 'end'; sha256: string; bytes: number; rows: number; encoding: EncodingName; delimiter: string; sepLine: boolean; repeatedHeaders: number[] }
  | { t: 'error'; message: string; where?: string; hint?: string }
  | { t: 'crash'; message: string; stack?: string };

export interface ProducerIo {
  emit: (m: ProducerMessage) => void;
  /** Resolves when the consumer has room for more batches. */
  room?: () => Promise<void> | void;
  shouldStop?: () => boolean;
  /** Compute this batch's sampling ranks here (true when absent); false leaves them to the writer. */
  rankHere?: () => boolean;
}

export async function produce(job: ProduceJob, io: ProducerIo): Promise<void> {
  setMessageLang(job.lang);
  const zone = new Zone(job.timezone);
  let map: HeaderMap | null = null;
  let conv: RowConverter | null = null;
  const ids = new IdIndex(job.expectedRows);
  let rows = 0;
  let headerCells: string[] | null = null;
  let headerRaw: string[] | null = null;
  let headerNames: Set<string> | null = null;
  const repeatedHeaders: number[] = [];
  let delimiter = ',';
  let sawProblem = false;
  let values: Cell[] = [];
  let lines: number[] = [];
  let rejected: RejectedRow[] = [];
  const rankKind = job.rankSeed !== null && (job.kind === 'records' || job.kind === 'calls') ? job.kind : null;
  // 48-bit ranks in a plain array would each be a boxed heap number; a typed
  // array of the batch size keeps them out of the garbage collector's way.
  const ranks = rankKind ? new Float64Array(job.batchSize) : null;

  const flush = (): void => {
    if (lines.length === 0 && rejected.length === 0) return;
    // The ranks (a sha256 per row, ~0.5 µs) are computed by whichever side has time: here when the
    // writer is behind (it would wait for us anyway), else left to the writer (ImportWriter.writeRows).
    let batchRanks: Float64Array | null = null;
    if (ranks && (io.rankHere?.() ?? true)) {
      const w = conv!.width;
      for (let r = 0; r < lines.length; r++) ranks[r] = rankOf(job.rankSeed!, rankKind!, values[r * w] as string);
      batchRanks = ranks.slice(0, lines.length);
    }
    io.emit({ t: 'rows', values, lines, ranks: batchRanks, rejected });
    values = [];
    lines = [];
    rejected = [];
  };

  try {
    const res = await readCsv({
      file: job.file,
      display: job.display,
      encoding: job.encoding,
      delimiter: job.delimiter,
      maxRecordBytes: job.maxRecordBytes,
      onDelimiter: (d) => {
        delimiter = d;
      },
      room: () => {
        flush();
        return io.room?.();
      },
      shouldStop: io.shouldStop,
      onProgress: (bytes) => io.emit({ t: 'progress', bytes }),
      onMalformed: (line, raw, reason) => {
        if (!map) {
          throw new QaError(`the header line cannot be read: ${reason}`, { where: `${job.display} line ${line}` });
        }
        rows++;
        sawProblem = true;
        rejected.push({
          line,
          fields: null,
          ...(job.keepRaw ? { text: raw } : {}),
          problems: [{ line, column: '(row)', code: 'malformed_row', value: raw.slice(0, 40), extra: 0 }],
        });
      },
      onRecord: (fields, line) => {
        if (!map) {
          if (RowConverter.isBlank(fields)) return; // blank lines before the header
          map = mapHeader(job.kind, fields, job.aliases, job.display);
          headerCells = fields.map(normalizeHeader);
          headerNames = new Set([...headerCells, ...map.schema.fields.flatMap((fd) => [fd.name, ...fd.aliases, ...(job.aliases[fd.name] ?? [])].map(normalizeHeader))]);
          headerRaw = fields.slice();
          conv = new RowConverter(map, zone);
          io.emit({
            t: 'header',
            delimiter,
            found: map.found,
            extras: map.extras.map((x) => x.name),
            phoneColumns: map.schema.fields.flatMap((fd, i) => (fd.personal && map!.columnOf[i] !== -1 ? [map!.columnOf[i]!] : [])),
          });
          return;
        }
        if (RowConverter.isBlank(fields)) return;
        // A DOS end-of-file mark (Ctrl-Z) that old systems append: not data.
        if (fields.length === 1 && fields[0] === '\x1a') return;
        // The header again (exports concatenated with `cat`, each with its header): not data.
        if (isHeaderAgain(fields, headerRaw!, headerCells!)) {
          repeatedHeaders.push(line);
          return;
        }
        rows++;
        const idCol = map.columnOf[0]!;
        // The id as it is stored (blanks trimmed, Excel's ="…" guard unwrapped): SR-1 and ="SR-1" are one id.
        const id = clean(fields[idCol]);
        const before = values.length;
        let problems = conv!.convert(fields, values);
        if (id !== '') {
          const first = ids.add(id, line);
          if (first !== 0) {
            if (!problems) {
              values.length = before; // take back the row just appended
              problems = [];
            }
            problems.push({ column: map.schema.idField, bad: new Bad('duplicate_id', id, first) });
          }
        }
        if (problems) {
          // A header in another column order (exports of two layouts concatenated): the rows after
          // it would be read with the first header's columns. Refuse the file, even with --skip-invalid.
          if (isHeaderLike(fields, headerNames!)) {
            throw new QaError(
              msg(`第 ${line} 行又是一个表头，但列的顺序不同：之后的行会按第一个表头的列读错`, `line ${line} is another header with its columns in a different order: the rows after it would be read with the first header's columns`),
              { where: `${job.display} line ${line}`, hint: msg('把文件在这一行拆开，分别导入', 'split the file at that line and import the parts separately') },
            );
          }
          sawProblem = true;
          rejected.push({
            line,
            fields: job.keepRaw ? fields : null,
            problems: problems.map((p) => ({ line, column: p.column, code: p.bad.code, value: p.bad.value, extra: p.bad.extra })),
          });
        } else if (sawProblem && job.stopRowsOnProblem) {
          values.length = before; // nothing will be written: do not ship it
        } else {
          lines.push(line);
        }
        if (lines.length >= job.batchSize || rejected.length >= job.batchSize) flush();
      },
    });
    if (!map) {
      throw new QaError('the file is empty: no header row', {
        where: job.display,
        hint: 'an export with no rows still needs its header line',
      });
    }
    flush();
    io.emit({ t: 'end', sha256: res.sha256, bytes: res.bytes, rows, encoding: res.encoding, delimiter: res.delimiter, sepLine: res.sepLine, repeatedHeaders });
  } catch (e) {
    if (e instanceof QaError) {
      io.emit({ t: 'error', message: e.message, ...(e.where ? { where: e.where } : {}), ...(e.hint ? { hint: e.hint } : {}) });
    } else {
      const err = e as Error;
      io.emit({ t: 'crash', message: err?.message ?? String(e), ...(err?.stack ? { stack: err.stack } : {}) });
    }
  }
}

/**
 * True when a row repeats the header cell for cell: concatenated exports of one
 * system repeat it exactly (a BOM or zero-width characters are already gone),
 * so the raw cells are compared first — a data row fails on its first cell at
 * the cost of one string comparison — and normalised only when they match.
 */
function isHeaderAgain(fields: readonly string[], raw: readonly string[], header: readonly string[]): boolean {
  if (fields.length < header.length || fields[0] !== raw[0]) return false;
  for (let i = 0; i < header.length; i++) if (fields[i] !== raw[i] && normalizeHeader(fields[i]!) !== header[i]) return false;
  for (let i = header.length; i < fields.length; i++) if (fields[i]!.trim() !== '') return false;
  return true;
}

/**
 * True when a (rejected) row reads as a header: at least two, and at least
 * half, of its non-empty cells are column names of this kind or of the file's header.
 */
function isHeaderLike(fields: readonly string[], names: ReadonlySet<string>): boolean {
  const cells = fields.map(normalizeHeader).filter((c) => c !== '');
  if (cells.length < 2) return false;
  const known = cells.filter((c) => names.has(c)).length;
  return known >= 2 && known * 2 >= cells.length;
}
