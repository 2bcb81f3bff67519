/**
 * `qa finding add` and `qa finding import` — record answers without prompts,
 * for scripts (SPEC §4).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { checklistOf, parseResult, recordFinding, resolveItem, reviewState } from '../app/review.js';
import { currentUser } from '../core/actor.js';
import { Zone } from '../core/time.js';
import { allOrNothing } from '../db/tx.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { ReviewStore, type ItemKind } from '../db/review.js';
import { EXIT, QaError, UsageError } from '../errors.js';
import { msg, tr } from '../i18n.js';
import { idFromName, KIND_NAMES_ZH } from '../core/kinds.js';
import { readCsvRecords } from '../io/csv.js';

export interface FindingAddOptions {
  item?: string;
  kind?: string;
  check?: string;
  result?: string;
  note?: string;
  auditor?: string;
  unsampled?: string;
}

function kindOption(given: string | undefined): ItemKind | undefined {
  if (given === undefined) return undefined;
  const v = idFromName(given, KIND_NAMES_ZH);
  if (v !== 'records' && v !== 'calls') throw new UsageError(msg(`--kind 必须是 records（服务记录）或 calls（热线录音），收到 "${given}"`, `--kind must be records or calls, got "${given}"`));
  return v;
}

export function runFindingAdd(ctx: Context, opts: FindingAddOptions): number {
  for (const [flag, v] of [['--item', opts.item], ['--check', opts.check], ['--result', opts.result]] as const) {
    if (!v) throw new UsageError(msg(`需要 ${flag}`, `${flag} is required`), { hint: 'qa finding add --item SR-202610-00042 --check polite --result fail --note "…"' });
  }
  const result = parseResult(opts.result!);
  if (!result) throw new UsageError(msg(`--result 必须是 pass（通过）、fail（不通过）或 na（不适用），收到 "${opts.result}"`, `--result must be pass, fail or na, got "${opts.result}"`));
  const kind = kindOption(opts.kind);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const store = new ReviewStore(db);
    const item = resolveItem(store, opts.item!, kind);
    const out = recordFinding(store, config, zone, {
      item,
      check: opts.check!,
      result,
      note: opts.note,
      auditor: opts.auditor ?? currentUser(ctx.env),
      unsampledReason: opts.unsampled,
      at: ctx.now().getTime(),
    });
    const st = out.state;
    if (ctx.json) {
      ctx.streams.stdout.write(
        `${JSON.stringify(
          {
            finding_id: out.findingId,
            rectification_id: out.rectificationId,
            item: { kind: item.kind, id: item.id, checklist: st.checklist.kind },
            reviewed: st.score.reviewed,
            answered: st.score.answered,
            checks: st.score.total,
            passed: st.score.passed,
            score: st.score.score,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const L = ctx.lang;
      ctx.streams.stdout.write(
        tr(L, `已记录 ${item.id} ${opts.check}: ${result}（${st.score.answered}/${st.score.total}）`, `recorded ${item.id} ${opts.check}: ${result} (${st.score.answered}/${st.score.total} checks answered)`) +
          (out.rectificationId !== null ? tr(L, `；已开立整改 #${out.rectificationId}`, `; rectification #${out.rectificationId} opened`) : '') +
          '\n',
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/**
 * Header names accepted per column (compared trimmed and lower-cased): the
 * English ids and the Chinese headers a team writes in Excel. The first one
 * of each list is the header `qa finding template` writes (English / Chinese).
 */
export const COLUMN_ALIASES: Record<string, string[]> = {
  item: ['item', '项目编号', 'item_id', 'record_id', 'call_id', 'id', '编号', '项目', '记录编号', '录音编号', '服务单号'],
  kind: ['kind', '种类', '类别', '类型', '项目类型'],
  check: ['check', '检查项代码', 'check_code', 'code', '检查项', '检查代码', '代码', '审核项'],
  result: ['result', '结果', '审核结果', '结论', '判定'],
  note: ['note', '问题说明', 'notes', '说明', '备注'],
  auditor: ['auditor', '审核人', '审核员', '审核人员'],
  unsampled: ['unsampled', '抽样外原因', 'unsampled_reason', '未抽样原因'],
};
/** The template's columns, in order. */
export const TEMPLATE_COLUMNS = ['item', 'kind', 'check', 'result', 'note', 'auditor', 'unsampled'] as const;

/** records / calls from the id or its Chinese names (记录, 服务记录, 录音, 热线录音). */
function kindValue(v: string | undefined): ItemKind | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (['记录', '服务记录', 'record'].includes(s)) return 'records';
  if (['录音', '热线录音', 'call'].includes(s)) return 'calls';
  return kindOption(s);
}

/**
 * Bulk answers from a CSV (item, check, result, note, auditor, kind,
 * unsampled): all or nothing, every problem listed with its line.
 */
export async function runFindingImport(ctx: Context, file: string): Promise<number> {
  if (!fs.existsSync(file)) throw new QaError('no such file', { where: file });
  // The import's reader: strict decoding (no U+FFFD), every line end, `sep=`, and real line numbers.
  let read: Awaited<ReturnType<typeof readCsvRecords>>;
  try {
    read = await readCsvRecords(file, file);
  } catch (e) {
    if (e instanceof QaError) throw e;
    throw new QaError(`cannot read the CSV: ${(e as Error).message}`, { where: file });
  }
  const rows = read.records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const malformed = read.malformed;
  const header = (rows.shift()?.fields ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.findIndex((h) => COLUMN_ALIASES[name]!.includes(h));
  const idx = Object.fromEntries(Object.keys(COLUMN_ALIASES).map((k) => [k, col(k)])) as Record<string, number>;
  const missing = ['item', 'check', 'result'].filter((k) => idx[k] === -1);
  if (missing.length) {
    throw new QaError(msg(`缺少列 ${missing.map((m) => `${m}/${COLUMN_ALIASES[m]![1]}`).join('、')}；现有：${header.join(', ')}`, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found: ${header.join(', ')}`), {
      where: `${file} line 1`,
      hint: msg('qa finding template 可生成带表头的模板', 'qa finding template writes a sheet with the headers'),
    });
  }

  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  const store = new ReviewStore(db);
  const errors: { line: number; message: string }[] = [...malformed];
  let added = 0;
  let opened = 0;
  const at = ctx.now().getTime();
  const get = (r: string[], k: string): string | undefined => (idx[k]! >= 0 ? (r[idx[k]!]?.trim() || undefined) : undefined);
  // All or nothing: one transaction; nested recordFinding transactions become savepoints.
  allOrNothing(db, errors, () => {
    rows.forEach(({ fields: r, line }) => {
      try {
        const result = parseResult(get(r, 'result') ?? '');
        if (!result) throw new UsageError(msg(`结果必须是 通过、不通过、不适用（或 pass、fail、na），收到 "${get(r, 'result') ?? ''}"`, `result must be pass, fail or na, got "${get(r, 'result') ?? ''}"`));
        const item = resolveItem(store, get(r, 'item') ?? '', kindValue(get(r, 'kind')));
        // The check by its code, or by its text (a sheet filled in Chinese names the check as it reads).
        const given = get(r, 'check') ?? '';
        const byText = checklistOf(config, item).checks.find((c) => c.code !== given && (c.zh === given || c.en.toLowerCase() === given.toLowerCase()));
        const o = recordFinding(store, config, zone, {
          item,
          check: byText?.code ?? given,
          result,
          note: get(r, 'note'),
          auditor: get(r, 'auditor') ?? currentUser(ctx.env),
          unsampledReason: get(r, 'unsampled'),
          at,
        });
        added++;
        if (o.rectificationId !== null) opened++;
      } catch (e) {
        if (!(e instanceof QaError)) throw e;
        errors.push({ line, message: e.message });
      }
    });
  });
  const L = ctx.lang;
  if (ctx.json) {
    ctx.streams.stdout.write(`${JSON.stringify({ file, rows: rows.length, added: errors.length ? 0 : added, rectifications_opened: errors.length ? 0 : opened, errors }, null, 2)}\n`);
  }
  if (errors.length) {
    for (const e of errors.slice(0, 50)) ctx.streams.stderr.write(`${file}:${e.line}: ${e.message}\n`);
    ctx.streams.stderr.write(`qa: error: ${tr(L, `${errors.length} 行有问题，未记录任何答案`, `${errors.length} bad row${errors.length === 1 ? '' : 's'}; nothing was recorded`)} (${file})\n`);
    return EXIT.failure;
  }
  if (!ctx.json) {
    ctx.streams.stdout.write(tr(L, `${file}：记录 ${added} 个答案，开立整改 ${opened} 项\n`, `${file}: ${added} answers recorded, ${opened} rectification${opened === 1 ? '' : 's'} opened\n`));
  }
  return EXIT.ok;
}

export interface FindingTemplateOptions {
  out?: string;
  pending?: boolean;
}

/**
 * `qa finding template`: the CSV `qa finding import` reads, with headers in
 * the --lang (UTF-8 with BOM for Excel). With --pending one row per
 * unanswered check of every pending worklist item, item, kind and check
 * filled in: the auditor only types the results (and a note for each fail).
 */
export async function runFindingTemplate(ctx: Context, opts: FindingTemplateOptions): Promise<number> {
  const L = ctx.lang;
  const header = TEMPLATE_COLUMNS.map((c) => (L === 'zh' ? COLUMN_ALIASES[c]![1]! : c));
  const rows: string[][] = [];
  if (opts.pending) {
    const { config } = ctx.config();
    const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
    try {
      const { pendingItems } = await import('../db/sampling.js');
      const store = new ReviewStore(db);
      for (const w of pendingItems(db)) {
        const st = reviewState(store, config, resolveItem(store, w.item_id, w.kind));
        for (const c of st.checks) if (!c.answer) rows.push([w.item_id, w.kind, c.code, '', '', '', '']);
      }
    } finally {
      db.close();
    }
  }
  const { toExcelCsv } = await import('../render/csv.js');
  const text = toExcelCsv(header, rows);
  if (opts.out) {
    const { writeFileAtomic } = await import('../io/safeFile.js');
    if (fs.existsSync(opts.out)) throw new UsageError(msg(`${opts.out} 已存在`, `${opts.out} exists already`), { hint: msg('换一个新文件名（模板从不覆盖已有答案）', 'pick a new file name (the template never overwrites answers)') });
    writeFileAtomic(path.resolve(opts.out), text);
    ctx.streams.stderr.write(tr(L, `模板已写入 ${opts.out}（${rows.length} 行待填）\n`, `template written to ${opts.out} (${rows.length} row${rows.length === 1 ? '' : 's'} to fill in)\n`));
  } else {
    ctx.streams.stdout.write(text);
  }
  return EXIT.ok;
}
