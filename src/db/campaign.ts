/**
 * SQL for special campaigns (SPEC §7): the campaign, its population in the
 * focus, its receipts and drawn items, and the review status of those items.
 */
import type { Candidate, FocusFilter } from '../core/campaign.js';
import type { Db } from './open.js';
import type { WorkItem } from './sampling.js';

export interface CampaignRow {
  id: number;
  name: string;
  from_date: string;
  to_date: string;
  focus: string;
  seed: string;
  created_at: number;
  created_by: string;
}

export interface CampaignRunRow {
  id: number;
  campaign_id: number;
  run_date: string;
  seed: string;
  rate: number;
  algorithm: string;
  population: number;
  population_digest: string;
  population_ids: string;
  target: number;
  drawn: number;
  created_at: number;
  user: string;
}

export function campaignByName(db: Db, name: string): CampaignRow | undefined {
  return db.prepare('SELECT * FROM campaigns WHERE name = ?').get(name) as CampaignRow | undefined;
}

export function listCampaigns(db: Db): CampaignRow[] {
  return db.prepare('SELECT * FROM campaigns ORDER BY from_date, id').all() as CampaignRow[];
}

/** Campaigns whose date range overlaps [from, to] (YYYY-MM-DD). */
export function campaignsOverlapping(db: Db, from: string, to: string): CampaignRow[] {
  return db.prepare('SELECT * FROM campaigns WHERE from_date <= ? AND to_date >= ? ORDER BY from_date, id').all(to, from) as CampaignRow[];
}

export function insertCampaign(db: Db, c: Omit<CampaignRow, 'id'>): number {
  return Number(
    db.prepare('INSERT INTO campaigns (name, from_date, to_date, focus, seed, created_at, created_by) VALUES (@name, @from_date, @to_date, @focus, @seed, @created_at, @created_by)').run(c)
      .lastInsertRowid,
  );
}

/**
 * The records (by occurred_at) and calls (by started_at) in [start, end)
 * inside the focus. Calls below `minCallSeconds` are not eligible, as in
 * the weekly draw.
 */
export function campaignPopulation(db: Db, f: FocusFilter, start: number, end: number, minCallSeconds: number): Candidate[] {
  const out: Candidate[] = [];
  if (f.recordTypes.length && (f.departments === null || f.departments.length)) {
    const types = f.recordTypes.map((_, i) => `@t${i}`).join(', ');
    const depts = f.departments === null ? '' : `AND department IN (${f.departments.map((_, i) => `@d${i}`).join(', ')})`;
    const params: Record<string, unknown> = { s: start, e: end };
    f.recordTypes.forEach((t, i) => (params[`t${i}`] = t));
    f.departments?.forEach((d, i) => (params[`d${i}`] = d));
    for (const id of db.prepare(`SELECT record_id FROM records WHERE record_type IN (${types}) AND occurred_at >= @s AND occurred_at < @e ${depts}`).pluck().all(params) as string[]) {
      out.push({ kind: 'records', id });
    }
  }
  if (f.calls) {
    for (const id of db.prepare('SELECT call_id FROM calls WHERE started_at >= ? AND started_at < ? AND duration_seconds >= ?').pluck().all(start, end, minCallSeconds) as string[]) {
      out.push({ kind: 'calls', id });
    }
  }
  return out;
}

/** `kind:id` of every item the campaign drew (before run `beforeRun`, if given). */
export function campaignDrawn(db: Db, campaignId: number, beforeRun?: number): Set<string> {
  const rows = db
    .prepare(`SELECT kind || ':' || item_id FROM campaign_items WHERE campaign_id = ? ${beforeRun === undefined ? '' : 'AND run_id < ?'}`)
    .pluck()
    .all(...(beforeRun === undefined ? [campaignId] : [campaignId, beforeRun])) as string[];
  return new Set(rows);
}

export function insertCampaignRun(db: Db, r: Omit<CampaignRunRow, 'id'>): number {
  return Number(
    db
      .prepare(
        `INSERT INTO campaign_runs (campaign_id, run_date, seed, rate, algorithm, population, population_digest, population_ids, target, drawn, created_at, user)
         VALUES (@campaign_id, @run_date, @seed, @rate, @algorithm, @population, @population_digest, @population_ids, @target, @drawn, @created_at, @user)`,
      )
      .run(r).lastInsertRowid,
  );
}

export function insertCampaignItems(db: Db, campaignId: number, runId: number, items: readonly { kind: string; id: string; rank: number }[]): void {
  const st = db.prepare('INSERT INTO campaign_items (campaign_id, kind, item_id, run_id, rank) VALUES (?, ?, ?, ?, ?)');
  for (const i of items) st.run(campaignId, i.kind, i.id, runId, i.rank);
}

export function campaignRuns(db: Db, campaignId: number): CampaignRunRow[] {
  return db.prepare('SELECT * FROM campaign_runs WHERE campaign_id = ? ORDER BY id').all(campaignId) as CampaignRunRow[];
}

export function runItemKeys(db: Db, runId: number): string[] {
  return db.prepare(`SELECT kind || ':' || item_id FROM campaign_items WHERE run_id = ? ORDER BY rank, kind, item_id`).pluck().all(runId) as string[];
}

/** A campaign item with what an auditor needs, and how far its review is. */
export interface CampaignItem {
  campaign: string;
  kind: 'records' | 'calls';
  item_id: string;
  run_id: number;
  rank: number;
  at: number | null;
  record_type: string | null;
  department: string | null;
  staff_id: string | null;
  /** The item is also in the random sample: its review counts there too. */
  sampled: number;
  answered: number;
  checks_total: number;
  failed: number;
}

const ITEMS_SQL = `
  SELECT c.name AS campaign, i.kind, i.item_id, i.run_id, i.rank,
         coalesce(r.occurred_at, k.started_at) AS at, r.record_type, r.department, coalesce(r.staff_id, k.agent_id) AS staff_id,
         EXISTS (SELECT 1 FROM sample_items s WHERE s.kind = i.kind AND s.item_id = i.item_id) AS sampled,
         coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id), 0) AS answered,
         coalesce(v.checks_total, 0) AS checks_total,
         coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id AND f.result = 'fail'), 0) AS failed
  FROM campaign_items i
  JOIN campaigns c ON c.id = i.campaign_id
  LEFT JOIN records r ON i.kind = 'records' AND r.record_id = i.item_id
  LEFT JOIN calls k ON i.kind = 'calls' AND k.call_id = i.item_id
  LEFT JOIN reviews v ON v.kind = i.kind AND v.item_id = i.item_id`;

export function campaignItems(db: Db, campaignId: number): CampaignItem[] {
  return db.prepare(`${ITEMS_SQL} WHERE i.campaign_id = ? ORDER BY i.run_id, i.rank, i.kind, i.item_id`).all(campaignId) as CampaignItem[];
}

/** Every campaign item not fully reviewed yet (not in the random sample: those are on its worklist already). */
export function pendingCampaignItems(db: Db): CampaignItem[] {
  return db
    .prepare(`SELECT * FROM (${ITEMS_SQL}) WHERE NOT sampled AND (checks_total = 0 OR answered < checks_total) ORDER BY run_id, rank, kind, item_id`)
    .all() as CampaignItem[];
}

/** The campaigns an item was drawn by (name list), for the review's "marked as such". */
export function campaignsOfItem(db: Db, kind: string, id: string): string[] {
  return db
    .prepare('SELECT c.name FROM campaign_items i JOIN campaigns c ON c.id = i.campaign_id WHERE i.kind = ? AND i.item_id = ? ORDER BY c.id')
    .pluck()
    .all(kind, id) as string[];
}

/** Failed checks on the campaign's items, per check code. */
export function campaignFailsByCheck(db: Db, campaignId: number): { check_code: string; check_text: string; severity: string; failed: number }[] {
  return db
    .prepare(
      `SELECT f.check_code, f.check_text, f.severity, count(*) AS failed
       FROM campaign_items i JOIN reviews v ON v.kind = i.kind AND v.item_id = i.item_id JOIN findings f ON f.review_id = v.id
       WHERE i.campaign_id = ? AND f.result = 'fail' GROUP BY f.check_code ORDER BY failed DESC, f.check_code`,
    )
    .all(campaignId) as { check_code: string; check_text: string; severity: string; failed: number }[];
}

/** Rectifications opened from the campaign items' findings. */
export function campaignRectifications(db: Db, campaignId: number): { total: number; open: number } {
  return db
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(x.state NOT IN ('done', 'verified')), 0) AS open
       FROM campaign_items i JOIN reviews v ON v.kind = i.kind AND v.item_id = i.item_id
       JOIN findings f ON f.review_id = v.id JOIN rectifications x ON x.finding_id = f.id
       WHERE i.campaign_id = ?`,
    )
    .get(campaignId) as { total: number; open: number };
}

/**
 * A campaign's items in the shape of the sample worklist (`qa sample list
 * --campaign NAME`): period `campaign:NAME`, run = the campaign run, drawn on
 * its date.
 */
export function campaignWorklist(db: Db, campaignId: number, pendingOnly: boolean): (WorkItem & { in_random_sample: number })[] {
  return db
    .prepare(
      `SELECT * FROM (
         SELECT i.kind, i.item_id, 'campaign:' || c.name AS period, coalesce(r.record_type, k.agent_id) AS stratum, i.run_id, u.run_date AS drawn_on,
                coalesce(r.occurred_at, k.started_at) AS at, r.department, coalesce(r.staff_id, k.agent_id) AS staff_id,
                coalesce(r.customer_phone, k.customer_phone) AS customer_phone, k.duration_seconds, k.recording_ref, r.record_type,
                coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id), 0) AS answered,
                coalesce(v.checks_total, 0) AS checks_total,
                coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id AND f.result = 'fail'), 0) AS failed,
                EXISTS (SELECT 1 FROM sample_items s WHERE s.kind = i.kind AND s.item_id = i.item_id) AS in_random_sample
         FROM campaign_items i
         JOIN campaigns c ON c.id = i.campaign_id
         JOIN campaign_runs u ON u.id = i.run_id
         LEFT JOIN records r ON i.kind = 'records' AND r.record_id = i.item_id
         LEFT JOIN calls k ON i.kind = 'calls' AND k.call_id = i.item_id
         LEFT JOIN reviews v ON v.kind = i.kind AND v.item_id = i.item_id
         WHERE i.campaign_id = ?)
       ${pendingOnly ? 'WHERE checks_total = 0 OR answered < checks_total' : ''}
       ORDER BY kind DESC, stratum, at, item_id`,
    )
    .all(campaignId) as (WorkItem & { in_random_sample: number })[];
}
