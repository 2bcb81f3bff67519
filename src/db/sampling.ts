/**
 * SQL for sampling: populations, candidates, receipts, drawn items, the
 * worklist, and the rebuilt populations `qa sample verify` compares.
 */
import { currentUser } from '../core/actor.js';
import { RECORD_TYPES } from '../core/kinds.js';
import type { DigestPart, Ranked } from '../core/sampling.js';
import type { Db } from './open.js';

export type SampleKind = 'records' | 'calls';

export interface RunRow {
  id: number;
  kind: SampleKind;
  period: string;
  run_date: string;
  cutoff: number;
  watermark: number;
  seed: string;
  algorithm: string;
  params: string;
  population: number;
  population_digest: string;
  strata: string;
  drawn: number;
  created_at: number;
  user: string | null;
}

export interface NewRun {
  kind: SampleKind;
  period: string;
  runDate: string;
  cutoff: number;
  watermark: number;
  seed: string;
  algorithm: string;
  params: Record<string, unknown>;
  population: number;
  digest: string;
  strata: unknown[];
  drawn: number;
  now: number;
}

const TYPES_SQL = RECORD_TYPES.map((t) => `'${t}'`).join(', ');

export interface PopulationMember {
  id: string;
  stratum: string;
  /** Rank under the database seed (the stored column). */
  rank: number;
}

export class SampleStore {
  constructor(readonly db: Db) {}

  /** Take the write lock first: two runs at once serialize, the second sees the first's draws. */
  transaction<T>(fn: () => T): T {
    // A month's first draw writes ~20 MB of B-tree pages (200k items and
    // their period index). In a 16 MB cache SQLite spills pages to the WAL
    // and spills them again as they change; 64 MB holds them until COMMIT
    // (measured ~100 ms less on the 1M-record bench).
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma('cache_size = -65536');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.db.pragma(`cache_size = ${cache}`);
    }
  }

  watermark(): number {
    return this.db.prepare('SELECT coalesce(max(id), 0) FROM imports').pluck().get() as number;
  }

  // ---------------------------------------------------------------- records

  /** Per record_type: population and the digest sums — one covering-index pass. */
  recordStrata(start: number, cutoff: number): DigestPart[] {
    const rows = this.db
      .prepare(
        `SELECT record_type AS stratum, count(*) AS n, sum(rank >> 16) AS sum
         FROM records
         WHERE record_type IN (${TYPES_SQL}) AND occurred_at >= ? AND occurred_at < ?
         GROUP BY record_type ORDER BY record_type`,
      )
      .safeIntegers(true) // the sum passes 2^53 from about two million records
      .all(start, cutoff) as { stratum: string; n: bigint; sum: bigint }[];
    return rows.map((r) => ({ stratum: r.stratum, n: Number(r.n), sum: r.sum.toString() }));
  }

  /** Per stratum: items already drawn for this period that are still in its population. */
  recordsDrawnBefore(period: string, start: number, cutoff: number): Map<string, number> {
    const rows = this.db
      .prepare(
        `SELECT r.record_type AS stratum, count(*) AS n
         FROM sample_items s CROSS JOIN records r ON r.record_id = s.item_id
         WHERE s.kind = 'records' AND s.period = ? AND r.occurred_at >= ? AND r.occurred_at < ?
         GROUP BY r.record_type`,
      )
      .all(period, start, cutoff) as { stratum: string; n: number }[];
    return new Map(rows.map((r) => [r.stratum, r.n]));
  }

  /** The id the next receipt will get (we hold the write lock). */
  nextRunId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) + 1 FROM sample_runs').pluck().get() as number);
  }

  /**
   * Draw records for several strata in one statement: per stratum, up to
   * `need` of the lowest (rank, id) among its `window` lowest that were never
   * drawn. One sorted insert of all of them appends to sample_items' key
   * (per-stratum inserts interleave ids and split pages).
   *
   * `below` prunes before sorting (see app/sample.ts rankBound). Returns how
   * many were drawn per stratum (for the whole run so far).
   */
  drawRecords(
    runId: number,
    period: string,
    start: number,
    cutoff: number,
    strata: readonly { type: string; window: number; need: number; below: number }[],
  ): Map<string, number> {
    if (strata.length === 0) return new Map();
    const branch = `SELECT * FROM (
          SELECT id, rank, stratum FROM (
            SELECT record_id AS id, rank, record_type AS stratum FROM records
            WHERE record_type = ? AND occurred_at >= ? AND occurred_at < ? AND rank < ?
            ORDER BY rank, record_id LIMIT ?) AS c
          WHERE NOT EXISTS (SELECT 1 FROM sample_items s WHERE s.kind = 'records' AND s.item_id = c.id)
          ORDER BY rank, id LIMIT ?)`;
    const params: (string | number)[] = [runId, period];
    for (const x of strata) params.push(x.type, start, cutoff, x.below, x.window, x.need);
    // (RETURNING measured slower than reading the counts back: it stages the rows.)
    this.db
      .prepare(
        `INSERT INTO sample_items (kind, item_id, run_id, period, stratum, rank)
         SELECT 'records', id, ?, ?, stratum, rank FROM (${strata.map(() => branch).join(' UNION ALL ')}) ORDER BY id`,
      )
      .run(...params);
    const rows = this.db
      .prepare(`SELECT stratum, count(*) AS n FROM sample_items WHERE kind = 'records' AND period = ? AND run_id = ? GROUP BY stratum`)
      .all(period, runId) as { stratum: string; n: number }[];
    return new Map(rows.map((r) => [r.stratum, r.n]));
  }

  /** The ranks below `below` in a stratum's window: the candidates of a first draw. */
  rankWindow(type: string, start: number, cutoff: number, below: number): number[] {
    return this.db
      .prepare('SELECT rank FROM records WHERE record_type = ? AND occurred_at >= ? AND occurred_at < ? AND rank < ?')
      .pluck()
      .all(type, start, cutoff, below) as number[];
  }

  /**
   * Draw, per stratum, every record ranked at or below `upTo` (from
   * core/sampling cutRank): for a population nothing was drawn from yet, no
   * sort and nothing to exclude. Returns the number of rows written, or null
   * (and nothing written) when one of them had been drawn before after all —
   * e.g. for another month, before the configured time zone moved the month
   * boundaries; the caller then draws with the excluding statement.
   */
  drawRecordsUpTo(runId: number, period: string, start: number, cutoff: number, strata: readonly { type: string; upTo: number }[]): number | null {
    if (strata.length === 0) return 0;
    const branch = `SELECT record_id AS id, rank, record_type AS stratum FROM records
          WHERE record_type = ? AND occurred_at >= ? AND occurred_at < ? AND rank <= ?`;
    const params: (string | number)[] = [runId, period];
    for (const x of strata) params.push(x.type, start, cutoff, x.upTo);
    const insert = this.db.prepare(
      `INSERT INTO sample_items (kind, item_id, run_id, period, stratum, rank)
       SELECT 'records', id, ?, ?, stratum, rank FROM (${strata.map(() => branch).join(' UNION ALL ')}) ORDER BY id`,
    );
    this.db.exec('SAVEPOINT first_draw');
    try {
      const n = insert.run(...params).changes;
      this.db.exec('RELEASE first_draw');
      return n;
    } catch (e) {
      this.db.exec('ROLLBACK TO first_draw');
      this.db.exec('RELEASE first_draw');
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
      throw e;
    }
  }

  /**
   * Could the population of a period hold a record drawn before? Yes if this
   * period has draws, or if any drawn record was later moved by an import
   * (its time or type changed: it may have moved into this period).
   */
  mayHoldDrawnRecords(drawnBefore: number): boolean {
    if (drawnBefore > 0) return true;
    return !!this.db
      .prepare(`SELECT 1 FROM record_changes c JOIN sample_items s ON s.kind = 'records' AND s.item_id = c.record_id LIMIT 1`)
      .get();
  }

  /** All never-drawn record ids of a stratum (for a draw with another seed). */
  undrawnRecordIds(type: string, start: number, cutoff: number): string[] {
    return this.db
      .prepare(
        `SELECT record_id FROM records
         WHERE record_type = ? AND occurred_at >= ? AND occurred_at < ?
           AND NOT EXISTS (SELECT 1 FROM sample_items s WHERE s.kind = 'records' AND s.item_id = record_id)`,
      )
      .pluck()
      .all(type, start, cutoff) as string[];
  }

  insertItems(runId: number, kind: SampleKind, period: string, items: readonly { id: string; stratum: string; rank: number }[]): void {
    const st = this.db.prepare('INSERT INTO sample_items (kind, item_id, run_id, period, stratum, rank) VALUES (?, ?, ?, ?, ?, ?)');
    for (const it of [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) st.run(kind, it.id, runId, period, it.stratum, it.rank);
  }

  /** The current population of a records period (for verify). */
  recordPopulation(start: number, cutoff: number): PopulationMember[] {
    return this.db
      .prepare(
        `SELECT record_id AS id, record_type AS stratum, rank FROM records
         WHERE record_type IN (${TYPES_SQL}) AND occurred_at >= ? AND occurred_at < ?`,
      )
      .all(start, cutoff) as PopulationMember[];
  }

  /**
   * The population as it was when imports up to `watermark` had run: rows
   * first inserted by then, with the values they had then (record_changes
   * keeps the values a later import overwrote).
   */
  recordPopulationAsOf(start: number, cutoff: number, watermark: number): PopulationMember[] {
    return this.db
      .prepare(
        `WITH later AS (
           SELECT record_id, old_occurred_at, old_record_type, min(id) FROM record_changes
           WHERE import_id > :w GROUP BY record_id
         ),
         cand AS (
           SELECT record_id FROM records WHERE record_type IN (${TYPES_SQL}) AND occurred_at >= :s AND occurred_at < :c
           UNION SELECT record_id FROM later
         )
         SELECT r.record_id AS id, coalesce(l.old_record_type, r.record_type) AS stratum, r.rank AS rank
         FROM cand JOIN records r ON r.record_id = cand.record_id
         LEFT JOIN later l ON l.record_id = r.record_id
         WHERE r.first_import_id <= :w
           AND coalesce(l.old_occurred_at, r.occurred_at) >= :s
           AND coalesce(l.old_occurred_at, r.occurred_at) < :c`,
      )
      .all({ s: start, c: cutoff, w: watermark }) as PopulationMember[];
  }

  // ------------------------------------------------------------------ calls

  /** Eligible calls of a week: (id, agent, rank), excluding none. */
  callPopulation(start: number, end: number, minSeconds: number): PopulationMember[] {
    return this.db
      .prepare(
        `SELECT call_id AS id, agent_id AS stratum, rank FROM calls
         WHERE started_at >= ? AND started_at < ? AND duration_seconds >= ?`,
      )
      .all(start, end, minSeconds) as PopulationMember[];
  }

  callPopulationAsOf(start: number, end: number, minSeconds: number, watermark: number): PopulationMember[] {
    return this.db
      .prepare(
        `WITH later AS (
           SELECT call_id, old_started_at, old_agent_id, old_duration_seconds, min(id) FROM call_changes
           WHERE import_id > :w GROUP BY call_id
         ),
         cand AS (
           SELECT call_id FROM calls WHERE started_at >= :s AND started_at < :e
           UNION SELECT call_id FROM later
         )
         SELECT c.call_id AS id, coalesce(l.old_agent_id, c.agent_id) AS stratum, c.rank AS rank
         FROM cand JOIN calls c ON c.call_id = cand.call_id
         LEFT JOIN later l ON l.call_id = c.call_id
         WHERE c.first_import_id <= :w
           AND coalesce(l.old_started_at, c.started_at) >= :s
           AND coalesce(l.old_started_at, c.started_at) < :e
           AND coalesce(l.old_duration_seconds, c.duration_seconds) >= :m`,
      )
      .all({ s: start, e: end, m: minSeconds, w: watermark }) as PopulationMember[];
  }

  /** Weeks (of those given) that already have a call draw. */
  drawnWeeks(weeks: readonly string[]): Set<string> {
    if (weeks.length === 0) return new Set();
    const rows = this.db
      .prepare(`SELECT DISTINCT period FROM sample_runs WHERE kind = 'calls' AND period IN (${weeks.map(() => '?').join(', ')})`)
      .pluck()
      .all(...weeks) as string[];
    return new Set(rows);
  }

  // ------------------------------------------------------------ sampled sets

  /** Items of a kind drawn by runs before `runId`, with the period they were drawn for. */
  drawnBefore(kind: SampleKind, beforeRun: number): Map<string, string> {
    const rows = this.db
      .prepare(`SELECT item_id, period FROM sample_items WHERE kind = ? AND run_id < ?`)
      .raw()
      .all(kind, beforeRun) as [string, string][];
    return new Map(rows);
  }

  isDrawn(kind: SampleKind, id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM sample_items WHERE kind = ? AND item_id = ?').get(kind, id);
  }

  // ---------------------------------------------------------------- writing

  /** Write the receipt of run `id` (its items are already in sample_items). */
  saveReceipt(id: number, run: NewRun): void {
    this.db
      .prepare(
        `INSERT INTO sample_runs (id, kind, period, run_date, cutoff, watermark, seed, algorithm, params, population,
                                  population_digest, strata, drawn, created_at, user)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        run.kind,
        run.period,
        run.runDate,
        run.cutoff,
        run.watermark,
        run.seed,
        run.algorithm,
        JSON.stringify(run.params),
        run.population,
        run.digest,
        JSON.stringify(run.strata),
        run.drawn,
        run.now,
        currentUser(),
      );
  }

  // ---------------------------------------------------------------- reading

  run(id: number): RunRow | undefined {
    return this.db.prepare('SELECT * FROM sample_runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  /** Ids a run drew (by kind and period, so the index serves it). */
  runItemIds(run: { id: number; kind: SampleKind; period: string }): string[] {
    const where = 'FROM sample_items WHERE kind = ? AND period = ? AND run_id = ?';
    // One joined string splits faster than 200,000 one-column rows cross
    // into JavaScript (57 ms vs 125 ms). The subquery's order reaches
    // group_concat in practice (the index yields it) but SQLite does not
    // promise it, and group_concat(… ORDER BY) sorts again (+90 ms): so check
    // it. A separator inside an id (the count is off) or any other order: the
    // ids are read row by row.
    const row = this.db
      .prepare(`SELECT count(*) AS n, group_concat(item_id, char(30)) AS ids FROM (SELECT item_id ${where} ORDER BY item_id)`)
      .get(run.kind, run.period, run.id) as { n: number; ids: string | null };
    if (row.ids === null) return [];
    const ids = row.ids.split('\x1e');
    if (ids.length === row.n && ids.every((id, i) => i === 0 || ids[i - 1]! < id)) return ids;
    return this.db.prepare(`SELECT item_id ${where} ORDER BY item_id`).pluck().all(run.kind, run.period, run.id) as string[];
  }

  /** What a run drew (by kind and period, so the index serves it). */
  runItems(run: { id: number; kind: SampleKind; period: string }): { item_id: string; stratum: string; rank: number }[] {
    return this.db
      .prepare('SELECT item_id, stratum, rank FROM sample_items WHERE kind = ? AND period = ? AND run_id = ? ORDER BY item_id')
      .all(run.kind, run.period, run.id) as {
      item_id: string;
      stratum: string;
      rank: number;
    }[];
  }
}

export interface WorkItem {
  kind: SampleKind;
  item_id: string;
  period: string;
  stratum: string;
  run_id: number;
  drawn_on: string;
  at: number | null;
  department: string | null;
  staff_id: string | null;
  customer_phone: string | null;
  duration_seconds: number | null;
  recording_ref: string | null;
  /** The record's type (which checklist applies); null for calls. */
  record_type: string | null;
  /** Checks answered and the size of the review's checklist (0/0 before the review starts: see app/sample worklistView). */
  answered: number;
  checks_total: number;
  failed: number;
}

const WORKLIST_SQL = `
  SELECT s.kind, s.item_id, s.period, s.stratum, s.run_id, r.run_date AS drawn_on,
         coalesce(rec.occurred_at, c.started_at) AS at,
         rec.department, coalesce(rec.staff_id, c.agent_id) AS staff_id,
         coalesce(rec.customer_phone, c.customer_phone) AS customer_phone,
         c.duration_seconds, c.recording_ref, rec.record_type,
         coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id), 0) AS answered,
         coalesce(v.checks_total, 0) AS checks_total,
         coalesce((SELECT count(*) FROM findings f WHERE f.review_id = v.id AND f.result = 'fail'), 0) AS failed
  FROM sample_items s
  JOIN sample_runs r ON r.id = s.run_id
  LEFT JOIN records rec ON s.kind = 'records' AND rec.record_id = s.item_id
  LEFT JOIN calls c ON s.kind = 'calls' AND c.call_id = s.item_id
  LEFT JOIN reviews v ON v.kind = s.kind AND v.item_id = s.item_id`;

/** Pending = not every check of the item's checklist answered yet. */
export function isPending(i: Pick<WorkItem, 'answered' | 'checks_total'>): boolean {
  return i.checks_total === 0 || i.answered < i.checks_total;
}

/** The worklist: drawn items of a records month and of call weeks, with what an auditor needs to find them (`limit` -1: all). */
export function worklist(db: Db, month: string, weeks: readonly string[], pendingOnly = false, limit = -1): WorkItem[] {
  const weekList = weeks.length ? weeks.map(() => '?').join(', ') : "''";
  return db
    .prepare(
      `SELECT * FROM (${WORKLIST_SQL}
         WHERE (s.kind = 'records' AND s.period = ?) OR (s.kind = 'calls' AND s.period IN (${weekList})))
       ${pendingOnly ? 'WHERE checks_total = 0 OR answered < checks_total' : ''}
       ORDER BY kind DESC, period, stratum, at, item_id LIMIT ?`,
    )
    .all(month, ...weeks, limit) as WorkItem[];
}

/** Every pending item of every sample, oldest draw first (what `qa review` walks). */
export function pendingItems(db: Db, limit = 100_000): WorkItem[] {
  return db
    .prepare(`SELECT * FROM (${WORKLIST_SQL}) WHERE checks_total = 0 OR answered < checks_total ORDER BY drawn_on, run_id, kind DESC, at, item_id LIMIT ?`)
    .all(limit) as WorkItem[];
}

/** How many items were drawn for a records month and for call weeks (the report's review progress). */
export function sampledCount(db: Db, month: string, weeks: readonly string[]): number {
  const weekList = weeks.length ? weeks.map(() => '?').join(', ') : "''";
  return db
    .prepare(`SELECT count(*) FROM sample_items s WHERE (s.kind = 'records' AND s.period = ?) OR (s.kind = 'calls' AND s.period IN (${weekList}))`)
    .pluck()
    .get(month, ...weeks) as number;
}

/** How many drawn items of a records month and of call weeks are still pending. */
export function pendingCount(db: Db, month: string, weeks: readonly string[]): number {
  const weekList = weeks.length ? weeks.map(() => '?').join(', ') : "''";
  return db
    .prepare(
      `SELECT count(*) FROM sample_items s
       LEFT JOIN reviews v ON v.kind = s.kind AND v.item_id = s.item_id
       WHERE ((s.kind = 'records' AND s.period = ?) OR (s.kind = 'calls' AND s.period IN (${weekList})))
         AND (v.id IS NULL OR (SELECT count(*) FROM findings f WHERE f.review_id = v.id) < v.checks_total)`,
    )
    .pluck()
    .get(month, ...weeks) as number;
}
