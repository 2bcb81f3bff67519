/**
 * `qa partner add|list|report|evaluate` — outside partners (logistics and
 * repair vendors) and their quality files (SPEC §7; seed 000 §一(二), §二(二)7).
 */
import type { Context } from '../context.js';
import { addPartner, evaluate, history, partnerFiles, periodOf, type PartnerFile } from '../app/partner.js';
import { currentUser } from '../core/actor.js';
import { PARTNER_KIND_LABELS, RECOMMENDATION_LABELS, type PartnerKind, type Recommendation } from '../core/partner.js';
import { previousMonth, Zone } from '../core/time.js';
import { evaluations, listPartners, recordsPerPartner, unregisteredPartners } from '../db/partner.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { parseMonthOption } from './options.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export const KPI_SHORT: Record<string, { zh: string; en: string }> = {
  delivery_on_time: { zh: '交付准时', en: 'delivery on time' },
  repair_response_on_time: { zh: '维修响应', en: 'repair response' },
  first_time_fix_rate: { zh: '一次修复', en: 'first-time fix' },
  equipment_intact_rate: { zh: '设备完好', en: 'device intact' },
  complaint_rate: { zh: '投诉率', en: 'complaint rate' },
};

export const recommendationLabel = (r: string | null, L: Lang): string => (r ? tr(L, RECOMMENDATION_LABELS[r as Recommendation].zh, RECOMMENDATION_LABELS[r as Recommendation].en) : '—');
const kindLabel = (k: string | null, L: Lang): string => (k ? tr(L, PARTNER_KIND_LABELS[k as PartnerKind].zh, PARTNER_KIND_LABELS[k as PartnerKind].en) : tr(L, '未登记', 'not registered'));

export function runPartnerAdd(ctx: Context, name: string, opts: { kind?: string; since?: string }): number {
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd));
  try {
    const p = addPartner(db, { name, kind: opts.kind, since: opts.since, by: currentUser(ctx.env), at: ctx.now().getTime() });
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify({ name: p.name, kind: p.kind, since: p.since }, null, 2)}\n`);
    else ctx.streams.stdout.write(tr(ctx.lang, `已登记合作方 ${p.name}（${kindLabel(p.kind, 'zh')}）\n`, `partner ${p.name} (${p.kind}) registered\n`));
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export async function runPartnerList(ctx: Context): Promise<number> {
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const counts = recordsPerPartner(db);
    const evals = evaluations(db, {});
    const rows = listPartners(db).map((p) => {
      const last = evals.filter((e) => e.partner === p.name).at(-1);
      return { name: p.name, kind: p.kind, since: p.since, records: counts.get(p.name) ?? 0, evaluations: evals.filter((e) => e.partner === p.name).length, last_evaluation: last ? { quarter: last.period, rating: last.rating, recommendation: last.recommendation } : null };
    });
    const unknown = unregisteredPartners(db);
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify({ partners: rows, unregistered: unknown }, null, 2)}\n`);
      return EXIT.ok;
    }
    const L = ctx.lang;
    const { renderTable, makeChalk } = await import('../render/term.js');
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    let out = rows.length
      ? `${renderTable({
          chalk,
          head: [tr(L, '合作方', 'partner'), tr(L, '类型', 'kind'), tr(L, '合作起始', 'since'), tr(L, '记录数', 'records'), tr(L, '评估次数', 'evaluations'), tr(L, '最近评估', 'last evaluation')],
          right: [3, 4],
          rows: rows.map((r) => [r.name, kindLabel(r.kind, L), r.since ?? '', r.records, r.evaluations, r.last_evaluation ? `${r.last_evaluation.quarter} ${r.last_evaluation.rating ?? '—'} ${recommendationLabel(r.last_evaluation.recommendation, L)}` : '']),
        })}\n`
      : tr(L, '还没有登记合作方。用 qa partner add 登记。\n', 'No partners registered yet. Add one with qa partner add.\n');
    if (unknown.length) {
      out += chalk.yellow(tr(L, `记录中出现但未登记的合作方：${unknown.map((u) => `${u.partner}（${u.records}）`).join('，')}\n`, `On records but not registered: ${unknown.map((u) => `${u.partner} (${u.records})`).join(', ')}\n`));
    }
    ctx.streams.stdout.write(out);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** One partner's file as lines (shared with the monthly report's terminal table). */
export function partnerLines(f: PartnerFile, L: Lang): string[] {
  const kpis = f.kpis
    .filter((k) => k.denominator > 0)
    .map((k) => `${tr(L, KPI_SHORT[k.id]!.zh, KPI_SHORT[k.id]!.en)} ${pct(k.value)} (${k.numerator}/${k.denominator}) ${k.met === null ? '' : k.met ? '✓' : `✗ ${tr(L, '目标', 'target')} ${k.op} ${pct(k.target)}`}`.trim());
  const out = [
    `${f.partner} · ${kindLabel(f.kind, L)} · ${tr(L, `记录 ${f.records}`, `${f.records} records`)} · ${tr(L, `投诉 ${f.complaints}`, `${f.complaints} complaints`)} · ${tr(L, `已审 ${f.reviewed}，不通过 ${f.failed_items}（${f.failed_checks} 项）`, `${f.reviewed} reviewed, ${f.failed_items} failed (${f.failed_checks} checks)`)}`,
    ...kpis.map((k) => `    ${k}`),
    `    ${tr(L, '评分', 'rating')} ${f.rating ?? '—'} → ${recommendationLabel(f.recommendation, L)}${f.thin_data ? tr(L, '（数据较少）', ' (thin data)') : ''}${f.evaluation ? tr(L, ` · 已评估 ${f.evaluation.rating ?? '—'} ${recommendationLabel(f.evaluation.recommendation, L)}（${f.evaluation.evaluated_at.slice(0, 10)}，${f.evaluation.evaluated_by}）`, ` · evaluated ${f.evaluation.rating ?? '—'} ${recommendationLabel(f.evaluation.recommendation, L)} (${f.evaluation.evaluated_at.slice(0, 10)}, ${f.evaluation.evaluated_by})`) : ''}`,
  ];
  return out;
}

export function runPartnerReport(ctx: Context, opts: { month?: string; quarter?: string; partner?: string }): number {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const at = ctx.now().getTime();
  const period = periodOf({ month: parseMonthOption('--month', opts.month), quarter: opts.quarter }, previousMonth(zone.monthOf(at)));
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    let files = partnerFiles(db, config, zone, period, at);
    if (opts.partner !== undefined) {
      files = files.filter((f) => f.partner === opts.partner);
      if (!files.length) throw new UsageError(`unknown partner "${opts.partner}"`, { hint: 'qa partner list shows the register and the names seen on records' });
    }
    const hist = opts.partner !== undefined ? history(db, opts.partner) : [];
    const L = ctx.lang;
    if (ctx.json) {
      ctx.streams.stdout.write(
        `${JSON.stringify(
          {
            period: period.label,
            months: period.months,
            thresholds: config.partners,
            partners: files,
            ...(opts.partner !== undefined
              ? { history: hist.map((e) => ({ id: e.id, quarter: e.period, rating: e.rating, recommendation: e.recommendation, rectification: e.rectification_id, note: e.note, evaluated_at: zone.iso(e.evaluated_at), evaluated_by: e.evaluated_by })) }
              : {}),
          },
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    const lines = [tr(L, `合作方服务质量档案 ${period.label}`, `Partner quality files ${period.label}`), ''];
    if (!files.length) lines.push(tr(L, '没有合作方，记录中也没有合作方列。', 'No partners registered and none on the records.'));
    for (const f of files) lines.push(...partnerLines(f, L), '');
    if (hist.length) {
      lines.push(tr(L, '评估历史：', 'Evaluation history:'));
      for (const e of hist) lines.push(`  #${e.id} ${e.period} ${tr(L, '评分', 'rating')} ${e.rating ?? '—'} ${recommendationLabel(e.recommendation, L)} · ${zone.format(e.evaluated_at)} ${e.evaluated_by}${e.rectification_id ? tr(L, ` · 整改 #${e.rectification_id}`, ` · rectification #${e.rectification_id}`) : ''}${e.note ? ` · ${e.note}` : ''}`);
    }
    ctx.streams.stdout.write(`${lines.join('\n').trimEnd()}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runPartnerEvaluate(ctx: Context, name: string, opts: { quarter?: string; note?: string; by?: string }): number {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const r = evaluate(db, config, zone, { name, quarter: opts.quarter, note: opts.note, by: opts.by ?? currentUser(ctx.env), at: ctx.now().getTime() });
    const L = ctx.lang;
    if (ctx.json) {
      const { file, ...rest } = r;
      ctx.streams.stdout.write(`${JSON.stringify({ ...rest, records: file.records, kpis: file.kpis, complaints: file.complaints, thresholds: config.partners }, null, 2)}\n`);
    } else {
      ctx.streams.stdout.write(
        [
          tr(L, `合作方 ${r.partner} ${r.quarter} 评估 #${r.id}：评分 ${r.rating} → ${recommendationLabel(r.recommendation, L)}`, `partner ${r.partner} ${r.quarter} evaluation #${r.id}: rating ${r.rating} → ${r.recommendation}`),
          ...partnerLines(r.file, L).slice(1, -1),
          ...(r.thin_data ? [tr(L, `  注意：本季度记录少于 ${config.partners.minRecords} 条`, `  note: fewer than ${config.partners.minRecords} records this quarter`)] : []),
          ...(r.rectification !== null ? [tr(L, `已开立整改 #${r.rectification}，责任方 ${r.partner}`, `rectification #${r.rectification} opened, owned by ${r.partner}`)] : []),
        ].join('\n') + '\n',
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
