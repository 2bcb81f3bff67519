/**
 * SQL for reviews, findings and rectifications (SPEC §4).
 */
import type { Db } from './open.js';
import type { Result } from '../core/scoring.js';
import type { State } from '../core/rectification.js';

export type ItemKind = 'records' | 'calls';

/** What a rectification without a finding is about (SPEC §7). */
export type SubjectKind = 'inspections' | 'partners';

/** The facts a finding would give, for a rectification opened by an inspection or a partner evaluation. */
export interface RectificationSubject {
  kind: SubjectKind;
  id: string;
  check: string;
  category: string;
  severity: string;
  text: string;
  note: string | null;
  by: string;
  at: number;
}

export interface ItemRow {
  kind: ItemKind;
  id: string;
  /** The whole row as stored (record or call). */
  row: Record<string, unknown>;
}

export interface ReviewRow {
  id: number;
  kind: ItemKind;
  item_id: string;
  checklist: string;
  checks: string;
  checks_total: number;
  sampled: number;
  unsampled_reason: string | null;
  auditor: string;
  started_at: number;
  snapshot: string;
  snapshot_import_id: number | null;
  /** SPEC §7: started for a campaign's item outside the random sample (kept out of the random-sample figures). */
  campaign?: string | null;
}

export interface FindingRow {
  id: number;
  review_id: number;
  check_code: string;
  category: string;
  severity: string;
  check_text: string;
  result: Result;
  note: string | null;
  auditor: string;
  found_at: number;
}

export interface RectificationRow {
  id: number;
  /** The failed check it came from; null for a complaint or survey follow-up (SPEC §6), an inspection or a partner evaluation (SPEC §7). */
  finding_id: number | null;
  source: RectificationSource;
  /** complaint_id, survey_id, inspection id or partner name when source is not 'finding'. */
  source_id: string | null;
  state: State;
  owner_department: string | null;
  owner_person: string | null;
  opened_at: number;
  due_date: string;
  cause: string | null;
  measures: string | null;
  evidence: string | null;
  verification: string | null;
  done_at: number | null;
  done_by: string | null;
  verified_at: number | null;
  verified_by: string | null;
  updated_at: number;
}

export type RectificationSource = 'finding' | 'complaint' | 'survey' | 'inspection' | 'partner';

export interface StepRow {
  id: number;
  rectification_id: number;
  from_state: string | null;
  to_state: string;
  actor: string;
  at: number;
  note: string | null;
  due_date: string | null;
}

/** A rectification with what it is about, for lists and reports. */
export interface RectificationView extends RectificationRow {
  /** records / calls (a finding), complaints or surveys (SPEC §6), inspections or partners (SPEC §7). */
  kind: ItemKind | SubjectKind | 'complaints' | 'surveys';
  item_id: string;
  checklist: string;
  check_code: string;
  category: string;
  severity: string;
  check_text: string;
  finding_note: string | null;
  auditor: string;
  found_at: number;
}

export class ReviewStore {
  constructor(readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Look an item up by id, in records and calls (or only in `kind`). */
  findItems(id: string, kind?: ItemKind): ItemRow[] {
    const out: ItemRow[] = [];
    if (kind !== 'calls') {
      const r = this.db.prepare('SELECT * FROM records WHERE record_id = ?').get(id) as Record<string, unknown> | undefined;
      if (r) out.push({ kind: 'records', id, row: r });
    }
    if (kind !== 'records') {
      const c = this.db.prepare('SELECT * FROM calls WHERE call_id = ?').get(id) as Record<string, unknown> | undefined;
      if (c) out.push({ kind: 'calls', id, row: c });
    }
    return out;
  }

  /** The campaigns that drew the item (SPEC §7), oldest first. */
  campaignsOf(kind: ItemKind, id: string): string[] {
    return this.db
      .prepare('SELECT c.name FROM campaign_items i JOIN campaigns c ON c.id = i.campaign_id WHERE i.kind = ? AND i.item_id = ? ORDER BY c.id')
      .pluck()
      .all(kind, id) as string[];
  }

  isSampled(kind: ItemKind, id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM sample_items WHERE kind = ? AND item_id = ?').get(kind, id);
  }

  review(kind: ItemKind, id: string): ReviewRow | undefined {
    return this.db.prepare('SELECT * FROM reviews WHERE kind = ? AND item_id = ?').get(kind, id) as ReviewRow | undefined;
  }

  createReview(r: Omit<ReviewRow, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO reviews (kind, item_id, checklist, checks, checks_total, sampled, unsampled_reason, auditor, started_at, snapshot, snapshot_import_id, campaign)
         VALUES (@kind, @item_id, @checklist, @checks, @checks_total, @sampled, @unsampled_reason, @auditor, @started_at, @snapshot, @snapshot_import_id, @campaign)`,
      )
      .run({ ...r, campaign: r.campaign ?? null });
    return Number(info.lastInsertRowid);
  }

  findings(reviewId: number): FindingRow[] {
    return this.db.prepare('SELECT * FROM findings WHERE review_id = ? ORDER BY id').all(reviewId) as FindingRow[];
  }

  insertFinding(f: Omit<FindingRow, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO findings (review_id, check_code, category, severity, check_text, result, note, auditor, found_at)
         VALUES (@review_id, @check_code, @category, @severity, @check_text, @result, @note, @auditor, @found_at)`,
      )
      .run(f);
    return Number(info.lastInsertRowid);
  }

  insertRectification(r: Pick<RectificationRow, 'owner_department' | 'owner_person' | 'opened_at' | 'due_date'> & { finding_id: number }): number {
    const info = this.db
      .prepare(
        `INSERT INTO rectifications (finding_id, state, owner_department, owner_person, opened_at, due_date, updated_at)
         VALUES (@finding_id, 'open', @owner_department, @owner_person, @opened_at, @due_date, @opened_at)`,
      )
      .run(r);
    return Number(info.lastInsertRowid);
  }

  /** A rectification opened by a founded complaint or a survey follow-up (SPEC §6). */
  insertSourcedRectification(r: Pick<RectificationRow, 'owner_department' | 'owner_person' | 'opened_at' | 'due_date'> & { source: 'complaint' | 'survey'; source_id: string }): number {
    const info = this.db
      .prepare(
        `INSERT INTO rectifications (source, source_id, state, owner_department, owner_person, opened_at, due_date, updated_at)
         VALUES (@source, @source_id, 'open', @owner_department, @owner_person, @opened_at, @due_date, @opened_at)`,
      )
      .run(r);
    return Number(info.lastInsertRowid);
  }

  /** The rectification a complaint or survey opened, if any. */
  sourcedRectification(source: 'complaint' | 'survey', id: string): RectificationView | undefined {
    return this.db.prepare(`${VIEW_SQL} WHERE x.source = ? AND x.source_id = ? ORDER BY x.state = 'withdrawn', x.id DESC LIMIT 1`).get(source, id) as RectificationView | undefined;
  }

  /** Open a rectification for a subject that is not a finding (a failed inspection check, a partner evaluation). */
  insertSubjectRectification(subject: RectificationSubject, owner: { department: string | null; person: string | null }, dueDate: string): number {
    const info = this.db
      .prepare(
        `INSERT INTO rectifications (finding_id, source, source_id, state, owner_department, owner_person, opened_at, due_date, updated_at,
                                     subject_kind, subject_id, subject_check, subject_category, subject_severity, subject_text, subject_note, subject_by, subject_at)
         VALUES (NULL, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        subject.kind === 'inspections' ? 'inspection' : 'partner',
        subject.id,
        owner.department,
        owner.person,
        subject.at,
        dueDate,
        subject.at,
        subject.kind,
        subject.id,
        subject.check,
        subject.category,
        subject.severity,
        subject.text,
        subject.note,
        subject.by,
        subject.at,
      );
    return Number(info.lastInsertRowid);
  }

  rectification(id: number): RectificationView | undefined {
    return this.db.prepare(`${VIEW_SQL} WHERE x.id = ?`).get(id) as RectificationView | undefined;
  }

  /** Apply a step's fields (only the columns given change). */
  updateRectification(id: number, fields: Partial<Omit<RectificationRow, 'id' | 'finding_id' | 'source' | 'source_id' | 'opened_at'>>): void {
    const keys = Object.keys(fields);
    this.db.prepare(`UPDATE rectifications SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
  }

  insertStep(s: Omit<StepRow, 'id'>): void {
    this.db
      .prepare(
        `INSERT INTO rectification_steps (rectification_id, from_state, to_state, actor, at, note, due_date)
         VALUES (@rectification_id, @from_state, @to_state, @actor, @at, @note, @due_date)`,
      )
      .run(s);
  }

  steps(id: number): StepRow[] {
    return this.db.prepare('SELECT * FROM rectification_steps WHERE rectification_id = ? ORDER BY id').all(id) as StepRow[];
  }

  listRectifications(f: { states?: readonly string[]; dept?: string; dueBefore?: string }): RectificationView[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (f.states?.length) {
      where.push(`x.state IN (${f.states.map((_, i) => `@s${i}`).join(', ')})`);
      f.states.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (f.dept) {
      where.push('x.owner_department = @dept');
      params.dept = f.dept;
    }
    if (f.dueBefore) {
      where.push('x.due_date < @dueBefore');
      params.dueBefore = f.dueBefore;
    }
    return this.db.prepare(`${VIEW_SQL} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY x.due_date, x.id`).all(params) as RectificationView[];
  }
}

/**
 * A rectification with what it is about: its finding (and the finding's
 * review); for one opened by an inspection or a partner evaluation (SPEC §7)
 * the subject_* columns that hold the same facts; for one from a complaint or
 * a survey (SPEC §6) the complaint or survey is its "item", its "check" names
 * the source, and its note and author are those of its opening step.
 */
export const VIEW_SQL = `
  SELECT x.*,
         coalesce(r.kind, x.subject_kind, CASE x.source WHEN 'complaint' THEN 'complaints' WHEN 'survey' THEN 'surveys' END) AS kind,
         coalesce(r.item_id, x.subject_id, x.source_id) AS item_id,
         coalesce(r.checklist, CASE x.subject_kind WHEN 'inspections' THEN 'inspection' WHEN 'partners' THEN 'partner' END, x.source) AS checklist,
         coalesce(f.check_code, x.subject_check, CASE x.source WHEN 'complaint' THEN 'complaint' WHEN 'survey' THEN 'survey_follow_up' END) AS check_code,
         coalesce(f.category, x.subject_category, 'result') AS category,
         coalesce(f.severity, x.subject_severity, CASE WHEN x.source = 'complaint' AND cp.severity = 'major' THEN 'critical' ELSE 'major' END) AS severity,
         coalesce(f.check_text, x.subject_text, CASE x.source WHEN 'complaint' THEN '投诉经核查成立 / Founded complaint' ELSE '回访跟进（隐藏收费或低分） / Survey follow-up (hidden fee or low score)' END) AS check_text,
         CASE WHEN f.id IS NOT NULL THEN f.note WHEN x.subject_kind IS NOT NULL THEN x.subject_note
              ELSE (SELECT s.note FROM rectification_steps s WHERE s.rectification_id = x.id ORDER BY s.id LIMIT 1) END AS finding_note,
         coalesce(f.auditor, x.subject_by, (SELECT s.actor FROM rectification_steps s WHERE s.rectification_id = x.id ORDER BY s.id LIMIT 1)) AS auditor,
         coalesce(f.found_at, x.subject_at, x.opened_at) AS found_at
  FROM rectifications x
  LEFT JOIN findings f ON f.id = x.finding_id
  LEFT JOIN reviews r ON r.id = f.review_id
  LEFT JOIN complaints cp ON x.source = 'complaint' AND cp.complaint_id = x.source_id`;

/** Review status of sampled items: answered checks out of the checklist. */
export function reviewStatus(db: Db, items: readonly { kind: string; item_id: string }[]): Map<string, { answered: number; total: number; failed: number }> {
  const st = db.prepare(
    `SELECT r.checks_total AS total, count(f.id) AS answered, sum(f.result = 'fail') AS failed
     FROM reviews r LEFT JOIN findings f ON f.review_id = r.id
     WHERE r.kind = ? AND r.item_id = ? GROUP BY r.id`,
  );
  const out = new Map<string, { answered: number; total: number; failed: number }>();
  for (const i of items) {
    const row = st.get(i.kind, i.item_id) as { total: number; answered: number; failed: number | null } | undefined;
    if (row) out.set(`${i.kind}:${i.item_id}`, { answered: row.answered, total: row.total, failed: row.failed ?? 0 });
  }
  return out;
}
