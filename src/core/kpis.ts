/**
 * The KPIs of the monthly supervision report (SPEC §5), one small pure
 * function each, over the month's figures. A rate is numerator/denominator
 * with the denominator counting only rows that have the values it needs;
 * value null = no data; met null = no data or no target. Targets and
 * operators default to the SPEC table and can be overridden in the config
 * (`kpis.<id>.target`, `kpis.<id>.op`).
 */
import type { ComplaintRow, RecordFigures, ReviewedItem, SurveyFigures, WeekFigures } from '../db/report.js';
import type { CallbackFigures, RentalDay, RentalDays, RentalEnded } from '../db/cases.js';
import type { WorkCalendar } from './calendar.js';
import { workdayDeadline } from './calendar.js';
import type { Zone } from './time.js';
import { SURVEY_CHANNELS, type SurveyChannel } from './kinds.js';

export type Op = '>=' | '<=' | '=';

export interface MonthFigures {
  month: string;
  records: RecordFigures;
  weeks: WeekFigures[];
  surveys: SurveyFigures;
  complaints: ComplaintRow[];
  reviews: ReviewedItem[];
  /** Rectifications due in the month: due date, and whether/when they first reached done. */
  rectificationsDue: { due_end: number; first_done_at: number | null }[];
  /** Of those opened before the month's end, how many were past due and not done at the end. */
  overdueAtEnd: number;
  /** The instant the month is judged at: its end, or now for the current month. */
  asOf: number;
  /** SPEC §6: complainants resolved in M, rentals ended in M, and surveys by callback channel. */
  callbacks: CallbackFigures;
  /** When the report is made: callback windows that straddle the month's end are judged then. */
  reportedAt: number;
  /** On-site inspections dated in the month (SPEC §7). */
  inspections: number;
}

export interface Counted {
  numerator: number | null;
  denominator: number | null;
  /** Rows of the month left out because a value the rule needs is missing. */
  missing?: number;
  /** For count KPIs whose target depends on the data (weekly calls): whether it is met. */
  met?: boolean | null;
}

export interface KpiContext {
  zone: Zone;
  calendar: WorkCalendar;
  callsPerWeek: number;
  /** Years whose working days had to be assumed Mon–Fri. */
  guessed: Set<number>;
  /** complaint_callback: days after resolved_at (config callback.complaintDays, SPEC §6). */
  complaintDays: number;
}

export interface KpiDef {
  id: string;
  zh: string;
  en: string;
  /** 'rate': value in [0,1]; 'count': value is a count. */
  kind: 'rate' | 'count';
  op: Op;
  target: number;
  /** A second, higher target the seed sets (satisfaction 96 %). */
  stretch?: number;
  source: string;
  compute: (f: MonthFigures, ctx: KpiContext) => Counted;
}

const HOUR = 3_600_000;

const ratio = (numerator: number, denominator: number, missing?: number): Counted => ({ numerator, denominator, ...(missing ? { missing } : {}) });

/** Complaints of the month with both timestamps, answered within `hours` of receipt (elapsed wall-clock time). */
function withinHours(rows: readonly ComplaintRow[], field: keyof ComplaintRow, hours: number): Counted {
  const known = rows.filter((r) => r[field] !== null);
  const ok = known.filter((r) => (r[field] as number) - r.received_at <= hours * HOUR);
  return ratio(ok.length, known.length, rows.length - known.length);
}

/** complaint_handling_on_time: each of the four timing rules of one complaint — true, false, or null when a value is missing. */
export function complaintTimings(c: ComplaintRow, ctx: KpiContext): [boolean | null, boolean | null, boolean | null, boolean | null] {
  const within = (t: number | null, hours: number): boolean | null => (t === null ? null : t - c.received_at <= hours * HOUR);
  let resolution: boolean | null = null;
  if (c.solution_confirmed_at !== null && c.resolved_at !== null) {
    const d = workdayDeadline(ctx.calendar, ctx.zone, c.solution_confirmed_at, 3);
    d.guessedYears.forEach((y) => ctx.guessed.add(y));
    resolution = c.resolved_at < d.deadline;
  }
  return [within(c.acknowledged_at, 24), within(c.verification_started_at, 24), within(c.investigated_at, 48), resolution];
}

/**
 * A callback rule judged at `asOf` (the report's time: a window may run past
 * the month's end): a row counts once it was surveyed in time
 * (ok) or its deadline has passed (late); a row still inside its window with
 * no survey yet is not judged. Rows without a customer are missing.
 */
function callbackRule<T extends { customer_id: string | null; surveyed_at: number | null }>(rows: readonly T[], deadline: (r: T) => number, asOf: number): Counted {
  let ok = 0;
  let judged = 0;
  let missing = 0;
  for (const r of rows) {
    if (r.customer_id === null) {
      missing++;
      continue;
    }
    const d = deadline(r);
    if (r.surveyed_at !== null && r.surveyed_at < d) {
      ok++;
      judged++;
    } else if (d <= asOf) judged++;
  }
  return ratio(ok, judged, missing);
}

/**
 * Return records completed in a month, counted per local day of completion
 * against that day's deadline: the end of the 3rd working day after it (seed
 * 001 第六条; SPEC §6 survey_within_3wd). The KPI then needs only the
 * report's time: a day's unsurveyed records are late once its deadline has
 * passed. Small enough to cache (a month is ~31 days; its rows are ~150k per
 * million records).
 *
 * @param rows the month's return records (db/cases.ts rentalsEnded)
 * @returns the days in date order, and the years whose holidays were guessed
 */
export function rentalDays(rows: readonly RentalEnded[], calendar: WorkCalendar, zone: Zone): RentalDays {
  const byDay = new Map<string, RentalDay>();
  const guessed = new Set<number>();
  for (const r of rows) {
    const day = zone.dateOf(r.completed_at);
    let d = byDay.get(day);
    if (d === undefined) {
      const w = workdayDeadline(calendar, zone, r.completed_at, 3);
      w.guessedYears.forEach((y) => guessed.add(y));
      byDay.set(day, (d = { deadline: w.deadline, missing: 0, surveyed: 0, unsurveyed: 0 }));
    }
    if (r.no_customer) d.missing++;
    else if (r.surveyed_at !== null && r.surveyed_at < d.deadline) d.surveyed++;
    else d.unsurveyed++;
  }
  const days = [...byDay].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, d]) => d);
  return { days, guessedYears: [...guessed].sort((a, b) => a - b) };
}

/** The KPIs SPEC §6 adds (complaint cases and the callback programme). */
export const CASE_KPIS: readonly KpiDef[] = [
  {
    id: 'complaint_verified',
    zh: '投诉形成核查报告',
    en: 'Complaints with a verification report',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '000 §三(二)',
    // Complaints received in M with a verification report (founded or not) recorded by the report's time.
    compute: (f) => ratio(f.complaints.filter((c) => c.founded !== null).length, f.complaints.length),
  },
  {
    id: 'complaint_feedback',
    zh: '解决后向客户反馈结果',
    en: 'Resolved complaints with the result fed back',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002 三(三)2',
    // Complaints received in M and resolved: those with feedback_at. Unresolved ones show as missing.
    compute: (f) => {
      const resolved = f.complaints.filter((c) => c.resolved_at !== null);
      return ratio(resolved.filter((c) => c.feedback_at !== null).length, resolved.length, f.complaints.length - resolved.length);
    },
  },
  {
    id: 'complaint_callback',
    zh: '投诉客户解决后回访',
    en: 'Complainants called back after resolution',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002 三(四)3',
    // Complainants whose (latest) complaint was resolved in M: a survey within
    // complaintDays × 24 h of resolved_at. Judged once surveyed or once the window closed.
    // (≤ N × 24 h: the exclusive deadline is one millisecond later.)
    compute: (f, ctx) => callbackRule(f.callbacks.complainants, (r) => r.resolved_at + ctx.complaintDays * 24 * HOUR + 1, f.reportedAt),
  },
  {
    id: 'complaint_handling_on_time',
    zh: '投诉处理及时率（四项时限全部达标）',
    en: 'Complaints handled on time (all four limits)',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '004 第四条',
    // Ack 24 h, verification 24 h, investigation 48 h, resolution 3 working days
    // after the agreed solution. A complaint that missed any known limit fails;
    // one that met all four passes; one missing a value and late on none is missing.
    compute: (f, ctx) => {
      let ok = 0;
      let failed = 0;
      for (const c of f.complaints) {
        const t = complaintTimings(c, ctx);
        if (t.includes(false)) failed++;
        else if (t.every((x) => x === true)) ok++;
      }
      return ratio(ok, ok + failed, f.complaints.length - ok - failed);
    },
  },
  {
    id: 'survey_within_3wd',
    zh: '租赁结束 3 个工作日内回访',
    en: 'Ended rentals surveyed within 3 working days',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '001 第六条',
    // Return records completed in M: the customer's first survey at or after
    // completed_at, before the end of the 3rd working day after it.
    // The rows are counted per completion day by rentalDays (cached with the month's records).
    compute: (f, ctx) => {
      f.callbacks.rentalsEnded.guessedYears.forEach((y) => ctx.guessed.add(y));
      let ok = 0;
      let judged = 0;
      let missing = 0;
      for (const d of f.callbacks.rentalsEnded.days) {
        missing += d.missing;
        ok += d.surveyed;
        judged += d.surveyed + (d.deadline <= f.reportedAt ? d.unsurveyed : 0);
      }
      return ratio(ok, judged, missing);
    },
  },
];

export const KPIS: readonly KpiDef[] = [
  {
    id: 'record_sample_coverage',
    zh: '服务记录抽查覆盖率',
    en: 'Service records sampled',
    kind: 'rate',
    op: '>=',
    target: 0.2,
    source: '000 §三(二)',
    compute: (f) => ratio(Object.values(f.records.sampledByType).reduce((a, b) => a + b, 0), f.records.total),
  },
  {
    id: 'weekly_calls_sampled',
    zh: '每周热线录音监听数（最少一周）',
    en: 'Hotline calls drawn per week (lowest week)',
    kind: 'count',
    op: '>=',
    target: 50,
    source: '000 §三(二)',
    compute: (f, ctx) => {
      // Weeks still running (or drawn tomorrow morning) are not judged yet.
      const weeks = f.weeks.filter((w) => !w.pending);
      // No call data at all (no eligible call in any judged week) is no data, not "0 drawn, met".
      if (weeks.every((w) => w.population === 0)) return { numerator: null, denominator: null, met: null };
      const min = Math.min(...weeks.map((w) => w.drawn));
      // ">= 50, or the whole week if it had fewer eligible calls"
      const met = weeks.every((w) => w.drawn >= Math.min(w.quota ?? ctx.callsPerWeek, w.population));
      return { numerator: min, denominator: null, met };
    },
  },
  {
    id: 'callback_coverage',
    zh: '客户回访率',
    en: 'Customers called back',
    kind: 'rate',
    op: '>=',
    target: 0.3,
    source: '000 §三(二)',
    // SPEC §6 (changes §5): distinct customers served in M (a record in M)
    // who had a survey in M by a callback channel (config
    // kpis.callback_coverage.channels, default phone and SMS: 000 §三(二)
    // 电话或短信回访) / distinct customers served in M. A callback early in
    // M+1 about a record late in M counts nowhere: the rule is per month.
    compute: (f) => ratio(f.callbacks.servedSurveyed, f.records.distinctCustomers),
  },
  {
    id: 'audit_pass_rate',
    zh: '抽查合格率',
    en: 'Reviewed items that passed',
    kind: 'rate',
    op: '>=',
    target: 0.95,
    source: 'config',
    compute: (f) => {
      const done = f.reviews.filter((r) => r.answered >= r.checks_total);
      return ratio(done.filter((r) => r.failed === 0).length, done.length);
    },
  },
  {
    id: 'complaint_rate',
    zh: '服务投诉率',
    en: 'Customers who complained',
    kind: 'rate',
    op: '<=',
    target: 0.02,
    source: '000 §三(一)',
    compute: (f) => ratio(new Set(f.complaints.map((c) => c.customer_id)).size, f.records.distinctCustomers),
  },
  {
    id: 'complaint_ack_24h',
    zh: '投诉 24 小时内确认',
    en: 'Complaints acknowledged within 24 h',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002 §三',
    compute: (f) => withinHours(f.complaints, 'acknowledged_at', 24),
  },
  {
    id: 'complaint_verification_24h',
    zh: '投诉 24 小时内启动核查',
    en: 'Complaint checks started within 24 h',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '000 §三(二)',
    compute: (f) => withinHours(f.complaints, 'verification_started_at', 24),
  },
  {
    id: 'complaint_investigation_48h',
    zh: '投诉 48 小时内完成初步调查',
    en: 'Complaints investigated within 48 h',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002 §三',
    compute: (f) => withinHours(f.complaints, 'investigated_at', 48),
  },
  {
    id: 'complaint_resolution_3wd',
    zh: '方案确认后 3 个工作日内解决',
    en: 'Complaints resolved within 3 working days of the agreed solution',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002, 004',
    compute: (f, ctx) => {
      const known = f.complaints.filter((c) => c.solution_confirmed_at !== null && c.resolved_at !== null);
      let ok = 0;
      for (const c of known) {
        const d = workdayDeadline(ctx.calendar, ctx.zone, c.solution_confirmed_at!, 3);
        d.guessedYears.forEach((y) => ctx.guessed.add(y));
        if (c.resolved_at! < d.deadline) ok++;
      }
      return ratio(ok, known.length, f.complaints.length - known.length);
    },
  },
  ...CASE_KPIS,
  {
    id: 'satisfaction_rate',
    zh: '客户满意率（4 分及以上）',
    en: 'Satisfied customers (4 or 5 of 5)',
    kind: 'rate',
    op: '>=',
    target: 0.85,
    stretch: 0.96,
    source: '002, 004',
    compute: (f) => ratio(f.surveys.satisfied, f.surveys.withOverall, f.surveys.total - f.surveys.withOverall),
  },
  {
    id: 'delivery_on_time',
    zh: '设备按时交付率',
    en: 'Deliveries on time',
    kind: 'rate',
    op: '>=',
    target: 0.98,
    source: '004',
    compute: (f) => ratio(f.records.delivery.onTime, f.records.delivery.both, (f.records.byType.delivery ?? 0) - f.records.delivery.both),
  },
  {
    id: 'consult_response_on_time',
    zh: '咨询按时响应率',
    en: 'Consultations answered in time',
    kind: 'rate',
    op: '>=',
    target: 0.95,
    source: '004',
    compute: (f) => ratio(f.records.consult.onTime, f.records.consult.answered, (f.records.byType.consult ?? 0) - f.records.consult.answered),
  },
  {
    id: 'repair_response_on_time',
    zh: '维修按时响应率',
    en: 'Repairs responded to in time',
    kind: 'rate',
    op: '>=',
    target: 0.95,
    source: '002',
    compute: (f) => ratio(f.records.repair.onTime, f.records.repair.answered, (f.records.byType.repair ?? 0) - f.records.repair.answered),
  },
  {
    id: 'first_time_fix_rate',
    zh: '维修一次解决率',
    en: 'Repairs fixed on the first visit',
    kind: 'rate',
    op: '>=',
    target: 0.9,
    source: '000 §三(一)',
    compute: (f) => ratio(f.records.repair.ftf, f.records.repair.ftfKnown, (f.records.byType.repair ?? 0) - f.records.repair.ftfKnown),
  },
  {
    id: 'recommendation_fit_rate',
    zh: '设备推荐适配率',
    en: 'Recommendations that fitted',
    kind: 'rate',
    op: '>=',
    target: 0.9,
    source: '000 §三(一)',
    compute: (f) => ratio(f.records.consult.fit, f.records.consult.fitKnown, (f.records.byType.consult ?? 0) - f.records.consult.fitKnown),
  },
  {
    id: 'equipment_intact_rate',
    zh: '设备完好率',
    en: 'Devices intact at delivery and return',
    kind: 'rate',
    op: '>=',
    target: 0.9,
    source: '002',
    compute: (f) => ratio(f.records.intact.intact, f.records.intact.known, (f.records.byType.delivery ?? 0) + (f.records.byType.return ?? 0) - f.records.intact.known),
  },
  {
    id: 'contract_within_3wd',
    zh: '合同 3 个工作日内完成',
    en: 'Contracts completed within 3 working days',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '002',
    compute: (f) => ratio(f.records.contract.within3wd, f.records.contract.completed, (f.records.byType.contract ?? 0) - f.records.contract.completed),
  },
  {
    id: 'rectification_on_time',
    zh: '整改按期完成率',
    en: 'Rectifications done by their due date',
    kind: 'rate',
    op: '>=',
    target: 1,
    source: '000 §一(三)',
    compute: (f) => {
      // Those due in the month whose outcome is known at asOf: done on time, or past due.
      const judged = f.rectificationsDue.filter((r) => (r.first_done_at !== null && r.first_done_at < r.due_end) || r.due_end <= f.asOf);
      const ok = judged.filter((r) => r.first_done_at !== null && r.first_done_at < r.due_end).length;
      return ratio(ok, judged.length);
    },
  },
  {
    id: 'rectification_overdue',
    zh: '月末逾期未整改数',
    en: 'Rectifications overdue at month end',
    kind: 'count',
    op: '=',
    target: 0,
    source: '000 §一(三)',
    compute: (f) => ({ numerator: f.overdueAtEnd, denominator: null }),
  },
  {
    // SPEC §7: on-site inspections dated in M (000 §三(二) 现场检查: 每月至少开展2次).
    id: 'onsite_inspections',
    zh: '现场检查次数',
    en: 'On-site inspections',
    kind: 'count',
    op: '>=',
    target: 2,
    source: '000 §三(二)',
    compute: (f) => ({ numerator: f.inspections, denominator: null }),
  },
];

export interface KpiValue {
  id: string;
  value: number | null;
  target: number | null;
  op: Op;
  met: boolean | null;
  numerator: number | null;
  denominator: number | null;
  previous: number | null;
  /** Extras beyond the SPEC keys. */
  kind: 'rate' | 'count';
  missing: number;
  stretch?: number;
}

export interface TargetOverride {
  target?: number | null;
  op?: Op;
}

/** `kpis` config section: {<id>: {target, op}}; throws an Error naming the bad key. */
export function parseKpiOverrides(raw: unknown): Record<string, TargetOverride> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('kpis: must be an object of KPI id → {target, op}');
  const out: Record<string, TargetOverride> = {};
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!KPIS.some((k) => k.id === id)) throw new Error(`kpis.${id}: unknown KPI (the KPIs are ${KPIS.map((k) => k.id).join(', ')})`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`kpis.${id}: must be an object {target, op}`);
    const o: TargetOverride = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'target') {
        if (x !== null && (typeof x !== 'number' || !Number.isFinite(x) || x < 0)) throw new Error(`kpis.${id}.target: must be a number >= 0 or null`);
        o.target = x as number | null;
      } else if (k === 'op') {
        if (x !== '>=' && x !== '<=' && x !== '=') throw new Error(`kpis.${id}.op: must be ">=", "<=" or "="`);
        o.op = x;
      } else if (k === 'channels' && id === 'callback_coverage') {
        // Checked by callbackChannels (SPEC §6).
        callbackChannels(raw);
      } else throw new Error(`kpis.${id}.${k}: unknown key (use target and op${id === 'callback_coverage' ? ', or channels' : ''})`);
    }
    out[id] = o;
  }
  return out;
}

/** The survey channels that count for callback_coverage: config kpis.callback_coverage.channels, default phone and sms (SPEC §6). */
export function callbackChannels(raw: unknown): SurveyChannel[] {
  const v = (raw as { callback_coverage?: { channels?: unknown } } | undefined)?.callback_coverage?.channels;
  if (v === undefined) return ['phone', 'sms'];
  const ids = Object.keys(SURVEY_CHANNELS);
  if (!Array.isArray(v) || v.length === 0 || !v.every((c) => typeof c === 'string' && ids.includes(c))) {
    throw new Error(`kpis.callback_coverage.channels: must be a non-empty list of ${ids.join(', ')}`);
  }
  return [...new Set(v as SurveyChannel[])];
}

export function meets(value: number, op: Op, target: number): boolean {
  // Compare rates at 1e-9 so 0.2 sampled of 20 % is met despite binary floating point.
  const eps = 1e-9;
  return op === '>=' ? value >= target - eps : op === '<=' ? value <= target + eps : Math.abs(value - target) <= eps;
}

export function evaluate(def: KpiDef, figures: MonthFigures, ctx: KpiContext, override: TargetOverride = {}, previous: number | null = null): KpiValue {
  const c = def.compute(figures, ctx);
  let value: number | null;
  if (def.kind === 'count') value = c.numerator;
  else value = c.denominator ? (c.numerator as number) / c.denominator : null;
  const target = override.target === undefined ? def.target : override.target;
  const op = override.op ?? def.op;
  let met: boolean | null;
  if (value === null || target === null) met = null;
  else if (c.met !== undefined && override.target === undefined && override.op === undefined) met = c.met;
  else met = meets(value, op, target);
  return {
    id: def.id,
    value,
    target,
    op,
    met,
    numerator: c.numerator,
    denominator: c.denominator,
    previous,
    kind: def.kind,
    missing: c.missing ?? 0,
    ...(def.stretch !== undefined ? { stretch: def.stretch } : {}),
  };
}

/**
 * The service-time rules behind the KPIs (SPEC §5; seeds 002, 004), in
 * milliseconds: the report's SQL (db/report.ts recordScan) and the review's
 * per-record verdict (recordVerdict) both read them, so the two never differ.
 */
export const SLA = {
  /** consult_response_on_time: received on a working day 09:00–18:00. */
  consultWorkingMs: 15 * 60_000,
  /** … received at any other time (evening, weekend, holiday). */
  consultOtherMs: 30 * 60_000,
  /** repair_response_on_time: first response within 1 h … */
  repairMs: HOUR,
  /** … or 4 h for a remote area. */
  repairRemoteMs: 4 * HOUR,
} as const;

/** The day rule a record's local day brings (app/report.ts dayRules builds them from the calendar). */
export interface DaySla {
  workday: boolean;
  /** 09:00 and 18:00 local of that day (epoch ms). */
  workStart: number;
  workEnd: number;
  /** End of the 3rd working day after that day (contract_within_3wd). */
  deadline3wd: number;
}

/** A record's fields the verdicts read (epoch ms; bools as 0/1 as stored). */
export interface VerdictRecord {
  record_type: string;
  occurred_at: number;
  first_response_at?: number | null;
  promised_at?: number | null;
  completed_at?: number | null;
  remote?: number | null;
  first_time_fix?: number | null;
  recommendation_fit?: number | null;
}

export interface Verdict {
  /** What the data says the check's answer is. */
  result: 'pass' | 'fail';
  /** Which KPI rule decided, and the figures, for the auditor (zh/en). */
  zh: string;
  en: string;
}

const minutes = (ms: number): string => `${Math.round(ms / 60_000)}`;

/**
 * The verdict the data gives for a check the KPIs decide (SPEC §4 "Review at
 * speed": shown beside the question, the auditor still answers), or null
 * when the check is not data-decided or a value is missing. Checks: consult
 * `response_time` (15 min on a working day 09:00–18:00, else 30 min),
 * repair `response_time` (1 h, 4 h remote), delivery `on_time`
 * (completed <= promised), contract `on_time` (<= 3 working days), repair
 * `first_time_fix`, consult `fit_recommendation` (the record's flags).
 * `day` is the DaySla of the record's local day (needed for consult and contract).
 */
export function recordVerdict(check: string, r: VerdictRecord, day: DaySla | null): Verdict | null {
  const t = r.record_type;
  const v = (ok: boolean, zh: string, en: string): Verdict => ({ result: ok ? 'pass' : 'fail', zh, en });
  if (check === 'response_time' && t === 'consult') {
    if (r.first_response_at == null || !day) return null;
    const working = day.workday && r.occurred_at >= day.workStart && r.occurred_at < day.workEnd;
    const limit = working ? SLA.consultWorkingMs : SLA.consultOtherMs;
    const took = r.first_response_at - r.occurred_at;
    return v(
      took <= limit,
      `${minutes(took)} 分钟响应，时限 ${minutes(limit)} 分钟（${working ? '工作时间' : day.workday ? '非工作时间' : '非工作日'}）`,
      `answered in ${minutes(took)} min, limit ${minutes(limit)} min (${working ? 'working hours' : day.workday ? 'outside working hours' : 'not a working day'})`,
    );
  }
  if (check === 'response_time' && t === 'repair') {
    if (r.first_response_at == null) return null;
    const limit = r.remote === 1 ? SLA.repairRemoteMs : SLA.repairMs;
    const took = r.first_response_at - r.occurred_at;
    return v(took <= limit, `${minutes(took)} 分钟响应，时限 ${limit / HOUR} 小时${r.remote === 1 ? '（偏远地区）' : ''}`, `responded in ${minutes(took)} min, limit ${limit / HOUR} h${r.remote === 1 ? ' (remote area)' : ''}`);
  }
  if (check === 'on_time' && t === 'delivery') {
    if (r.completed_at == null || r.promised_at == null) return null;
    const late = r.completed_at - r.promised_at;
    return v(late <= 0, late <= 0 ? '按约定时间或提前交付' : `比约定晚 ${minutes(late)} 分钟`, late <= 0 ? 'delivered by the promised time' : `${minutes(late)} min after the promised time`);
  }
  if (check === 'on_time' && t === 'contract') {
    if (r.completed_at == null || !day) return null;
    return v(r.completed_at < day.deadline3wd, r.completed_at < day.deadline3wd ? '3 个工作日内完成' : '超过 3 个工作日', r.completed_at < day.deadline3wd ? 'completed within 3 working days' : 'took more than 3 working days');
  }
  if (check === 'first_time_fix' && t === 'repair') {
    if (r.first_time_fix == null) return null;
    return v(r.first_time_fix === 1, r.first_time_fix === 1 ? '记录：一次解决' : '记录：未一次解决', r.first_time_fix === 1 ? 'record: fixed on the first visit' : 'record: not fixed on the first visit');
  }
  if (check === 'fit_recommendation' && t === 'consult') {
    if (r.recommendation_fit == null) return null;
    return v(r.recommendation_fit === 1, r.recommendation_fit === 1 ? '记录：推荐适配' : '记录：推荐不适配', r.recommendation_fit === 1 ? 'record: recommendation fits' : 'record: recommendation does not fit');
  }
  return null;
}
