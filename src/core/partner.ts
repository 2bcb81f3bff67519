/**
 * Partner quality files (SPEC §7; seed 000 §一(二) 外部合作服务商, §二(二)7
 * "建立合作方服务质量档案，定期评估合作方服务能力，对不达标合作方提出整改或终止合作建议").
 *
 * Pure: the KPIs that apply to a partner's records over a period, and the
 * rule that turns them into a rating and a recommendation. No SQL, no clock.
 */
import { isValidMonth, nextMonth } from './time.js';
import { meets, type Op } from './kpis.js';

export const PARTNER_KINDS = ['logistics', 'repair'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const PARTNER_KIND_LABELS: Readonly<Record<PartnerKind, { zh: string; en: string }>> = {
  logistics: { zh: '物流配送', en: 'logistics' },
  repair: { zh: '设备维修', en: 'repair' },
};

/** Accepts the English ids and the Chinese names (物流, 物流配送, 维修, 设备维修). */
export function parsePartnerKind(v: string): PartnerKind | null {
  const s = v.trim().toLowerCase();
  if (['logistics', '物流', '物流配送', '配送'].includes(s)) return 'logistics';
  if (['repair', '维修', '设备维修'].includes(s)) return 'repair';
  return null;
}

export const RECOMMENDATIONS = ['keep', 'rectify', 'terminate'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export const RECOMMENDATION_LABELS: Readonly<Record<Recommendation, { zh: string; en: string }>> = {
  keep: { zh: '继续合作', en: 'keep' },
  rectify: { zh: '限期整改', en: 'rectify' },
  terminate: { zh: '终止合作', en: 'terminate' },
};

/** Sums over a partner's records of a period: what its KPIs are computed from (same rules as SPEC §5). */
export interface PartnerRecordSums {
  partner: string;
  records: number;
  byType: Record<string, number>;
  /** Deliveries with completed_at and promised_at; of those on time (completed <= promised). */
  deliveryBoth: number;
  deliveryOnTime: number;
  /** Repairs with a first response; of those within 1 h (4 h remote). */
  repairAnswered: number;
  repairOnTime: number;
  /** Repairs with first_time_fix known; of those fixed first time. */
  ftfKnown: number;
  ftf: number;
  /** Deliveries + returns with device_intact known; of those intact. */
  intactKnown: number;
  intact: number;
}

/** Complaints and findings linked to a partner's records in the period. */
export interface PartnerLinks {
  /** Complaints received in the period whose related record is the partner's. */
  complaints: number;
  /** Distinct customers of those complaints (complaint_rate's numerator). */
  complainants: number;
  /** Distinct customers served by the partner in the period. */
  customers: number;
  /** Completed reviews of the partner's records in the period, and failed checks on them. */
  reviewed: number;
  failedItems: number;
  failedChecks: number;
}

export interface PartnerKpi {
  id: 'delivery_on_time' | 'repair_response_on_time' | 'first_time_fix_rate' | 'equipment_intact_rate' | 'complaint_rate';
  value: number | null;
  numerator: number;
  denominator: number;
  target: number | null;
  op: Op;
  met: boolean | null;
}

export type Targets = Readonly<Record<PartnerKpi['id'], { target: number | null; op: Op }>>;

/** The partner's KPIs: the company KPIs of SPEC §5 that a vendor's work decides, on its own records. */
export function partnerKpis(s: PartnerRecordSums, links: PartnerLinks, targets: Targets): PartnerKpi[] {
  const k = (id: PartnerKpi['id'], numerator: number, denominator: number): PartnerKpi => {
    const { target, op } = targets[id];
    const value = denominator > 0 ? numerator / denominator : null;
    return { id, value, numerator, denominator, target, op, met: value === null || target === null ? null : meets(value, op, target) };
  };
  return [
    k('delivery_on_time', s.deliveryOnTime, s.deliveryBoth),
    k('repair_response_on_time', s.repairOnTime, s.repairAnswered),
    k('first_time_fix_rate', s.ftf, s.ftfKnown),
    k('equipment_intact_rate', s.intact, s.intactKnown),
    k('complaint_rate', links.complainants, links.customers),
  ];
}

export interface EvaluationThresholds {
  /** Rating (0–100) a partner needs to be kept; 100 = every KPI that applies met its target. */
  keepAt: number;
  /** Below this rating the recommendation is to end the partnership. */
  terminateBelow: number;
  /** Fewer records than this in the period: the evaluation is marked as resting on thin data. */
  minRecords: number;
}

export const DEFAULT_THRESHOLDS: EvaluationThresholds = Object.freeze({ keepAt: 100, terminateBelow: 90, minRecords: 20 });

/**
 * How much of a KPI's target was attained, in [0, 1]: 1 when met; for a
 * ">=" target value/target (95.8 % on time against 98 % → 0.978); for a
 * "<=" target target/value (3 % complaints against 2 % → 0.667).
 * Null when the KPI has no data or no target.
 */
export function attainment(k: Pick<PartnerKpi, 'value' | 'target' | 'op' | 'met'>): number | null {
  if (k.value === null || k.target === null || k.met === null) return null;
  if (k.met) return 1;
  if (k.op === '>=') return k.target > 0 ? Math.max(0, Math.min(1, k.value / k.target)) : 1;
  if (k.op === '<=') return k.value > 0 ? Math.max(0, Math.min(1, k.target / k.value)) : 1;
  return 0;
}

export interface Evaluation {
  /** 100 × the mean attainment of the KPIs that apply, to one decimal; null when none applies. */
  rating: number | null;
  recommendation: Recommendation | null;
  missed: PartnerKpi['id'][];
  thinData: boolean;
}

/**
 * The rule-based recommendation (SPEC §7): keep when rating >= keepAt,
 * terminate when rating < terminateBelow, rectify in between. Without a KPI
 * that applies there is nothing to rate: rating and recommendation null.
 */
export function evaluatePartner(kpis: readonly PartnerKpi[], records: number, t: EvaluationThresholds): Evaluation {
  const scores = kpis.map(attainment).filter((x): x is number => x !== null);
  const missed = kpis.filter((k) => k.met === false).map((k) => k.id);
  if (scores.length === 0) return { rating: null, recommendation: null, missed, thinData: records < t.minRecords };
  const rating = Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 1000) / 10;
  const recommendation: Recommendation = rating >= t.keepAt ? 'keep' : rating < t.terminateBelow ? 'terminate' : 'rectify';
  return { rating, recommendation, missed, thinData: records < t.minRecords };
}

/** `YYYY-Qn` → its three months, or null when malformed. */
export function quarterMonths(q: string): [string, string, string] | null {
  const m = /^(\d{4})-Q([1-4])$/.exec(q.trim());
  if (!m) return null;
  const first = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}`;
  if (!isValidMonth(first)) return null;
  const second = nextMonth(first);
  return [first, second, nextMonth(second)];
}

/** The quarter a month (YYYY-MM) belongs to: 2026-10 → 2026-Q4. */
export function quarterOf(month: string): string {
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/** Add the sums of several months (a quarter from its months). */
export function addSums(partner: string, parts: readonly PartnerRecordSums[]): PartnerRecordSums {
  const out: PartnerRecordSums = { partner, records: 0, byType: {}, deliveryBoth: 0, deliveryOnTime: 0, repairAnswered: 0, repairOnTime: 0, ftfKnown: 0, ftf: 0, intactKnown: 0, intact: 0 };
  for (const p of parts) {
    out.records += p.records;
    for (const [t, n] of Object.entries(p.byType)) out.byType[t] = (out.byType[t] ?? 0) + n;
    out.deliveryBoth += p.deliveryBoth;
    out.deliveryOnTime += p.deliveryOnTime;
    out.repairAnswered += p.repairAnswered;
    out.repairOnTime += p.repairOnTime;
    out.ftfKnown += p.ftfKnown;
    out.ftf += p.ftf;
    out.intactKnown += p.intactKnown;
    out.intact += p.intact;
  }
  return out;
}
