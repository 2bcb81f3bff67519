/**
 * The monthly supervision report (SPEC §5; seed 000 §二(二)《服务质量监督报告》):
 * KPIs with targets and the change against the previous month, a six-month
 * trend, sample coverage per record type and per week, findings by category,
 * department and check, rectification status with the overdue list, and per
 * stratum the observed failure rate with its 95 % hypergeometric upper bound.
 */
import fs from 'node:fs';
import type { Config } from '../config.js';
import { hypergeometricUpper } from '../core/bounds.js';
import { WorkCalendar, workdayDeadline } from '../core/calendar.js';
import { RECORD_TYPES } from '../core/kinds.js';
import { maskPhonesInText } from '../core/mask.js';
import { callbackChannels, evaluate, KPIS, parseKpiOverrides, rentalDays, type KpiContext, type KpiValue, type MonthFigures } from '../core/kpis.js';
import { complainantsResolved, recordsWatermark, rentalsEnded, servedSurveyed, surveysWatermark } from '../db/cases.js';
import { complaintAnalysis, surveySection, type ComplaintAnalysis, type SurveySection } from './reportCases.js';
import { isOverdue, overdueDays, STATES, type State } from '../core/rectification.js';
import { addDays, isoWeekMonday, isoWeekOfDate, monthOfDate, nextMonth, previousMonth, Zone } from '../core/time.js';
import type { Db } from '../db/open.js';
import {
  cached,
  callWeekFigures,
  complaintRows,
  failedChecks,
  recordScan,
  recordsFingerprint,
  sampledByType,
  rectificationFigures,
  reviewedItems,
  surveyFigures,
  type DayRule,
  type RecordFigures,
} from '../db/report.js';
import { UsageError } from '../errors.js';
import { pendingCount, sampledCount } from '../db/sampling.js';
import { peopleSections, type PeopleSections } from './people-report.js';
import { inspectionCount } from '../db/inspection.js';
import { fieldworkSections, type FieldworkSections } from './fieldworkReport.js';

/** Bump when the cached record figures change meaning. */
const FIGURES_VERSION = 4;
const TREND_MONTHS = 6;

/** KPIs computed from review answers: provisional while sampled items of the month are unreviewed (SPEC §5). */
export const REVIEW_BASED_KPIS: readonly string[] = ['audit_pass_rate'];

export interface Report {
  month: string;
  generated_at: string;
  kpis: (KpiValue & { trend: (number | null)[]; provisional: boolean })[];
  /**
   * Review progress of the month's sample (records drawn for M, calls of the
   * weeks starting in M): while not_reviewed > 0 the review-based figures
   * (audit_pass_rate, the findings and the bounds) are provisional.
   */
  review: { sampled: number; reviewed: number; not_reviewed: number; complete: boolean };
  coverage: {
    records: { population: number; sampled: number; rate: number | null; strata: { record_type: string; population: number; sampled: number; rate: number | null }[] };
    /** met null: the week is not over (or ended less than a day ago) and has no draw yet. */
    weeks: { week: string; population: number; drawn: number; target: number; met: boolean | null }[];
  };
  findings: {
    reviewed: number;
    passed: number;
    failed: number;
    in_progress: number;
    average_score: number | null;
    unsampled: { kind: string; item_id: string; reason: string | null }[];
    changed_after_review: { kind: string; item_id: string }[];
    by_category: { category: string; failed: number }[];
    by_department: { department: string; reviewed: number; failed: number; failed_checks: number }[];
    by_check: { check: string; text: string; severity: string; failed: number }[];
  };
  rectifications: {
    as_of: string;
    /** The local date the overdue figures are for: the month's last day, or today for the current month. */
    as_of_date: string;
    by_state: Record<State, number>;
    opened: number;
    due: number;
    on_time: number;
    overdue: { id: number; item_id: string; check: string; severity: string; owner_department: string | null; owner_person: string | null; due_date: string; days_overdue: number; state: string }[];
  };
  bounds: { record_type: string; N: number; n: number; k: number; observed: number | null; upper: number; rate: number | null }[];
  /** SPEC §6: the complaint analysis and the survey questions. */
  complaints: ComplaintAnalysis;
  surveys: SurveySection;
  trend: { months: string[] };
  warnings: string[];
  /** SPEC §8: dispute and overturn rates per auditor; control charts (app/people-report.ts). */
  people: PeopleSections;
  /** SPEC §7: on-site inspections of the month (the onsite_inspections KPI counts them). */
  inspections: FieldworkSections['inspections'];
  /** SPEC §7: special campaigns overlapping the month — never part of the figures above. */
  campaigns: FieldworkSections['campaigns'];
  /** SPEC §7: each partner's quality file for the month. */
  partners: FieldworkSections['partners'];
}

export interface ReportContext {
  db: Db;
  config: Config;
  zone: Zone;
  calendar: WorkCalendar;
  now: number;
}

export function loadCalendar(config: Config): WorkCalendar {
  try {
    return WorkCalendar.load(config.calendar.files);
  } catch (e) {
    throw new UsageError(`config key calendar.files: ${(e as Error).message}`);
  }
}

function calendarSignature(config: Config, cal: WorkCalendar): string {
  const files = config.calendar.files.map((f) => {
    const st = fs.statSync(f);
    return `${f}:${st.size}:${st.mtimeMs}`;
  });
  return JSON.stringify({ sources: cal.sources, files });
}

/** The month's days with the per-record SLA rules (consult working hours, contract 3-working-day deadline). */
export function dayRules(month: string, zone: Zone, cal: WorkCalendar, guessed: Set<number>): DayRule[] {
  const out: DayRule[] = [];
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  for (let d = `${month}-01`; monthOfDate(d) === month; d = addDays(d, 1)) {
    const day = Number(d.slice(8, 10));
    const start = zone.dayStart(d);
    const deadline = workdayDeadline(cal, zone, start, 3);
    deadline.guessedYears.forEach((g) => guessed.add(g));
    if (!cal.knows(y)) guessed.add(y);
    out.push({
      start,
      end: zone.dayStart(addDays(d, 1)),
      workday: cal.isWorkday(d),
      workStart: zone.fromLocal(y, m, day, 9),
      workEnd: zone.fromLocal(y, m, day, 18),
      deadline3wd: deadline.deadline,
    });
  }
  return out;
}

/** ISO weeks whose Monday is in the month (the weeks that belong to it). */
export function weeksOf(month: string, zone: Zone): { week: string; start: number; end: number }[] {
  const out: { week: string; start: number; end: number }[] = [];
  for (let w = isoWeekOfDate(`${month}-01`); ; ) {
    const monday = isoWeekMonday(w);
    if (monday >= `${nextMonth(month)}-01`) break;
    if (monthOfDate(monday) === month) {
      const [start, end] = zone.weekRange(w);
      out.push({ week: w, start, end });
    }
    w = isoWeekOfDate(addDays(monday, 7));
  }
  return out;
}

function lastDayOf(month: string): string {
  return addDays(`${nextMonth(month)}-01`, -1);
}

/** Everything the KPIs of one month are computed from. */
export function monthFigures(rc: ReportContext, month: string, guessed: Set<number>): MonthFigures {
  const { db, zone, config } = rc;
  const [start, end] = zone.monthRange(month);
  const days = dayRules(month, zone, rc.calendar, guessed);
  const rules = JSON.stringify({ v: FIGURES_VERSION, tz: zone.name, cal: calendarSignature(config, rc.calendar) });
  const records: RecordFigures = {
    ...cached(db, month, 'records', recordsFingerprint(db, month, start, end, rules, false), () => recordScan(db, start, end, days), rc.now),
    sampledByType: cached(db, month, 'sampled', recordsFingerprint(db, month, start, end, rules, true), () => sampledByType(db, month, start, end), rc.now),
  };
  const asOf = Math.min(end, rc.now);
  const today = zone.dateOf(asOf - 1);
  const rects = rectificationFigures(db, asOf);
  const overdueAtEnd = rects.filter((r) => isOverdue(r.state_then as State, r.due_then, today)).length;
  const [firstDay, lastDay] = [`${month}-01`, lastDayOf(month)];
  // callback_coverage scans the month's records for their customers: cached
  // like the record scan, under the records' fingerprint plus every survey
  // import and the channels that count.
  const channels = callbackChannels(config.kpis);
  const coverageKey = `${recordsFingerprint(db, month, start, end, rules, false)}:${surveysWatermark(db)}:${channels.join(',')}`;
  return {
    month,
    records,
    weeks: callWeekFigures(db, weeksOf(month, zone), config.sampling.minCallSeconds, rc.now),
    surveys: surveyFigures(db, start, end),
    // Verification reports count as recorded by the report's time (SPEC §6 complaint_verified).
    complaints: complaintRows(db, start, end, rc.now),
    reviews: reviewedItems(db, start, end, config.rectification.callDepartment),
    // A rectification withdrawn by a correction (SPEC §4) is no longer due.
    rectificationsDue: rects
      .filter((r) => r.state_then !== 'withdrawn' && r.due_then >= firstDay && r.due_then <= lastDay)
      .map((r) => ({ due_end: zone.dayStart(addDays(r.due_then, 1)), first_done_at: r.first_done_at })),
    overdueAtEnd,
    asOf,
    reportedAt: rc.now,
    callbacks: {
      complainants: complainantsResolved(db, start, end),
      // Cached: the per-row query and its ~150k rows were ~0.2 s of every report, for each trend month.
      rentalsEnded: cached(db, month, 'rentals_ended', `${rules}:${recordsWatermark(db)}:${surveysWatermark(db)}`, () => rentalDays(rentalsEnded(db, start, end), rc.calendar, zone), rc.now),
      servedSurveyed: cached(db, month, 'callback_coverage', coverageKey, () => servedSurveyed(db, start, end, channels), rc.now),
    },
    // Counted live (one indexed count): an inspection recorded today changes it at once.
    inspections: inspectionCount(db, firstDay, lastDay),
  };
}

export function buildReport(rc: ReportContext, month: string): Report {
  const { db, zone, config } = rc;
  let overrides;
  try {
    overrides = parseKpiOverrides(config.kpis);
  } catch (e) {
    throw new UsageError(`config key ${(e as Error).message}`);
  }
  const guessed = new Set<number>();
  const ctx: KpiContext = { zone, calendar: rc.calendar, callsPerWeek: config.sampling.callsPerWeek, guessed, complaintDays: config.callback.complaintDays };
  const months: string[] = [];
  for (let m = month, i = 0; i < TREND_MONTHS; i++, m = previousMonth(m)) months.unshift(m);
  const figures = new Map<string, MonthFigures>();
  // The trend months share the work: each month's figures once (records from the cache when unchanged).
  for (const m of months) figures.set(m, monthFigures(rc, m, m === month ? guessed : new Set()));
  const valuesOf = (m: string): Map<string, KpiValue> =>
    new Map(KPIS.map((k) => [k.id, evaluate(k, figures.get(m)!, m === month ? ctx : { ...ctx, guessed: new Set() }, overrides[k.id])]));
  const perMonth = new Map(months.map((m) => [m, valuesOf(m)]));
  const cur = perMonth.get(month)!;
  const prev = perMonth.get(previousMonth(month))!;
  const f = figures.get(month)!;
  const sampledItems = sampledCount(db, month, f.weeks.map((w) => w.week));
  const notReviewed = pendingCount(db, month, f.weeks.map((w) => w.week));
  const review = { sampled: sampledItems, reviewed: sampledItems - notReviewed, not_reviewed: notReviewed, complete: notReviewed === 0 };
  const kpis = KPIS.map((k) => ({
    ...cur.get(k.id)!,
    previous: prev.get(k.id)!.value,
    trend: months.map((m) => perMonth.get(m)!.get(k.id)!.value),
    provisional: !review.complete && REVIEW_BASED_KPIS.includes(k.id),
  }));

  const [, end] = zone.monthRange(month);
  const asOf = Math.min(end, rc.now);
  const today = zone.dateOf(asOf - 1);

  // Coverage per stratum and per week.
  const strata = RECORD_TYPES.filter((t) => (f.records.byType[t] ?? 0) > 0).map((t) => {
    const population = f.records.byType[t] ?? 0;
    const sampled = f.records.sampledByType[t] ?? 0;
    return { record_type: t, population, sampled, rate: population ? sampled / population : null };
  });
  const sampledTotal = strata.reduce((n, s) => n + s.sampled, 0);
  const weeks = f.weeks.map((w) => {
    const target = Math.min(w.quota ?? config.sampling.callsPerWeek, w.population);
    return { week: w.week, population: w.population, drawn: w.drawn, target, met: w.pending ? null : w.drawn >= target };
  });

  // Findings.
  const done = f.reviews.filter((r) => r.answered >= r.checks_total);
  const failedItems = done.filter((r) => r.failed > 0);
  const scores = done.filter((r) => r.weight > 0).map((r) => r.weight_passed / r.weight);
  // The breakdowns count completed reviews only, like reviewed/passed/failed.
  const fails = failedChecks(db, done.map((r) => r.review_id));
  const reviewDept = new Map(f.reviews.map((r) => [r.review_id, r.department ?? '—']));
  const byCategory = countBy(fails, (x) => x.category);
  const byCheck = new Map<string, { check: string; text: string; severity: string; failed: number }>();
  for (const x of fails) {
    const e = byCheck.get(x.check_code) ?? { check: x.check_code, text: x.check_text, severity: x.severity, failed: 0 };
    e.failed++;
    byCheck.set(x.check_code, e);
  }
  const depts = new Map<string, { department: string; reviewed: number; failed: number; failed_checks: number }>();
  for (const r of done) {
    const d = r.department ?? '—';
    const e = depts.get(d) ?? { department: d, reviewed: 0, failed: 0, failed_checks: 0 };
    e.reviewed++;
    if (r.failed > 0) e.failed++;
    depts.set(d, e);
  }
  for (const x of fails) {
    const d = reviewDept.get(x.review_id) ?? '—';
    const e = depts.get(d) ?? { department: d, reviewed: 0, failed: 0, failed_checks: 0 };
    e.failed_checks++;
    depts.set(d, e);
  }

  // Rectifications, as of the month's end (or now).
  const rects = rectificationFigures(db, asOf);
  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;
  for (const r of rects) byState[r.state_then as State]++;
  const [monthStart] = zone.monthRange(month);
  const overdue = rects
    .filter((r) => isOverdue(r.state_then as State, r.due_then, today))
    .map((r) => ({
      id: r.id,
      item_id: r.item_id,
      check: r.check_code,
      severity: r.severity,
      owner_department: r.owner_department,
      owner_person: r.owner_person,
      due_date: r.due_then,
      days_overdue: overdueDays({ state: r.state_then as State, due_date: r.due_then }, today),
      state: r.state_then,
    }))
    .sort((a, b) => b.days_overdue - a.days_overdue || a.id - b.id);
  const onTimeKpi = kpis.find((k) => k.id === 'rectification_on_time')!;

  // Bounds per sampled stratum: N records, n reviewed sampled items, k failed.
  const bounds = strata
    .map((s) => {
      const items = done.filter((r) => r.kind === 'records' && r.sampled === 1 && r.stratum === s.record_type);
      const n = items.length;
      const k = items.filter((r) => r.failed > 0).length;
      const b = hypergeometricUpper(s.population, n, k);
      return { record_type: s.record_type, N: s.population, n, k, observed: b.observed, upper: b.upper, rate: b.rate };
    })
    .filter((b) => b.n > 0);

  const warnings: string[] = [];
  const years = [...guessed].sort();
  if (years.length) {
    warnings.push(
      `no holiday calendar for ${years.join(', ')}: working days there were taken as Monday–Friday (add a holiday-cn year file to calendar.files)`,
    );
  }
  const unsampled = f.reviews.filter((r) => r.sampled === 0);
  const changed = f.reviews.filter((r) => r.changed_after_review);

  return {
    month,
    generated_at: zone.iso(rc.now),
    kpis,
    review,
    coverage: {
      records: { population: f.records.total, sampled: sampledTotal, rate: f.records.total ? sampledTotal / f.records.total : null, strata },
      weeks,
    },
    findings: {
      reviewed: done.length,
      passed: done.length - failedItems.length,
      failed: failedItems.length,
      in_progress: f.reviews.length - done.length,
      average_score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      unsampled: unsampled.map((r) => ({ kind: r.kind, item_id: r.item_id, reason: maskPhonesInText(r.unsampled_reason) })),
      changed_after_review: changed.map((r) => ({ kind: r.kind, item_id: r.item_id })),
      by_category: [...byCategory].map(([category, failed]) => ({ category, failed })).sort((a, b) => b.failed - a.failed),
      by_department: [...depts.values()].sort((a, b) => b.failed_checks - a.failed_checks || a.department.localeCompare(b.department)),
      by_check: [...byCheck.values()].sort((a, b) => b.failed - a.failed || a.check.localeCompare(b.check)),
    },
    rectifications: {
      as_of: zone.iso(asOf),
      as_of_date: today,
      by_state: byState,
      opened: rects.filter((r) => r.opened_at >= monthStart).length,
      due: f.rectificationsDue.length,
      on_time: onTimeKpi.numerator ?? 0,
      overdue,
    },
    bounds,
    complaints: complaintAnalysis(db, zone, month, f.complaints, figures.get(previousMonth(month))!.complaints),
    surveys: surveySection(db, zone, month, previousMonth(month), f.surveys.total, figures.get(previousMonth(month))!.surveys.total),
    trend: { months },
    warnings,
    people: peopleSections(rc, month),
    ...fieldworkSections(db, config, zone, month, rc.now),
  };
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

/** The report's KPIs that missed their target (for --check). */
export function missed(r: Report): string[] {
  return r.kpis.filter((k) => k.met === false).map((k) => k.id);
}
