/**
 * SQL for the monthly report (SPEC §5): the figures of one month, as plain
 * numbers and small row lists that core/kpis.ts turns into KPIs. The scan of a
 * month's records is the one expensive part; it is cached in month_cache
 * under a fingerprint of everything it depends on.
 */
import crypto from 'node:crypto';
import { RECORD_TYPES } from '../core/kinds.js';
import { SLA } from '../core/kpis.js';
import { withParallelSort, type Db } from './open.js';
import { VIEW_SQL } from './review.js';

const TYPES_SQL = RECORD_TYPES.map((t) => `'${t}'`).join(', ');

/** One local day of the month, with what the per-record SLA rules need. */
export interface DayRule {
  start: number;
  end: number;
  workday: boolean;
  /** 09:00 and 18:00 local on that day (consult: 15 min inside, 30 min outside). */
  workStart: number;
  workEnd: number;
  /** Exclusive end of the 3rd working day after the day (contract_within_3wd). */
  deadline3wd: number;
}

export interface RecordFigures {
  total: number;
  byType: Record<string, number>;
  distinctCustomers: number;
  delivery: { both: number; onTime: number };
  consult: { answered: number; onTime: number; fitKnown: number; fit: number };
  repair: { answered: number; onTime: number; ftfKnown: number; ftf: number };
  intact: { known: number; intact: number };
  contract: { completed: number; within3wd: number };
  /** Drawn for this month and still in it, per record_type. */
  sampledByType: Record<string, number>;
}

export interface ReportStore {
  db: Db;
}

/**
 * What the records part of a month depends on: imports touching it, plus the
 * rules' inputs — and for the sampled counts (`withDraws`) the month's draws.
 */
export function recordsFingerprint(db: Db, month: string, start: number, end: number, rules: string, withDraws: boolean): string {
  const imp = db
    .prepare(`SELECT coalesce(max(id), 0) FROM imports WHERE kind = 'records' AND min_at < ? AND max_at >= ?`)
    .pluck()
    .get(end, start) as number;
  const moved = db
    .prepare(`SELECT coalesce(max(import_id), 0) FROM record_changes WHERE old_occurred_at >= ? AND old_occurred_at < ?`)
    .pluck()
    .get(start, end) as number;
  const runs = withDraws ? (db.prepare(`SELECT coalesce(max(id), 0) FROM sample_runs WHERE kind = 'records' AND period = ?`).pluck().get(month) as number) : null;
  return crypto.createHash('sha256').update(JSON.stringify({ month, imp, moved, runs, rules })).digest('hex');
}

export function cached<T>(db: Db, month: string, part: string, fingerprint: string, compute: () => T, now: number): T {
  const row = db.prepare('SELECT fingerprint, data FROM month_cache WHERE month = ? AND part = ?').get(month, part) as { fingerprint: string; data: string } | undefined;
  if (row && row.fingerprint === fingerprint) return JSON.parse(row.data) as T;
  const data = compute();
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 200');
  try {
    db.prepare(
      `INSERT INTO month_cache (month, part, fingerprint, data, computed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (month, part) DO UPDATE SET fingerprint = excluded.fingerprint, data = excluded.data, computed_at = excluded.computed_at`,
    ).run(month, part, fingerprint, JSON.stringify(data), now);
  } catch (e) {
    // The cache is an optimisation: a read-only copy, or an import holding the
    // write lock, must not stop a report.
    const code = String((e as { code?: unknown }).code ?? '');
    if (!/^SQLITE_(BUSY|LOCKED|READONLY|FULL)/.test(code)) throw e;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
  return data;
}

/** The scan part of RecordFigures (cached under recordsFingerprint without the draws). */
export type RecordScan = Omit<RecordFigures, 'sampledByType'>;

/**
 * The month's records, one index range per record type with only the sums
 * that type needs (one pass with every sum over every row was 3x slower:
 * 20 conditional expressions per row), then one pass for the distinct
 * customers. Consultations and contracts join their local day for the SLA
 * rules (CROSS JOIN keeps the days outside: a range scan per day).
 */
export function recordScan(db: Db, start: number, end: number, days: readonly DayRule[]): RecordScan {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS report_days (start INTEGER PRIMARY KEY, end INTEGER, workday INTEGER, work_start INTEGER, work_end INTEGER, deadline3wd INTEGER)`);
  db.exec('DELETE FROM temp.report_days');
  const ins = db.prepare('INSERT INTO temp.report_days VALUES (?, ?, ?, ?, ?, ?)');
  for (const d of days) ins.run(d.start, d.end, d.workday ? 1 : 0, d.workStart, d.workEnd, d.deadline3wd);
  const range = `r.occurred_at >= :s AND r.occurred_at < :e`;
  const byDay = (type: string) => `FROM temp.report_days d CROSS JOIN records r ON r.record_type = '${type}' AND r.occurred_at >= d.start AND r.occurred_at < d.end`;
  const plain = (type: string) => `FROM records r WHERE r.record_type = '${type}' AND ${range}`;
  const row = (sql: string): Record<string, number> => {
    const a = db.prepare(sql).get({ s: start, e: end }) as Record<string, number | null>;
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v ?? 0]));
  };
  const consult = row(
    `SELECT count(*) AS n, sum(r.first_response_at IS NOT NULL) AS answered,
            sum(r.first_response_at - r.occurred_at <=
                CASE WHEN d.workday AND r.occurred_at >= d.work_start AND r.occurred_at < d.work_end THEN ${SLA.consultWorkingMs} ELSE ${SLA.consultOtherMs} END) AS ok,
            sum(r.recommendation_fit IS NOT NULL) AS fit_known, sum(r.recommendation_fit = 1) AS fit
     ${byDay('consult')}`,
  );
  const contract = row(`SELECT count(*) AS n, sum(r.completed_at IS NOT NULL) AS completed, sum(r.completed_at < d.deadline3wd) AS ok ${byDay('contract')}`);
  const delivery = row(
    `SELECT count(*) AS n, sum(r.completed_at IS NOT NULL AND r.promised_at IS NOT NULL) AS both_known, sum(r.completed_at <= r.promised_at) AS ok,
            sum(r.device_intact IS NOT NULL) AS intact_known, sum(r.device_intact = 1) AS intact
     ${plain('delivery')}`,
  );
  const repair = row(
    `SELECT count(*) AS n, sum(r.first_response_at IS NOT NULL) AS answered,
            sum(r.first_response_at - r.occurred_at <= CASE WHEN r.remote = 1 THEN ${SLA.repairRemoteMs} ELSE ${SLA.repairMs} END) AS ok,
            sum(r.first_time_fix IS NOT NULL) AS ftf_known, sum(r.first_time_fix = 1) AS ftf
     ${plain('repair')}`,
  );
  const ret = row(`SELECT count(*) AS n, sum(r.device_intact IS NOT NULL) AS intact_known, sum(r.device_intact = 1) AS intact ${plain('return')}`);
  // Distinct customers served (callback and complaint rates' denominator): a sort of the month's
  // customer ids, the scan's biggest cost, done by two threads.
  const customers = withParallelSort(db, () =>
    row(
      `SELECT count(*) AS n
       FROM (SELECT r.customer_id FROM records r
             WHERE r.record_type IN (${TYPES_SQL}) AND ${range} AND r.customer_id IS NOT NULL
             GROUP BY r.customer_id)`,
    ),
  );
  const counts: Record<string, number> = { consult: consult.n!, contract: contract.n!, delivery: delivery.n!, repair: repair.n!, return: ret.n! };
  const byType: Record<string, number> = {};
  for (const t of RECORD_TYPES) if (counts[t]! > 0) byType[t] = counts[t]!;
  return {
    total: RECORD_TYPES.reduce((n, t) => n + counts[t]!, 0),
    byType,
    distinctCustomers: customers.n!,
    delivery: { both: delivery.both_known!, onTime: delivery.ok! },
    consult: { answered: consult.answered!, onTime: consult.ok!, fitKnown: consult.fit_known!, fit: consult.fit! },
    repair: { answered: repair.answered!, onTime: repair.ok!, ftfKnown: repair.ftf_known!, ftf: repair.ftf! },
    intact: { known: delivery.intact_known! + ret.intact_known!, intact: delivery.intact! + ret.intact! },
    contract: { completed: contract.completed!, within3wd: contract.ok! },
  };
}

/** Drawn for the month and still in it, per record_type (cached apart from the scan: every draw changes it). */
export function sampledByType(db: Db, month: string, start: number, end: number): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT r.record_type AS type, count(*) AS n FROM sample_items s CROSS JOIN records r ON r.record_id = s.item_id
       WHERE s.kind = 'records' AND s.period = ? AND r.occurred_at >= ? AND r.occurred_at < ? GROUP BY r.record_type`,
    )
    .all(month, start, end) as { type: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

export interface WeekFigures {
  week: string;
  /** Eligible calls (from the draw's receipt, else counted now). */
  population: number;
  drawn: number;
  quota: number | null;
  run: number | null;
  /** Not drawn yet and not due yet: the week has not ended, or ended less than a day ago (the next morning's qa sample draws it). */
  pending: boolean;
}

export function callWeekFigures(db: Db, weeks: readonly { week: string; start: number; end: number }[], minSeconds: number, now: number): WeekFigures[] {
  const run = db.prepare(`SELECT id, population, params FROM sample_runs WHERE kind = 'calls' AND period = ? ORDER BY id LIMIT 1`);
  const drawn = db.prepare(`SELECT count(*) FROM sample_items WHERE kind = 'calls' AND period = ?`).pluck();
  const pop = db.prepare('SELECT count(*) FROM calls WHERE started_at >= ? AND started_at < ? AND duration_seconds >= ?').pluck();
  return weeks.map((w) => {
    const r = run.get(w.week) as { id: number; population: number; params: string } | undefined;
    return {
      week: w.week,
      population: r ? r.population : (pop.get(w.start, w.end, minSeconds) as number),
      drawn: drawn.get(w.week) as number,
      quota: r ? ((JSON.parse(r.params) as { quota?: number }).quota ?? null) : null,
      run: r ? r.id : null,
      pending: !r && now < w.end + 86_400_000,
    };
  });
}

export interface SurveyFigures {
  total: number;
  withOverall: number;
  satisfied: number;
  distinctCustomers: number;
}

export function surveyFigures(db: Db, start: number, end: number): SurveyFigures {
  return db
    .prepare(
      `SELECT count(*) AS total, count(overall) AS withOverall, coalesce(sum(overall >= 4), 0) AS satisfied,
              count(DISTINCT customer_id) AS distinctCustomers
       FROM surveys WHERE surveyed_at >= ? AND surveyed_at < ?`,
    )
    .get(start, end) as SurveyFigures;
}

export interface ComplaintRow {
  complaint_id: string;
  customer_id: string;
  received_at: number;
  acknowledged_at: number | null;
  verification_started_at: number | null;
  investigated_at: number | null;
  solution_confirmed_at: number | null;
  resolved_at: number | null;
  department: string | null;
  category: string | null;
  /** SPEC §6 columns. */
  feedback_at: number | null;
  severity: string | null;
  staff_id: string | null;
  /** The verification report in force at `asOf`: 1 founded, 0 unfounded, null none yet. */
  founded: 0 | 1 | null;
}

/** Complaints received in [start, end), with their verification (as recorded before `asOf`). */
export function complaintRows(db: Db, start: number, end: number, asOf: number = Number.MAX_SAFE_INTEGER): ComplaintRow[] {
  return db
    .prepare(
      `SELECT c.complaint_id, c.customer_id, c.received_at, c.acknowledged_at, c.verification_started_at, c.investigated_at,
              c.solution_confirmed_at, c.resolved_at, c.department, c.category, c.feedback_at, c.severity, c.staff_id,
              (SELECT v.founded FROM complaint_verifications v WHERE v.complaint_id = c.complaint_id AND v.verified_at < :t
               ORDER BY v.id DESC LIMIT 1) AS founded
       FROM complaints c WHERE c.received_at >= :s AND c.received_at < :e ORDER BY c.received_at`,
    )
    .all({ s: start, e: end, t: asOf }) as ComplaintRow[];
}

/**
 * A review of an item of the month (records by occurred_at, calls by
 * started_at), with its answers. Reviews started for a special campaign's
 * item outside the random sample are not here (SPEC §7: never in
 * audit_pass_rate, coverage or the bounds); the campaign section has them.
 */
export interface ReviewedItem {
  review_id: number;
  kind: 'records' | 'calls';
  item_id: string;
  checklist: string;
  stratum: string;
  department: string | null;
  sampled: number;
  unsampled_reason: string | null;
  checks_total: number;
  changed_after_review: number;
  answered: number;
  failed: number;
  /** Σ weights of applicable checks, and of those passed. */
  weight: number;
  weight_passed: number;
}

/**
 * A field of the item as the auditor saw it (reviews.snapshot), else — for a
 * snapshot without that key — the current value. SPEC §5: findings by
 * department/staff use the snapshot, so a later re-export that moves a record
 * to another department does not charge that department with the failure.
 */
const seen = (field: string, current: string): string =>
  `(CASE WHEN json_type(v.snapshot, '$.${field}') IS NOT NULL THEN v.snapshot ->> '$.${field}' ELSE ${current} END)`;

export function reviewedItems(db: Db, start: number, end: number, callDepartment: string): ReviewedItem[] {
  return db
    .prepare(
      `WITH items AS (
         SELECT v.*, r.record_type AS stratum, ${seen('department', 'r.department')} AS department, r.import_id AS cur_import
         FROM reviews v JOIN records r ON v.kind = 'records' AND r.record_id = v.item_id
         WHERE r.occurred_at >= :s AND r.occurred_at < :e AND v.campaign IS NULL
         UNION ALL
         SELECT v.*, c.agent_id AS stratum, :calldept AS department, c.import_id AS cur_import
         FROM reviews v JOIN calls c ON v.kind = 'calls' AND c.call_id = v.item_id
         WHERE c.started_at >= :s AND c.started_at < :e AND v.campaign IS NULL
       )
       SELECT i.id AS review_id, i.kind, i.item_id, i.checklist, i.stratum, i.department, i.sampled, i.unsampled_reason, i.checks_total,
              (i.snapshot_import_id IS NOT NULL AND i.cur_import <> i.snapshot_import_id) AS changed_after_review,
              count(f.id) AS answered, coalesce(sum(f.result = 'fail'), 0) AS failed,
              coalesce(sum(CASE WHEN f.result = 'na' THEN 0 ELSE CASE f.severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 ELSE 1 END END), 0) AS weight,
              coalesce(sum(CASE WHEN f.result = 'pass' THEN CASE f.severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 ELSE 1 END ELSE 0 END), 0) AS weight_passed
       FROM items i LEFT JOIN findings f ON f.review_id = i.id
       GROUP BY i.id ORDER BY i.kind DESC, i.item_id`,
    )
    .all({ s: start, e: end, calldept: callDepartment }) as ReviewedItem[];
}

/** Failed checks of the month's reviewed items, for the breakdowns. */
export interface FailedCheck {
  review_id: number;
  check_code: string;
  category: string;
  severity: string;
  check_text: string;
}

export function failedChecks(db: Db, reviewIds: readonly number[]): FailedCheck[] {
  if (reviewIds.length === 0) return [];
  db.exec('CREATE TEMP TABLE IF NOT EXISTS report_reviews (id INTEGER PRIMARY KEY)');
  db.exec('DELETE FROM temp.report_reviews');
  const ins = db.prepare('INSERT INTO temp.report_reviews VALUES (?)');
  for (const id of reviewIds) ins.run(id);
  return db
    .prepare(
      `SELECT f.review_id, f.check_code, f.category, f.severity, f.check_text FROM findings f
       JOIN temp.report_reviews t ON t.id = f.review_id WHERE f.result = 'fail' ORDER BY f.id`,
    )
    .all() as FailedCheck[];
}

export interface RectificationFigure {
  id: number;
  owner_department: string | null;
  owner_person: string | null;
  opened_at: number;
  item_id: string;
  check_code: string;
  severity: string;
  /** First time it reached done, if ever (epoch ms). */
  first_done_at: number | null;
  /** Its state at the instant given to the query (from the step history). */
  state_then: string;
  /** Its due date at that instant: a later extension does not rewrite a past month. */
  due_then: string;
}

/**
 * Rectifications opened before `asOf`, with their state and due date at
 * `asOf` (both rebuilt from the append-only steps, each of which records the
 * due date in force after it) and the first time they reached done.
 */
export function rectificationFigures(db: Db, asOf: number): RectificationFigure[] {
  return db
    .prepare(
      `SELECT * FROM (
         SELECT id, owner_department, owner_person, opened_at, item_id, check_code, severity, first_done_at,
                coalesce(last_step ->> '$[0]', 'open') AS state_then, coalesce(last_step ->> '$[1]', due_date) AS due_then
         FROM (SELECT x.id, x.owner_department, x.owner_person, x.opened_at, x.due_date, x.item_id, x.check_code, x.severity,
                      (SELECT min(s.at) FROM rectification_steps s WHERE s.rectification_id = x.id AND s.to_state = 'done') AS first_done_at,
                      (SELECT json_array(s.to_state, s.due_date) FROM rectification_steps s
                       WHERE s.rectification_id = x.id AND s.at < :t ORDER BY s.at DESC, s.id DESC LIMIT 1) AS last_step
               FROM (${VIEW_SQL}) x
               WHERE x.opened_at < :t))
       -- A withdrawn one (a corrected finding, a complaint re-verified as unfounded) is
       -- counted by state, and never as due or overdue (app/report.ts, core/rectification.ts).
       ORDER BY due_then, id`,
    )
    .all({ t: asOf }) as RectificationFigure[];
}

/** Every answer of the month's reviewed items, for findings.csv. */
export function exportFindings(db: Db, start: number, end: number, callDepartment: string): Record<string, unknown>[] {
  return db
    .prepare(
      `SELECT v.kind, v.item_id, v.checklist,
              CASE WHEN v.kind = 'calls' THEN :calldept ELSE ${seen('department', 'r.department')} END AS department,
              CASE WHEN v.kind = 'calls' THEN ${seen('agent_id', 'c.agent_id')} ELSE ${seen('staff_id', 'r.staff_id')} END AS staff_or_agent,
              v.sampled, v.unsampled_reason,
              (v.snapshot_import_id IS NOT NULL AND coalesce(r.import_id, c.import_id) <> v.snapshot_import_id) AS changed_after_review,
              f.check_code, f.check_text, f.category, f.severity, f.result, f.note, f.auditor, f.found_at
       FROM reviews v
       LEFT JOIN records r ON v.kind = 'records' AND r.record_id = v.item_id
       LEFT JOIN calls c ON v.kind = 'calls' AND c.call_id = v.item_id
       JOIN findings f ON f.review_id = v.id
       WHERE coalesce(r.occurred_at, c.started_at) >= :s AND coalesce(r.occurred_at, c.started_at) < :e
       ORDER BY v.kind DESC, v.item_id, f.id`,
    )
    .all({ s: start, e: end, calldept: callDepartment }) as Record<string, unknown>[];
}

/** Rectifications opened before `asOf`, with their texts, for rectifications.csv. */
export function exportRectifications(db: Db, asOf: number): Record<string, unknown>[] {
  return db
    .prepare(
      `SELECT x.id, x.kind, x.item_id, x.check_code, x.severity, x.finding_note, x.owner_department, x.owner_person,
              x.opened_at, x.due_date, x.state, x.cause, x.measures, x.evidence, x.verification, x.done_at, x.verified_at, x.verified_by
       FROM (${VIEW_SQL}) x
       WHERE x.opened_at < ? ORDER BY x.id`,
    )
    .all(asOf) as Record<string, unknown>[];
}
