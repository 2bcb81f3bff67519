/**
 * One file's import (SPEC §2 "Import semantics"): parse and check every row
 * (in a worker thread for big files), write in one transaction, and either
 * commit — counting inserted / updated / unchanged / rejected — or, when a row
 * is invalid and --skip-invalid is not given, roll everything back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { KIND_SCHEMAS, type Kind } from '../core/kinds.js';
import { Interrupted, QaError } from '../errors.js';
import { metaGet, type Db } from '../db/open.js';
import { ImportWriter, type ClearedValues } from '../db/imports.js';
import type { Lang } from '../i18n.js';
import { estimateRows, normalizeEncoding, spoolStdin, toCsvLine } from './csv.js';
import { DEFAULT_MAX_RECORD } from './csvParser.js';
import { maskPhone, maskPhonesInText } from '../core/mask.js';
import { produce, type Problem, type ProduceJob, type ProducerMessage } from './producer.js';
import type { WorkerJob } from './importWorker.js';
import { Bad, problemText } from './values.js';
import { Zone } from '../core/time.js';
import { msg } from '../i18n.js';
import { trace } from '../core/trace.js';
import { ErrorSpool } from './errorSpool.js';

export interface ImportOptions {
  kind: Kind;
  /** A path, or '-' for stdin. */
  input: string;
  encoding?: string;
  /** Given with --delimiter, or null to take `,` / a tab-only header / an Excel `sep=` line. */
  delimiter: string | null;
  /** --max-record-bytes (default 1 MiB). */
  maxRecordBytes?: number;
  /** --allow-clear: accept an import that empties values an earlier import filled (SPEC §2). */
  allowClear?: boolean;
  skipInvalid: boolean;
  timezone: string;
  aliases: Record<string, string[]>;
  /** 'auto' uses a worker thread above WORKER_THRESHOLD bytes. */
  worker?: 'auto' | 'always' | 'never';
  onProgress?: (p: { file: string; bytes: number; total: number }) => void;
  /** Each rejected row as it is found (--rejects FILE); phone cells already masked unless unmask. */
  onReject?: (r: { line: number; problems: Problem[]; raw: string | null }, display: string) => void;
  /** Keep rejected rows' text even without --skip-invalid (for --rejects FILE). */
  keepRejectedText?: boolean;
  unmask?: boolean;
  lang: Lang;
  /** Keep the problems past ERROR_DETAIL_LIMIT on disk for a full listing (--json). */
  spoolErrors?: boolean;
}

export interface ImportError {
  line: number;
  column: string;
  message: string;
}

export interface ImportSummary {
  kind: Kind;
  file: string;
  sha256: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first ERROR_DETAIL_LIMIT problems; the rest are in errorSpool (with spoolErrors) and go to --rejects FILE. */
  errors: ImportError[];
  /** The same problems with their codes, for messages in the user's language. */
  problems: Problem[];
  /** Every problem found, also those past ERROR_DETAIL_LIMIT. */
  errors_total: number;
  /** The problems past ERROR_DETAIL_LIMIT, on disk (spoolErrors); the caller lists and disposes of it. */
  errorSpool: ErrorSpool | null;
  /** Extra facts, outside the SPEC keys but useful. */
  encoding: string;
  import_id: number | null;
  /** The import whose rows in `rejects` are this file's rejected rows (an earlier import of the same file keeps them). */
  rejects_import_id: number | null;
  committed: boolean;
  extra_columns: string[];
  /** Lines that repeated the header (concatenated exports): skipped, not data. */
  repeated_headers: number[];
}

export const WORKER_THRESHOLD = 4 * 1024 * 1024;
/**
 * Problems kept in memory with their text (the summary's `errors`): the first 1,000. The rest are
 * counted, spooled to disk for --json (io/errorSpool.ts) and written by --rejects FILE as they are
 * found. Kept all in memory, an export with a wrong column in every row held every message:
 * 530k problems took 790 MB (SPEC §2: memory does not grow with the file).
 */
export const ERROR_DETAIL_LIMIT = 1000;
// Rows per message. At 1,000 a batch's cell array (19,000 slots, 152 kB) is
// over V8's 128 kB regular-object limit: allocated where only a full GC frees
// it, it grew the main thread's heap to 57 MB on the 1M-row bench; 500: 41 MB.
const BATCH = 500;

export function problemMessage(p: Problem, lang: Lang): string {
  return problemText(new Bad(p.code, p.value, p.extra), lang);
}

/** The problem with any phone number in its value masked (138****5678). */
function maskProblem(p: Problem): Problem {
  const value = maskPhonesInText(p.value);
  return value === p.value ? p : { ...p, value };
}

/**
 * Import one file (or '-' for stdin) per SPEC §2. A FIFO, a character device
 * or process substitution (`<(…)`) is read as a stream: copied to a private
 * spool file first, like stdin, so it can be hashed and re-read for messages.
 * Throws QaError (exit 1) for a file that cannot be read, naming the path.
 */
export async function importFile(db: Db, opts: ImportOptions, isInterrupted: () => boolean = () => false): Promise<ImportSummary> {
  const fromStdin = opts.input === '-';
  const display = fromStdin ? 'stdin' : opts.input;
  const given = fromStdin ? null : path.resolve(opts.input);
  let st: fs.Stats | null = null;
  if (given) {
    try {
      st = fs.statSync(given);
    } catch (e) {
      throw fileError(e, display);
    }
    if (st.isDirectory()) {
      throw new QaError(msg('这是文件夹，不是文件', 'is a folder, not a file'), { where: display, hint: msg('请列出其中的 CSV 文件，例如 qa import records exports/*.csv', 'name the CSV files in it, e.g. qa import records exports/*.csv') });
    }
    try {
      fs.accessSync(given, fs.constants.R_OK);
    } catch (e) {
      throw fileError(e, display);
    }
  }
  const streamed = fromStdin || (st !== null && !st.isFile());
  const spooled = streamed ? await spoolStdin(fromStdin ? process.stdin : fs.createReadStream(given!)) : null;
  const file = spooled ? spooled.file : given!;
  try {
    const size = fs.statSync(file).size;
    if (size === 0) {
      throw new QaError(msg(`${streamed ? '输入' : '文件'}为空（0 字节）：没有表头行`, `the ${streamed ? 'input' : 'file'} is empty (0 bytes): no header row`), {
        where: display,
        hint: msg('没有数据的导出文件也需要表头行', 'an export with no rows still needs its header line'),
      });
    }
    const encoding = opts.encoding ? normalizeEncoding(opts.encoding) : null;
    const job: ProduceJob = {
      kind: opts.kind,
      file,
      display,
      encoding,
      delimiter: opts.delimiter,
      maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD,
      lang: opts.lang,
      timezone: opts.timezone,
      aliases: opts.aliases,
      keepRaw: opts.skipInvalid || !!opts.keepRejectedText,
      stopRowsOnProblem: !opts.skipInvalid,
      batchSize: BATCH,
      expectedRows: estimateRows(file, size),
      rankSeed: KIND_SCHEMAS[opts.kind].ranked ? (metaGet(db, 'seed') ?? '') : null,
    };
    const useWorker = opts.worker === 'always' || (opts.worker !== 'never' && size > WORKER_THRESHOLD);
    return await runImport(db, opts, job, display, size, useWorker, isInterrupted);
  } finally {
    spooled?.cleanup();
  }
}

/** A file-system error as a QaError naming the path (missing, no permission, …): exit 1, never 70. */
function fileError(e: unknown, display: string): QaError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new QaError(msg('没有这个文件', 'no such file'), { where: display });
  if (code === 'EACCES' || code === 'EPERM') {
    return new QaError(msg('权限不足：qa 无权读取这个文件', 'permission denied: qa may not read this file'), {
      where: display,
      hint: msg(`检查文件的所有者和权限（ls -l ${display}）；chmod u+r，或用有权读取的用户运行`, `check its owner and mode (ls -l ${display}); chmod u+r, or run as a user who may read it`),
    });
  }
  return new QaError(msg(`无法读取文件（${code ?? (e as Error).message}）`, `cannot read the file (${code ?? (e as Error).message})`), { where: display });
}

async function runImport(
  db: Db,
  opts: ImportOptions,
  job: ProduceJob,
  display: string,
  size: number,
  useWorker: boolean,
  isInterrupted: () => boolean,
): Promise<ImportSummary> {
  trace('import started');
  const writer = new ImportWriter(db, opts.kind);
  writer.begin({ file: display, encoding: job.encoding ?? 'utf8', bytes: size, skipInvalid: opts.skipInvalid, expectedRows: job.expectedRows });
  const errors: ImportError[] = [];
  const problems: Problem[] = [];
  let rejected = 0;
  let errorsTotal = 0;
  let errorSpool: ErrorSpool | null = null;
  let extraColumns: string[] = [];
  let phoneColumns: number[] = [];
  let delimiterSeen = job.delimiter ?? ',';
  let end: Extract<ProducerMessage, { t: 'end' }> | null = null;
  let failure: QaError | Error | null = null;
  let firstRows = false;

  const handle = (m: ProducerMessage): void => {
    if (failure) return;
    switch (m.t) {
      case 'header':
        delimiterSeen = m.delimiter;
        extraColumns = m.extras;
        phoneColumns = m.phoneColumns;
        break;
      case 'rows':
        for (const r of m.rejected) {
          rejected++;
          // What is shown (stderr, --json, --rejects FILE) has its phone
          // numbers masked unless --unmask; the database keeps the text as
          // read, and `qa rejects` masks it when it shows it.
          const shownProblems = opts.unmask ? r.problems : r.problems.map(maskProblem);
          for (const p of shownProblems) {
            if (errorsTotal++ >= ERROR_DETAIL_LIMIT) {
              if (opts.spoolErrors) (errorSpool ??= new ErrorSpool()).add({ line: p.line, column: p.column, message: problemMessage(p, 'en') });
              continue;
            }
            errors.push({ line: p.line, column: p.column, message: problemMessage(p, 'en') });
            problems.push(p);
          }
          if (opts.skipInvalid) {
            const raw = r.text ?? (r.fields ? toCsvLine(r.fields, delimiterSeen) : null);
            writer.reject(r.line, raw, r.problems.map((p) => `${p.column}: ${problemMessage(p, 'en')}`).join('; '));
          }
          if (opts.onReject) {
            let shown = r.fields;
            if (shown && !opts.unmask) {
              // Phone columns by position, and a phone typed in any other cell (notes, extras).
              const isPhone = new Set(phoneColumns);
              shown = shown.map((v, c) => (isPhone.has(c) ? (v ? (maskPhone(v) ?? '') : v) : maskPhonesInText(v)));
            }
            const text = opts.unmask ? r.text : maskPhonesInText(r.text);
            opts.onReject({ line: r.line, problems: shownProblems, raw: shown ? toCsvLine(shown, delimiterSeen) : (text ?? null) }, display);
          }
        }
        if (!firstRows) {
          firstRows = true;
          trace('first batch');
        }
        if (errors.length === 0 || opts.skipInvalid) writer.writeRows(m.values, m.lines, m.ranks);
        break;
      case 'progress':
        opts.onProgress?.({ file: display, bytes: m.bytes, total: size });
        break;
      case 'end':
        trace('rows parsed');
        end = m;
        break;
      case 'error':
        failure = new QaError(m.message, { ...(m.where ? { where: m.where } : {}), ...(m.hint ? { hint: m.hint } : {}) });
        break;
      case 'crash': {
        const e = new Error(m.message);
        if (m.stack) e.stack = m.stack;
        failure = e;
        break;
      }
    }
  };

  try {
    if (useWorker) {
      await new Promise<void>((resolve, reject) => {
        // A small young generation keeps the worker's heap (and so RSS) flat;
        // it measured no slower on the 1M-row bench.
        const handled = new Int32Array(new SharedArrayBuffer(4));
        const worker = new Worker(new URL('./importWorker.js', import.meta.url), {
          workerData: { job, handled } satisfies WorkerJob,
          resourceLimits: { maxYoungGenerationSizeMb: 8 },
        });
        let finished = false;
        const finish = (err?: Error): void => {
          if (finished) return;
          finished = true;
          clearInterval(poll);
          void worker.terminate();
          if (err) reject(err);
          else resolve();
        };
        const stopIfInterrupted = (): boolean => {
          if (!isInterrupted()) return false;
          worker.postMessage({ t: 'stop' });
          finish(new Interrupted());
          return true;
        };
        // Also while no batch arrives (a slow disk, a long header check).
        const poll = setInterval(stopIfInterrupted, 100);
        // One batch per turn of the event loop: a MessagePort delivers queued
        // messages back to back, and with the worker always a batch ahead that
        // starved timers and the SIGINT handler until the import was over.
        const queue: ProducerMessage[] = [];
        let scheduled = false;
        const step = (): void => {
          scheduled = false;
          if (finished || stopIfInterrupted()) return;
          const m = queue.shift();
          if (!m) return;
          try {
            handle(m);
          } catch (e) {
            finish(e as Error);
            return;
          }
          if (m.t === 'rows') {
            Atomics.add(handled, 0, 1);
            worker.postMessage({ t: 'ack' });
          }
          if (m.t === 'end' || failure) {
            finish();
            return;
          }
          if (queue.length > 0) {
            scheduled = true;
            setImmediate(step);
          }
        };
        worker.on('message', (m: ProducerMessage) => {
          queue.push(m);
          if (!scheduled) {
            scheduled = true;
            setImmediate(step);
          }
        });
        worker.on('error', (e) => finish(e));
        worker.on('exit', (code) => {
          if (!end && !failure) finish(new Error(`import worker stopped (exit code ${code})`));
        });
      });
    } else {
      await produce(job, {
        emit: handle,
        shouldStop: isInterrupted,
        room: () => new Promise<void>((r) => setImmediate(r)),
      });
      if (isInterrupted()) throw new Interrupted();
    }
    if (failure) throw failure;
    if (!end) throw new Error('import ended without a summary');
  } catch (e) {
    writer.rollback();
    (errorSpool as ErrorSpool | null)?.dispose(); // assigned in handle(): TS cannot see it
    throw e;
  }

  const done = end as Extract<ProducerMessage, { t: 'end' }>;
  const base = {
    kind: opts.kind,
    file: display,
    sha256: done.sha256,
    rows: done.rows,
    rejected,
    errors,
    problems,
    errors_total: errorsTotal,
    errorSpool,
    encoding: done.encoding,
    extra_columns: extraColumns,
    repeated_headers: done.repeatedHeaders,
  };
  if (errors.length > 0 && !opts.skipInvalid) {
    writer.rollback();
    return { ...base, inserted: 0, updated: 0, unchanged: 0, import_id: null, rejects_import_id: null, committed: false };
  }
  if (!opts.allowClear) {
    const cleared = writer.cleared();
    if (cleared) {
      writer.rollback();
      (errorSpool as ErrorSpool | null)?.dispose();
      throw clearedError(cleared, display, new Zone(opts.timezone));
    }
  }
  trace('rows written');
  const { rejectsImportId, ...counts } = writer.commit({ sha256: done.sha256, rows: done.rows, rejected });
  return { ...base, ...counts, import_id: writer.importId, rejects_import_id: rejectsImportId, committed: true };
}

/**
 * The refusal of an import that would empty values an earlier import filled
 * (SPEC §2): how many rows and values, the first rows, the import(s) that
 * filled them, and the two ways on.
 */
export function clearedError(c: ClearedValues, display: string, zone: Zone): QaError {
  const cols = c.columns.map((x) => `${x.column} ×${x.count}`).join(', ');
  const first = c.first.map((f) => `${f.id} (line ${f.line}: ${f.columns.join(', ')})`).join('; ');
  const by = c.filledBy
    .slice(0, 3)
    .map((i) => `import #${i.id} ${i.file}${i.finished_at ? ` (${zone.format(i.finished_at)})` : ''}`)
    .join(', ');
  const more = c.filledBy.length > 3 ? ` and ${c.filledBy.length - 3} more` : '';
  return new QaError(
    msg(
      `这次导入会清空之前导入已填写的 ${c.values} 个值（${c.rows} 行：${cols}），未导入任何数据。最先的几行：${first}。这些值由 ${by}${more} 填写`,
      `this import would empty ${c.values} value${c.values === 1 ? '' : 's'} in ${c.rows} row${c.rows === 1 ? '' : 's'} that an earlier import filled (${cols}); nothing was imported. First: ${first}. Filled by ${by}${more}`,
    ),
    {
      where: display,
      hint: msg(
        `是不是在较新的导出之后导入了较旧的导出？请最后导入较新的文件，或加 --allow-clear 接受清空（每行的旧版本都会保留：qa history ${c.first[0]?.id ?? '<id>'}）`,
        `is this an older export imported after a newer one? Import the newer file last, or pass --allow-clear to accept the emptied values (each row's previous version stays: qa history ${c.first[0]?.id ?? '<id>'})`,
      ),
    },
  );
}
