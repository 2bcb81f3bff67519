/**
 * `qa sample`, `qa sample list`, `qa sample verify` (SPEC §3).
 */
import type { Context } from '../context.js';
import { drawSample, withChecklistSizes } from '../app/sample.js';
import { verifyRun } from '../app/verify.js';
import { maskPhone } from '../core/mask.js';
import { callWeeksFor, recordMonthFor } from '../core/sampling.js';
import { addDays, isoWeekMonday, isoWeekOfDate, monthOfDate, nextMonth, Zone } from '../core/time.js';
import { idArgument, parseDateOption, parseMonthOption } from './options.js';
import { metaGet, openDb, resolveDbPath } from '../db/open.js';
import { isPending, pendingCount, SampleStore, worklist, type WorkItem } from '../db/sampling.js';
import { EXIT, UsageError } from '../errors.js';
import { getCampaign } from '../app/campaign.js';
import { campaignWorklist, pendingCampaignItems } from '../db/campaign.js';
import { tr } from '../i18n.js';

function today(ctx: Context, zone: Zone): string {
  return zone.dateOf(ctx.now().getTime());
}

export async function runSample(ctx: Context, opts: { date?: string; seed?: string; month?: string }): Promise<number> {
  const date = parseDateOption('--date', opts.date);
  if (date !== undefined) {
    // A run in the future would treat weeks still running as complete and draw them for good.
    const zone = new Zone(ctx.config().config.timezone);
    const tomorrow = addDays(today(ctx, zone), 1);
    if (date > tomorrow) throw new UsageError(`--date ${date} is in the future`, { hint: `a run can be for a date up to ${tomorrow}` });
  }
  const month = parseMonthOption('--month', opts.month);
  if (opts.seed !== undefined && (opts.seed.trim() === '' || opts.seed.length > 200)) {
    throw new UsageError('--seed must be a non-empty text of at most 200 characters');
  }
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd));
  try {
    const dbSeed = metaGet(db, 'seed')!;
    const result = drawSample(new SampleStore(db), {
      date: date ?? today(ctx, zone),
      seed: opts.seed ?? dbSeed,
      dbSeed,
      ...(month ? { month } : {}),
      config,
      zone,
      now: ctx.now().getTime(),
    });
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      // The day's worklist (SPEC §3: printed again on a re-run): the month being
      // sampled and the call weeks of this date, drawn now or before; the
      // first items here, all of them with qa sample list --pending.
      const weeks = callWeeksFor(result.date);
      const pending = pendingCount(db, result.records.month, weeks);
      const first = shownItems(ctx, zone, withChecklistSizes(worklist(db, result.records.month, weeks, true, WORKLIST_HEAD), config.checklists));
      ctx.privacy.rows(first, (i) => `${i.kind}:${i.item_id}`);
      // Renderers load chalk and cli-table3: only for human output.
      const [{ renderSampleResult, renderWorklist }, { makeChalk }] = await Promise.all([import('../render/sample.js'), import('../render/term.js')]);
      const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
      ctx.streams.stdout.write(renderSampleResult(result, pending, ctx.lang, chalk));
      if (first.length) ctx.streams.stdout.write(renderWorklist(result.records.month, first, ctx.lang, chalk, true, pending));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** Items of the day's worklist shown after a run (the rest: qa sample list --pending). */
const WORKLIST_HEAD = 20;

/** Worklist items as printed: local times, phone masked, a review status. */
function shownItems(ctx: Context, zone: Zone, items: readonly WorkItem[]) {
  return items.map(({ answered, checks_total, failed, record_type: _type, ...i }) => ({
    ...i,
    at: i.at === null ? null : zone.iso(i.at),
    customer_phone: ctx.unmask ? i.customer_phone : maskPhone(i.customer_phone),
    status: isPending({ answered, checks_total }) ? (answered > 0 ? 'in_progress' : 'pending') : failed > 0 ? 'failed' : 'passed',
    answered,
    checks: checks_total,
  }));
}

/** Weeks whose Monday falls in a month: the call weeks that belong to it. */
function weeksOfMonth(month: string): string[] {
  const out: string[] = [];
  let week = isoWeekOfDate(`${month}-01`);
  for (;;) {
    const monday = isoWeekMonday(week);
    if (monday >= `${nextMonth(month)}-01`) break;
    if (monthOfDate(monday) === month) out.push(week);
    week = isoWeekOfDate(addDays(monday, 7));
  }
  return out;
}

export async function runSampleList(ctx: Context, opts: { month?: string; pending?: boolean; format?: string; campaign?: string }): Promise<number> {
  if (opts.campaign !== undefined) return runCampaignList(ctx, opts as typeof opts & { campaign: string });
  const month = parseMonthOption('--month', opts.month);
  // --json wins over --format: it promises one JSON document.
  const format = ctx.json ? 'json' : (opts.format ?? 'table');
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, got "${format}"`);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  // Without --month: the day's worklist, as qa sample counts it (the month of
  // yesterday and the call weeks of the last 35 days).
  const d = today(ctx, zone);
  const m = month ?? recordMonthFor(d);
  const weeks = month ? weeksOfMonth(month) : callWeeksFor(d);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const shown = shownItems(ctx, zone, withChecklistSizes(worklist(db, m, weeks, !!opts.pending), config.checklists));
    ctx.privacy.rows(shown, (i) => `${i.kind}:${i.item_id}`);
    const { stdout } = ctx.streams;
    if (format === 'json') {
      stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else if (format === 'csv') {
      const { toExcelCsv } = await import('../render/csv.js');
      const head = ['kind', 'item_id', 'period', 'stratum', 'run_id', 'drawn_on', 'at', 'department', 'staff_id', 'customer_phone', 'duration_seconds', 'recording_ref', 'status', 'answered', 'checks'] as const;
      stdout.write(toExcelCsv([...head], shown.map((i) => head.map((h) => i[h]))));
    } else {
      const [{ renderWorklist }, { makeChalk }] = await Promise.all([import('../render/sample.js'), import('../render/term.js')]);
      stdout.write(renderWorklist(m, shown, ctx.lang, makeChalk(ctx.env, stdout.isTTY), !!opts.pending));
      // SPEC §7: the campaigns' items are on the worklist too (qa review walks them after these).
      const campaigns = new Map<string, number>();
      for (const c of pendingCampaignItems(db)) campaigns.set(c.campaign, (campaigns.get(c.campaign) ?? 0) + 1);
      for (const [name, n] of campaigns) {
        stdout.write(tr(ctx.lang, `专项「${name}」另有 ${n} 项待审 —— qa sample list --campaign ${name}\n`, `campaign ${name}: ${n} more pending — qa sample list --campaign ${name}\n`));
      }
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runSampleVerify(ctx: Context, runArg: string): Promise<number> {
  const runId = idArgument('run id', runArg);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const result = verifyRun(new SampleStore(db), runId, metaGet(db, 'seed')!);
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const [{ renderVerify }, { makeChalk }] = await Promise.all([import('../render/sample.js'), import('../render/term.js')]);
      ctx.streams.stdout.write(renderVerify(result, ctx.lang, makeChalk(ctx.env, ctx.streams.stdout.isTTY)));
    }
    return result.ok ? EXIT.ok : EXIT.failure;
  } finally {
    db.close();
  }
}

/** `qa sample list --campaign NAME`: the campaign's items, in the worklist's shape (SPEC §7). */
async function runCampaignList(ctx: Context, opts: { month?: string; pending?: boolean; format?: string; campaign: string }): Promise<number> {
  if (opts.month !== undefined) throw new UsageError('--month and --campaign do not go together', { hint: `qa sample list --campaign ${opts.campaign} lists the campaign's items, whatever their month` });
  const format = ctx.json ? 'json' : (opts.format ?? 'table');
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, got "${format}"`);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const c = getCampaign(db, opts.campaign);
    const items = campaignWorklist(db, c.id, !!opts.pending);
    const inRandom = new Map(items.map((i) => [`${i.kind}:${i.item_id}`, !!i.in_random_sample]));
    const shown = shownItems(ctx, zone, withChecklistSizes(items.map(({ in_random_sample: _, ...w }) => w), config.checklists)).map((i) => ({
      ...i,
      campaign: c.name,
      in_random_sample: inRandom.get(`${i.kind}:${i.item_id}`) ?? false,
    }));
    ctx.privacy.rows(shown, (i) => `${i.kind}:${i.item_id}`);
    const { stdout } = ctx.streams;
    if (format === 'json') stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else if (format === 'csv') {
      const { toExcelCsv } = await import('../render/csv.js');
      const head = ['kind', 'item_id', 'period', 'stratum', 'run_id', 'drawn_on', 'at', 'department', 'staff_id', 'customer_phone', 'duration_seconds', 'recording_ref', 'status', 'answered', 'checks', 'in_random_sample'] as const;
      stdout.write(toExcelCsv([...head], shown.map((i) => head.map((h) => i[h]))));
    } else {
      const [{ renderWorklist }, { makeChalk }] = await Promise.all([import('../render/sample.js'), import('../render/term.js')]);
      stdout.write(renderWorklist(`campaign:${c.name}`, shown, ctx.lang, makeChalk(ctx.env, stdout.isTTY), !!opts.pending));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
