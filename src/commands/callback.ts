/**
 * `qa callback plan|list` — the callback worklist (SPEC §6; 001 第六条, 002 三(四)3).
 */
import type { Context } from '../context.js';
import { runCallbackPlan as planRun } from '../app/callback.js';
import { loadCalendar } from '../app/report.js';
import { currentUser } from '../core/actor.js';
import { CALLBACK_REASONS, REASON_ALIASES, REASON_LABELS, type CallbackReason } from '../core/callback.js';
import { maskPhone } from '../core/mask.js';
import { Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import { listEntries, type CallbackEntryView } from '../db/callback.js';
import { openDb, resolveDbPath, type Db } from '../db/open.js';
import { EXIT, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { makeChalk, renderTable } from '../render/term.js';
import { parseDateOption } from './options.js';

const SHOWN = 20;

function daysLate(due: string, today: string): number {
  return Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000));
}

function entryJson(e: CallbackEntryView, zone: Zone, today: string, unmask: boolean) {
  return {
    id: e.id,
    reason: e.reason,
    customer_id: e.customer_id,
    customer_phone: unmask ? e.customer_phone : maskPhone(e.customer_phone),
    source_id: e.source_id,
    trigger_at: zone.iso(e.trigger_at),
    due_date: e.due_date,
    state: e.answered_by ? 'answered' : today > e.due_date ? 'overdue' : 'open',
    overdue_days: e.answered_by ? 0 : daysLate(e.due_date, today),
    answered_by: e.answered_by,
    answered_at: e.answered_at === null ? null : zone.iso(e.answered_at),
    run: e.run_id,
  };
}

function reasonLabel(r: CallbackReason, L: Lang): string {
  return tr(L, REASON_LABELS[r].zh, REASON_LABELS[r].en);
}

function renderEntries(rows: CallbackEntryView[], zone: Zone, today: string, L: Lang, ctx: Context, limit = Infinity): string {
  const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
  if (rows.length === 0) return tr(L, '回访清单为空。\n', 'Nothing on the callback worklist.\n');
  const shown = rows.slice(0, limit);
  const table = renderTable({
    chalk,
    head: [tr(L, '编号', 'id'), tr(L, '原因', 'reason'), tr(L, '客户', 'customer'), tr(L, '电话', 'phone'), tr(L, '关于', 'about'), tr(L, '起算', 'since'), tr(L, '期限', 'due'), tr(L, '状态', 'state')],
    right: [0],
    rows: shown.map((e) => {
      const j = entryJson(e, zone, today, ctx.unmask);
      const state = e.answered_by
        ? chalk.green(tr(L, `已回访 ${e.answered_by}`, `answered ${e.answered_by}`))
        : j.overdue_days
          ? chalk.red(tr(L, `逾期 ${j.overdue_days} 天`, `${j.overdue_days} days overdue`))
          : tr(L, '待回访', 'open');
      return [e.id, reasonLabel(e.reason, L), e.customer_id, j.customer_phone ?? '', e.source_id, zone.format(e.trigger_at), e.due_date, state];
    }),
  });
  const more = rows.length > shown.length ? tr(L, `\n另有 ${rows.length - shown.length} 项：qa callback list`, `\n${rows.length - shown.length} more: qa callback list`) : '';
  return `${table}${more}\n`;
}

/** --unmask: note the entries whose phone is shown; the one audit entry per command names them (SPEC §1, commands/unmask.ts). */
function logShown(ctx: Context, rows: readonly CallbackEntryView[]): void {
  ctx.privacy.rows(
    rows.filter((e) => e.customer_phone),
    (e) => `callback:${e.id}${e.contact_record_id ? `/records:${e.contact_record_id}` : ''}`,
  );
}

function parseReasons(v: string | undefined): CallbackReason[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((s) => {
    const r = REASON_ALIASES[s.trim().toLowerCase()];
    if (!r) throw new UsageError(`--reason must be one of ${CALLBACK_REASONS.join(', ')}, got "${s.trim()}"`);
    return r;
  });
}

export function runCallbackPlan(ctx: Context, opts: { date?: string; seed?: string }): number {
  const date = parseDateOption('--date', opts.date);
  if (opts.seed !== undefined && opts.seed.trim() === '') throw new UsageError('--seed needs a value', { hint: 'e.g. --seed 2026-h2' });
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const calendar = loadCalendar(config);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const at = ctx.now().getTime();
    const day = date ?? zone.dateOf(at);
    const r = planRun(db, config, zone, calendar, { date: day, seed: opts.seed, by: currentUser(ctx.env), at });
    for (const w of r.warnings) ctx.streams.stderr.write(`qa: warning: ${w}\n`);
    const open = listEntries(db, {});
    logShown(ctx, open);
    const byReason = Object.fromEntries(CALLBACK_REASONS.map((x) => [x, r.added.filter((e) => e.reason === x).length])) as Record<CallbackReason, number>;
    const overdue = open.filter((e) => e.due_date < day).length;
    const dueToday = open.filter((e) => e.due_date === day).length;
    if (ctx.json) {
      const added = new Set(r.added.map((e) => e.id));
      ctx.streams.stdout.write(
        `${JSON.stringify(
          {
            date: day,
            seed: r.seed,
            run: r.run,
            population: r.population,
            population_digest: r.digest,
            quarters: r.quarters,
            churn_period: r.churn_period,
            added: byReason,
            entries: open.filter((e) => added.has(e.id)).map((e) => entryJson(e, zone, day, ctx.unmask)),
            worklist: { open: open.length, due_today: dueToday, overdue },
            follow_ups: r.follow_ups,
            warnings: r.warnings,
          },
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    const L = ctx.lang;
    const parts = CALLBACK_REASONS.map((x) => `${reasonLabel(x, L)} ${byReason[x]}`).join(tr(L, '，', ', '));
    const lines = [
      tr(L, `回访计划 ${day}（#${r.run}，种子 ${r.seed.slice(0, 12)}）：新增 ${r.added.length} 项 — ${parts}`, `callback plan ${day} (run #${r.run}, seed ${r.seed.slice(0, 12)}): ${r.added.length} added — ${parts}`),
      tr(L, `待回访 ${open.length} 项，今日到期 ${dueToday}，逾期 ${overdue}`, `worklist: ${open.length} open, ${dueToday} due today, ${overdue} overdue`),
    ];
    if (r.follow_ups.length) lines.push(tr(L, `回访跟进：新开整改 ${r.follow_ups.length} 项（qa rectify list）`, `survey follow-ups: ${r.follow_ups.length} rectifications opened (qa rectify list)`));
    ctx.streams.stdout.write(`${lines.join('\n')}\n\n${renderEntries(open, zone, day, L, ctx, SHOWN)}`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runCallbackList(ctx: Context, opts: { due?: string; overdue?: boolean; reason?: string; all?: boolean }): number {
  const due = parseDateOption('--due', opts.due);
  const reasons = parseReasons(opts.reason);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const today = zone.dateOf(ctx.now().getTime());
    const rows = listEntries(db, {
      ...(reasons ? { reasons } : {}),
      ...(due ? { dueBy: due } : {}),
      ...(opts.overdue ? { dueBefore: today } : {}),
      // Overdue means not answered: --all only widens the plain list.
      all: !!opts.all && !opts.overdue,
    });
    logShown(ctx, rows);
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify(rows.map((e) => entryJson(e, zone, today, ctx.unmask)), null, 2)}\n`);
    else {
      const L = ctx.lang;
      const overdue = rows.filter((e) => !e.answered_by && e.due_date < today).length;
      ctx.streams.stdout.write(`${renderEntries(rows, zone, today, L, ctx)}${rows.length ? tr(L, `${rows.length} 项，逾期 ${overdue} 项\n`, `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}, ${overdue} overdue\n`) : ''}`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
