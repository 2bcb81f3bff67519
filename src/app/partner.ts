/**
 * Partner quality files (SPEC §7): register a partner, build each partner's
 * file for a month or a quarter, and evaluate a partner for a quarter —
 * appended to its file, never rewritten; a `rectify` recommendation opens a
 * rectification owned by the partner.
 */
import type { Config } from '../config.js';
import { KPIS, parseKpiOverrides } from '../core/kpis.js';
import {
  addSums,
  evaluatePartner,
  parsePartnerKind,
  partnerKpis,
  quarterMonths,
  type Evaluation,
  type PartnerKind,
  type PartnerKpi,
  type PartnerLinks,
  type PartnerRecordSums,
  type Targets,
} from '../core/partner.js';
import { addDays, isValidDate, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import type { Db } from '../db/open.js';
import { evaluations, insertEvaluation, insertPartner, listPartners, partnerByName, partnerLinks, partnerRecordSums, type EvaluationRow, type PartnerRow } from '../db/partner.js';
import { cached, recordsFingerprint } from '../db/report.js';
import { ReviewStore } from '../db/review.js';
import { QaError, UsageError } from '../errors.js';

export function addPartner(db: Db, p: { name: string; kind?: string | undefined; since?: string | undefined; by: string; at: number }): PartnerRow {
  const name = p.name.trim();
  if (!name) throw new UsageError('a partner needs a name', { hint: 'qa partner add 顺达物流 --kind logistics' });
  if (!p.kind) throw new UsageError('--kind is required: logistics or repair', { hint: `qa partner add ${name} --kind logistics` });
  const kind = parsePartnerKind(p.kind);
  if (!kind) throw new UsageError(`--kind must be logistics or repair (物流 / 维修), got "${p.kind}"`);
  if (p.since !== undefined && !isValidDate(p.since)) throw new UsageError(`--since must be a date like 2026-01-01, got "${p.since}"`);
  if (partnerByName(db, name)) throw new UsageError(`partner "${name}" is already registered`, { hint: 'qa partner list shows the register' });
  const row: PartnerRow = { name, kind, since: p.since ?? null, added_at: p.at, added_by: p.by };
  db.transaction(() => {
    insertPartner(db, row);
    appendAudit(db, { actor: p.by, action: 'partner.add', entity: 'partner', entityId: name, detail: { kind, since: row.since }, at: p.at });
  }).immediate();
  return row;
}

/** The period a partner report covers: one month or a quarter's three. */
export interface Period {
  label: string;
  months: string[];
}

export function periodOf(opts: { month?: string | undefined; quarter?: string | undefined }, fallbackMonth: string): Period {
  if (opts.month && opts.quarter) throw new UsageError('pass --month or --quarter, not both');
  if (opts.quarter) {
    const months = quarterMonths(opts.quarter);
    if (!months) throw new UsageError(`--quarter must look like 2026-Q4, got "${opts.quarter}"`);
    return { label: opts.quarter.trim(), months };
  }
  return { label: opts.month ?? fallbackMonth, months: [opts.month ?? fallbackMonth] };
}

/** Targets of the partner KPIs: the company KPIs' (SPEC §5), with the config's overrides. */
export function partnerTargets(config: Config): Targets {
  let overrides;
  try {
    overrides = parseKpiOverrides(config.kpis);
  } catch (e) {
    throw new UsageError(`config key ${(e as Error).message}`);
  }
  const t = (id: PartnerKpi['id']) => {
    const def = KPIS.find((k) => k.id === id)!;
    const o = overrides[id] ?? {};
    return { target: o.target === undefined ? def.target : o.target, op: o.op ?? def.op };
  };
  return { delivery_on_time: t('delivery_on_time'), repair_response_on_time: t('repair_response_on_time'), first_time_fix_rate: t('first_time_fix_rate'), equipment_intact_rate: t('equipment_intact_rate'), complaint_rate: t('complaint_rate') };
}

/** Bump when the cached partner sums change meaning. */
const PARTNER_FIGURES_VERSION = 1;

/**
 * The month's per-partner record sums, cached in month_cache under the same
 * fingerprint as the report's record scan (imports touching the month,
 * records moved out of it, the time zone): a re-export that adds or changes a
 * partner column is a new import, so it recomputes them.
 */
export function monthPartnerSums(db: Db, zone: Zone, month: string, now: number): PartnerRecordSums[] {
  const [start, end] = zone.monthRange(month);
  const rules = JSON.stringify({ partners: PARTNER_FIGURES_VERSION, tz: zone.name });
  return cached(db, month, 'partners', recordsFingerprint(db, month, start, end, rules, false), () => partnerRecordSums(db, start, end), now);
}

export interface PartnerFile {
  partner: string;
  /** null: the name is on records but not in the register. */
  kind: PartnerKind | null;
  since: string | null;
  records: number;
  by_type: Record<string, number>;
  kpis: PartnerKpi[];
  complaints: number;
  reviewed: number;
  failed_items: number;
  failed_checks: number;
  /** What an evaluation would say now (rule of core/partner.ts). */
  rating: number | null;
  recommendation: Evaluation['recommendation'];
  missed: PartnerKpi['id'][];
  thin_data: boolean;
  /** The latest stored evaluation for the period (a quarter; for a month, its quarter), if any. */
  evaluation: { id: number; rating: number | null; recommendation: string; evaluated_at: string; evaluated_by: string; rectification: number | null } | null;
}

/** Each partner's quality file for the period: registered partners first (even without records), then names only seen on records. */
export function partnerFiles(db: Db, config: Config, zone: Zone, period: Period, now: number, evaluationPeriod = period.label): PartnerFile[] {
  const sums = new Map<string, PartnerRecordSums[]>();
  for (const m of period.months) {
    for (const s of monthPartnerSums(db, zone, m, now)) {
      let list = sums.get(s.partner);
      if (!list) sums.set(s.partner, (list = []));
      list.push(s);
    }
  }
  const start = zone.monthRange(period.months[0]!)[0];
  const end = zone.monthRange(period.months[period.months.length - 1]!)[1];
  const links = partnerLinks(db, start, end);
  const registered = listPartners(db);
  const names = [...registered.map((p) => p.name), ...[...sums.keys()].filter((n) => !registered.some((p) => p.name === n)).sort()];
  const targets = partnerTargets(config);
  const evals = evaluations(db, { period: evaluationPeriod });
  return names.map((name) => {
    const reg = registered.find((p) => p.name === name);
    const s = addSums(name, sums.get(name) ?? []);
    const l: PartnerLinks = links.get(name) ?? { complaints: 0, complainants: 0, customers: 0, reviewed: 0, failedItems: 0, failedChecks: 0 };
    const kpis = partnerKpis(s, l, targets);
    const ev = evaluatePartner(kpis, s.records, config.partners);
    const last = evals.filter((e) => e.partner === name).at(-1);
    return {
      partner: name,
      kind: (reg?.kind as PartnerKind | undefined) ?? null,
      since: reg?.since ?? null,
      records: s.records,
      by_type: s.byType,
      kpis,
      complaints: l.complaints,
      reviewed: l.reviewed,
      failed_items: l.failedItems,
      failed_checks: l.failedChecks,
      rating: ev.rating,
      recommendation: ev.recommendation,
      missed: ev.missed,
      thin_data: ev.thinData,
      evaluation: last ? { id: last.id, rating: last.rating, recommendation: last.recommendation, evaluated_at: zone.iso(last.evaluated_at), evaluated_by: last.evaluated_by, rectification: last.rectification_id } : null,
    };
  });
}

export interface EvaluationResult {
  id: number;
  partner: string;
  quarter: string;
  rating: number;
  recommendation: 'keep' | 'rectify' | 'terminate';
  missed: string[];
  thin_data: boolean;
  rectification: number | null;
  file: PartnerFile;
}

/**
 * `qa partner evaluate NAME --quarter Q`: the quarter's file, rated by the
 * configured thresholds, appended to the partner's evaluations (a second
 * evaluation of the same quarter is appended too: the history shows both).
 */
export function evaluate(db: Db, config: Config, zone: Zone, p: { name: string; quarter?: string | undefined; note?: string | undefined; by: string; at: number }): EvaluationResult {
  if (!p.quarter) throw new UsageError('--quarter is required: partners are evaluated per quarter', { hint: `qa partner evaluate ${p.name} --quarter 2026-Q4` });
  const period = periodOf({ quarter: p.quarter }, '');
  const reg = partnerByName(db, p.name);
  if (!reg) {
    const known = listPartners(db).map((x) => x.name);
    throw new UsageError(`unknown partner "${p.name}"`, {
      hint: known.length ? `register it first (qa partner add "${p.name}" --kind logistics|repair), or use one of: ${known.join(', ')}` : `register it first: qa partner add "${p.name}" --kind logistics|repair`,
    });
  }
  const today = zone.dateOf(p.at);
  if (`${period.months[0]}-01` > today) throw new UsageError(`${period.label} has not started yet (today is ${today})`, { hint: 'evaluate a quarter that has begun, usually after it ended' });
  return db.transaction(() => {
    const file = partnerFiles(db, config, zone, period, p.at).find((f) => f.partner === reg.name)!;
    if (file.rating === null || file.recommendation === null) {
      throw new QaError(`no figures for partner "${reg.name}" in ${period.label}: none of its records there has the values its KPIs need`, {
        hint: 'import the exports with the partner column (合作方) for that quarter first; qa partner report --quarter shows what is there',
      });
    }
    let rectification: number | null = null;
    const store = new ReviewStore(db);
    if (file.recommendation === 'rectify') {
      const missed = file.missed.join(', ');
      const due = addDays(today, config.rectification.days);
      rectification = store.insertSubjectRectification(
        {
          kind: 'partners',
          id: reg.name,
          check: 'evaluation',
          category: 'result',
          severity: 'major',
          text: `合作方 ${period.label} 评估：评分 ${file.rating}，未达标 ${missed || '—'} / partner evaluation ${period.label}: rating ${file.rating}, missed ${missed || '—'}`,
          note: p.note?.trim() || null,
          by: p.by,
          at: p.at,
        },
        { department: reg.name, person: null },
        due,
      );
      store.insertStep({ rectification_id: rectification, from_state: null, to_state: 'open', actor: p.by, at: p.at, note: p.note?.trim() || null, due_date: due });
      appendAudit(db, { actor: p.by, action: 'rectification.open', entity: 'rectification', entityId: rectification, detail: { partner: reg.name, quarter: period.label, owner_department: reg.name, due_date: due }, at: p.at });
    }
    const { evaluation: _, ...figures } = file;
    const id = insertEvaluation(db, {
      partner: reg.name,
      period: period.label,
      rating: file.rating,
      recommendation: file.recommendation,
      figures: JSON.stringify(figures),
      thresholds: JSON.stringify(config.partners),
      note: p.note?.trim() || null,
      rectification_id: rectification,
      evaluated_at: p.at,
      evaluated_by: p.by,
    });
    appendAudit(db, { actor: p.by, action: 'partner.evaluate', entity: 'partner', entityId: reg.name, detail: { evaluation: id, quarter: period.label, rating: file.rating, recommendation: file.recommendation, rectification }, at: p.at });
    return { id, partner: reg.name, quarter: period.label, rating: file.rating, recommendation: file.recommendation, missed: file.missed, thin_data: file.thin_data, rectification, file };
  }).immediate();
}

/** A partner's evaluation history (its file), oldest first. */
export function history(db: Db, name: string): EvaluationRow[] {
  return evaluations(db, { partner: name });
}
