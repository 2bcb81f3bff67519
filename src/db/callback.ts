/**
 * SQL for the callback worklist (SPEC §6): the candidates a plan needs, the
 * receipts and entries it writes, and the list with each entry's answer —
 * the customer's first survey at or after the entry's trigger, computed on
 * read, so importing the survey is what closes an entry.
 */
import type { CallbackReason, ComplaintCandidate, CustomerSpan, EndedCandidate, PlannedEntry } from '../core/callback.js';
import type { Db } from './open.js';

const TYPES = `('consult', 'contract', 'delivery', 'repair', 'return')`;

/** Return records completed in [from, to) with a customer, and whether the customer was surveyed since. */
export function endedCandidates(db: Db, from: number, to: number): EndedCandidate[] {
  return (
    db
      .prepare(
        `SELECT r.record_id, r.customer_id, r.completed_at,
                EXISTS (SELECT 1 FROM surveys s WHERE s.customer_id = r.customer_id AND s.surveyed_at >= r.completed_at) AS surveyed
         FROM records r INDEXED BY records_return_completed
         WHERE r.record_type = 'return' AND r.completed_at >= ? AND r.completed_at < ? AND r.customer_id IS NOT NULL`,
      )
      .all(from, to) as (Omit<EndedCandidate, 'surveyed'> & { surveyed: number })[]
  ).map((r) => ({ ...r, surveyed: r.surveyed === 1 }));
}

export function complaintCandidates(db: Db, from: number, to: number): ComplaintCandidate[] {
  return (
    db
      .prepare(
        `SELECT c.complaint_id, c.customer_id, c.resolved_at, c.related_record_id,
                EXISTS (SELECT 1 FROM surveys s WHERE s.customer_id = c.customer_id AND s.surveyed_at >= c.resolved_at) AS surveyed
         FROM complaints c WHERE c.resolved_at >= ? AND c.resolved_at < ?`,
      )
      .all(from, to) as (Omit<ComplaintCandidate, 'surveyed'> & { surveyed: number })[]
  ).map((r) => ({ ...r, surveyed: r.surveyed === 1 }));
}

/**
 * Every customer's first and last record before `to`, with the latest
 * record's id (one pass: the max of "time|id" strings, times zero-padded).
 */
export function customerSpans(db: Db, to: number): CustomerSpan[] {
  return (
    db
      .prepare(
        `SELECT customer_id, min(occurred_at) AS first_at, max(printf('%015d', occurred_at) || record_id) AS last_key
         FROM records WHERE record_type IN ${TYPES} AND customer_id IS NOT NULL AND occurred_at < ? GROUP BY customer_id`,
      )
      .all(to) as { customer_id: string; first_at: number; last_key: string }[]
  ).map((r) => ({ customer_id: r.customer_id, first_at: r.first_at, last_at: Number(r.last_key.slice(0, 15)), last_record_id: r.last_key.slice(15) }));
}

export function churnDrawn(db: Db, period: string): boolean {
  return !!db.prepare(`SELECT 1 FROM callback_entries WHERE reason = 'churn' AND source_id = ? LIMIT 1`).get(period) ||
    !!db.prepare(`SELECT 1 FROM callback_runs WHERE params ->> '$.churn_period' = ? LIMIT 1`).get(period);
}

/** Whether an earlier run already handled this quarter's long-term customers (params.quarters). */
export function quarterHandled(db: Db, quarter: string): boolean {
  return !!db.prepare(`SELECT 1 FROM callback_runs r, json_each(r.params, '$.quarters') q WHERE q.value = ? LIMIT 1`).get(quarter);
}

export interface CallbackRunRow {
  id: number;
  run_date: string;
  seed: string;
  algorithm: string;
  params: string;
  population: string;
  population_digest: string;
  added: number;
  created_at: number;
  user: string | null;
}

export function nextRunId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) + 1 FROM callback_runs').pluck().get() as number);
}

export function insertRun(db: Db, r: CallbackRunRow): void {
  db.prepare(
    `INSERT INTO callback_runs (id, run_date, seed, algorithm, params, population, population_digest, added, created_at, user)
     VALUES (@id, @run_date, @seed, @algorithm, @params, @population, @population_digest, @added, @created_at, @user)`,
  ).run(r);
}

/** Insert the entries not there yet; returns those inserted (with ids). */
export function insertEntries(db: Db, runId: number, entries: readonly PlannedEntry[]): (PlannedEntry & { id: number })[] {
  const ins = db.prepare(
    `INSERT INTO callback_entries (run_id, reason, source_id, customer_id, trigger_at, due_date, rank, contact_record_id)
     VALUES (@run_id, @reason, @source_id, @customer_id, @trigger_at, @due_date, @rank, @contact_record_id)
     ON CONFLICT (reason, source_id, customer_id) DO NOTHING`,
  );
  const out: (PlannedEntry & { id: number })[] = [];
  for (const e of entries) {
    const info = ins.run({ ...e, run_id: runId });
    if (info.changes === 1) out.push({ ...e, id: Number(info.lastInsertRowid) });
  }
  return out;
}

export interface CallbackEntryView {
  id: number;
  run_id: number;
  reason: CallbackReason;
  source_id: string;
  customer_id: string;
  trigger_at: number;
  due_date: string;
  rank: number | null;
  contact_record_id: string | null;
  customer_phone: string | null;
  answered_by: string | null;
  answered_at: number | null;
  answered_channel: string | null;
}

export interface EntryFilter {
  reasons?: readonly CallbackReason[];
  /** Due on or before this date. */
  dueBy?: string;
  /** Due strictly before this date (overdue on it). */
  dueBefore?: string;
  /** Include entries already answered by a survey. */
  all?: boolean;
  ids?: readonly number[];
}

export function listEntries(db: Db, f: EntryFilter): CallbackEntryView[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.reasons?.length) {
    where.push(`e.reason IN (${f.reasons.map((_, i) => `@r${i}`).join(', ')})`);
    f.reasons.forEach((r, i) => (params[`r${i}`] = r));
  }
  if (f.dueBy) {
    where.push('e.due_date <= @dueBy');
    params.dueBy = f.dueBy;
  }
  if (f.dueBefore) {
    where.push('e.due_date < @dueBefore');
    params.dueBefore = f.dueBefore;
  }
  if (f.ids) {
    where.push(`e.id IN (SELECT value FROM json_each(@ids))`);
    params.ids = JSON.stringify(f.ids);
  }
  const rows = db
    .prepare(
      `SELECT * FROM (
         SELECT e.*, r.customer_phone,
                (SELECT json_array(s.survey_id, s.surveyed_at, s.channel) FROM surveys s
                 WHERE s.customer_id = e.customer_id AND s.surveyed_at >= e.trigger_at ORDER BY s.surveyed_at, s.survey_id LIMIT 1) AS answer
         FROM callback_entries e LEFT JOIN records r ON r.record_id = e.contact_record_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''})
       ${f.all ? '' : 'WHERE answer IS NULL'}
       ORDER BY due_date, reason, source_id, customer_id`,
    )
    .all(params) as (Omit<CallbackEntryView, 'answered_by' | 'answered_at' | 'answered_channel'> & { answer: string | null })[];
  return rows.map(({ answer, ...e }) => {
    const a = answer ? (JSON.parse(answer) as [string, number, string | null]) : null;
    return { ...e, answered_by: a?.[0] ?? null, answered_at: a?.[1] ?? null, answered_channel: a?.[2] ?? null };
  });
}

/** Surveys with hidden_fee yes or overall <= 2 that have no follow-up rectification yet, with their record's department. */
export function surveysNeedingFollowUp(db: Db): { survey_id: string; customer_id: string; surveyed_at: number; overall: number | null; hidden_fee: number | null; record_id: string | null; department: string | null }[] {
  return db
    .prepare(
      `SELECT s.survey_id, s.customer_id, s.surveyed_at, s.overall, s.hidden_fee, s.record_id, r.department
       FROM surveys s LEFT JOIN records r ON r.record_id = s.record_id
       WHERE (s.hidden_fee = 1 OR s.overall <= 2)
         AND NOT EXISTS (SELECT 1 FROM rectifications x WHERE x.source = 'survey' AND x.source_id = s.survey_id)
       ORDER BY s.surveyed_at, s.survey_id`,
    )
    .all() as ReturnType<typeof surveysNeedingFollowUp>;
}
