/**
 * Staff scorecards (SPEC §8, seed 003 考核: every employee assessed monthly
 * or quarterly on attitude, efficiency and quality): per staff member or
 * agent, the review results of their items — from the snapshot the auditor
 * saw, with answers as corrected — complaints naming them, the service-level
 * KPIs of their own records, rectifications they own and have overdue, and
 * disputes; each figure with the median of their department beside it.
 *
 * A person with no reviewed item shows their other figures and "no reviews"
 * (pass rate and QA score null), never 0 %. Calibration answers are in their
 * own table and never reach these figures.
 */
import type { Config } from '../config.js';
import type { WorkCalendar } from '../core/calendar.js';
import { median } from '../core/pchart.js';
import { isOverdue, type State } from '../core/rectification.js';
import { addDays, isValidMonth, nextMonth, type Zone } from '../core/time.js';
import type { Db } from '../db/open.js';
import { complaintsNamingStaff, disputesOfReviews, personReviews, rectificationsOfItems, staffRecordFigures } from '../db/people.js';
import { UsageError } from '../errors.js';
import { dayRules } from './report.js';

export interface Period {
  kind: 'month' | 'quarter';
  /** 2026-10 or 2026-Q4 */
  label: string;
  months: string[];
}

/** `--month YYYY-MM` or `--quarter YYYY-Qn` (one of them). */
export function parsePeriod(month: string | undefined, quarter: string | undefined, fallbackMonth: string): Period {
  if (month !== undefined && quarter !== undefined) throw new UsageError('pass --month or --quarter, not both');
  if (quarter !== undefined) {
    const m = /^(\d{4})-?Q([1-4])$/i.exec(quarter.trim());
    if (!m) throw new UsageError(`--quarter must look like 2026-Q4, got "${quarter}"`);
    const first = (Number(m[2]) - 1) * 3 + 1;
    const months = [0, 1, 2].map((i) => `${m[1]}-${String(first + i).padStart(2, '0')}`);
    return { kind: 'quarter', label: `${m[1]}-Q${m[2]}`, months };
  }
  const mm = month ?? fallbackMonth;
  if (!isValidMonth(mm)) throw new UsageError(`--month must be a month like 2026-10, got "${mm}"`);
  return { kind: 'month', label: mm, months: [mm] };
}

export interface Ratio {
  numerator: number;
  denominator: number;
  /** null without a denominator (no data). */
  value: number | null;
}

export interface ScorecardPerson {
  person: string;
  department: string | null;
  roles: ('staff' | 'agent')[];
  /** Own records and calls of the period (what they handled). */
  records: number;
  calls: number;
  reviews: {
    /** 'no reviews' when none of their items was fully reviewed. */
    status: 'reviewed' | 'no reviews';
    reviewed: number;
    passed: number;
    /** Reviews started but not finished. */
    in_progress: number;
    pass_rate: number | null;
    /** Mean of the items' QA scores (§4 weights). */
    qa_score: number | null;
    failed_checks: number;
    fails_by_category: { conduct: number; process: number; result: number; privacy: number };
  };
  complaints: number;
  kpis: { consult_response_on_time: Ratio; delivery_on_time: Ratio; repair_response_on_time: Ratio };
  /** Rectifications from the findings on the period's items that they own, and how many of them are overdue today. */
  rectifications: { owned: number; overdue: number };
  disputes: { opened: number; open: number; upheld: number; overturned: number };
  /** The median of the person's department for each figure (rates over people who have a value). */
  department_median: Record<MedianKey, number | null>;
}

export const MEDIAN_KEYS = [
  'records',
  'calls',
  'reviewed',
  'pass_rate',
  'qa_score',
  'failed_checks',
  'complaints',
  'consult_response_on_time',
  'delivery_on_time',
  'repair_response_on_time',
  'rectifications_owned',
  'rectifications_overdue',
  'disputes',
  'disputes_overturned',
] as const;
export type MedianKey = (typeof MEDIAN_KEYS)[number];

/** The value of each median figure for one person (null: the person has none, e.g. no reviews). */
export function figureOf(p: ScorecardPerson, key: MedianKey): number | null {
  switch (key) {
    case 'records':
      return p.records;
    case 'calls':
      return p.calls;
    case 'reviewed':
      return p.reviews.reviewed;
    case 'pass_rate':
      return p.reviews.pass_rate;
    case 'qa_score':
      return p.reviews.qa_score;
    case 'failed_checks':
      return p.reviews.status === 'reviewed' ? p.reviews.failed_checks : null;
    case 'complaints':
      return p.complaints;
    case 'consult_response_on_time':
    case 'delivery_on_time':
    case 'repair_response_on_time':
      return p.kpis[key].value;
    case 'rectifications_owned':
      return p.rectifications.owned;
    case 'rectifications_overdue':
      return p.rectifications.overdue;
    case 'disputes':
      return p.disputes.opened;
    case 'disputes_overturned':
      return p.disputes.overturned;
  }
}

export interface Scorecard {
  period: Period & { from: string; to: string };
  generated_at: string;
  /** Reviews of the period's items not finished yet: review-based figures are provisional. */
  unreviewed_note: string | null;
  people: ScorecardPerson[];
  departments: { department: string | null; people: number; median: Record<MedianKey, number | null> }[];
}

export interface ScorecardContext {
  db: Db;
  config: Config;
  zone: Zone;
  calendar: WorkCalendar;
  now: number;
}

const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, value: denominator ? numerator / denominator : null });

function mostCommon(xs: readonly (string | null)[]): string | null {
  const c = new Map<string, number>();
  for (const x of xs) if (x !== null) c.set(x, (c.get(x) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [k, v] of [...c].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (v > n) {
      best = k;
      n = v;
    }
  }
  return best;
}

export function buildScorecard(sc: ScorecardContext, period: Period, filter: { staff?: string | undefined; dept?: string | undefined } = {}): Scorecard {
  const { db, config, zone } = sc;
  const [start] = zone.monthRange(period.months[0]!);
  const [, end] = zone.monthRange(period.months.at(-1)!);
  // Overdue is judged today: a rectification of the period's work still open past its due date.
  const today = zone.dateOf(sc.now);

  const guessed = new Set<number>();
  const days = period.months.flatMap((m) => dayRules(m, zone, sc.calendar, guessed));
  const reviews = personReviews(db, start, end, config.rectification.callDepartment);
  const staffRows = staffRecordFigures(db, start, end, days);
  const calls = db
    .prepare('SELECT agent_id AS person, count(*) AS n FROM calls WHERE started_at >= ? AND started_at < ? GROUP BY agent_id')
    .all(start, end) as { person: string; n: number }[];
  const complaints = new Map(complaintsNamingStaff(db, start, end).map((c) => [c.person, c.complaints]));
  const rects = rectificationsOfItems(db, start, end);
  const disputes = disputesOfReviews(
    db,
    reviews.map((r) => r.review_id),
  );
  const reviewPerson = new Map(reviews.map((r) => [r.review_id, r.person]));

  const people = new Map<string, ScorecardPerson>();
  const get = (person: string): ScorecardPerson => {
    let p = people.get(person);
    if (!p) {
      p = {
        person,
        department: null,
        roles: [],
        records: 0,
        calls: 0,
        reviews: { status: 'no reviews', reviewed: 0, passed: 0, in_progress: 0, pass_rate: null, qa_score: null, failed_checks: 0, fails_by_category: { conduct: 0, process: 0, result: 0, privacy: 0 } },
        complaints: 0,
        kpis: { consult_response_on_time: ratio(0, 0), delivery_on_time: ratio(0, 0), repair_response_on_time: ratio(0, 0) },
        rectifications: { owned: 0, overdue: 0 },
        disputes: { opened: 0, open: 0, upheld: 0, overturned: 0 },
        department_median: Object.fromEntries(MEDIAN_KEYS.map((k) => [k, null])) as Record<MedianKey, number | null>,
      };
      people.set(person, p);
    }
    return p;
  };
  const role = (p: ScorecardPerson, r: 'staff' | 'agent'): void => {
    if (!p.roles.includes(r)) p.roles.push(r);
  };
  const recordDept = new Map<string, string | null>();
  for (const s of staffRows) {
    const p = get(s.person);
    role(p, 'staff');
    p.records = s.records;
    recordDept.set(s.person, s.department);
    p.kpis = {
      consult_response_on_time: ratio(s.consult_on_time, s.consult_answered),
      delivery_on_time: ratio(s.delivery_on_time, s.delivery_both),
      repair_response_on_time: ratio(s.repair_on_time, s.repair_answered),
    };
  }
  for (const c of calls) {
    const p = get(c.person);
    role(p, 'agent');
    p.calls = c.n;
  }
  const scores = new Map<string, number[]>();
  const seenDepts = new Map<string, (string | null)[]>();
  for (const r of reviews) {
    if (r.person === null) continue;
    const p = get(r.person);
    role(p, r.kind === 'calls' ? 'agent' : 'staff');
    seenDepts.set(r.person, [...(seenDepts.get(r.person) ?? []), r.department]);
    if (r.answered < r.checks_total) {
      p.reviews.in_progress++;
      continue;
    }
    p.reviews.reviewed++;
    if (r.failed === 0) p.reviews.passed++;
    p.reviews.failed_checks += r.failed;
    p.reviews.fails_by_category.conduct += r.fails_conduct;
    p.reviews.fails_by_category.process += r.fails_process;
    p.reviews.fails_by_category.result += r.fails_result;
    p.reviews.fails_by_category.privacy += r.fails_privacy;
    if (r.weight > 0) scores.set(r.person, [...(scores.get(r.person) ?? []), r.weight_passed / r.weight]);
  }
  for (const p of people.values()) {
    if (p.reviews.reviewed > 0) {
      p.reviews.status = 'reviewed';
      p.reviews.pass_rate = p.reviews.passed / p.reviews.reviewed;
      const s = scores.get(p.person) ?? [];
      p.reviews.qa_score = s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
    }
  }
  for (const [person, n] of complaints) get(person).complaints = n;
  for (const x of rects) {
    if (!x.owner_person) continue;
    const p = get(x.owner_person);
    p.rectifications.owned++;
    if (x.state !== 'withdrawn' && isOverdue(x.state as State, x.due_date, today)) p.rectifications.overdue++;
  }
  for (const d of disputes) {
    const person = reviewPerson.get(d.review_id);
    if (!person) continue;
    const p = get(person);
    p.disputes.opened++;
    p.disputes[d.state]++;
  }
  for (const p of people.values()) {
    // The department the auditors saw most often, else the one their records carry.
    p.department = mostCommon(seenDepts.get(p.person) ?? []) ?? recordDept.get(p.person) ?? (p.roles.includes('agent') ? config.rectification.callDepartment : null);
    p.roles.sort();
  }

  // Department medians over everyone in the department (before filtering).
  const byDept = new Map<string | null, ScorecardPerson[]>();
  for (const p of people.values()) byDept.set(p.department, [...(byDept.get(p.department) ?? []), p]);
  const departments = [...byDept]
    .sort((a, b) => String(a[0] ?? '\uffff').localeCompare(String(b[0] ?? '\uffff')))
    .map(([department, ps]) => {
      const med = Object.fromEntries(MEDIAN_KEYS.map((k) => [k, median(ps.map((p) => figureOf(p, k)).filter((v): v is number => v !== null))])) as Record<MedianKey, number | null>;
      for (const p of ps) p.department_median = med;
      return { department, people: ps.length, median: med };
    });

  let list = [...people.values()];
  if (filter.staff !== undefined) list = list.filter((p) => p.person === filter.staff);
  if (filter.dept !== undefined) list = list.filter((p) => p.department === filter.dept);
  list.sort((a, b) => String(a.department ?? '\uffff').localeCompare(String(b.department ?? '\uffff')) || (a.person < b.person ? -1 : a.person > b.person ? 1 : 0));
  const pending = reviews.filter((r) => r.person !== null && r.answered < r.checks_total).length;
  return {
    period: { ...period, from: `${period.months[0]}-01`, to: addDays(`${nextMonth(period.months.at(-1)!)}-01`, -1) },
    generated_at: zone.iso(sc.now),
    unreviewed_note: pending ? `${pending} review${pending === 1 ? '' : 's'} of the period not finished yet: review figures are provisional` : null,
    people: list,
    departments: filter.dept !== undefined ? departments.filter((d) => d.department === filter.dept) : departments,
  };
}
