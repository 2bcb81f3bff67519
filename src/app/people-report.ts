/**
 * The report's people sections (SPEC §8): dispute and overturn rates per
 * auditor, and the control charts — per department and per item type, the
 * monthly fail proportion of reviewed items over the last 12 months as a
 * p-chart with 3-sigma limits from each month's n.
 *
 * Computed on every run from reviews, findings and disputes (one pass over
 * the 12 months' reviews), never from month_cache: a correction, dispute or
 * new answer shows at once, with nothing to invalidate.
 */
import { pChart, type PChart } from '../core/pchart.js';
import { previousMonth } from '../core/time.js';
import { auditorDisputeFigures, personReviews } from '../db/people.js';
import type { ReportContext } from './report.js';

export const CHART_MONTHS = 12;

export interface AuditorDisputes {
  auditor: string;
  /** Answers they gave on the month's items, and how many were fails as first given. */
  answers: number;
  fails: number;
  disputes: number;
  decided: number;
  overturned: number;
  /** disputes / fails given; null without fails. */
  dispute_rate: number | null;
  /** overturned / decided disputes; null before any decision. */
  overturn_rate: number | null;
}

export interface ControlChart {
  dimension: 'department' | 'type';
  /** The department, or the record type (consult … return) or call. */
  key: string;
  chart: PChart;
  /** Months outside the limits (special causes). */
  flagged: string[];
}

export interface PeopleSections {
  disputes_by_auditor: AuditorDisputes[];
  control_charts: { months: string[]; charts: ControlChart[] };
}

export function peopleSections(rc: ReportContext, month: string): PeopleSections {
  const { db, zone, config } = rc;
  const [start, end] = zone.monthRange(month);
  const monthReviews = personReviews(db, start, end, config.rectification.callDepartment);
  const disputes = auditorDisputeFigures(
    db,
    monthReviews.map((r) => r.review_id),
  ).map((a) => ({
    ...a,
    dispute_rate: a.fails ? a.disputes / a.fails : null,
    overturn_rate: a.decided ? a.overturned / a.decided : null,
  }));

  const months: string[] = [];
  for (let m = month, i = 0; i < CHART_MONTHS; i++, m = previousMonth(m)) months.unshift(m);
  const [first] = zone.monthRange(months[0]!);
  const reviews = personReviews(db, first, end, config.rectification.callDepartment).filter((r) => r.answered >= r.checks_total);
  const groups = new Map<string, { dimension: ControlChart['dimension']; key: string; n: Map<string, number>; d: Map<string, number> }>();
  const add = (dimension: ControlChart['dimension'], key: string, m: string, failed: boolean): void => {
    const id = `${dimension}\u0000${key}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { dimension, key, n: new Map(), d: new Map() }));
    g.n.set(m, (g.n.get(m) ?? 0) + 1);
    if (failed) g.d.set(m, (g.d.get(m) ?? 0) + 1);
  };
  for (const r of reviews) {
    const m = zone.monthOf(r.at);
    add('department', r.department ?? '—', m, r.failed > 0);
    add('type', r.type, m, r.failed > 0);
  }
  const charts = [...groups.values()]
    .sort((a, b) => (a.dimension === b.dimension ? a.key.localeCompare(b.key) : a.dimension === 'department' ? -1 : 1))
    .map((g): ControlChart => {
      const chart = pChart(months.map((m) => ({ label: m, n: g.n.get(m) ?? 0, d: g.d.get(m) ?? 0 })));
      return { dimension: g.dimension, key: g.key, chart, flagged: chart.points.filter((p) => p.signal).map((p) => p.label) };
    });
  return { disputes_by_auditor: disputes, control_charts: { months, charts } };
}
