/**
 * `qa import <kind> <file…|->` — load exports into the database (SPEC §2).
 */
import { lookupTable } from '../core/lookup.js';
import fs from 'node:fs';
import path from 'node:path';
import { idFromName, isKind, KIND_NAMES_ZH, KINDS, type Kind } from '../core/kinds.js';
import type { Context } from '../context.js';
import { assertIntact, openDb, resolveDbPath, type Db } from '../db/open.js';
import type { Config } from '../config.js';
import { EXIT, formatError, Interrupted, QaError, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
import { importFile, problemMessage, type ImportSummary } from '../io/importFile.js';
import { normalizeEncoding } from '../io/csv.js';
import type { Problem } from '../io/producer.js';
import { BOM, excelCsvRows } from '../render/csv.js';
import { makeChalk, Progress } from '../render/term.js';
import { AtomicFile } from '../io/safeFile.js';
import { exitCodeFor, interruptedBy, onInterrupt } from '../io/cleanup.js';

export interface ImportCommandOptions {
  encoding?: string;
  delimiter?: string;
  skipInvalid?: boolean;
  rejects?: string;
  allowClear?: boolean;
  maxRecordBytes?: string;
}

/** `--max-record-bytes`: a whole number of bytes, at least 1 KiB; `4MiB`/`4M`/`512K` also read. */
export function parseMaxRecordBytes(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+)\s*(k|kb|kib|m|mb|mib)?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * (m[2] ? (m[2][0]!.toLowerCase() === 'k' ? 1024 : 1 << 20) : 1) : NaN;
  if (!Number.isSafeInteger(n) || n < 1024 || n > 1 << 30) {
    throw new UsageError(`--max-record-bytes must be a number of bytes from 1024 to 1073741824 (e.g. 4194304 or 4MiB), got "${v}"`);
  }
  return n;
}

const SCREEN_LIMIT = 50;

export function parseDelimiter(v: string | undefined): string | null {
  if (v === undefined) return null;
  const named = lookupTable({ tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' });
  const d = named[v.toLowerCase()] ?? v;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new UsageError(`--delimiter must be one character such as , ; | or tab, got "${v}"`);
  }
  return d;
}

export async function runImport(ctx: Context, kindName: string, files: string[], opts: ImportCommandOptions): Promise<number> {
  const kindArg = idFromName(kindName, KIND_NAMES_ZH);
  if (!isKind(kindArg)) {
    throw new UsageError(tr(ctx.lang, `没有这种导入类别 "${kindName}"`, `unknown kind "${kindName}"`), {
      hint: tr(ctx.lang, `类别有 ${KINDS.map((k) => `${k}（${KIND_NAMES_ZH[k]![0]}）`).join('、')}；例如 qa import records exports/records.csv`, `the kinds are ${KINDS.join(', ')}; e.g. qa import records exports/records.csv`),
    });
  }
  const kind: Kind = kindArg;
  if (files.length === 0) throw new UsageError('name at least one file to import, or - for stdin', { hint: `qa import ${kind} exports/${kind}.csv` });
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  const delimiter = parseDelimiter(opts.delimiter);
  const maxRecordBytes = parseMaxRecordBytes(opts.maxRecordBytes);
  if (opts.encoding !== undefined) normalizeEncoding(opts.encoding); // a bad name is one usage error, not one per file
  // QA_IMPORT_WORKER=never|always: parse on the main thread, or in a worker even for small files.
  const worker = ctx.env.QA_IMPORT_WORKER || 'auto'; // empty = unset, as cron env files write it
  if (worker !== 'auto' && worker !== 'always' && worker !== 'never') {
    throw new UsageError(`QA_IMPORT_WORKER must be auto, always or never, not ${JSON.stringify(worker)}`);
  }
  const rejectsPath = opts.rejects !== undefined ? checkRejectsPath(opts.rejects, ctx.cwd) : null;
  const { config } = ctx.config();
  const dbPath = resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd);
  const db = openDb(dbPath);
  try {
    assertIntact(db, dbPath);
  } catch (e) {
    db.close();
    throw e;
  }
  const { stdout, stderr } = ctx.streams;
  const chalk = makeChalk(ctx.env, stdout.isTTY);
  const progress = new Progress(stderr, !!stderr.isTTY && !ctx.json);

  // --rejects FILE is written under an unpredictable temp name (O_EXCL, 0600,
  // never through a symlink) and renamed when the import ends (also when it
  // failed: that is when it is needed); a signal or any other exit removes it.
  // Each row passes the privacy guard like stdout: phones masked unless --unmask.
  // A write error (disk full …) is kept and reported once the import is over.
  let rejectsOut: AtomicFile | null = null;
  let rejectsError: QaError | null = null;
  if (rejectsPath) {
    rejectsOut = new AtomicFile(rejectsPath, { private: ctx.unmask });
    rejectsOut.write(BOM + excelCsvRows([['file', 'line', 'column', 'problem', 'row']]));
  }
  let interrupted = false;
  // SIGINT, SIGTERM, SIGHUP: stop between batches, roll back the current file.
  const stopListening = onInterrupt(() => {
    ctx.interrupted = true;
  });

  const summaries: (ImportSummary | FailedFile)[] = [];
  let failed = false;
  let exitCode: number = EXIT.failure;
  try {
    for (const input of files) {
      const started = Date.now();
      try {
        const s = await importFile(
          db,
          {
            kind,
            input,
            ...(opts.encoding ? { encoding: opts.encoding } : {}),
            delimiter,
            ...(maxRecordBytes !== undefined ? { maxRecordBytes } : {}),
            allowClear: !!opts.allowClear,
            skipInvalid: !!opts.skipInvalid,
            timezone: config.timezone,
            aliases: config.columns[kind] ?? {},
            worker,
            keepRejectedText: !!rejectsOut,
            // --json lists every problem (SPEC §2); past the first 1,000 they wait on disk.
            spoolErrors: ctx.json,
            unmask: ctx.unmask,
            lang: ctx.lang,
            onProgress: ({ file, bytes, total }) =>
              progress.update(`${tr(ctx.lang, '导入', 'importing')} ${file}  ${Math.floor((bytes / total) * 100)}%  (${mb(bytes)} / ${mb(total)})`),
            ...(rejectsOut
              ? {
                  onReject: (r: { line: number; problems: Problem[]; raw: string | null }, display: string) => {
                    const rows = r.problems.map((p) => [display, r.line, p.column, problemMessage(p, 'en'), r.raw ?? '']);
                    ctx.privacy.rows([rows], () => `${display}:${r.line}`);
                    rejectsOut!.write(ctx.privacy.text(excelCsvRows(rows)));
                  },
                }
              : {}),
          },
          () => ctx.interrupted,
        );
        progress.done();
        summaries.push(s);
        if (!s.committed) failed = true;
        if (!ctx.json) printSummary(ctx, s, Date.now() - started, chalk);
        if (kind === 'surveys' && s.committed) await surveyFollowUps(ctx, db, config);
      } catch (e) {
        progress.done();
        if (e instanceof Interrupted) throw e;
        if (!(e instanceof QaError)) throw e;
        failed = true;
        if (files.length === 1 && !ctx.json) throw e;
        // Report this file and go on with the rest (one transaction per file);
        // with --json it is also an entry of the summary, so stdout always has one document.
        stderr.write(formatError(e));
        if (files.length === 1) exitCode = e.exitCode;
        summaries.push(failedFile(kind, input === '-' ? 'stdin' : input, e));
      }
    }
  } catch (e) {
    if (e instanceof Interrupted) {
      interrupted = true;
      stderr.write(`qa: ${tr(ctx.lang, '已中断；当前文件未写入任何内容', 'interrupted; nothing from the current file was written')}\n`);
      const signal = interruptedBy() ?? e.signal;
      return exitCodeFor(signal);
    }
    throw e;
  } finally {
    stopListening();
    db.close();
    if (rejectsOut) {
      if (interrupted) rejectsOut.abort();
      else {
        try {
          rejectsOut.commit();
        } catch (e) {
          rejectsError = e instanceof QaError ? e : new QaError(String(e));
        }
      }
    }
  }
  if (rejectsError) {
    // The import itself is done (committed or not); only the rejects file is missing.
    stderr.write(
      formatError(
        new QaError(`cannot write the rejects file: ${rejectsError.message.replace(/^cannot write [^:]*: /, '')}`, {
          where: opts.rejects!,
          hint: 'the import itself is as reported above; run it again with --rejects in a writable folder to get the file',
        }),
      ),
    );
    failed = true;
  }
  if (ctx.json) {
    const spooled: ImportSummary[] = [];
    try {
      const doc = summaries.map((s) => {
        if ('error' in s) return s;
        const j = jsonSummary(s);
        if (s.errorSpool) {
          // Filled in by writeJsonWithErrors: the errors kept in memory, then those on disk.
          j.errors = `${ERRORS_MARK}${spooled.length}`;
          spooled.push(s);
        }
        return j;
      });
      const text = `${JSON.stringify(doc.length === 1 && files.length === 1 ? doc[0] : doc, null, 2)}\n`;
      if (spooled.length === 0) stdout.write(text);
      else await writeJsonWithErrors(stdout, text, spooled);
    } finally {
      for (const s of spooled) s.errorSpool?.dispose();
    }
  }
  return failed ? exitCode : EXIT.ok;
}

/**
 * Check --rejects FILE before anything is imported: its folder must exist and
 * it must not be a folder itself. Returns the absolute path.
 */
export function checkRejectsPath(file: string, cwd: string): string {
  const hint = 'name a file in an existing folder, e.g. --rejects rejects.csv';
  if (file === '') throw new UsageError('--rejects needs a file name', { hint });
  const abs = path.resolve(cwd, file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`--rejects: cannot use this path (${code ?? (e as Error).message})`, { where: file, hint });
  }
  if (st?.isDirectory()) throw new UsageError('--rejects names a folder, not a file', { where: file, hint });
  const folder = path.dirname(abs);
  let dir: fs.Stats | undefined;
  try {
    dir = fs.statSync(folder);
  } catch {
    dir = undefined;
  }
  if (!dir?.isDirectory()) throw new UsageError(`--rejects: the folder ${folder} does not exist`, { where: file, hint });
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch {
    throw new UsageError(`--rejects: the folder ${folder} is not writable`, { where: file, hint });
  }
  return abs;
}

/** A file that could not be read at all (empty, binary, no required column …), in the SPEC §2 summary shape. */
interface FailedFile {
  kind: Kind;
  file: string;
  sha256: null;
  rows: 0;
  inserted: 0;
  updated: 0;
  unchanged: 0;
  rejected: 0;
  errors: { line: number | null; column: string | null; message: string }[];
  errors_total: number;
  committed: false;
  error: { message: string; where?: string; hint?: string };
}

function failedFile(kind: Kind, file: string, e: QaError): FailedFile {
  const line = e.where ? /\bline (\d+)/.exec(e.where) : null;
  return {
    kind,
    file,
    sha256: null,
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    errors: [{ line: line ? Number(line[1]) : null, column: null, message: e.message }],
    errors_total: 1,
    committed: false,
    error: { message: e.message, ...(e.where ? { where: e.where } : {}), ...(e.hint ? { hint: e.hint } : {}) },
  };
}

function jsonSummary(s: ImportSummary): Record<string, unknown> {
  // SPEC §2 keys first, then extras.
  return {
    kind: s.kind,
    file: s.file,
    sha256: s.sha256,
    rows: s.rows,
    inserted: s.inserted,
    updated: s.updated,
    unchanged: s.unchanged,
    rejected: s.rejected,
    errors: s.errors,
    // Every problem (SPEC §2); with many, the later ones are streamed from disk (writeJsonWithErrors).
    errors_total: s.errors_total,
    committed: s.committed,
    import_id: s.import_id,
    encoding: s.encoding,
    extra_columns: s.extra_columns,
    repeated_headers: s.repeated_headers,
  };
}

/** Stands for a summary's errors array in the JSON text until writeJsonWithErrors streams it. */
const ERRORS_MARK = '\u0001qa-errors-';

/**
 * Write the --json text, streaming in place of each marked "errors" value the summary's errors:
 * those kept in memory, then every one spooled to disk, pretty-printed like the rest. Waits for
 * 'drain' between pieces, so a slow reader of a huge listing never makes it pile up in memory.
 */
async function writeJsonWithErrors(out: NodeJS.WritableStream, text: string, spooled: ImportSummary[]): Promise<void> {
  let chunk = '';
  const put = async (s: string): Promise<void> => {
    chunk += s;
    if (chunk.length < 1 << 16) return;
    const ok = out.write(chunk);
    chunk = '';
    if (!ok) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  let from = 0;
  for (let k = 0; k < spooled.length; k++) {
    const mark = JSON.stringify(`${ERRORS_MARK}${k}`);
    const at = text.indexOf(mark, from);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = ' '.repeat(/^ */.exec(text.slice(lineStart, at))![0].length + 2);
    await put(text.slice(from, at));
    await put('[');
    let first = true;
    const item = async (e: unknown): Promise<void> => {
      await put(`${first ? '' : ','}\n${indent}${JSON.stringify(e, null, 2).replace(/\n/g, `\n${indent}`)}`);
      first = false;
    };
    const s = spooled[k]!;
    for (const e of s.errors) await item(e);
    for (const l of s.errorSpool!.lines()) await item(JSON.parse(l));
    await put(`\n${indent.slice(2)}]`);
    from = at + mark.length;
  }
  await put(text.slice(from));
  if (chunk !== '') out.write(chunk);
}

function mb(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function printSummary(ctx: Context, s: ImportSummary, ms: number, chalk: ReturnType<typeof makeChalk>): void {
  const { stdout, stderr } = ctx.streams;
  const n = (x: number): string => x.toLocaleString('en-US');
  const L = ctx.lang;
  if (s.errors.length > 0) {
    const shown = s.problems.slice(0, SCREEN_LIMIT);
    for (const p of shown) stderr.write(`${s.file}:${p.line}: ${p.column}: ${problemMessage(p, L)}\n`);
    if (s.errors_total > shown.length) {
      const more = n(s.errors_total - shown.length);
      stderr.write(tr(L, `…另有 ${more} 个问题（用 --json 或 --rejects FILE 查看全部）\n`, `… and ${more} more (all of them with --json or --rejects FILE)\n`));
    }
  }
  if (!s.committed) {
    stderr.write(
      formatError(
        new QaError(
          tr(L, `${n(s.rejected)} 行无效，未导入任何数据`, `${n(s.rejected)} invalid row${s.rejected === 1 ? '' : 's'}; nothing was imported`),
          { where: s.file, hint: tr(L, '修正这些行后重新导入，或加 --skip-invalid 导入有效行并保留被拒行', 'fix them and import again, or pass --skip-invalid to import the valid rows and keep the rejected ones') },
        ),
      ),
    );
    return;
  }
  const parts = [
    tr(L, `${n(s.rows)} 行`, `${n(s.rows)} row${s.rows === 1 ? '' : 's'}`),
    tr(L, `新增 ${n(s.inserted)}`, `${n(s.inserted)} inserted`),
    tr(L, `更新 ${n(s.updated)}`, `${n(s.updated)} updated`),
    tr(L, `未变 ${n(s.unchanged)}`, `${n(s.unchanged)} unchanged`),
    s.rejected ? chalk.yellow(tr(L, `拒绝 ${n(s.rejected)}`, `${n(s.rejected)} rejected`)) : tr(L, `拒绝 0`, `0 rejected`),
  ];
  stdout.write(`${chalk.bold(s.file)}: ${parts.join(', ')}  (${s.kind}, ${s.encoding}, ${(ms / 1000).toFixed(1)} s)\n`);
  if (s.extra_columns.length) {
    stdout.write(tr(L, `  额外列已保留：${s.extra_columns.join(', ')}\n`, `  extra columns kept: ${s.extra_columns.join(', ')}\n`));
  }
  if (s.repeated_headers.length) {
    const lines = s.repeated_headers.slice(0, 5).join(', ') + (s.repeated_headers.length > 5 ? ' …' : '');
    stdout.write(tr(L, `  重复的表头行已跳过（合并的导出文件？）：第 ${lines} 行\n`, `  repeated header line${s.repeated_headers.length > 1 ? 's' : ''} skipped (concatenated exports?): line ${lines}\n`));
  }
  if (s.rejected) {
    stderr.write(
      tr(L, `qa: 警告：${n(s.rejected)} 行被拒绝并保存在数据库中（qa rejects --import ${s.rejects_import_id}）\n`, `qa: warning: ${n(s.rejected)} row${s.rejected === 1 ? '' : 's'} rejected and kept in the database (qa rejects --import ${s.rejects_import_id})\n`),
    );
  }
}

/**
 * SPEC §6: a survey with hidden_fee yes or overall <= 2 opens a follow-up
 * rectification for its record's department, as soon as it is imported.
 * Said on stderr (stdout keeps the import summary and its JSON as they are).
 */
async function surveyFollowUps(ctx: Context, db: Db, config: Config): Promise<void> {
  const [{ openSurveyFollowUps }, { Zone }, { currentUser }] = await Promise.all([import('../app/callback.js'), import('../core/time.js'), import('../core/actor.js')]);
  const at = ctx.now().getTime();
  const ids = openSurveyFollowUps(db, config, new Zone(config.timezone), currentUser(ctx.env), at);
  if (ids.length) {
    ctx.streams.stderr.write(
      tr(ctx.lang, `回访跟进：新开整改 ${ids.length} 项（隐藏收费或整体评分 ≤ 2），见 qa rectify list\n`, `survey follow-ups: ${ids.length} rectifications opened (hidden fee or overall <= 2); see qa rectify list\n`),
    );
  }
}
