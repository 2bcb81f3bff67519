/**
 * `qa db check` (SPEC §2 "The database"): SQLite's integrity check and qa's
 * own invariants, each a named check with the problems it found. Read-only.
 */
import { KIND_SCHEMAS, KINDS } from '../core/kinds.js';
import type { Db } from './open.js';
import { SCHEMA_VERSION, contentColumns } from './schema.js';

export interface CheckResult {
  /** Stable id, e.g. `integrity`, `import_counts`. */
  id: string;
  /** What it checks, for people. */
  title: string;
  ok: boolean;
  /** Problems found (at most `limit` shown, `count` in all). */
  problems: string[];
  count: number;
}

const LIMIT = 20;

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

/** Run every check. A check whose tables are missing reports that instead of throwing. */
export function checkDatabase(db: Db): CheckResult[] {
  const out: CheckResult[] = [];
  const run = (id: string, title: string, body: () => string[]): void => {
    let problems: string[];
    try {
      problems = body();
    } catch (e) {
      problems = [`could not run: ${(e as Error).message}`];
    }
    out.push({ id, title, ok: problems.length === 0, problems: problems.slice(0, LIMIT), count: problems.length });
  };

  run('integrity', "SQLite integrity check (every page, index and constraint)", () => {
    const rows = db.prepare('PRAGMA integrity_check(1000)').pluck().all() as string[];
    return rows.length === 1 && rows[0] === 'ok' ? [] : rows;
  });
  run('foreign_keys', 'references between tables', () =>
    (db.prepare('PRAGMA foreign_key_check').all() as { table: string; rowid: number; parent: string }[]).map(
      (r) => `${r.table} row ${r.rowid} points at a missing ${r.parent} row`,
    ),
  );
  run('schema', 'schema version and database seed', () => {
    const p: string[] = [];
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v !== SCHEMA_VERSION) p.push(`schema version ${v}, this qa expects ${SCHEMA_VERSION}`);
    for (const t of ['meta', 'imports', 'records', 'calls', 'complaints', 'surveys', 'sample_runs', 'sample_items', 'audit_log']) {
      if (!hasTable(db, t)) p.push(`table ${t} is missing`);
    }
    if (hasTable(db, 'meta') && !db.prepare("SELECT 1 FROM meta WHERE key = 'seed'").get()) p.push('the sampling seed is missing from meta');
    return p;
  });
  run('imports_finished', 'every recorded import finished', () =>
    (db.prepare('SELECT id, file FROM imports WHERE finished_at IS NULL').all() as { id: number; file: string }[]).map(
      (r) => `import #${r.id} (${r.file}) never finished`,
    ),
  );
  run('import_counts', 'rows per kind equal the rows the imports inserted', () => {
    const p: string[] = [];
    for (const k of KINDS) {
      const table = KIND_SCHEMAS[k].table;
      const have = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      const inserted = db.prepare('SELECT coalesce(sum(inserted), 0) FROM imports WHERE kind = ? AND finished_at IS NOT NULL').pluck().get(k) as number;
      if (have !== inserted) p.push(`${k}: ${have} rows in the table, but the imports inserted ${inserted}`);
    }
    return p;
  });
  run('no_replacement_char', 'no U+FFFD (a decoding accident) in imported text', () => {
    const p: string[] = [];
    for (const k of KINDS) {
      const { table, idField } = KIND_SCHEMAS[k];
      const textCols = contentColumns(db, table).filter((c) => {
        const t = (db.prepare('SELECT type FROM pragma_table_info(?) WHERE name = ?').pluck().get(table, c) as string).toUpperCase();
        return t === 'TEXT' || t === '';
      });
      if (textCols.length === 0) continue;
      const where = textCols.map((c) => `instr("${c}", char(65533)) > 0`).join(' OR ');
      for (const id of db.prepare(`SELECT ${idField} FROM ${table} WHERE ${where} LIMIT ${LIMIT + 1}`).pluck().all() as string[]) {
        p.push(`${k} ${id} holds U+FFFD`);
      }
    }
    return p;
  });
  run('sample_items', 'every drawn item is an imported row', () =>
    (
      db
        .prepare(
          `SELECT s.kind, s.item_id FROM sample_items s
           WHERE (s.kind = 'records' AND NOT EXISTS (SELECT 1 FROM records r WHERE r.record_id = s.item_id))
              OR (s.kind = 'calls' AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = s.item_id))
           LIMIT ${LIMIT + 1}`,
        )
        .all() as { kind: string; item_id: string }[]
    ).map((r) => `drawn ${r.kind} item ${r.item_id} is not in the ${r.kind} table`),
  );
  if (hasTable(db, 'reviews')) {
    run('reviews', 'every review is of an imported row', () =>
      (
        db
          .prepare(
            `SELECT v.id, v.kind, v.item_id FROM reviews v
             WHERE (v.kind = 'records' AND NOT EXISTS (SELECT 1 FROM records r WHERE r.record_id = v.item_id))
                OR (v.kind = 'calls' AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = v.item_id))
             LIMIT ${LIMIT + 1}`,
          )
          .all() as { id: number; kind: string; item_id: string }[]
      ).map((r) => `review #${r.id} is of ${r.kind} ${r.item_id}, which is not imported`),
    );
    run('rectification_states', "each rectification's state is the last state of its history", () =>
      (
        db
          .prepare(
            `SELECT r.id, r.state, (SELECT s.to_state FROM rectification_steps s WHERE s.rectification_id = r.id ORDER BY s.id DESC LIMIT 1) AS last
             FROM rectifications r`,
          )
          .all() as { id: number; state: string; last: string | null }[]
      )
        .filter((r) => r.last !== null && r.last !== r.state)
        .map((r) => `rectification #${r.id} is ${r.state} but its history ends at ${r.last}`),
    );
  }
  run('audit_log', 'every audit-log detail is readable JSON', () =>
    (db.prepare(`SELECT id FROM audit_log WHERE detail IS NOT NULL AND NOT json_valid(detail) LIMIT ${LIMIT + 1}`).pluck().all() as number[]).map(
      (id) => `audit-log entry #${id} has a detail that is not valid JSON`,
    ),
  );
  return out;
}
