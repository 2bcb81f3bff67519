/**
 * SQL for SPEC §8 (people) and the §4 corrections path: finding amendments,
 * disputes, calibrations, and the figures of scorecards, dispute rates per
 * auditor and the control charts. The only module with SQL for these tables.
 */
import type { Result } from '../core/scoring.js';
import type { Db } from './open.js';
import type { DayRule } from './report.js';
import type { ItemKind } from './review.js';

// ------------------------------------------------------------- corrections

export interface AmendmentRow {
  id: number;
  finding_id: number;
  old_result: Result;
  old_note: string | null;
  new_result: Result;
  new_note: string | null;
  reason: string;
  actor: string;
  at: number;
  dispute_id: number | null;
  rectification_id: number | null;
  rectification_action: 'withdrawn' | 'opened' | 'reopened' | 'kept' | null;
}

export function insertAmendment(db: Db, a: Omit<AmendmentRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO finding_amendments (finding_id, old_result, old_note, new_result, new_note, reason, actor, at, dispute_id, rectification_id, rectification_action)
       VALUES (@finding_id, @old_result, @old_note, @new_result, @new_note, @reason, @actor, @at, @dispute_id, @rectification_id, @rectification_action)`,
    )
    .run(a);
  return Number(info.lastInsertRowid);
}

/** Change the answer (the trigger checks that the amendment just recorded says exactly this). */
export function setFindingAnswer(db: Db, findingId: number, result: Result, note: string | null): void {
  db.prepare('UPDATE findings SET result = ?, note = ? WHERE id = ?').run(result, note, findingId);
}

export function amendments(db: Db, findingId: number): AmendmentRow[] {
  return db.prepare('SELECT * FROM finding_amendments WHERE finding_id = ? ORDER BY id').all(findingId) as AmendmentRow[];
}

export function rectificationIdOfFinding(db: Db, findingId: number): number | undefined {
  return db.prepare('SELECT id FROM rectifications WHERE finding_id = ?').pluck().get(findingId) as number | undefined;
}

// ---------------------------------------------------------------- disputes

export type DisputeState = 'open' | 'upheld' | 'overturned';

export interface DisputeRow {
  id: number;
  finding_id: number;
  answer_result: Result;
  answer_auditor: string;
  answer_at: number;
  opened_by: string;
  opened_at: number;
  reason: string;
  state: DisputeState;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  new_result: Result | null;
  amendment_id: number | null;
}

/** A dispute with what it is about. */
export interface DisputeView extends DisputeRow {
  kind: ItemKind;
  item_id: string;
  check_code: string;
  finding_auditor: string;
  current_result: Result;
}

const DISPUTE_VIEW = `
  SELECT d.*, v.kind, v.item_id, f.check_code, f.auditor AS finding_auditor, f.result AS current_result
  FROM disputes d JOIN findings f ON f.id = d.finding_id JOIN reviews v ON v.id = f.review_id`;

export function insertDispute(db: Db, d: Pick<DisputeRow, 'finding_id' | 'answer_result' | 'answer_auditor' | 'answer_at' | 'opened_by' | 'opened_at' | 'reason'>): number {
  const info = db
    .prepare(
      `INSERT INTO disputes (finding_id, answer_result, answer_auditor, answer_at, opened_by, opened_at, reason, state)
       VALUES (@finding_id, @answer_result, @answer_auditor, @answer_at, @opened_by, @opened_at, @reason, 'open')`,
    )
    .run(d);
  return Number(info.lastInsertRowid);
}

export function decideDisputeRow(db: Db, id: number, d: Pick<DisputeRow, 'state' | 'decided_by' | 'decided_at' | 'decision_note' | 'new_result' | 'amendment_id'>): void {
  db.prepare(
    `UPDATE disputes SET state = @state, decided_by = @decided_by, decided_at = @decided_at, decision_note = @decision_note,
            new_result = @new_result, amendment_id = @amendment_id WHERE id = @id AND state = 'open'`,
  ).run({ ...d, id });
}

export function dispute(db: Db, id: number): DisputeView | undefined {
  return db.prepare(`${DISPUTE_VIEW} WHERE d.id = ?`).get(id) as DisputeView | undefined;
}

export function disputesOfFinding(db: Db, findingId: number): DisputeRow[] {
  return db.prepare('SELECT * FROM disputes WHERE finding_id = ? ORDER BY id').all(findingId) as DisputeRow[];
}

export function listDisputes(db: Db, openOnly: boolean): DisputeView[] {
  return db.prepare(`${DISPUTE_VIEW} ${openOnly ? `WHERE d.state = 'open'` : ''} ORDER BY d.id`).all() as DisputeView[];
}

// ------------------------------------------------------------- calibration

export interface CalibrationRow {
  id: number;
  kind: string | null;
  auditors: string;
  seed: string;
  requested: number;
  population: number;
  created_by: string;
  created_at: number;
}

export interface CalibrationItemRow {
  calibration_id: number;
  position: number;
  kind: ItemKind;
  item_id: string;
  checklist: string;
  checks: string;
  snapshot: string;
  rank: string;
}

export interface CalibrationAnswerRow {
  id: number;
  calibration_id: number;
  kind: ItemKind;
  item_id: string;
  check_code: string;
  auditor: string;
  result: Result;
  note: string | null;
  at: number;
}

/** A sampled item that a calibration may draw, with its current row. */
export interface SampledCandidate {
  kind: ItemKind;
  item_id: string;
  record_type: string | null;
  row: string;
}

/** Every drawn (sampled) item, optionally of one item kind or record type, with its row as JSON. */
export function sampledCandidates(db: Db, filter: { kind?: ItemKind; recordType?: string }): SampledCandidate[] {
  const out: SampledCandidate[] = [];
  if (filter.kind !== 'calls') {
    out.push(
      ...(db
        .prepare(
          `SELECT 'records' AS kind, s.item_id, r.record_type, json_object(${recordColumns(db)}) AS row
           FROM sample_items s JOIN records r ON r.record_id = s.item_id
           WHERE s.kind = 'records' ${filter.recordType ? 'AND r.record_type = @t' : ''}`,
        )
        .all(filter.recordType ? { t: filter.recordType } : {}) as SampledCandidate[]),
    );
  }
  if (filter.kind !== 'records' && !filter.recordType) {
    out.push(
      ...(db
        .prepare(
          `SELECT 'calls' AS kind, s.item_id, NULL AS record_type, json_object(${columnsOf(db, 'calls', 'c')}) AS row
           FROM sample_items s JOIN calls c ON c.call_id = s.item_id WHERE s.kind = 'calls'`,
        )
        .all() as SampledCandidate[]),
    );
  }
  return out;
}

function columnsOf(db: Db, table: string, alias: string): string {
  const cols = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  return cols.map((c) => `'${c}', ${alias}."${c}"`).join(', ');
}

const recordColumns = (db: Db): string => columnsOf(db, 'records', 'r');

export function insertCalibration(db: Db, c: Omit<CalibrationRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO calibrations (kind, auditors, seed, requested, population, created_by, created_at)
       VALUES (@kind, @auditors, @seed, @requested, @population, @created_by, @created_at)`,
    )
    .run(c);
  return Number(info.lastInsertRowid);
}

export function insertCalibrationItem(db: Db, i: CalibrationItemRow): void {
  db.prepare(
    `INSERT INTO calibration_items (calibration_id, position, kind, item_id, checklist, checks, snapshot, rank)
     VALUES (@calibration_id, @position, @kind, @item_id, @checklist, @checks, @snapshot, @rank)`,
  ).run(i);
}

export function calibration(db: Db, id: number): CalibrationRow | undefined {
  return db.prepare('SELECT * FROM calibrations WHERE id = ?').get(id) as CalibrationRow | undefined;
}

export function calibrationItems(db: Db, id: number): CalibrationItemRow[] {
  return db.prepare('SELECT * FROM calibration_items WHERE calibration_id = ? ORDER BY position').all(id) as CalibrationItemRow[];
}

export function calibrationAnswers(db: Db, id: number, auditor?: string): CalibrationAnswerRow[] {
  return db
    .prepare(`SELECT * FROM calibration_answers WHERE calibration_id = ? ${auditor !== undefined ? 'AND auditor = ?' : ''} ORDER BY id`)
    .all(...(auditor !== undefined ? [id, auditor] : [id])) as CalibrationAnswerRow[];
}

export function insertCalibrationAnswer(db: Db, a: Omit<CalibrationAnswerRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO calibration_answers (calibration_id, kind, item_id, check_code, auditor, result, note, at)
       VALUES (@calibration_id, @kind, @item_id, @check_code, @auditor, @result, @note, @at)`,
    )
    .run(a);
  return Number(info.lastInsertRowid);
}

export function listCalibrations(db: Db): (CalibrationRow & { items: number; answers: number })[] {
  return db
    .prepare(
      `SELECT c.*, (SELECT count(*) FROM calibration_items i WHERE i.calibration_id = c.id) AS items,
              (SELECT count(*) FROM calibration_answers a WHERE a.calibration_id = c.id) AS answers
       FROM calibrations c ORDER BY c.id`,
    )
    .all() as (CalibrationRow & { items: number; answers: number })[];
}

// ----------------------------------------------------- scorecards, report

/**
 * A review of an item in [start, end), with the person and department as
 * the auditor saw them (the review's snapshot), and its answers summed.
 */
export interface PersonReview {
  review_id: number;
  kind: ItemKind;
  item_id: string;
  /** Record type, or 'call'. */
  type: string;
  at: number;
  person: string | null;
  department: string | null;
  checks_total: number;
  answered: number;
  failed: number;
  weight: number;
  weight_passed: number;
  fails_conduct: number;
  fails_process: number;
  fails_result: number;
  fails_privacy: number;
}

/**
 * Reviews of the items of [start, end) (records by occurred_at, calls by
 * started_at as stored now: the month an item belongs to), each with the
 * department and person from its snapshot — what the auditor saw.
 */
export function personReviews(db: Db, start: number, end: number, callDepartment: string): PersonReview[] {
  return db
    .prepare(
      `WITH items AS (
         SELECT v.id, v.kind, v.item_id, v.checks_total, r.record_type AS type, r.occurred_at AS at,
                v.snapshot ->> '$.staff_id' AS person, v.snapshot ->> '$.department' AS department
         FROM reviews v JOIN records r ON v.kind = 'records' AND r.record_id = v.item_id
         WHERE r.occurred_at >= :s AND r.occurred_at < :e
         UNION ALL
         SELECT v.id, v.kind, v.item_id, v.checks_total, 'call' AS type, c.started_at AS at,
                v.snapshot ->> '$.agent_id' AS person, :calldept AS department
         FROM reviews v JOIN calls c ON v.kind = 'calls' AND c.call_id = v.item_id
         WHERE c.started_at >= :s AND c.started_at < :e
       )
       SELECT i.id AS review_id, i.kind, i.item_id, i.type, i.at, i.person, i.department, i.checks_total,
              count(f.id) AS answered, coalesce(sum(f.result = 'fail'), 0) AS failed,
              coalesce(sum(CASE WHEN f.result = 'na' THEN 0 ELSE CASE f.severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 ELSE 1 END END), 0) AS weight,
              coalesce(sum(CASE WHEN f.result = 'pass' THEN CASE f.severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 ELSE 1 END ELSE 0 END), 0) AS weight_passed,
              coalesce(sum(f.result = 'fail' AND f.category = 'conduct'), 0) AS fails_conduct,
              coalesce(sum(f.result = 'fail' AND f.category = 'process'), 0) AS fails_process,
              coalesce(sum(f.result = 'fail' AND f.category = 'result'), 0) AS fails_result,
              coalesce(sum(f.result = 'fail' AND f.category = 'privacy'), 0) AS fails_privacy
       FROM items i LEFT JOIN findings f ON f.review_id = i.id
       GROUP BY i.id ORDER BY i.at, i.item_id`,
    )
    .all({ s: start, e: end, calldept: callDepartment }) as PersonReview[];
}

/** Per staff member, the service-level figures of their own records in [start, end) (SPEC §5 rules). */
export interface StaffRecordFigures {
  person: string;
  department: string | null;
  records: number;
  consult_answered: number;
  consult_on_time: number;
  delivery_both: number;
  delivery_on_time: number;
  repair_answered: number;
  repair_on_time: number;
}

/**
 * Records of [start, end) grouped by staff_id, with the consult response
 * (15 min in working hours on a working day, else 30), delivery on time and
 * repair response (1 h, 4 h remote) rules of the report. `days` covers the
 * period day by day; department is the one most of their records carry.
 */
export function staffRecordFigures(db: Db, start: number, end: number, days: readonly DayRule[]): StaffRecordFigures[] {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS people_days (start INTEGER PRIMARY KEY, end INTEGER, workday INTEGER, work_start INTEGER, work_end INTEGER)`);
  db.exec('DELETE FROM temp.people_days');
  const ins = db.prepare('INSERT INTO temp.people_days VALUES (?, ?, ?, ?, ?)');
  for (const d of days) ins.run(d.start, d.end, d.workday ? 1 : 0, d.workStart, d.workEnd);
  const rows = db
    .prepare(
      `SELECT r.staff_id AS person, NULL AS department, count(*) AS records,
              coalesce(sum(r.record_type = 'consult' AND r.first_response_at IS NOT NULL), 0) AS consult_answered,
              coalesce(sum(r.record_type = 'consult' AND r.first_response_at - r.occurred_at <=
                  CASE WHEN d.workday AND r.occurred_at >= d.work_start AND r.occurred_at < d.work_end THEN 900000 ELSE 1800000 END), 0) AS consult_on_time,
              coalesce(sum(r.record_type = 'delivery' AND r.completed_at IS NOT NULL AND r.promised_at IS NOT NULL), 0) AS delivery_both,
              coalesce(sum(r.record_type = 'delivery' AND r.completed_at <= r.promised_at), 0) AS delivery_on_time,
              coalesce(sum(r.record_type = 'repair' AND r.first_response_at IS NOT NULL), 0) AS repair_answered,
              coalesce(sum(r.record_type = 'repair' AND r.first_response_at - r.occurred_at <= CASE WHEN r.remote = 1 THEN 14400000 ELSE 3600000 END), 0) AS repair_on_time
       FROM records r LEFT JOIN temp.people_days d ON r.occurred_at >= d.start AND r.occurred_at < d.end
       WHERE r.occurred_at >= :s AND r.occurred_at < :e AND r.staff_id IS NOT NULL
       GROUP BY r.staff_id`,
    )
    .all({ s: start, e: end }) as StaffRecordFigures[];
  // Their department: the one most of their records carry (ties: alphabetical).
  const depts = db
    .prepare(
      `SELECT staff_id AS person, department, count(*) AS n FROM records
       WHERE occurred_at >= ? AND occurred_at < ? AND staff_id IS NOT NULL AND department IS NOT NULL
       GROUP BY staff_id, department ORDER BY staff_id, n DESC, department`,
    )
    .all(start, end) as { person: string; department: string }[];
  const first = new Map<string, string>();
  for (const d of depts) if (!first.has(d.person)) first.set(d.person, d.department);
  for (const r of rows) r.department = first.get(r.person) ?? null;
  return rows;
}

/**
 * Complaints received in [start, end) that name a person: the complaint's
 * own staff column (when the export has one, as a column or an extra
 * `staff_id` / 涉及员工), else the staff of the record it relates to.
 */
export function complaintsNamingStaff(db: Db, start: number, end: number): { person: string; complaints: number }[] {
  const cols = (db.pragma('table_info(complaints)') as { name: string }[]).map((c) => c.name);
  const own = [
    ...(cols.includes('staff_id') ? ['c.staff_id'] : []),
    `c.extras ->> '$.staff_id'`,
    `c.extras ->> '$."涉及员工"'`,
  ];
  return db
    .prepare(
      `SELECT person, count(DISTINCT complaint_id) AS complaints FROM (
         SELECT c.complaint_id, coalesce(${own.map((o) => `nullif(trim(${o}), '')`).join(', ')}, r.staff_id) AS person
         FROM complaints c LEFT JOIN records r ON r.record_id = c.related_record_id
         WHERE c.received_at >= ? AND c.received_at < ?)
       WHERE person IS NOT NULL GROUP BY person`,
    )
    .all(start, end) as { person: string; complaints: number }[];
}

/** Put the given review ids in `temp.people_reviews`, for the queries below to join on. */
function loadReviewIds(db: Db, reviewIds: readonly number[]): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS people_reviews (id INTEGER PRIMARY KEY)');
  db.exec('DELETE FROM temp.people_reviews');
  const ins = db.prepare('INSERT INTO temp.people_reviews VALUES (?)');
  for (const id of reviewIds) ins.run(id);
}

/** Disputes of answers on the items of the given reviews, per review. */
export function disputesOfReviews(db: Db, reviewIds: readonly number[]): { review_id: number; state: DisputeState; answer_auditor: string; finding_auditor: string }[] {
  if (reviewIds.length === 0) return [];
  loadReviewIds(db, reviewIds);
  return db
    .prepare(
      `SELECT f.review_id, d.state, d.answer_auditor, f.auditor AS finding_auditor
       FROM disputes d JOIN findings f ON f.id = d.finding_id JOIN temp.people_reviews t ON t.id = f.review_id ORDER BY d.id`,
    )
    .all() as { review_id: number; state: DisputeState; answer_auditor: string; finding_auditor: string }[];
}

/**
 * Per auditor, over the answers of the given reviews: answers given, fails
 * given (as first answered, before any correction), and the disputes of
 * their answers with how they ended.
 */
export function auditorDisputeFigures(db: Db, reviewIds: readonly number[]): { auditor: string; answers: number; fails: number; disputes: number; decided: number; overturned: number }[] {
  if (reviewIds.length === 0) return [];
  loadReviewIds(db, reviewIds);
  return db
    .prepare(
      `WITH answers AS (
         SELECT f.id, f.auditor,
                coalesce((SELECT a.old_result FROM finding_amendments a WHERE a.finding_id = f.id ORDER BY a.id LIMIT 1), f.result) AS first_result
         FROM findings f JOIN temp.people_reviews t ON t.id = f.review_id
       )
       SELECT x.auditor, count(*) AS answers, coalesce(sum(x.first_result = 'fail'), 0) AS fails,
              coalesce(sum((SELECT count(*) FROM disputes d WHERE d.finding_id = x.id)), 0) AS disputes,
              coalesce(sum((SELECT count(*) FROM disputes d WHERE d.finding_id = x.id AND d.state <> 'open')), 0) AS decided,
              coalesce(sum((SELECT count(*) FROM disputes d WHERE d.finding_id = x.id AND d.state = 'overturned')), 0) AS overturned
       FROM answers x GROUP BY x.auditor ORDER BY x.auditor`,
    )
    .all() as { auditor: string; answers: number; fails: number; disputes: number; decided: number; overturned: number }[];
}

/**
 * Rectifications that arose from reviews of the items of [start, end)
 * (records by occurred_at, calls by started_at), with their owner, current
 * state and due date.
 */
export function rectificationsOfItems(db: Db, start: number, end: number): { id: number; owner_person: string | null; state: string; due_date: string }[] {
  return db
    .prepare(
      `SELECT x.id, x.owner_person, x.state, x.due_date
       FROM rectifications x JOIN findings f ON f.id = x.finding_id JOIN reviews v ON v.id = f.review_id
       LEFT JOIN records r ON v.kind = 'records' AND r.record_id = v.item_id
       LEFT JOIN calls c ON v.kind = 'calls' AND c.call_id = v.item_id
       WHERE coalesce(r.occurred_at, c.started_at) >= ? AND coalesce(r.occurred_at, c.started_at) < ?
       ORDER BY x.id`,
    )
    .all(start, end) as { id: number; owner_person: string | null; state: string; due_date: string }[];
}
