/**
 * The report sections SPEC §6 adds: the complaint analysis (002 三(四)1
 * 每月对投诉数据进行汇总分析 — by category, department and staff against the
 * previous month, repeat complainants, founded vs unfounded) and each survey
 * question's monthly mean or share (000 §三(二) 客户回访, 001 第七条).
 * Kept apart from app/report.ts so the sections merge cleanly.
 */
import { SURVEY_QUESTIONS } from '../core/kinds.js';
import { addDays } from '../core/time.js';
import { complaintCountsByCustomer, surveyFollowUpsOpened, surveyQuestionFigures } from '../db/cases.js';
import type { ComplaintRow } from '../db/report.js';
import type { Db } from '../db/open.js';
import type { Zone } from '../core/time.js';

export interface CountRow {
  key: string;
  count: number;
  previous: number;
}

export interface ComplaintAnalysis {
  received: number;
  previous: number;
  /** Verification reports in force at the report's time. */
  founded: number;
  unfounded: number;
  unverified: number;
  previous_founded: number;
  previous_unfounded: number;
  previous_unverified: number;
  /** severity major (重大). */
  major: number;
  by_category: CountRow[];
  by_department: CountRow[];
  by_staff: CountRow[];
  /** Customers with 2+ complaints in the 90 days up to the month's end, one of them in the month. */
  repeat_complainants: { customer_id: string; complaints: string[] }[];
}

export interface SurveySection {
  surveys: number;
  previous: number;
  questions: { id: string; kind: 'share' | 'mean'; n: number; value: number | null; previous: number | null }[];
  /** Follow-up rectifications opened in the month from surveys (hidden fee, overall <= 2). */
  follow_ups_opened: number;
}

/** Counts per key in this month and the previous one, biggest first (ties by key). Pure. */
export function countAgainst(cur: readonly ComplaintRow[], prev: readonly ComplaintRow[], key: (c: ComplaintRow) => string | null): CountRow[] {
  const m = new Map<string, CountRow>();
  const get = (k: string): CountRow => m.get(k) ?? (m.set(k, { key: k, count: 0, previous: 0 }), m.get(k)!);
  for (const c of cur) get(key(c) ?? '—').count++;
  for (const c of prev) get(key(c) ?? '—').previous++;
  return [...m.values()].sort((a, b) => b.count - a.count || b.previous - a.previous || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The complaint analysis of a month, from its complaint rows and the previous month's. */
export function complaintAnalysis(db: Db, zone: Zone, month: string, cur: readonly ComplaintRow[], prev: readonly ComplaintRow[]): ComplaintAnalysis {
  const [start, end] = zone.monthRange(month);
  const windowStart = zone.dayStart(addDays(zone.dateOf(end - 1), -89));
  const counts = complaintCountsByCustomer(db, Math.min(windowStart, start), end);
  const inMonth = new Set(cur.map((c) => c.customer_id));
  const repeat = [...counts.entries()]
    .filter(([customer, ids]) => ids.length >= 2 && inMonth.has(customer))
    .map(([customer_id, complaints]) => ({ customer_id, complaints }))
    .sort((a, b) => b.complaints.length - a.complaints.length || (a.customer_id < b.customer_id ? -1 : 1));
  const tally = (rows: readonly ComplaintRow[], v: 0 | 1 | null): number => rows.filter((c) => c.founded === v).length;
  return {
    received: cur.length,
    previous: prev.length,
    founded: tally(cur, 1),
    unfounded: tally(cur, 0),
    unverified: tally(cur, null),
    previous_founded: tally(prev, 1),
    previous_unfounded: tally(prev, 0),
    previous_unverified: tally(prev, null),
    major: cur.filter((c) => c.severity === 'major').length,
    by_category: countAgainst(cur, prev, (c) => c.category),
    by_department: countAgainst(cur, prev, (c) => c.department),
    by_staff: countAgainst(cur, prev, (c) => c.staff_id),
    repeat_complainants: repeat,
  };
}

export function surveySection(db: Db, zone: Zone, month: string, previousMonth: string, surveys: number, previousSurveys: number): SurveySection {
  const [s, e] = zone.monthRange(month);
  const [ps, pe] = zone.monthRange(previousMonth);
  const cur = surveyQuestionFigures(db, s, e, SURVEY_QUESTIONS);
  const prev = surveyQuestionFigures(db, ps, pe, SURVEY_QUESTIONS);
  return {
    surveys,
    previous: previousSurveys,
    questions: SURVEY_QUESTIONS.map((q) => ({ id: q.id, kind: q.kind, n: cur[q.id]!.n, value: cur[q.id]!.value, previous: prev[q.id]!.value })),
    follow_ups_opened: surveyFollowUpsOpened(db, s, e),
  };
}
