/**
 * The callback and survey programme (SPEC §6; seed 001 第六条, 000 §三(二)
 * 客户回访, 002 三(四)3): who must be surveyed, why and by when. Pure: the
 * caller loads the candidates; `planCallbacks` decides the entries.
 *
 * A run on date D (local) considers:
 *   - ended: every return record completed in [D − lookback, D) whose
 *     customer has no survey since completed_at; due by the 3rd working day
 *     after completed_at's date (001 第六条: 服务结束后3个工作日内);
 *   - complaint: every complaint resolved in [D − lookback, D) whose customer
 *     has no survey since resolved_at; due `complaintDays` calendar days
 *     after the resolution date (002 三(四)3, SPEC complaint_callback);
 *   - quarterly: once the last working day L of a quarter has come (L <= D,
 *     and D within `lookback` days of L, so a missed cron day still catches
 *     up; the caller passes a quarter to the first such run only), every long-term customer — first record at least 3 months before
 *     L and a record in that quarter (合作满3个月, still renting) — due by the
 *     7th working day after L (调查周期为7个工作日);
 *   - churn: in June and December, once per half-year period (the first run
 *     in the month draws), customers whose last record is more than 6 months
 *     before D (近6个月无复租行为): ceil(churnRate × N) of them, the lowest
 *     ranks sha256("<seed>:churn:<customer>") winning; due by the 15th
 *     working day after D (访谈周期为15个工作日).
 *
 * Entries are keyed (reason, source, customer), so runs never add one twice;
 * the output is sorted, and depends only on the candidates and the seed —
 * never on the order they were imported or listed in.
 */
import { lookupTable } from './lookup.js';
import crypto from 'node:crypto';
import type { WorkCalendar } from './calendar.js';
import { addDays, isValidDate, type Zone } from './time.js';

export const CALLBACK_REASONS = ['ended', 'quarterly', 'churn', 'complaint'] as const;
export type CallbackReason = (typeof CALLBACK_REASONS)[number];

export const REASON_LABELS: Readonly<Record<CallbackReason, { zh: string; en: string }>> = {
  ended: { zh: '租赁结束回访', en: 'rental ended' },
  quarterly: { zh: '长期客户季度调查', en: 'quarterly (long-term customer)' },
  churn: { zh: '潜在流失客户深度访谈', en: 'churn-risk interview' },
  complaint: { zh: '投诉客户回访', en: 'complainant callback' },
};

/** Accepted spellings of a reason (English id or Chinese). */
export const REASON_ALIASES: Readonly<Record<string, CallbackReason>> = lookupTable({
  ended: 'ended', 退租: 'ended', 租赁结束: 'ended',
  quarterly: 'quarterly', 季度: 'quarterly', 长期客户: 'quarterly',
  churn: 'churn', 流失: 'churn', 潜在流失: 'churn',
  complaint: 'complaint', 投诉: 'complaint',
});

export const CALLBACK_ALGORITHM = 'callback-v1';

export interface EndedCandidate {
  record_id: string;
  customer_id: string;
  completed_at: number;
  /** The customer has a survey at or after completed_at. */
  surveyed: boolean;
}

export interface ComplaintCandidate {
  complaint_id: string;
  customer_id: string;
  resolved_at: number;
  surveyed: boolean;
  /** Its related record (for the phone to call), if any. */
  related_record_id: string | null;
}

/** A customer's span of records before a cut-off. */
export interface CustomerSpan {
  customer_id: string;
  first_at: number;
  last_at: number;
  /** The latest record (for the phone to call). */
  last_record_id: string;
}

export interface PlanInput {
  date: string;
  seed: string;
  zone: Zone;
  calendar: WorkCalendar;
  lookbackDays: number;
  complaintDays: number;
  churnRate: number;
  ended: readonly EndedCandidate[];
  complaints: readonly ComplaintCandidate[];
  /** Spans up to the end of the quarter's last working day, per quarter handled (see quartersDue). */
  quarterly: readonly { quarter: string; last_workday: string; start: number; customers: readonly CustomerSpan[] }[];
  /** Spans before D, when a churn draw is due (see churnPeriodDue); else null. */
  churn: { period: string; customers: readonly CustomerSpan[] } | null;
}

export interface PlannedEntry {
  reason: CallbackReason;
  source_id: string;
  customer_id: string;
  trigger_at: number;
  due_date: string;
  rank: number | null;
  contact_record_id: string | null;
}

export interface Plan {
  entries: PlannedEntry[];
  /** Candidates considered per reason (the receipt's population). */
  population: Record<CallbackReason, number>;
  /** sha256 over the sorted candidate keys: the same data gives the same digest. */
  digest: string;
  /** Years whose working days had to be taken as Monday–Friday. */
  guessedYears: number[];
}

/** "YYYY-Qn" of a local date. Pure. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** First and last local date of a quarter "YYYY-Qn". Pure. */
export function quarterDates(quarter: string): [string, string] {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  const first = `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`;
  const next = q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  return [first, addDays(next, -1)];
}

export function previousQuarter(quarter: string): string {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

/** The last working day of a quarter (a year without calendar data counts Mon–Fri; see cal.guessedYears). */
export function lastWorkdayOfQuarter(cal: WorkCalendar, quarter: string): string {
  let d = quarterDates(quarter)[1];
  while (!cal.isWorkday(d)) d = addDays(d, -1);
  return d;
}

/** Whole days from a to b (local dates). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The quarters a run on `date` handles: the current quarter once its last
 * working day has come, and the previous one while its last working day is
 * within `lookbackDays` (a missed run catches up). Pure but for the calendar.
 */
export function quartersDue(cal: WorkCalendar, date: string, lookbackDays: number): { quarter: string; last_workday: string }[] {
  const out: { quarter: string; last_workday: string }[] = [];
  for (const q of [previousQuarter(quarterOf(date)), quarterOf(date)]) {
    const l = lastWorkdayOfQuarter(cal, q);
    if (l <= date && daysBetween(l, date) <= lookbackDays) out.push({ quarter: q, last_workday: l });
  }
  return out;
}

/** The churn period ("YYYY-06" / "YYYY-12") a run on `date` belongs to, or null outside June and December. */
export function churnPeriodOf(date: string): string | null {
  const m = date.slice(5, 7);
  return m === '06' || m === '12' ? date.slice(0, 7) : null;
}

/** A local date minus whole months (day clamped to the month's end). */
export function minusMonths(date: string, months: number): string {
  let y = Number(date.slice(0, 4));
  let m = Number(date.slice(5, 7)) - months;
  while (m < 1) {
    m += 12;
    y--;
  }
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const d = Math.min(Number(date.slice(8, 10)), last);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** sha256("<seed>:churn:<customer>"), first 12 hex digits (like core/rank.ts). */
export function churnRank(seed: string, customer: string): number {
  return parseInt(crypto.hash('sha256', `${seed}:churn:${customer}`, 'hex').slice(0, 12), 16);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function planCallbacks(p: PlanInput): Plan {
  if (!isValidDate(p.date)) throw new RangeError(`not a date: ${p.date}`);
  const guessed = new Set<number>();
  const wd = (date: string, n: number): string => {
    const r = p.calendar.nthWorkdayAfter(date, n);
    r.guessedYears.forEach((y) => guessed.add(y));
    return r.date;
  };
  const entries: PlannedEntry[] = [];
  const keys: string[] = [];
  for (const e of p.ended) {
    keys.push(`ended:${e.record_id}:${e.customer_id}`);
    if (e.surveyed) continue;
    entries.push({ reason: 'ended', source_id: e.record_id, customer_id: e.customer_id, trigger_at: e.completed_at, due_date: wd(p.zone.dateOf(e.completed_at), 3), rank: null, contact_record_id: e.record_id });
  }
  for (const c of p.complaints) {
    keys.push(`complaint:${c.complaint_id}:${c.customer_id}`);
    if (c.surveyed) continue;
    entries.push({
      reason: 'complaint',
      source_id: c.complaint_id,
      customer_id: c.customer_id,
      trigger_at: c.resolved_at,
      due_date: addDays(p.zone.dateOf(c.resolved_at), p.complaintDays),
      rank: null,
      contact_record_id: c.related_record_id,
    });
  }
  for (const q of p.quarterly) {
    const longSince = p.zone.dayStart(minusMonths(q.last_workday, 3));
    const due = wd(q.last_workday, 7);
    for (const c of q.customers) {
      keys.push(`quarterly:${q.quarter}:${c.customer_id}`);
      if (c.first_at > longSince || c.last_at < q.start) continue;
      entries.push({ reason: 'quarterly', source_id: q.quarter, customer_id: c.customer_id, trigger_at: p.zone.dayStart(q.last_workday), due_date: due, rank: null, contact_record_id: c.last_record_id });
    }
  }
  if (p.churn) {
    const cut = p.zone.dayStart(minusMonths(p.date, 6));
    const risk = p.churn.customers.filter((c) => c.last_at < cut).map((c) => ({ c, rank: churnRank(p.seed, c.customer_id) }));
    for (const r of risk) keys.push(`churn:${p.churn.period}:${r.c.customer_id}`);
    risk.sort((a, b) => a.rank - b.rank || cmp(a.c.customer_id, b.c.customer_id));
    const n = Math.ceil(p.churnRate * risk.length - 1e-9);
    const due = wd(p.date, 15);
    for (const r of risk.slice(0, n)) {
      entries.push({ reason: 'churn', source_id: p.churn.period, customer_id: r.c.customer_id, trigger_at: p.zone.dayStart(p.date), due_date: due, rank: r.rank, contact_record_id: r.c.last_record_id });
    }
  }
  entries.sort((a, b) => cmp(a.due_date, b.due_date) || cmp(a.reason, b.reason) || cmp(a.source_id, b.source_id) || cmp(a.customer_id, b.customer_id));
  keys.sort(cmp);
  const population: Record<CallbackReason, number> = {
    ended: p.ended.length,
    complaint: p.complaints.length,
    quarterly: p.quarterly.reduce((n, q) => n + q.customers.length, 0),
    churn: p.churn ? keys.filter((k) => k.startsWith('churn:')).length : 0,
  };
  return { entries, population, digest: crypto.hash('sha256', keys.join('\n'), 'hex'), guessedYears: [...guessed].sort((a, b) => a - b) };
}
