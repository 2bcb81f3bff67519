/**
 * SPEC §8 commands — `qa scorecard`, `qa dispute open|decide|list`,
 * `qa calibrate start|answer|report|list`, `qa review --calibration` — and
 * the §4 correction `qa finding amend`. Options in, app call, render out.
 */
import path from 'node:path';
import type { Context } from '../context.js';
import { answerCalibration, calibrationReport, itemChecks, loadCalibration, parseAuditors, startCalibration } from '../app/calibration.js';
import { amendFinding, decideDispute, openDispute } from '../app/corrections.js';
import { loadCalendar } from '../app/report.js';
import { parseResult, resolveItem, type ReviewState } from '../app/review.js';
import { buildScorecard, parsePeriod } from '../app/scorecard.js';
import { currentUser } from '../core/actor.js';
import { maskPhonesInText } from '../core/mask.js';
import type { Result } from '../core/scoring.js';
import { previousMonth, Zone } from '../core/time.js';
import { allOrNothing } from '../db/tx.js';
import { openDb, resolveDbPath, type Db } from '../db/open.js';
import { calibrationAnswers, listCalibrations, listDisputes, type DisputeView } from '../db/people.js';
import { ReviewStore, type ItemKind } from '../db/review.js';
import { EXIT, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
import { inquirerPrompts, Stopped, type Prompts } from '../io/prompts.js';
import { idArgument, positiveInt } from './options.js';
import { writeFileAtomic } from '../io/safeFile.js';

function open(ctx: Context): Db {
  return openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
}

function kindOption(v: string | undefined): ItemKind | undefined {
  if (v === undefined) return undefined;
  if (v !== 'records' && v !== 'calls') throw new UsageError(`--kind must be records or calls, got "${v}"`);
  return v;
}

function required(flags: [string, string | undefined][], example: string): void {
  for (const [flag, v] of flags) if (!v || !v.trim()) throw new UsageError(`${flag} is required`, { hint: example });
}

const out = (ctx: Context, s: string): void => void ctx.streams.stdout.write(s);
const json = (ctx: Context, v: unknown): void => out(ctx, `${JSON.stringify(v, null, 2)}\n`);

async function chalkFor(ctx: Context) {
  const { makeChalk } = await import('../render/term.js');
  return makeChalk(ctx.env, ctx.streams.stdout.isTTY);
}

// ------------------------------------------------------------ finding amend

export interface AmendOptions {
  item?: string;
  check?: string;
  result?: string;
  reason?: string;
  note?: string;
  by?: string;
  kind?: string;
}

export function runFindingAmend(ctx: Context, opts: AmendOptions): number {
  const example = 'qa finding amend --item SR-202610-00042 --check polite --result pass --reason "re-listened: the greeting was there"';
  required(
    [
      ['--item', opts.item],
      ['--check', opts.check],
      ['--result', opts.result],
      ['--reason', opts.reason],
    ],
    example,
  );
  const result = parseResult(opts.result!);
  if (!result) throw new UsageError(`--result must be pass, fail or na, got "${opts.result}"`);
  const kind = kindOption(opts.kind);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = open(ctx);
  try {
    const store = new ReviewStore(db);
    const item = resolveItem(store, opts.item!, kind);
    const o = amendFinding(store, config, zone, { item, check: opts.check!, result, reason: opts.reason!, note: opts.note, by: opts.by ?? currentUser(ctx.env), at: ctx.now().getTime() });
    if (ctx.json) {
      json(ctx, { amendment_id: o.amendmentId, finding_id: o.findingId, item: { kind: item.kind, id: item.id }, check: opts.check, from: o.from, to: o.to, rectification: o.rectification, reviewed: o.state.score.reviewed, passed: o.state.score.passed, score: o.state.score.score });
    } else {
      const L = ctx.lang;
      const r = o.rectification;
      const rect = !r
        ? ''
        : r.action === 'withdrawn'
          ? tr(L, `；整改 #${r.id} 已撤销`, `; rectification #${r.id} withdrawn`)
          : r.action === 'opened'
            ? tr(L, `；已开立整改 #${r.id}`, `; rectification #${r.id} opened`)
            : r.action === 'reopened'
              ? tr(L, `；整改 #${r.id} 重新开立`, `; rectification #${r.id} reopened`)
              : tr(L, `；整改 #${r.id} 已${r.state === 'verified' ? '验证' : '完成'}，保留`, `; rectification #${r.id} is ${r.state} and stays on file`);
      out(ctx, tr(L, `已更正 ${item.id} ${opts.check}：${o.from} → ${o.to}${rect}（原答案保留在历史和审计日志中）\n`, `amended ${item.id} ${opts.check}: ${o.from} → ${o.to}${rect} (the original answer stays in the history and the audit log)\n`));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

// ----------------------------------------------------------------- scorecard

export interface ScorecardOptions {
  month?: string;
  quarter?: string;
  staff?: string;
  dept?: string;
  format?: string;
  out?: string;
}

const SC_FORMATS = ['table', 'json', 'csv', 'html'] as const;

export async function runScorecard(ctx: Context, opts: ScorecardOptions): Promise<number> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const period = parsePeriod(opts.month, opts.quarter, previousMonth(zone.monthOf(ctx.now().getTime())));
  const fromExt = opts.out ? ({ '.json': 'json', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'table' } as Record<string, string>)[opts.out.slice(opts.out.lastIndexOf('.')).toLowerCase()] : undefined;
  const format = ctx.json ? 'json' : (opts.format ?? fromExt ?? 'table');
  if (!(SC_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${SC_FORMATS.join(', ')}, got "${opts.format}"`);
  const calendar = loadCalendar(config);
  const db = open(ctx);
  try {
    const s = buildScorecard({ db, config, zone, calendar, now: ctx.now().getTime() }, period, { staff: opts.staff, dept: opts.dept });
    const R = await import('../render/people.js');
    let text: string;
    if (format === 'json') text = `${JSON.stringify(s, null, 2)}\n`;
    else if (format === 'csv') text = R.renderScorecardCsv(s, ctx.lang);
    else if (format === 'html') text = R.renderScorecardHtml(s, ctx.lang);
    else text = R.renderScorecardTable(s, ctx.lang, opts.out ? (await import('../render/term.js')).makeChalk({}, false) : await chalkFor(ctx));
    if (opts.out) {
      writeFileAtomic(path.resolve(opts.out), ctx.privacy.text(text), { private: ctx.unmask });
      ctx.streams.stderr.write(`${tr(ctx.lang, '记分卡已写入', 'scorecards written to')} ${opts.out}\n`);
    } else out(ctx, text);
    if (opts.staff !== undefined && s.people.length === 0) ctx.streams.stderr.write(`qa: ${tr(ctx.lang, `${period.label} 没有 ${opts.staff} 的数据`, `nothing for ${opts.staff} in ${period.label}`)}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

// ------------------------------------------------------------------ disputes

const disputeJson = (d: DisputeView, zone: Zone, unmask = false): Record<string, unknown> => ({
  id: d.id,
  state: d.state,
  item: { kind: d.kind, id: d.item_id },
  check: d.check_code,
  answer: { result: d.answer_result, auditor: d.answer_auditor, at: zone.iso(d.answer_at) },
  current_result: d.current_result,
  opened_by: d.opened_by,
  opened_at: zone.iso(d.opened_at),
  reason: unmask ? d.reason : maskPhonesInText(d.reason),
  decided_by: d.decided_by,
  decided_at: d.decided_at === null ? null : zone.iso(d.decided_at),
  decision_note: unmask ? d.decision_note : maskPhonesInText(d.decision_note),
  new_result: d.new_result,
});

export function runDisputeOpen(ctx: Context, opts: { item?: string; check?: string; by?: string; reason?: string; kind?: string }): number {
  required(
    [
      ['--item', opts.item],
      ['--check', opts.check],
      ['--by', opts.by],
      ['--reason', opts.reason],
    ],
    'qa dispute open --item C-202610-00017 --check greeting --by A03 --reason "the greeting is at 00:04 of the recording"',
  );
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = open(ctx);
  try {
    const store = new ReviewStore(db);
    const item = resolveItem(store, opts.item!, kindOption(opts.kind));
    const d = openDispute(store, config, zone, { item, check: opts.check!, by: opts.by!, reason: opts.reason!, at: ctx.now().getTime() });
    if (ctx.json) json(ctx, disputeJson(d, zone));
    else out(ctx, tr(ctx.lang, `已提出申诉 #${d.id}：${d.item_id} ${d.check_code}（审核人 ${d.answer_auditor}）。由审核人和申诉人以外的人裁决：qa dispute decide ${d.id} …\n`, `dispute #${d.id} opened on ${d.item_id} ${d.check_code} (auditor ${d.answer_auditor}); someone other than the auditor and ${d.opened_by} decides it: qa dispute decide ${d.id} …\n`));
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runDisputeDecide(ctx: Context, idArg: string, opts: { uphold?: boolean; overturn?: boolean; by?: string; note?: string; result?: string }): number {
  const id = idArgument('dispute id', idArg);
  if (!!opts.uphold === !!opts.overturn) throw new UsageError('pass exactly one of --uphold and --overturn', { hint: `qa dispute decide ${id} --overturn --by supervisor.zhang --note "…"` });
  required(
    [
      ['--by', opts.by],
      ['--note', opts.note],
    ],
    `qa dispute decide ${id} --uphold --by supervisor.zhang --note "the recording confirms the finding"`,
  );
  let result: 'pass' | 'na' | undefined;
  if (opts.result !== undefined) {
    const r = parseResult(opts.result);
    if (r !== 'pass' && r !== 'na') throw new UsageError(`--result for an overturn must be pass or na, got "${opts.result}"`);
    if (!opts.overturn) throw new UsageError('--result goes with --overturn');
    result = r;
  }
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = open(ctx);
  try {
    const store = new ReviewStore(db);
    const { dispute: d, amendment } = decideDispute(store, config, zone, { id, decision: opts.overturn ? 'overturn' : 'uphold', by: opts.by!, note: opts.note!, result, at: ctx.now().getTime() });
    if (ctx.json) json(ctx, { ...disputeJson(d, zone), amendment: amendment ? { id: amendment.amendmentId, from: amendment.from, to: amendment.to, rectification: amendment.rectification } : null });
    else {
      const L = ctx.lang;
      const r = amendment?.rectification;
      out(
        ctx,
        amendment
          ? tr(L, `申诉 #${d.id} 改判：${d.item_id} ${d.check_code} ${amendment.from} → ${amendment.to}${r ? `；整改 #${r.id} ${r.action === 'withdrawn' ? '已撤销' : '保留'}` : ''}\n`, `dispute #${d.id} overturned: ${d.item_id} ${d.check_code} ${amendment.from} → ${amendment.to}${r ? `; rectification #${r.id} ${r.action === 'withdrawn' ? 'withdrawn' : `${r.state}, kept`}` : ''}\n`)
          : tr(L, `申诉 #${d.id} 维持原判：${d.item_id} ${d.check_code} 仍为 ${d.current_result}\n`, `dispute #${d.id} upheld: ${d.item_id} ${d.check_code} stays ${d.current_result}\n`),
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runDisputeList(ctx: Context, opts: { open?: boolean }): Promise<number> {
  const zone = new Zone(ctx.config().config.timezone);
  const db = open(ctx);
  try {
    const rows = listDisputes(db, !!opts.open);
    ctx.privacy.rows(rows, (d) => `dispute:${d.id}`);
    if (ctx.json) json(ctx, rows.map((d) => disputeJson(d, zone, ctx.unmask)));
    else {
      const { renderDisputes } = await import('../render/people.js');
      out(ctx, renderDisputes(rows, zone, ctx.lang, await chalkFor(ctx), ctx.unmask));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

// --------------------------------------------------------------- calibration

export function runCalibrateStart(ctx: Context, opts: { items?: string; kind?: string; auditors?: string; seed?: string }): number {
  if (opts.items === undefined) throw new UsageError('--items N is required', { hint: 'qa calibrate start --items 10 --kind call --auditors li,wang,zhao' });
  const items = positiveInt('--items', opts.items, 10);
  const auditors = parseAuditors(opts.auditors);
  const { config } = ctx.config();
  const db = open(ctx);
  try {
    const r = startCalibration(db, config, { items, kind: opts.kind, auditors, seed: opts.seed, by: currentUser(ctx.env), at: ctx.now().getTime() });
    if (ctx.json) json(ctx, { id: r.id, seed: r.seed, population: r.population, auditors, items: r.items.map((i) => ({ position: i.position, kind: i.kind, item_id: i.item_id, checklist: i.checklist })) });
    else {
      const L = ctx.lang;
      out(
        ctx,
        tr(L, `校准 #${r.id}：从 ${r.population} 个已抽样项目中抽取 ${r.items.length} 个（种子 ${r.seed}）：\n`, `calibration #${r.id}: ${r.items.length} items drawn from ${r.population} sampled (seed ${r.seed}):\n`) +
          r.items.map((i) => `  ${i.position}. ${i.item_id} (${i.checklist})\n`).join('') +
          tr(L, `每位审核人独立作答：qa review --calibration ${r.id} --auditor <名字>（或 qa calibrate answer ${r.id} …）\n`, `each auditor answers blind: qa review --calibration ${r.id} --auditor <name> (or qa calibrate answer ${r.id} …)\n`),
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runCalibrateAnswer(ctx: Context, idArg: string, opts: { item?: string; check?: string; result?: string; note?: string; auditor?: string }): number {
  const id = idArgument('calibration id', idArg);
  required(
    [
      ['--item', opts.item],
      ['--check', opts.check],
      ['--result', opts.result],
    ],
    `qa calibrate answer ${id} --item C-202610-00017 --check greeting --result pass --auditor li`,
  );
  const result = parseResult(opts.result!);
  if (!result) throw new UsageError(`--result must be pass, fail or na, got "${opts.result}"`);
  const { config } = ctx.config();
  const db = open(ctx);
  try {
    const auditor = opts.auditor ?? currentUser(ctx.env);
    const p = answerCalibration(db, config, { id, item: opts.item!, check: opts.check!, result, note: opts.note, auditor, at: ctx.now().getTime() });
    if (ctx.json) json(ctx, { calibration: id, auditor, item: opts.item, check: opts.check, answered: p.answered, total: p.total });
    else out(ctx, tr(ctx.lang, `已记录（校准 #${id}，${auditor} ${p.answered}/${p.total}）\n`, `recorded (calibration #${id}, ${auditor} ${p.answered}/${p.total})\n`));
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runCalibrateReport(ctx: Context, idArg: string): Promise<number> {
  const id = idArgument('calibration id', idArg);
  const { config } = ctx.config();
  const db = open(ctx);
  try {
    const r = calibrationReport(db, config, id);
    if (ctx.json) json(ctx, r);
    else {
      const { renderCalibrationReport } = await import('../render/people.js');
      out(ctx, renderCalibrationReport(r, ctx.lang, await chalkFor(ctx)));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runCalibrateList(ctx: Context): Promise<number> {
  const zone = new Zone(ctx.config().config.timezone);
  const db = open(ctx);
  try {
    const rows = listCalibrations(db).map((c) => {
      const auditors = JSON.parse(c.auditors) as string[];
      return { id: c.id, kind: c.kind, auditors, items: c.items, answers: c.answers, created_by: c.created_by, created_at: zone.iso(c.created_at) };
    });
    if (ctx.json) json(ctx, rows);
    else if (rows.length === 0) out(ctx, tr(ctx.lang, '还没有校准。qa calibrate start 开始一次。\n', 'No calibrations yet. qa calibrate start begins one.\n'));
    else {
      const { renderTable } = await import('../render/term.js');
      const L = ctx.lang;
      out(ctx, `${renderTable({ head: [tr(L, '编号', 'id'), tr(L, '类型', 'kind'), tr(L, '审核人', 'auditors'), tr(L, '项目', 'items'), tr(L, '已答', 'answers'), tr(L, '开始', 'started')], right: [0, 3, 4], rows: rows.map((r) => [r.id, r.kind ?? '—', r.auditors.join(', '), r.items, r.answers, r.created_at.slice(0, 16).replace('T', ' ')]) })}\n`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/**
 * `qa review --calibration <id>`: the auditor answers the calibration's items
 * with the review prompts, seeing only the item as drawn — never the
 * sample's findings or another auditor's answers.
 */
export async function runCalibrationReview(ctx: Context, idArg: string, opts: { auditor?: string }, prompts: Prompts = inquirerPrompts()): Promise<number> {
  const id = idArgument('calibration id', idArg);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = open(ctx);
  const L = ctx.lang;
  const auditor = opts.auditor ?? currentUser(ctx.env);
  let saved = 0;
  try {
    const { auditors, items } = loadCalibration(db, id);
    if (!auditors.includes(auditor)) throw new UsageError(`${auditor} is not an auditor of calibration ${id} (${auditors.join(', ')})`, { hint: 'pass --auditor <name> with one of them' });
    if (!ctx.interactive) {
      throw new UsageError('qa review --calibration asks questions and needs a terminal (stdin and stdout), without --no-input or CI', {
        hint: `for scripts: qa calibrate answer ${id} --item <id> --check <code> --result pass|fail|na --auditor ${auditor}`,
      });
    }
    const [{ renderItem, checkText, severityLabel }, { makeChalk }] = await Promise.all([import('../render/review.js'), import('../render/term.js')]);
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    const done = new Set(calibrationAnswers(db, id, auditor).map((a) => `${a.item_id}\u0000${a.check_code}`));
    out(ctx, chalk.dim(tr(L, `校准 #${id}：${items.length} 个项目，盲审（看不到他人的答案）。\n`, `calibration #${id}: ${items.length} items, blind (nobody sees another's answers).\n`)));
    for (const it of items) {
      const checks = itemChecks(config, it);
      if (checks.every((c) => done.has(`${it.item_id}\u0000${c.code}`))) continue;
      const st = { item: { kind: it.kind, id: it.item_id, row: JSON.parse(it.snapshot) as Record<string, unknown> }, sampled: true, changedAfterReview: false } as unknown as ReviewState;
      ctx.privacy.rows([st.item.row], () => `${it.kind}:${it.item_id}`);
      out(ctx, `\n${chalk.bold(`[${it.position}/${items.length}]`)} ${it.checklist}\n${renderItem(st, zone, L, ctx.unmask, chalk)}`);
      for (const c of checks) {
        if (done.has(`${it.item_id}\u0000${c.code}`)) continue;
        const a = await prompts.answer(`${checkText(c, L)} ${chalk.dim(`[${c.code} · ${severityLabel(c.severity, L)}]`)}`, {
          pass: tr(L, '通过', 'pass'),
          fail: tr(L, '不通过', 'fail'),
          na: tr(L, '不适用', 'not applicable'),
          skip: tr(L, '跳过此项目', 'skip this item for now'),
          stop: tr(L, '保存并退出', 'save and stop'),
        });
        if (a === 'stop') throw new Stopped(false);
        if (a === 'skip') break;
        const note = a === 'fail' ? await prompts.text(tr(L, '问题说明：', 'What was wrong:'), tr(L, '不通过需要说明', 'a fail needs a note')) : undefined;
        answerCalibration(db, config, { id, item: it.item_id, check: c.code, result: a as Result, note, auditor, at: ctx.now().getTime() });
        saved++;
      }
    }
    out(ctx, tr(L, `\n完成：保存 ${saved} 个校准答案。所有人答完后：qa calibrate report ${id}\n`, `\nDone: ${saved} calibration answers saved. When everyone has answered: qa calibrate report ${id}\n`));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof Stopped) {
      out(ctx, tr(L, `\n已停止：保存了 ${saved} 个答案。运行 qa review --calibration ${id} 继续。\n`, `\nStopped: ${saved} answers saved. Run qa review --calibration ${id} to carry on.\n`));
      return e.interrupted ? EXIT.interrupted : EXIT.ok;
    }
    throw e;
  } finally {
    db.close();
  }
}

const CAL_COLUMNS: Record<string, string[]> = {
  item: ['item', 'item_id', 'record_id', 'call_id', '编号', '项目编号'],
  check: ['check', 'check_code', 'code', '检查项'],
  result: ['result', '结果'],
  note: ['note', 'notes', '说明', '备注'],
  auditor: ['auditor', '审核人'],
};

/**
 * `qa calibrate import <id> <file>`: many blind answers from a CSV (item,
 * check, result, note, auditor) — all or nothing, every problem with its line.
 */
export async function runCalibrateImport(ctx: Context, idArg: string, file: string): Promise<number> {
  const id = idArgument('calibration id', idArg);
  const fs = await import('node:fs');
  if (!fs.existsSync(file)) throw new UsageError('no such file', { where: file });
  // The import's reader: strict decoding (UTF-8, GBK, UTF-16; never a U+FFFD), every line end, real line numbers.
  const { readCsvRecords } = await import('../io/csv.js');
  const read = await readCsvRecords(file, file);
  const rows = read.records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const errors: { line: number; message: string }[] = [...read.malformed];
  const header = (rows.shift()?.fields ?? []).map((h) => h.trim().toLowerCase());
  const idx = Object.fromEntries(Object.entries(CAL_COLUMNS).map(([k, names]) => [k, header.findIndex((h) => names.includes(h))])) as Record<string, number>;
  const missing = ['item', 'check', 'result'].filter((k) => idx[k] === -1);
  if (missing.length) throw new UsageError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found: ${header.join(', ')}`, { where: `${file} line 1` });
  const get = (r: string[], k: string): string | undefined => (idx[k]! >= 0 ? r[idx[k]!]?.trim() || undefined : undefined);
  const { config } = ctx.config();
  const db = open(ctx);
  let added = 0;
  allOrNothing(db, errors, () => {
    for (const { fields, line } of rows) {
      try {
        const result = parseResult(get(fields, 'result') ?? '');
        if (!result) throw new UsageError(`result must be pass, fail or na, got "${get(fields, 'result') ?? ''}"`);
        answerCalibration(db, config, { id, item: get(fields, 'item') ?? '', check: get(fields, 'check') ?? '', result, note: get(fields, 'note'), auditor: get(fields, 'auditor') ?? currentUser(ctx.env), at: ctx.now().getTime() });
        added++;
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        errors.push({ line, message: e.message });
      }
    }
  });
  const L = ctx.lang;
  if (ctx.json) json(ctx, { calibration: id, file, rows: rows.length, added: errors.length ? 0 : added, errors });
  if (errors.length) {
    for (const e of errors.slice(0, 50)) ctx.streams.stderr.write(`${file}:${e.line}: ${e.message}\n`);
    ctx.streams.stderr.write(`qa: error: ${tr(L, `${errors.length} 行有问题，未记录任何答案`, `${errors.length} bad row${errors.length === 1 ? '' : 's'}; nothing was recorded`)} (${file})\n`);
    return EXIT.failure;
  }
  if (!ctx.json) out(ctx, tr(L, `${file}：校准 #${id} 记录 ${added} 个答案\n`, `${file}: ${added} calibration answers recorded (calibration #${id})\n`));
  return EXIT.ok;
}
