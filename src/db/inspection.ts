/**
 * SQL for on-site inspections (SPEC §7): the inspection, its answers, and
 * the month's count for the onsite_inspections KPI.
 */
import type { Db } from './open.js';
import type { Result } from '../core/scoring.js';

export interface InspectionRow {
  id: number;
  date: string;
  site: string;
  type: string;
  inspector: string;
  department: string | null;
  staff: string | null;
  checks: string;
  source: string;
  created_at: number;
  created_by: string;
}

export interface InspectionAnswerRow {
  id: number;
  inspection_id: number;
  check_code: string;
  category: string;
  severity: string;
  check_text: string;
  result: Result;
  note: string | null;
}

/** An inspection with its answer counts and the rectifications it opened. */
export interface InspectionSummary extends InspectionRow {
  passed: number;
  failed: number;
  na: number;
  rectifications: string | null; // comma-separated ids
}

export function insertInspection(db: Db, r: Omit<InspectionRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO inspections (date, site, type, inspector, department, staff, checks, source, created_at, created_by)
       VALUES (@date, @site, @type, @inspector, @department, @staff, @checks, @source, @created_at, @created_by)`,
    )
    .run(r);
  return Number(info.lastInsertRowid);
}

export function insertInspectionAnswer(db: Db, a: Omit<InspectionAnswerRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO inspection_answers (inspection_id, check_code, category, severity, check_text, result, note)
       VALUES (@inspection_id, @check_code, @category, @severity, @check_text, @result, @note)`,
    )
    .run(a);
  return Number(info.lastInsertRowid);
}

const SUMMARY_SQL = `
  SELECT i.*,
         (SELECT count(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.result = 'pass') AS passed,
         (SELECT count(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.result = 'fail') AS failed,
         (SELECT count(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.result = 'na') AS na,
         (SELECT group_concat(x.id, ',') FROM rectifications x WHERE x.subject_kind = 'inspections' AND x.subject_id = 'INS-' || i.id) AS rectifications
  FROM inspections i`;

/** Inspections dated within [fromDate, toDate] (YYYY-MM-DD, inclusive), or all. */
export function listInspections(db: Db, range?: { from: string; to: string }): InspectionSummary[] {
  return (
    range
      ? db.prepare(`${SUMMARY_SQL} WHERE i.date >= ? AND i.date <= ? ORDER BY i.date, i.id`).all(range.from, range.to)
      : db.prepare(`${SUMMARY_SQL} ORDER BY i.date, i.id`).all()
  ) as InspectionSummary[];
}

export function inspectionAnswers(db: Db, id: number): InspectionAnswerRow[] {
  return db.prepare('SELECT * FROM inspection_answers WHERE inspection_id = ? ORDER BY id').all(id) as InspectionAnswerRow[];
}

/** Failed checks of the inspections in a date range, per check code. */
export function inspectionFailsByCheck(db: Db, from: string, to: string): { check_code: string; check_text: string; severity: string; failed: number }[] {
  return db
    .prepare(
      `SELECT a.check_code, a.check_text, a.severity, count(*) AS failed
       FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id
       WHERE i.date >= ? AND i.date <= ? AND a.result = 'fail'
       GROUP BY a.check_code ORDER BY failed DESC, a.check_code`,
    )
    .all(from, to) as { check_code: string; check_text: string; severity: string; failed: number }[];
}

/** How many inspections are dated in [fromDate, toDate] (the onsite_inspections KPI). */
export function inspectionCount(db: Db, from: string, to: string): number {
  return db.prepare('SELECT count(*) FROM inspections WHERE date >= ? AND date <= ?').pluck().get(from, to) as number;
}
