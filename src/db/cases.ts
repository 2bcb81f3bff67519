/**
 * SQL for complaint cases (SPEC §6): the complaint rows, their verification
 * reports (append-only; the latest row is in force), and the surveys of a
 * customer after a moment (callbacks).
 */
import type { Db } from './open.js';

export interface ComplaintCaseRow {
  complaint_id: string;
  received_at: number;
  customer_id: string;
  acknowledged_at: number | null;
  verification_started_at: number | null;
  investigated_at: number | null;
  solution_confirmed_at: number | null;
  resolved_at: number | null;
  related_record_id: string | null;
  department: string | null;
  category: string | null;
  description: string | null;
  demand: string | null;
  severity: string | null;
  staff_id: string | null;
  owner: string | null;
  feedback_at: number | null;
  extras: string | null;
  import_id: number;
}

export interface VerificationRow {
  id: number;
  complaint_id: string;
  founded: 0 | 1;
  cause: string | null;
  responsible_department: string | null;
  responsible_person: string | null;
  verified_by: string;
  verified_at: number;
  amends: number | null;
  reason: string | null;
}

/** A complaint with its verification in force and its live rectification, for lists. */
export interface ComplaintListRow extends ComplaintCaseRow {
  founded: 0 | 1 | null;
  verified_at: number | null;
  responsible_department: string | null;
  responsible_person: string | null;
  rectification_id: number | null;
  rectification_state: string | null;
}

export function complaintById(db: Db, id: string): ComplaintCaseRow | undefined {
  return db.prepare('SELECT * FROM complaints WHERE complaint_id = ?').get(id) as ComplaintCaseRow | undefined;
}

/** Every verification report of a complaint, oldest first (the last one is in force). */
export function verificationsOf(db: Db, id: string): VerificationRow[] {
  return db.prepare('SELECT * FROM complaint_verifications WHERE complaint_id = ? ORDER BY id').all(id) as VerificationRow[];
}

export function insertVerification(db: Db, v: Omit<VerificationRow, 'id'>): number {
  return Number(
    db
      .prepare(
        `INSERT INTO complaint_verifications (complaint_id, founded, cause, responsible_department, responsible_person, verified_by, verified_at, amends, reason)
         VALUES (@complaint_id, @founded, @cause, @responsible_department, @responsible_person, @verified_by, @verified_at, @amends, @reason)`,
      )
      .run(v).lastInsertRowid,
  );
}

/** The verification in force for each complaint (a CTE: the latest report per complaint). */
const CURRENT = `current_v AS (
  SELECT v.* FROM complaint_verifications v
  WHERE v.id = (SELECT max(w.id) FROM complaint_verifications w WHERE w.complaint_id = v.complaint_id))`;

export interface ComplaintFilter {
  /** received_at range [start, end). */
  start?: number;
  end?: number;
  /** Not closed yet: not resolved, or founded with a rectification not yet verified. */
  open?: boolean;
  unverified?: boolean;
}

export function listComplaints(db: Db, f: ComplaintFilter): ComplaintListRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.start !== undefined) {
    where.push('c.received_at >= @start');
    params.start = f.start;
  }
  if (f.end !== undefined) {
    where.push('c.received_at < @end');
    params.end = f.end;
  }
  if (f.unverified) where.push('v.id IS NULL');
  if (f.open) where.push(`(c.resolved_at IS NULL OR (v.founded = 1 AND coalesce(x.state, 'open') NOT IN ('verified', 'withdrawn')))`);
  return db
    .prepare(
      `WITH ${CURRENT}
       SELECT c.*, v.founded, v.verified_at, v.responsible_department, v.responsible_person,
              x.id AS rectification_id, x.state AS rectification_state
       FROM complaints c
       LEFT JOIN current_v v ON v.complaint_id = c.complaint_id
       LEFT JOIN rectifications x ON x.source = 'complaint' AND x.source_id = c.complaint_id AND x.state <> 'withdrawn'
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.received_at, c.complaint_id`,
    )
    .all(params) as ComplaintListRow[];
}

export interface SurveyBrief {
  survey_id: string;
  surveyed_at: number;
  channel: string | null;
  overall: number | null;
  hidden_fee: number | null;
  record_id: string | null;
}

/** Surveys of a customer at or after `from` (epoch ms), oldest first. */
export function surveysSince(db: Db, customer: string, from: number): SurveyBrief[] {
  return db
    .prepare(
      `SELECT survey_id, surveyed_at, channel, overall, hidden_fee, record_id FROM surveys
       WHERE customer_id = ? AND surveyed_at >= ? ORDER BY surveyed_at, survey_id`,
    )
    .all(customer, from) as SurveyBrief[];
}

/** Verification figures of the complaints received in [start, end): the verification in force at `asOf`. */
export function verificationStates(db: Db, start: number, end: number, asOf: number): Map<string, 0 | 1> {
  const rows = db
    .prepare(
      `SELECT v.complaint_id, v.founded FROM complaint_verifications v JOIN complaints c ON c.complaint_id = v.complaint_id
       WHERE c.received_at >= ? AND c.received_at < ? AND v.verified_at < ?
         AND v.id = (SELECT max(w.id) FROM complaint_verifications w WHERE w.complaint_id = v.complaint_id AND w.verified_at < ?)`,
    )
    .all(start, end, asOf, asOf) as { complaint_id: string; founded: 0 | 1 }[];
  return new Map(rows.map((r) => [r.complaint_id, r.founded]));
}

// ------------------------------------------------------------ report figures

/** What the SPEC §6 callback KPIs need for one month. */
export interface CallbackFigures {
  /** Per complainant resolved in M: their latest resolution in M and their first survey at or after it. */
  complainants: { customer_id: string; resolved_at: number; surveyed_at: number | null }[];
  /** Return records completed in M, per local completion day against that day's deadline (core/kpis.ts rentalDays). */
  rentalsEnded: RentalDays;
  /** Distinct customers served in M with a survey in M by a counted channel (callback_coverage numerator). */
  servedSurveyed: number;
}

export function complainantsResolved(db: Db, start: number, end: number): CallbackFigures['complainants'] {
  return db
    .prepare(
      `SELECT q.customer_id, q.resolved_at,
              (SELECT min(s.surveyed_at) FROM surveys s WHERE s.customer_id = q.customer_id AND s.surveyed_at >= q.resolved_at) AS surveyed_at
       FROM (SELECT customer_id, max(resolved_at) AS resolved_at FROM complaints WHERE resolved_at >= ? AND resolved_at < ? GROUP BY customer_id) q
       ORDER BY q.customer_id`,
    )
    .all(start, end) as CallbackFigures['complainants'];
}

/**
 * Return records completed in M (SPEC §6 survey_within_3wd), one per row: completion time (epoch
 * ms), 1 when the customer is missing, and the customer's first survey at or after completion
 * (epoch ms or null). Numbers only: a month has ~150k returns at 1M records, and building row
 * objects with their ids and customers was most of the query's cost.
 */
export interface RentalEnded {
  completed_at: number;
  no_customer: 0 | 1;
  surveyed_at: number | null;
}

/** Per local day of completion: the deadline (epoch ms) and how its return records stand against it. */
export interface RentalDay {
  deadline: number;
  /** Records without a customer (shown as missing). */
  missing: number;
  /** With a survey before the deadline. */
  surveyed: number;
  /** Without one (yet): late once the deadline has passed. */
  unsurveyed: number;
}

export interface RentalDays {
  days: RentalDay[];
  /** Years whose holiday calendar was guessed while placing the deadlines. */
  guessedYears: number[];
}

export function rentalsEnded(db: Db, start: number, end: number): RentalEnded[] {
  return db
    .prepare(
      `SELECT r.customer_id IS NULL AS no_customer, r.completed_at,
              CASE WHEN r.customer_id IS NULL THEN NULL ELSE
                (SELECT min(s.surveyed_at) FROM surveys s WHERE s.customer_id = r.customer_id AND s.surveyed_at >= r.completed_at) END AS surveyed_at
       FROM records r INDEXED BY records_return_completed WHERE r.record_type = 'return' AND r.completed_at >= ? AND r.completed_at < ?`,
    )
    .all(start, end) as RentalEnded[];
}

/** Distinct customers with a record in [start, end) and a survey in it by one of `channels`. */
export function servedSurveyed(db: Db, start: number, end: number, channels: readonly string[]): number {
  // Most months' surveys are few: without any, skip the scan of the month's records.
  const any = db.prepare(`SELECT 1 FROM surveys WHERE surveyed_at >= ? AND surveyed_at < ? AND channel IN (SELECT value FROM json_each(?)) LIMIT 1`).get(start, end, JSON.stringify(channels));
  if (!any) return 0;
  return db
    .prepare(
      `WITH surveyed AS (SELECT DISTINCT customer_id FROM surveys
                         WHERE surveyed_at >= :s AND surveyed_at < :e AND channel IN (SELECT value FROM json_each(:ch)))
       SELECT count(*) FROM surveyed q
       WHERE q.customer_id IN (SELECT r.customer_id FROM records r
                               WHERE r.record_type IN ('consult', 'contract', 'delivery', 'repair', 'return')
                                 AND r.occurred_at >= :s AND r.occurred_at < :e AND r.customer_id IS NOT NULL)`,
    )
    .pluck()
    .get({ s: start, e: end, ch: JSON.stringify(channels) }) as number;
}

/**
 * What a month's rentals-ended figures depend on besides the surveys: every records import. Not
 * only the month's own (recordsFingerprint): a record imported with an earlier month's file can be
 * completed in this one, or have its completion moved out of it.
 */
export function recordsWatermark(db: Db): number {
  return db.prepare(`SELECT coalesce(max(id), 0) FROM imports WHERE kind = 'records'`).pluck().get() as number;
}

/** What the survey part of a month depends on: every survey import (they are few and small). */
export function surveysWatermark(db: Db): number {
  return db.prepare(`SELECT coalesce(max(id), 0) FROM imports WHERE kind = 'surveys'`).pluck().get() as number;
}

/** Per question of the month's surveys: how many answered, and the mean (scores) or the share of yes (booleans). */
export function surveyQuestionFigures(db: Db, start: number, end: number, questions: readonly { id: string; kind: 'share' | 'mean' }[]): Record<string, { n: number; value: number | null }> {
  const cols = questions.map((q) => `count(${q.id}) AS "${q.id}:n", avg(${q.id}) AS "${q.id}:v"`).join(', ');
  const row = db.prepare(`SELECT ${cols} FROM surveys WHERE surveyed_at >= ? AND surveyed_at < ?`).get(start, end) as Record<string, number | null>;
  return Object.fromEntries(questions.map((q) => [q.id, { n: row[`${q.id}:n`] ?? 0, value: row[`${q.id}:v`] ?? null }]));
}

/** Complaints received in [from, to) per customer (repeat complainants). */
export function complaintCountsByCustomer(db: Db, from: number, to: number): Map<string, string[]> {
  const rows = db
    .prepare('SELECT customer_id, complaint_id FROM complaints WHERE received_at >= ? AND received_at < ? ORDER BY received_at, complaint_id')
    .all(from, to) as { customer_id: string; complaint_id: string }[];
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(r.customer_id, [...(m.get(r.customer_id) ?? []), r.complaint_id]);
  return m;
}

/** Follow-up rectifications opened from surveys in [start, end) (SPEC §6). */
export function surveyFollowUpsOpened(db: Db, start: number, end: number): number {
  return db.prepare(`SELECT count(*) FROM rectifications WHERE source = 'survey' AND opened_at >= ? AND opened_at < ?`).pluck().get(start, end) as number;
}
