/**
 * SQL for partners and their quality files (SPEC §7): the register, the
 * per-partner sums over a period's records, the complaints and findings
 * linked through those records, and the append-only evaluations.
 */
import type { PartnerLinks, PartnerRecordSums } from '../core/partner.js';
import type { Db } from './open.js';

export interface PartnerRow {
  name: string;
  kind: string;
  since: string | null;
  added_at: number;
  added_by: string;
}

export interface EvaluationRow {
  id: number;
  partner: string;
  period: string;
  rating: number | null;
  recommendation: string;
  figures: string;
  thresholds: string;
  note: string | null;
  rectification_id: number | null;
  evaluated_at: number;
  evaluated_by: string;
}

export function partnerByName(db: Db, name: string): PartnerRow | undefined {
  return db.prepare('SELECT * FROM partners WHERE name = ?').get(name) as PartnerRow | undefined;
}

export function listPartners(db: Db): PartnerRow[] {
  return db.prepare('SELECT * FROM partners ORDER BY kind, name').all() as PartnerRow[];
}

export function insertPartner(db: Db, p: PartnerRow): void {
  db.prepare('INSERT INTO partners (name, kind, since, added_at, added_by) VALUES (@name, @kind, @since, @added_at, @added_by)').run(p);
}

/** Partner names on records that are not in the register (a typo in an export, or a partner to add). */
export function unregisteredPartners(db: Db): { partner: string; records: number }[] {
  return db
    .prepare(
      `SELECT r.partner, count(*) AS records FROM records r
       WHERE r.partner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p WHERE p.name = r.partner)
       GROUP BY r.partner ORDER BY r.partner`,
    )
    .all() as { partner: string; records: number }[];
}

/** Records per partner of all time, for the register. */
export function recordsPerPartner(db: Db): Map<string, number> {
  const rows = db.prepare('SELECT partner, count(*) AS n FROM records WHERE partner IS NOT NULL GROUP BY partner').all() as { partner: string; n: number }[];
  return new Map(rows.map((r) => [r.partner, r.n]));
}

/**
 * Per partner, the sums its KPIs need over the records that occurred in
 * [start, end) — the rules of SPEC §5 (delivery on time: completed <=
 * promised; repair response: <= 1 h, 4 h remote; first-time fix; device
 * intact on deliveries and returns).
 */
export function partnerRecordSums(db: Db, start: number, end: number): PartnerRecordSums[] {
  const rows = db
    .prepare(
      `SELECT partner, record_type, count(*) AS n,
              coalesce(sum(record_type = 'delivery' AND completed_at IS NOT NULL AND promised_at IS NOT NULL), 0) AS delivery_both,
              coalesce(sum(record_type = 'delivery' AND completed_at <= promised_at), 0) AS delivery_ok,
              coalesce(sum(record_type = 'repair' AND first_response_at IS NOT NULL), 0) AS repair_answered,
              coalesce(sum(record_type = 'repair' AND first_response_at - occurred_at <= CASE WHEN remote = 1 THEN 14400000 ELSE 3600000 END), 0) AS repair_ok,
              coalesce(sum(record_type = 'repair' AND first_time_fix IS NOT NULL), 0) AS ftf_known,
              coalesce(sum(record_type = 'repair' AND first_time_fix = 1), 0) AS ftf,
              coalesce(sum(record_type IN ('delivery', 'return') AND device_intact IS NOT NULL), 0) AS intact_known,
              coalesce(sum(record_type IN ('delivery', 'return') AND device_intact = 1), 0) AS intact
       FROM records -- the partial index records_partner_time
       WHERE partner IS NOT NULL AND occurred_at >= ? AND occurred_at < ?
       GROUP BY partner, record_type ORDER BY partner`,
    )
    .all(start, end) as Record<string, number | string>[];
  const out = new Map<string, PartnerRecordSums>();
  for (const r of rows) {
    const name = r.partner as string;
    let s = out.get(name);
    if (!s) out.set(name, (s = { partner: name, records: 0, byType: {}, deliveryBoth: 0, deliveryOnTime: 0, repairAnswered: 0, repairOnTime: 0, ftfKnown: 0, ftf: 0, intactKnown: 0, intact: 0 }));
    const n = (k: string): number => Number(r[k] ?? 0);
    s.records += n('n');
    s.byType[r.record_type as string] = n('n');
    s.deliveryBoth += n('delivery_both');
    s.deliveryOnTime += n('delivery_ok');
    s.repairAnswered += n('repair_answered');
    s.repairOnTime += n('repair_ok');
    s.ftfKnown += n('ftf_known');
    s.ftf += n('ftf');
    s.intactKnown += n('intact_known');
    s.intact += n('intact');
  }
  return [...out.values()];
}

/**
 * Per partner over [start, end): complaints received then about one of its
 * records, the distinct customers it served then, and the completed reviews
 * of its records of the period with their failed checks (campaign reviews
 * included: the quality file wants every finding on its work).
 */
export function partnerLinks(db: Db, start: number, end: number): Map<string, PartnerLinks> {
  const out = new Map<string, PartnerLinks>();
  const get = (p: string): PartnerLinks => {
    let l = out.get(p);
    if (!l) out.set(p, (l = { complaints: 0, complainants: 0, customers: 0, reviewed: 0, failedItems: 0, failedChecks: 0 }));
    return l;
  };
  const customers = db
    .prepare(`SELECT partner, count(DISTINCT customer_id) AS n FROM records WHERE partner IS NOT NULL AND occurred_at >= ? AND occurred_at < ? GROUP BY partner`)
    .all(start, end) as { partner: string; n: number }[];
  for (const c of customers) get(c.partner).customers = c.n;
  const complaints = db
    .prepare(
      `SELECT r.partner, count(*) AS n, count(DISTINCT c.customer_id) AS people
       FROM complaints c JOIN records r ON r.record_id = c.related_record_id
       WHERE c.received_at >= ? AND c.received_at < ? AND r.partner IS NOT NULL GROUP BY r.partner`,
    )
    .all(start, end) as { partner: string; n: number; people: number }[];
  for (const c of complaints) Object.assign(get(c.partner), { complaints: c.n, complainants: c.people });
  const reviews = db
    .prepare(
      `SELECT r.partner, v.checks_total, count(f.id) AS answered, coalesce(sum(f.result = 'fail'), 0) AS failed
       FROM reviews v JOIN records r ON v.kind = 'records' AND r.record_id = v.item_id
       LEFT JOIN findings f ON f.review_id = v.id
       WHERE r.occurred_at >= ? AND r.occurred_at < ? AND r.partner IS NOT NULL
       GROUP BY v.id`,
    )
    .all(start, end) as { partner: string; checks_total: number; answered: number; failed: number }[];
  for (const v of reviews) {
    if (v.answered < v.checks_total) continue;
    const l = get(v.partner);
    l.reviewed++;
    if (v.failed > 0) l.failedItems++;
    l.failedChecks += v.failed;
  }
  return out;
}

export function insertEvaluation(db: Db, e: Omit<EvaluationRow, 'id'>): number {
  return Number(
    db
      .prepare(
        `INSERT INTO partner_evaluations (partner, period, rating, recommendation, figures, thresholds, note, rectification_id, evaluated_at, evaluated_by)
         VALUES (@partner, @period, @rating, @recommendation, @figures, @thresholds, @note, @rectification_id, @evaluated_at, @evaluated_by)`,
      )
      .run(e).lastInsertRowid,
  );
}

/** A partner's evaluations, oldest first (its file's history), or all partners' for a period. */
export function evaluations(db: Db, f: { partner?: string; period?: string }): EvaluationRow[] {
  const where: string[] = [];
  const params: string[] = [];
  if (f.partner !== undefined) {
    where.push('partner = ?');
    params.push(f.partner);
  }
  if (f.period !== undefined) {
    where.push('period = ?');
    params.push(f.period);
  }
  return db.prepare(`SELECT * FROM partner_evaluations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`).all(...params) as EvaluationRow[];
}
