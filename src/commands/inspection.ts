/**
 * `qa inspection add|import|list` — on-site inspections of stores and home
 * services (SPEC §7; seed 000 §三(二) 现场检查, at least twice a month).
 * `add` prompts for what its flags leave out on a terminal; scripts pass
 * every answer as flags (or --pass-rest) or import a CSV.
 */
import fs from 'node:fs';
import type { Context } from '../context.js';
import { checkInspectionHeader, recordInspection, type InspectionOutcome } from '../app/inspection.js';
import { parseResult } from '../app/review.js';
import { currentUser } from '../core/actor.js';
import { inspectionRef, INSPECTION_TYPE_LABELS, parseInspectionType, type GivenAnswer, type InspectionType } from '../core/inspection.js';
import { maskPhonesInText } from '../core/mask.js';
import { addDays, nextMonth, Zone } from '../core/time.js';
import { inspectionAnswers, listInspections } from '../db/inspection.js';
import { allOrNothing } from '../db/tx.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT, QaError, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
import { readCsvRecords } from '../io/csv.js';
import { inquirerPrompts, Stopped, type Prompts } from '../io/prompts.js';
import { parseDateOption, parseMonthOption } from './options.js';

export interface InspectionAddOptions {
  date?: string;
  site?: string;
  type?: string;
  inspector?: string;
  dept?: string;
  staff?: string;
  pass?: string[];
  fail?: string[];
  na?: string[];
  passRest?: boolean;
}

/** `--fail code="note"` / `--fail code:note` → [code, note]. */
function splitFail(spec: string): [string, string] {
  const m = /^([^=:]+)[=:](.*)$/s.exec(spec);
  if (!m) throw new UsageError(`--fail needs a check code and a note, got "${spec}"`, { hint: '--fail dress="no uniform, T-shirt with another brand"' });
  return [m[1]!.trim(), m[2]!.trim().replace(/^"(.*)"$/s, '$1')];
}

/** The answers the flags give, by check code (a code given twice is a usage error). */
export function flagAnswers(opts: Pick<InspectionAddOptions, 'pass' | 'fail' | 'na'>): Map<string, GivenAnswer> {
  const out = new Map<string, GivenAnswer>();
  const put = (code: string, a: GivenAnswer): void => {
    if (out.has(code)) throw new UsageError(`check ${code} is answered twice`, { hint: 'name each check once in --pass, --fail and --na' });
    out.set(code, a);
  };
  for (const c of opts.pass ?? []) for (const code of c.split(',')) if (code.trim()) put(code.trim(), { result: 'pass', note: null });
  for (const c of opts.na ?? []) for (const code of c.split(',')) if (code.trim()) put(code.trim(), { result: 'na', note: null });
  for (const f of opts.fail ?? []) {
    const [code, note] = splitFail(f);
    put(code, { result: 'fail', note });
  }
  return out;
}

function summary(ctx: Context, o: InspectionOutcome): string {
  return tr(
    ctx.lang,
    `已记录现场检查 ${o.ref}（${o.date}）：通过 ${o.passed}，不通过 ${o.failed}，不适用 ${o.na}${o.rectifications.length ? `；开立整改 ${o.rectifications.map((r) => `#${r}`).join(' ')}` : ''}\n`,
    `inspection ${o.ref} (${o.date}) recorded: ${o.passed} passed, ${o.failed} failed, ${o.na} n.a.${o.rectifications.length ? `; rectification${o.rectifications.length === 1 ? '' : 's'} ${o.rectifications.map((r) => `#${r}`).join(' ')} opened` : ''}\n`,
  );
}

const outcomeJson = (o: InspectionOutcome) => ({ id: o.ref, date: o.date, passed: o.passed, failed: o.failed, na: o.na, rectifications: o.rectifications });

export async function runInspectionAdd(ctx: Context, opts: InspectionAddOptions, prompts: Prompts = inquirerPrompts()): Promise<number> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const L = ctx.lang;
  const at = ctx.now().getTime();
  const today = zone.dateOf(at);
  const given = flagAnswers(opts);
  const head = { date: parseDateOption('--date', opts.date) ?? today, site: opts.site ?? '', type: opts.type ?? '', inspector: opts.inspector ?? '' };
  const checks = config.checklists.inspection;
  const open = checks.filter((c) => !given.has(c.code));
  const needs = [!opts.site && '--site', !opts.type && '--type', !opts.inspector && '--inspector'].filter(Boolean) as string[];
  if (!ctx.interactive && (needs.length || (open.length && !opts.passRest))) {
    const what = [...needs, ...(open.length && !opts.passRest ? [`an answer for ${open.map((c) => c.code).join(', ')}`] : [])];
    throw new UsageError(`qa inspection add needs ${what.join(', ')} (no terminal to ask on)`, {
      hint: 'pass --site, --type store|onsite, --inspector, and --fail <code>="<note>" / --na <code> for the checks that did not pass, with --pass-rest for the others',
    });
  }
  // A date in the future is refused before any question is asked.
  if (head.date > today) checkInspectionHeader({ ...head, site: 'x', type: 'store', inspector: 'x' }, today);
  try {
    if (!opts.site) head.site = await prompts.text(tr(L, '检查地点（门店或客户现场）：', 'Site (store or customer site):'), tr(L, '需要填写地点', 'a site is needed'));
    while (!opts.type) {
      const t = await prompts.text(tr(L, '类型（store 门店 / onsite 上门）：', 'Type (store / onsite):'), tr(L, '需要填写类型', 'a type is needed'));
      if (parseInspectionType(t)) {
        head.type = t;
        break;
      }
      ctx.streams.stdout.write(tr(L, `类型应为 store（门店）或 onsite（上门），而不是 "${t}"\n`, `the type is store or onsite (门店 / 上门), not "${t}"\n`));
    }
    if (!opts.inspector) head.inspector = await prompts.text(tr(L, '检查人：', 'Inspector:'), tr(L, '需要填写检查人', 'an inspector is needed'));
    // Header problems (a future date …) before the first check question: no answer is asked for only to be refused.
    checkInspectionHeader(head, today);
    if (!opts.passRest) {
      for (const c of open) {
        const a = await prompts.answer(`${tr(L, c.zh, c.en)} [${c.code}]`, {
          pass: tr(L, '通过', 'pass'),
          fail: tr(L, '不通过', 'fail'),
          na: tr(L, '不适用', 'not applicable'),
          skip: tr(L, '放弃本次记录', 'discard this inspection'),
          stop: tr(L, '放弃本次记录', 'discard this inspection'),
        });
        if (a === 'skip' || a === 'stop') throw new Stopped(false);
        const note = a === 'fail' ? await prompts.text(tr(L, '问题说明：', 'What was wrong:'), tr(L, '不通过需要说明', 'a fail needs a note')) : null;
        given.set(c.code, { result: a, note });
      }
    }
  } catch (e) {
    if (e instanceof Stopped) {
      ctx.streams.stderr.write(tr(L, '未记录：检查已放弃。\n', 'Nothing recorded: the inspection was discarded.\n'));
      return e.interrupted ? EXIT.interrupted : EXIT.ok;
    }
    throw e;
  }
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd));
  try {
    const o = recordInspection(db, config, zone, { ...head, department: opts.dept, staff: opts.staff, answers: given, passRest: !!opts.passRest, source: 'add', by: currentUser(ctx.env), at });
    ctx.streams.stdout.write(ctx.json ? `${JSON.stringify(outcomeJson(o), null, 2)}\n` : summary(ctx, o));
    return EXIT.ok;
  } finally {
    db.close();
  }
}

const COLUMNS: Record<string, string[]> = {
  inspection: ['inspection', 'inspection_id', 'ref', '检查编号'],
  date: ['date', '日期', '检查日期'],
  site: ['site', '地点', '检查地点', '门店'],
  type: ['type', '类型', '检查类型'],
  inspector: ['inspector', '检查人'],
  department: ['department', 'dept', '部门'],
  staff: ['staff', 'staff_id', '员工', '员工编号', '服务人员'],
  check: ['check', 'check_code', 'code', '检查项'],
  result: ['result', '结果'],
  note: ['note', 'notes', '说明', '备注', '问题说明'],
};

/**
 * One row per answer: date, site, type, inspector, [department, staff],
 * check, result, note; rows with the same `inspection` value (or, without
 * that column, the same date, site, type, inspector, department and staff)
 * are one inspection. Checks an inspection leaves out are errors — write
 * them with result na. All or nothing.
 */
export async function runInspectionImport(ctx: Context, file: string): Promise<number> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new QaError('no such file', { where: file });
  // The import's reader: strict decoding (no U+FFFD), every line end, `sep=`, real line numbers.
  const read = await readCsvRecords(file, file);
  const rows = read.records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const errors: { line: number; message: string }[] = [...read.malformed];
  const header = (rows.shift()?.fields ?? []).map((h) => h.trim().toLowerCase());
  const idx = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, header.findIndex((h) => names.includes(h))])) as Record<string, number>;
  const missing = ['date', 'site', 'type', 'inspector', 'check', 'result'].filter((k) => idx[k] === -1);
  if (missing.length) throw new QaError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found: ${header.join(', ')}`, { where: `${file} line 1` });
  const get = (r: string[], k: string): string => (idx[k]! >= 0 ? (r[idx[k]!] ?? '').trim() : '');

  // Group the rows into inspections, in file order.
  const groups = new Map<string, { line: number; head: Record<string, string>; answers: Map<string, GivenAnswer>; lines: number[] }>();
  for (const { fields, line } of rows) {
    const head = Object.fromEntries(['date', 'site', 'type', 'inspector', 'department', 'staff'].map((k) => [k, get(fields, k)]));
    const key = get(fields, 'inspection') || JSON.stringify(head);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { line, head, answers: new Map(), lines: [] }));
    else if (JSON.stringify(g.head) !== JSON.stringify(head)) {
      errors.push({ line, message: `inspection "${key}" has different date/site/type/inspector/department/staff than on line ${g.line}` });
      continue;
    }
    const result = parseResult(get(fields, 'result'));
    const code = get(fields, 'check');
    if (!result) errors.push({ line, message: `result must be pass, fail or na, got "${get(fields, 'result')}"` });
    else if (!code) errors.push({ line, message: 'check is empty' });
    else if (g.answers.has(code)) errors.push({ line, message: `check ${code} answered twice for this inspection` });
    else g.answers.set(code, { result, note: get(fields, 'note') || null });
    g.lines.push(line);
  }
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const at = ctx.now().getTime();
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd));
  const outcomes: InspectionOutcome[] = [];
  allOrNothing(db, errors, () => {
    for (const g of groups.values()) {
      try {
        outcomes.push(
          recordInspection(db, config, zone, {
            date: g.head.date!,
            site: g.head.site!,
            type: g.head.type!,
            inspector: g.head.inspector!,
            department: g.head.department,
            staff: g.head.staff,
            answers: g.answers,
            passRest: false,
            source: file,
            by: currentUser(ctx.env),
            at,
          }),
        );
      } catch (e) {
        if (!(e instanceof QaError)) throw e;
        // A flag name means nothing in a CSV: name the column instead.
        errors.push({ line: g.line, message: e.message.replace(/^--(\w+)/, '$1').replace('--pass-rest', 'result na') });
      }
    }
  });
  const L = ctx.lang;
  if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify({ file, rows: rows.length, inspections: errors.length ? [] : outcomes.map(outcomeJson), errors }, null, 2)}\n`);
  if (errors.length) {
    for (const e of errors.slice(0, 50)) ctx.streams.stderr.write(`${file}:${e.line}: ${e.message}\n`);
    ctx.streams.stderr.write(`qa: error: ${tr(L, `${errors.length} 处问题，未记录任何检查`, `${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was recorded`)} (${file})\n`);
    return EXIT.failure;
  }
  if (!ctx.json) for (const o of outcomes) ctx.streams.stdout.write(summary(ctx, o));
  return EXIT.ok;
}

export async function runInspectionList(ctx: Context, opts: { month?: string }): Promise<number> {
  const month = parseMonthOption('--month', opts.month);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const rows = listInspections(db, month ? { from: `${month}-01`, to: addDays(`${nextMonth(month)}-01`, -1) } : undefined);
    const m = (v: string | null): string | null => (ctx.unmask ? v : maskPhonesInText(v));
    if (ctx.json) {
      const doc = rows.map((r) => ({
        id: inspectionRef(r.id),
        date: r.date,
        site: r.site,
        type: r.type,
        inspector: r.inspector,
        department: r.department,
        staff: r.staff,
        passed: r.passed,
        failed: r.failed,
        na: r.na,
        fails: inspectionAnswers(db, r.id)
          .filter((a) => a.result === 'fail')
          .map((a) => ({ check: a.check_code, severity: a.severity, note: m(a.note) })),
        rectifications: r.rectifications ? r.rectifications.split(',').map(Number) : [],
        source: r.source,
        recorded_at: zone.iso(r.created_at),
        recorded_by: r.created_by,
      }));
      ctx.streams.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.ok;
    }
    const { renderTable, makeChalk } = await import('../render/term.js');
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    const L = ctx.lang;
    if (rows.length === 0) {
      ctx.streams.stdout.write(tr(L, `${month ?? ''} 没有现场检查记录。用 qa inspection add 记录。\n`, `No inspections${month ? ` in ${month}` : ''}. Record one with qa inspection add.\n`));
      return EXIT.ok;
    }
    ctx.streams.stdout.write(
      `${renderTable({
        chalk,
        head: [tr(L, '编号', 'id'), tr(L, '日期', 'date'), tr(L, '类型', 'type'), tr(L, '地点', 'site'), tr(L, '检查人', 'inspector'), tr(L, '部门', 'department'), tr(L, '员工', 'staff'), tr(L, '通过', 'pass'), tr(L, '不通过', 'fail'), tr(L, '整改', 'rectifications')],
        right: [7, 8],
        rows: rows.map((r) => [
          inspectionRef(r.id),
          r.date,
          tr(L, INSPECTION_TYPE_LABELS[r.type as InspectionType].zh, INSPECTION_TYPE_LABELS[r.type as InspectionType].en),
          m(r.site) ?? '',
          r.inspector,
          r.department ?? '',
          r.staff ?? '',
          r.passed,
          r.failed ? chalk.red(String(r.failed)) : '0',
          r.rectifications ? r.rectifications.split(',').map((x) => `#${x}`).join(' ') : '',
        ]),
      })}\n${tr(L, `共 ${rows.length} 次检查`, `${rows.length} inspection${rows.length === 1 ? '' : 's'}`)}\n`,
    );
    return EXIT.ok;
  } finally {
    db.close();
  }
}
