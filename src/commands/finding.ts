/**
 * `qa finding add` and `qa finding import` — record answers without prompts,
 * for scripts (SPEC §4).
 */
import fs from 'node:fs';
import type { Context } from '../context.js';
import { parseResult, recordFinding, resolveItem } from '../app/review.js';
import { currentUser } from '../core/actor.js';
import { Zone } from '../core/time.js';
import { allOrNothing } from '../db/tx.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { ReviewStore, type ItemKind } from '../db/review.js';
import { EXIT, QaError, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
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

function kindOption(v: string | undefined): ItemKind | undefined {
  if (v === undefined) return undefined;
  if (v !== 'records' && v !== 'calls') throw new UsageError(`--kind must be records or calls, got "${v}"`);
  return v;
}

export function runFindingAdd(ctx: Context, opts: FindingAddOptions): number {
  for (const [flag, v] of [['--item', opts.item], ['--check', opts.check], ['--result', opts.result]] as const) {
    if (!v) throw new UsageError(`${flag} is required`, { hint: 'qa finding add --item SR-202610-00042 --check polite --result fail --note "…"' });
  }
  const result = parseResult(opts.result!);
  if (!result) throw new UsageError(`--result must be pass, fail or na, got "${opts.result}"`);
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

const COLUMN_ALIASES: Record<string, string[]> = {
  item: ['item', 'item_id', 'record_id', 'call_id', '编号', '项目编号'],
  kind: ['kind', '类别'],
  check: ['check', 'check_code', 'code', '检查项'],
  result: ['result', '结果'],
  note: ['note', 'notes', '说明', '备注'],
  auditor: ['auditor', '审核人'],
  unsampled: ['unsampled', 'unsampled_reason', '抽样外原因'],
};

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
  if (missing.length) throw new QaError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found: ${header.join(', ')}`, { where: `${file} line 1` });

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
        if (!result) throw new UsageError(`result must be pass, fail or na, got "${get(r, 'result') ?? ''}"`);
        const item = resolveItem(store, get(r, 'item') ?? '', kindOption(get(r, 'kind')));
        const o = recordFinding(store, config, zone, {
          item,
          check: get(r, 'check') ?? '',
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
