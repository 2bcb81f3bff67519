/**
 * `qa campaign start|list|report|verify` and `qa sample --campaign NAME
 * --rate R` — special supervision campaigns (SPEC §7; seed 000 §三(二) 专项监督).
 */
import type { Context } from '../context.js';
import { drawCampaignSample, focusOf, getCampaign, startCampaign, summarizeCampaign, type CampaignSummary } from '../app/campaign.js';
import { currentUser } from '../core/actor.js';
import type { Focus } from '../core/campaign.js';
import { Zone } from '../core/time.js';
import { listCampaigns } from '../db/campaign.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { parseDateOption } from './options.js';

export const focusText = (focus: readonly Focus[]): string => focus.map((f) => `${f.field}=${f.value}`).join(' & ');

export function runCampaignStart(ctx: Context, name: string, opts: { from?: string; to?: string; focus?: string[]; seed?: string }): number {
  const { config } = ctx.config();
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd));
  try {
    const c = startCampaign(db, config, { name, from: opts.from, to: opts.to, focus: opts.focus ?? [], seed: opts.seed, by: currentUser(ctx.env), at: ctx.now().getTime() });
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify({ name: c.name, from: c.from_date, to: c.to_date, focus: focusOf(c), seed: c.seed }, null, 2)}\n`);
    else {
      ctx.streams.stdout.write(
        tr(
          ctx.lang,
          `专项监督「${c.name}」已开始：${c.from_date} 至 ${c.to_date}，重点 ${focusText(focusOf(c))}，种子 ${c.seed}\n下一步：qa sample --campaign ${c.name} --rate 0.3\n`,
          `campaign "${c.name}" started: ${c.from_date} to ${c.to_date}, focus ${focusText(focusOf(c))}, seed ${c.seed}\nnext: qa sample --campaign ${c.name} --rate 0.3\n`,
        ),
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runCampaignSample(ctx: Context, opts: { campaign?: string; rate?: string; seed?: string; date?: string; month?: string }): number {
  if (opts.month) throw new UsageError('--month and --campaign do not go together', { hint: 'a campaign draws from its own date range: qa sample --campaign NAME --rate R' });
  if (opts.rate === undefined) throw new UsageError('--rate is required with --campaign', { hint: `qa sample --campaign ${opts.campaign} --rate 0.3   # 30 % of the campaign's focus` });
  if (!/^(0?\.\d+|1(\.0*)?|0)$/.test(opts.rate.trim())) throw new UsageError(`--rate must be a share above 0 and at most 1 (0.3 = 30 %), got "${opts.rate}"`);
  if (opts.seed !== undefined && (opts.seed.trim() === '' || opts.seed.length > 200)) throw new UsageError('--seed must be a non-empty text of at most 200 characters');
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const at = ctx.now().getTime();
  const date = parseDateOption('--date', opts.date) ?? zone.dateOf(at);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const r = drawCampaignSample(db, config, zone, { name: opts.campaign!, rate: Number(opts.rate), seed: opts.seed, date, by: currentUser(ctx.env), at });
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify({ campaign: r.campaign, date, seed: r.seed, rate: r.rate, population: r.population, target: r.target, sampled_before: r.before, drawn: r.drawn.map((d) => d.id), run: r.run }, null, 2)}\n`);
    else {
      const L = ctx.lang;
      ctx.streams.stdout.write(
        tr(
          L,
          `专项「${r.campaign}」：重点范围内 ${r.population} 项，目标 ${r.target}（${Math.round(r.rate * 100)} %），此前已抽 ${r.before}，本次抽取 ${r.drawn.length}${r.run ? `（批次 ${r.run}）` : ''}\n`,
          `campaign "${r.campaign}": ${r.population} items in the focus, target ${r.target} (${Math.round(r.rate * 100)} %), ${r.before} drawn before, ${r.drawn.length} drawn now${r.run ? ` (run ${r.run})` : ''}\n`,
        ) +
          r.drawn.slice(0, 20).map((d) => `  ${d.kind === 'calls' ? tr(L, '录音', 'call') : tr(L, '记录', 'record')} ${d.id}\n`).join('') +
          (r.drawn.length > 20 ? tr(L, `  ……另有 ${r.drawn.length - 20} 项\n`, `  … and ${r.drawn.length - 20} more\n`) : '') +
          tr(L, `审核：qa review（专项项目排在随机样本之后，单独标注）；进度：qa campaign report ${r.campaign}\n`, `review them with qa review (after the random sample, marked as campaign items); progress: qa campaign report ${r.campaign}\n`),
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runCampaignList(ctx: Context): Promise<number> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const rows = listCampaigns(db).map((c) => summarizeCampaign(db, config, zone, c));
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(rows.map(({ runs, fails_by_check, ...rest }) => ({ ...rest, runs: runs.length })), null, 2)}\n`);
      return EXIT.ok;
    }
    const L = ctx.lang;
    if (!rows.length) {
      ctx.streams.stdout.write(tr(L, '还没有专项监督。用 qa campaign start 开始一个。\n', 'No campaigns yet. Start one with qa campaign start.\n'));
      return EXIT.ok;
    }
    const { renderTable, makeChalk } = await import('../render/term.js');
    ctx.streams.stdout.write(
      `${renderTable({
        chalk: makeChalk(ctx.env, ctx.streams.stdout.isTTY),
        head: [tr(L, '名称', 'name'), tr(L, '期间', 'dates'), tr(L, '重点', 'focus'), tr(L, '范围内', 'in focus'), tr(L, '已抽', 'drawn'), tr(L, '已审', 'reviewed'), tr(L, '不通过', 'failed'), tr(L, '合格率', 'pass rate')],
        right: [3, 4, 5, 6, 7],
        rows: rows.map((c) => [c.name, `${c.from} – ${c.to}`, focusText(c.focus), c.population, c.drawn, c.reviewed, c.failed, pct(c.pass_rate)]),
      })}\n`,
    );
    return EXIT.ok;
  } finally {
    db.close();
  }
}

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** The campaign report as lines (also used by the monthly report's terminal table). */
export function campaignLines(c: CampaignSummary, L: Lang): string[] {
  const out = [
    tr(L, `专项监督「${c.name}」 ${c.from} 至 ${c.to} · 重点 ${focusText(c.focus)}`, `Campaign "${c.name}" ${c.from} to ${c.to} · focus ${focusText(c.focus)}`),
    tr(
      L,
      `范围内 ${c.population} 项，已抽 ${c.drawn}（其中 ${c.also_in_random_sample} 项也在随机样本中），已审 ${c.reviewed}：通过 ${c.passed}，不通过 ${c.failed}，合格率 ${pct(c.pass_rate)}；审核中 ${c.in_progress}`,
      `${c.population} items in the focus, ${c.drawn} drawn (${c.also_in_random_sample} also in the random sample), ${c.reviewed} reviewed: ${c.passed} passed, ${c.failed} failed, pass rate ${pct(c.pass_rate)}; ${c.in_progress} in progress`,
    ),
    tr(L, `整改 ${c.rectifications.total} 项，未完成 ${c.rectifications.open}`, `rectifications ${c.rectifications.total}, not done ${c.rectifications.open}`),
  ];
  for (const f of c.fails_by_check) out.push(`  ${f.check} · ${f.text.split(' / ')[L === 'zh' ? 0 : 1] ?? f.text}: ${f.failed}`);
  for (const r of c.runs) {
    out.push(
      tr(
        L,
        `  批次 ${r.run} · ${r.date} · 种子 ${r.seed} · 比例 ${r.rate} · 总体 ${r.population} · 抽取 ${r.drawn} · ${r.verified ? '核验一致' : `核验不一致：${r.problems.join('；')}`}${r.population_now.added || r.population_now.removed ? ` · 此后范围变化 +${r.population_now.added}/−${r.population_now.removed}` : ''}`,
        `  run ${r.run} · ${r.date} · seed ${r.seed} · rate ${r.rate} · population ${r.population} · drawn ${r.drawn} · ${r.verified ? 'verified' : `DOES NOT VERIFY: ${r.problems.join('; ')}`}${r.population_now.added || r.population_now.removed ? ` · focus changed since: +${r.population_now.added}/−${r.population_now.removed}` : ''}`,
      ),
    );
  }
  return out;
}

/** `qa campaign report NAME`: progress, results, fails by check, each draw re-verified (exit 1 if one does not verify). */
export function runCampaignReport(ctx: Context, name: string): number {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const s = summarizeCampaign(db, config, zone, getCampaign(db, name), true);
    const L = ctx.lang;
    if (ctx.json) {
      ctx.streams.stdout.write(
        `${JSON.stringify(
          {
            ...s,
            items: s.items!.map((i) => ({ kind: i.kind, id: i.item_id, run: i.run_id, record_type: i.record_type, department: i.department, staff: i.staff_id, at: i.at === null ? null : zone.iso(i.at), in_random_sample: !!i.sampled, answered: i.answered, checks: i.checks_total, failed: i.failed })),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const lines = campaignLines(s, L);
      const pending = s.items!.filter((i) => i.checks_total === 0 || i.answered < i.checks_total);
      if (pending.length) {
        lines.push(tr(L, `待审 ${pending.length} 项：`, `${pending.length} waiting for review:`));
        for (const i of pending.slice(0, 20)) lines.push(`  ${i.item_id} ${i.record_type ?? tr(L, '录音', 'call')} ${i.department ?? ''} ${i.at === null ? '' : zone.format(i.at)}`);
        if (pending.length > 20) lines.push(tr(L, `  ……另有 ${pending.length - 20} 项`, `  … and ${pending.length - 20} more`));
      }
      ctx.streams.stdout.write(`${lines.join('\n')}\n`);
    }
    return s.runs.every((r) => r.verified) ? EXIT.ok : EXIT.failure;
  } finally {
    db.close();
  }
}
