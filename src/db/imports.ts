/**
 * SQL for imports: the upsert per kind, rejected rows and the import record.
 * One ImportWriter per file; it owns that file's transaction.
 */
import { currentUser } from '../core/actor.js';
import { KIND_SCHEMAS, type Kind } from '../core/kinds.js';
import { rankOf } from '../core/rank.js';
import type { Cell } from '../io/rows.js';
import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import { metaGet, withParallelSort } from './open.js';
import { trace } from '../core/trace.js';

export interface ImportCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportRow {
  id: number;
  kind: Kind;
  file: string;
  sha256: string;
  encoding: string;
  bytes: number;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skip_invalid: number;
  started_at: number;
  finished_at: number | null;
  /** Earliest and latest event time in the import (epoch ms), null when it has no rows. */
  min_at: number | null;
  max_at: number | null;
  user: string | null;
}

/** Values an import would empty, for the refusal message (SPEC §2). */
export interface ClearedValues {
  rows: number;
  values: number;
  columns: { column: string; count: number }[];
  /** The first rows (by line in this file) and the columns emptied in each. */
  first: { id: string; line: number; columns: string[]; import_id: number }[];
  /** The imports whose values would be emptied, most rows first. */
  filledBy: { id: number; file: string; finished_at: number | null; rows: number }[];
}

/** Rows per multi-row INSERT: one statement step per 50 rows halves the binding overhead. */
const ROWS_PER_STATEMENT = 50;

/** Below this many rows an import always keeps the indexes up to date as it goes. */
export const DEFER_MIN_ROWS = 10_000;

/**
 * Rebuild the secondary indexes after the rows (drop at BEGIN, CREATE INDEX
 * before COMMIT) rather than update them row by row? Yes when the file
 * brings at least DEFER_MIN_ROWS rows and at least as many as the table
 * holds. Row by row, an export whose times are not in order inserts at
 * random places of an index larger than the page cache (records: 4.4x
 * sqlite3 .import at 1M rows, 5.8x at 3M); one CREATE INDEX sorts instead
 * (1M records: ~1.5 s). A small delta into a big table stays row by row:
 * rebuilding would re-sort every row already there.
 *
 * @param expectedRows the file's estimated data rows (csv.ts estimateRows)
 * @param existingRows rows in the table before the import
 */
export function deferIndexes(expectedRows: number, existingRows: number): boolean {
  return expectedRows >= DEFER_MIN_ROWS && expectedRows >= existingRows;
}

/**
 * Between the two: a file of at least a third of the table's rows is worth
 * a rebuild only when its rows are not in time order, which an
 * {@link OrderWatch} tells batch by batch. Measured, 1M November rows into
 * the 3M bench database: in random order 20.4 s row by row vs 15.4 s
 * rebuilt; in time order 9.1 s row by row vs 14.6 s rebuilt.
 */
export function deferIfUnordered(expectedRows: number, existingRows: number): boolean {
  return !deferIndexes(expectedRows, existingRows) && expectedRows >= DEFER_MIN_ROWS && 3 * expectedRows >= existingRows;
}

/**
 * Is a batch's time column out of order: more than 10 % of consecutive rows
 * going back in time? An export in time order (or several concatenated,
 * each in order) has almost none; an export sorted by id about half.
 *
 * @param times the batch's event times (epoch ms), in file order
 */
export function outOfOrder(times: ArrayLike<number>): boolean {
  let back = 0;
  for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) back++;
  return times.length > 1 && back > 0.1 * (times.length - 1);
}

/** A step back in time longer than this jumps to index pages that have left the page cache (a day of a month's records is a few MB of index). */
export const FAR_BACK_MS = 86_400_000;

/**
 * Follows an import's event times batch by batch and says when row-by-row
 * index upkeep has become the slow way: a batch out of order
 * ({@link outOfOrder}), or a second step back of more than FAR_BACK_MS —
 * each such step starts another sweep through the month's index (exports
 * concatenated from branches, or sorted by department with times in order
 * inside each). Steps back of minutes or an hour (exports grouped by hour or
 * desk) stay where the pages are still cached and do not count.
 */
export class OrderWatch {
  private last = -Infinity;
  private far = 0;

  /** Feed the next batch's times (epoch ms, file order); true once the rows are out of order. */
  unordered(times: ArrayLike<number>): boolean {
    if (outOfOrder(times)) return true;
    let last = this.last;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (last - t > FAR_BACK_MS) this.far++;
      last = t;
    }
    this.last = last;
    return this.far >= 2;
  }
}

export class ImportWriter {
  private readonly sqlFor: (rows: number) => string;
  private readonly stmts = new Map<number, Database.Statement>();
  private readonly rejectStmt;
  private readonly countStmt;
  private readonly maxRowidStmt;
  private readonly width: number;
  private readonly perRow: number;
  private readonly seed: string;
  private readonly ranked: boolean;
  private readonly args: Cell[];
  private countBefore = 0;
  /** The table's largest rowid at BEGIN (null when empty): rows inserted since have larger ones. */
  private maxRowidBefore: number | null = null;
  private changes = 0;
  private written = 0;
  private readonly timeIndex: number;
  private minAt = Infinity;
  /** Watches the rows' time order to decide on dropping the indexes (deferIfUnordered); null when decided. */
  private order: OrderWatch | null = null;
  /** Secondary indexes dropped at begin() or at the first batch, rebuilt by commit(). */
  private dropped: { name: string; sql: string }[] = [];
  private maxAt = -Infinity;
  importId = 0;

  constructor(
    private readonly db: Db,
    private readonly kind: Kind,
  ) {
    const schema = KIND_SCHEMAS[kind];
    this.ranked = schema.ranked;
    const data = [...schema.fields.map((f) => f.name), 'extras'];
    const bound = [...data, ...(this.ranked ? ['rank'] : []), 'line'];
    const cols = [...bound, 'first_import_id', 'import_id'];
    this.width = data.length;
    this.perRow = bound.length;
    this.timeIndex = schema.fields.findIndex((f) => f.name === schema.timeField);
    this.args = new Array<Cell>(this.perRow * ROWS_PER_STATEMENT);
    const id = schema.idField;
    const content = data.filter((c) => c !== id);
    // Update only when the content changed (re-exports fill in completed_at
    // later); an identical row is left alone, provenance included.
    // The import id is the same for the whole file: inlined (an integer we
    // made), not bound per row. rank and first_import_id never change.
    this.sqlFor = (rows) =>
      `INSERT INTO ${schema.table} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${bound.map(() => '?').join(', ')}, ${this.importId}, ${this.importId})`).join(', ')}
       ON CONFLICT (${id}) DO UPDATE SET ${cols.filter((c) => c !== id && c !== 'rank' && c !== 'first_import_id').map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE ${content.map((c) => `${c} IS NOT excluded.${c}`).join(' OR ')}`;
    this.rejectStmt = db.prepare('INSERT INTO rejects (import_id, line, raw, reason) VALUES (?, ?, ?, ?)');
    this.countStmt = db.prepare(`SELECT count(*) AS n FROM ${schema.table}`).pluck();
    this.maxRowidStmt = db.prepare(`SELECT max(rowid) FROM ${schema.table}`).pluck();
    this.seed = metaGet(db, 'seed') ?? '';
  }

  private stmt(rows: number): Database.Statement {
    let st = this.stmts.get(rows);
    if (!st) {
      st = this.db.prepare(this.sqlFor(rows));
      this.stmts.set(rows, st);
    }
    return st;
  }

  /**
   * BEGIN IMMEDIATE: take the write lock now, so a concurrent writer waits
   * instead of failing later. `expectedRows` (an estimate from the file's
   * size) decides whether the table's secondary indexes are rebuilt after the
   * rows instead of kept up to date row by row (see {@link deferIndexes},
   * {@link deferIfUnordered}).
   */
  begin(meta: { file: string; sha256?: string; encoding: string; bytes: number; skipInvalid: boolean; expectedRows?: number }): void {
    this.db.exec('BEGIN IMMEDIATE');
    // The rows there, for deferIndexes: the rowid span, two index seeks (count(*) reads a whole index:
    // ~20 ms at 3M rows). It over-counts only rows deleted in between, which the decision tolerates.
    this.maxRowidBefore = this.maxRowidStmt.get() as number | null;
    const minRowid = this.maxRowidBefore === null ? null : (this.db.prepare(`SELECT min(rowid) FROM ${KIND_SCHEMAS[this.kind].table}`).pluck().get() as number);
    this.countBefore = this.maxRowidBefore === null ? 0 : this.maxRowidBefore - minRowid! + 1;
    const expected = meta.expectedRows ?? 0;
    if (deferIndexes(expected, this.countBefore)) this.dropIndexes();
    else if (deferIfUnordered(expected, this.countBefore)) this.order = new OrderWatch();
    const info = this.db
      .prepare(
        `INSERT INTO imports (kind, file, sha256, encoding, bytes, skip_invalid, started_at, user)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.kind, meta.file, meta.sha256 ?? '', meta.encoding, meta.bytes, meta.skipInvalid ? 1 : 0, Date.now(), currentUser());
    this.importId = Number(info.lastInsertRowid);
  }

  /**
   * Write a batch of converted rows: `values` holds `lines.length` rows of
   * `width` cells; `ranks`, one per row, when the producer computed them
   * (they are computed here otherwise).
   */
  writeRows(values: readonly Cell[], lines: readonly number[], ranks: ArrayLike<number> | null = null): void {
    const { width: w, perRow, args, ranked, seed } = this;
    const kind = this.kind as 'records' | 'calls';
    const n = lines.length;
    if (this.order && n > 0) {
      // Watched batch by batch (deferIfUnordered); dropping the indexes mid-transaction is as safe as at BEGIN.
      const times = new Float64Array(n);
      for (let r = 0; r < n; r++) times[r] = values[r * w + this.timeIndex] as number;
      if (this.order.unordered(times)) {
        this.order = null;
        this.dropIndexes();
      }
    }
    let r = 0;
    while (r < n) {
      const take = Math.min(ROWS_PER_STATEMENT, n - r);
      const st = this.stmt(take);
      let a = 0;
      for (let k = 0; k < take; k++, r++) {
        const base = r * w;
        const at = values[base + this.timeIndex] as number;
        if (at < this.minAt) this.minAt = at;
        if (at > this.maxAt) this.maxAt = at;
        for (let i = 0; i < w; i++) args[a++] = values[base + i]!;
        if (ranked) args[a++] = ranks ? ranks[r]! : rankOf(seed, kind, values[base] as string);
        args[a++] = lines[r]!;
      }
      // Spread, not one array argument: better-sqlite3 reads an array element by element through
      // V8's API, arguments directly (1M records: the inserts 2.3 → 1.9 s on the writing thread).
      this.changes += (take === ROWS_PER_STATEMENT ? st.run(...args) : st.run(...args.slice(0, take * perRow))).changes;
    }
    this.written += n;
  }

  /**
   * What this import (still uncommitted) would empty: values an earlier
   * import had filled that this one leaves blank (SPEC §2, `--allow-clear`).
   * Null when it empties nothing.
   */
  cleared(sampleSize = 5): ClearedValues | null {
    const schema = KIND_SCHEMAS[this.kind];
    const total = this.db
      .prepare(
        `SELECT count(*) AS rows, coalesce(sum(length(cleared) - length(replace(cleared, ',', '')) + 1), 0) AS vals
         FROM row_versions WHERE replaced_by = ? AND cleared IS NOT NULL`,
      )
      .get(this.importId) as { rows: number; vals: number };
    if (total.rows === 0) return null;
    const byColumn = new Map<string, number>();
    for (const c of this.db.prepare(`SELECT cleared FROM row_versions WHERE replaced_by = ? AND cleared IS NOT NULL`).pluck().iterate(this.importId) as Iterable<string>) {
      for (const col of c.split(',')) byColumn.set(col, (byColumn.get(col) ?? 0) + 1);
    }
    const first = this.db
      .prepare(
        `SELECT v.row_id AS id, v.cleared AS columns, t.line AS line, v.import_id AS import_id
         FROM row_versions v JOIN ${schema.table} t ON t.${schema.idField} = v.row_id
         WHERE v.replaced_by = ? AND v.cleared IS NOT NULL ORDER BY t.line LIMIT ?`,
      )
      .all(this.importId, sampleSize) as { id: string; columns: string; line: number; import_id: number }[];
    const fillers = this.db
      .prepare(
        `SELECT i.id, i.file, i.finished_at, count(*) AS rows FROM row_versions v JOIN imports i ON i.id = v.import_id
         WHERE v.replaced_by = ? AND v.cleared IS NOT NULL GROUP BY i.id ORDER BY rows DESC, i.id`,
      )
      .all(this.importId) as { id: number; file: string; finished_at: number | null; rows: number }[];
    return {
      rows: total.rows,
      values: total.vals,
      columns: [...byColumn].sort((a, b) => b[1] - a[1]).map(([column, count]) => ({ column, count })),
      first: first.map((f) => ({ id: f.id, line: f.line, columns: f.columns.split(','), import_id: f.import_id })),
      filledBy: fillers,
    };
  }

  reject(line: number, raw: string | null, reason: string): void {
    this.rejectStmt.run(this.importId, line, raw, reason);
  }

  /**
   * Record the counts and commit. The same file imported again (same kind and
   * sha256) keeps no second copy of its rejected rows: they stay with the
   * earlier import, whose id is returned as `rejectsImportId`.
   */
  commit(final: { sha256: string; rows: number; rejected: number }): ImportCounts & { rejectsImportId: number } {
    const earlier = this.db
      .prepare(
        `SELECT min(p.id) FROM imports p
         WHERE p.kind = ? AND p.sha256 = ? AND p.id <> ? AND p.finished_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM rejects x WHERE x.import_id = p.id)`,
      )
      .pluck()
      .get(this.kind, final.sha256, this.importId) as number | null;
    if (earlier !== null) this.db.prepare('DELETE FROM rejects WHERE import_id = ?').run(this.importId);
    // New rows have rowids above the largest at BEGIN (an upsert's update keeps its row's rowid), so
    // they are counted by a range of the table, O(new rows), instead of count(*) before and after.
    const inserted =
      this.maxRowidBefore === null
        ? (this.countStmt.get() as number)
        : (this.db.prepare(`SELECT count(*) FROM ${KIND_SCHEMAS[this.kind].table} WHERE rowid > ?`).pluck().get(this.maxRowidBefore) as number);
    const counts: ImportCounts = {
      rows: final.rows,
      inserted,
      updated: this.changes - inserted,
      unchanged: this.written - this.changes,
      rejected: final.rejected,
    };
    this.db
      .prepare(
        `UPDATE imports SET sha256 = ?, rows = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ?, min_at = ?, max_at = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        final.sha256,
        counts.rows,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        counts.rejected,
        this.minAt === Infinity ? null : this.minAt,
        this.maxAt === -Infinity ? null : this.maxAt,
        Date.now(),
        this.importId,
      );
    trace('rebuilding indexes');
    this.rebuildIndexes();
        trace('committing');
    this.db.exec('COMMIT');
    trace('committed');
    return { ...counts, rejectsImportId: earlier ?? this.importId };
  }

  /**
   * Drop the table's own non-unique secondary indexes (not the primary key's,
   * which the upsert needs, nor any UNIQUE one), inside the import's transaction: a rollback restores them,
   * and readers keep seeing them in their snapshot until the commit.
   */
  private dropIndexes(): void {
    // Only plain CREATE INDEX ones: a UNIQUE index keeps checking row by row (a violation found
    // only by the rebuild at commit would be an SQLite error instead of the row's problem).
    const present = this.db
      .prepare(
        `SELECT s.name, s.sql FROM pragma_index_list(?) l JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name
         WHERE l."unique" = 0 AND l.origin = 'c' AND s.sql IS NOT NULL ORDER BY s.name`,
      )
      .all(KIND_SCHEMAS[this.kind].table) as { name: string; sql: string }[];
    for (const ix of present) {
      this.db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
      this.dropped.push({ name: ix.name, sql: ix.sql });
    }
  }

  /** CREATE INDEX again for what dropIndexes() dropped: one sort of all rows, in the same transaction. */
  private rebuildIndexes(): void {
    if (this.dropped.length === 0) return;
    // The parsing thread has finished by now, so the second core is free for the sort.
    withParallelSort(this.db, () => {
      for (const ix of this.dropped) this.db.exec(ix.sql);
    });
    this.dropped = [];
  }

  /** Were the secondary indexes dropped for this import (rebuilt at commit)? For tests and --debug. */
  get indexesDeferred(): boolean {
    return this.dropped.length > 0;
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }
}

export function listImports(db: Db, limit = 50): ImportRow[] {
  return db.prepare('SELECT * FROM imports ORDER BY id DESC LIMIT ?').all(limit) as ImportRow[];
}

export interface RejectRow {
  id: number;
  import_id: number;
  file: string;
  kind: Kind;
  line: number;
  raw: string | null;
  reason: string;
}

export function listRejects(db: Db, importId: number | null, limit: number): RejectRow[] {
  return db
    .prepare(
      `SELECT r.id, r.import_id, i.file, i.kind, r.line, r.raw, r.reason
       FROM rejects r JOIN imports i ON i.id = r.import_id
       WHERE (? IS NULL OR r.import_id = ?)
       ORDER BY r.import_id DESC, r.line LIMIT ?`,
    )
    .all(importId, importId, limit) as RejectRow[];
}
