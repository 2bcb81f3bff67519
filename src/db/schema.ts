/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many
 * ran. Each migration and its version bump commit in one transaction. Never
 * edit a migration that has shipped: add a new one.
 *
 * Timestamps are INTEGER epoch milliseconds (UTC); booleans are 0/1.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'inputs, imports and rejected rows',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );

        -- One row per imported file (SPEC §2: name, sha256, counts, time).
        CREATE TABLE imports (
          id           INTEGER PRIMARY KEY,
          kind         TEXT NOT NULL,
          file         TEXT NOT NULL,
          sha256       TEXT NOT NULL,
          encoding     TEXT NOT NULL,
          bytes        INTEGER NOT NULL,
          rows         INTEGER NOT NULL DEFAULT 0,
          inserted     INTEGER NOT NULL DEFAULT 0,
          updated      INTEGER NOT NULL DEFAULT 0,
          unchanged    INTEGER NOT NULL DEFAULT 0,
          rejected     INTEGER NOT NULL DEFAULT 0,
          skip_invalid INTEGER NOT NULL DEFAULT 0,
          min_at       INTEGER,            -- time range (decisive timestamp) of the rows it wrote:
          max_at       INTEGER,            -- which months' cached report figures it invalidates
          started_at   INTEGER NOT NULL,
          finished_at  INTEGER,
          user         TEXT
        );

        -- Rows refused by an import with --skip-invalid: nothing is dropped silently.
        CREATE TABLE rejects (
          id        INTEGER PRIMARY KEY,
          import_id INTEGER NOT NULL REFERENCES imports(id),
          line      INTEGER NOT NULL,
          raw       TEXT,
          reason    TEXT NOT NULL
        );
        CREATE INDEX rejects_import ON rejects(import_id);

        CREATE TABLE records (
          record_id          TEXT PRIMARY KEY,
          -- OR-chain, not IN (…): an IN list in a CHECK costs ~3 µs per inserted row.
          record_type        TEXT NOT NULL CHECK (record_type = 'consult' OR record_type = 'contract' OR record_type = 'delivery'
                                                  OR record_type = 'repair' OR record_type = 'return'),
          occurred_at        INTEGER NOT NULL,
          department         TEXT,
          staff_id           TEXT,
          customer_id        TEXT,
          customer_phone     TEXT,
          channel            TEXT,
          remote             INTEGER,
          first_response_at  INTEGER,
          promised_at        INTEGER,
          completed_at       INTEGER,
          first_time_fix     INTEGER,
          recommendation_fit INTEGER,
          device_intact      INTEGER,
          status             TEXT,
          notes              TEXT,
          extras             TEXT,
          rank               INTEGER NOT NULL,  -- sampling rank for the database seed (core/rank.ts)
          first_import_id    INTEGER NOT NULL,  -- import that first inserted the row
          import_id          INTEGER NOT NULL,  -- import that last inserted or changed the row
          line               INTEGER NOT NULL
        );
        -- Covers the month populations per stratum, their digests and the
        -- top-up draw (lowest ranks) without table lookups; month queries over
        -- all types use it as five range scans. Time-ordered, so imports of
        -- time-ordered exports append to it (a rank-ordered index measured
        -- 8 s slower on a million-row import).
        CREATE INDEX records_stratum ON records(record_type, occurred_at, rank, record_id);

        CREATE TABLE calls (
          call_id          TEXT PRIMARY KEY,
          started_at       INTEGER NOT NULL,
          agent_id         TEXT NOT NULL,
          duration_seconds INTEGER NOT NULL CHECK (duration_seconds >= 0),
          direction        TEXT,
          queue            TEXT,
          customer_phone   TEXT,
          recording_ref    TEXT,
          extras           TEXT,
          rank             INTEGER NOT NULL,
          first_import_id  INTEGER NOT NULL,
          import_id        INTEGER NOT NULL,
          line             INTEGER NOT NULL
        );
        CREATE INDEX calls_time ON calls(started_at);

        CREATE TABLE complaints (
          complaint_id            TEXT PRIMARY KEY,
          received_at             INTEGER NOT NULL,
          customer_id             TEXT NOT NULL,
          acknowledged_at         INTEGER,
          verification_started_at INTEGER,
          investigated_at         INTEGER,
          solution_confirmed_at   INTEGER,
          resolved_at             INTEGER,
          related_record_id       TEXT,
          department              TEXT,
          category                TEXT,
          extras                  TEXT,
          first_import_id         INTEGER NOT NULL,
          import_id               INTEGER NOT NULL,
          line                    INTEGER NOT NULL
        );
        CREATE INDEX complaints_time ON complaints(received_at);

        CREATE TABLE surveys (
          survey_id       TEXT PRIMARY KEY,
          customer_id     TEXT NOT NULL,
          surveyed_at     INTEGER NOT NULL,
          overall         REAL CHECK (overall BETWEEN 1 AND 5),
          would_recommend INTEGER,
          channel         TEXT,
          record_id       TEXT,
          extras          TEXT,
          first_import_id INTEGER NOT NULL,
          import_id       INTEGER NOT NULL,
          line            INTEGER NOT NULL
        );
        CREATE INDEX surveys_time ON surveys(surveyed_at);
      `);
      // One random seed per database, created with it (SPEC §3).
      db.prepare(`INSERT INTO meta(key, value) VALUES ('seed', ?), ('created_at', ?)`).run(
        crypto.randomBytes(16).toString('hex'),
        new Date().toISOString(),
      );
    },
  },
  {
    version: 2,
    description: 'sampling (receipts, drawn items, change history for verification) and the audit log',
    up: (db) => {
      db.exec(`
        -- One receipt per draw (SPEC §3): what was drawn, from which population, how.
        CREATE TABLE sample_runs (
          id                INTEGER PRIMARY KEY,
          kind              TEXT NOT NULL CHECK (kind IN ('records', 'calls')),
          period            TEXT NOT NULL,     -- YYYY-MM (records) or YYYY-Www (calls)
          run_date          TEXT NOT NULL,     -- the date D the run was for
          cutoff            INTEGER NOT NULL,  -- population: [period start, cutoff)
          watermark         INTEGER NOT NULL,  -- last import id the run saw
          seed              TEXT NOT NULL,
          algorithm         TEXT NOT NULL,
          params            TEXT NOT NULL,     -- JSON: rate / quota / minCallSeconds used
          population        INTEGER NOT NULL,
          population_digest TEXT NOT NULL,
          strata            TEXT NOT NULL,     -- JSON per stratum: population, target, before, drawn
          drawn             INTEGER NOT NULL,
          created_at        INTEGER NOT NULL,
          user              TEXT
        );
        CREATE INDEX sample_runs_period ON sample_runs(kind, period);

        -- Every drawn item, once: the primary key makes drawing twice impossible.
        CREATE TABLE sample_items (
          kind    TEXT NOT NULL,
          item_id TEXT NOT NULL,
          -- A run's items are written first, its receipt (with the final counts)
          -- last, in the same transaction. (No REFERENCES: checking it would
          -- scan the items when the receipt is inserted.)
          run_id  INTEGER NOT NULL,
          period  TEXT NOT NULL,
          stratum TEXT NOT NULL,
          rank    INTEGER NOT NULL,              -- rank under the run's seed
          PRIMARY KEY (kind, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX sample_items_period ON sample_items(kind, period, run_id);

        -- Receipts and drawn items are never changed or removed.
        CREATE TRIGGER sample_runs_no_update BEFORE UPDATE ON sample_runs BEGIN SELECT RAISE(ABORT, 'sample receipts are append-only'); END;
        CREATE TRIGGER sample_runs_no_delete BEFORE DELETE ON sample_runs BEGIN SELECT RAISE(ABORT, 'sample receipts are append-only'); END;
        CREATE TRIGGER sample_items_no_update BEFORE UPDATE ON sample_items BEGIN SELECT RAISE(ABORT, 'drawn items are append-only'); END;
        CREATE TRIGGER sample_items_no_delete BEFORE DELETE ON sample_items BEGIN SELECT RAISE(ABORT, 'drawn items are append-only'); END;

        -- What a later import changed in the fields that decide a population,
        -- so \`qa sample verify\` can rebuild the population a run saw and name
        -- the ids that appeared or vanished since.
        CREATE TABLE record_changes (
          id              INTEGER PRIMARY KEY,
          record_id       TEXT NOT NULL,
          import_id       INTEGER NOT NULL,
          old_occurred_at INTEGER NOT NULL,
          old_record_type TEXT NOT NULL
        );
        CREATE INDEX record_changes_import ON record_changes(import_id);
        CREATE TRIGGER records_population_history AFTER UPDATE OF occurred_at, record_type ON records
        WHEN OLD.occurred_at IS NOT NEW.occurred_at OR OLD.record_type IS NOT NEW.record_type
        BEGIN
          INSERT INTO record_changes (record_id, import_id, old_occurred_at, old_record_type)
          VALUES (OLD.record_id, NEW.import_id, OLD.occurred_at, OLD.record_type);
        END;

        CREATE TABLE call_changes (
          id                   INTEGER PRIMARY KEY,
          call_id              TEXT NOT NULL,
          import_id            INTEGER NOT NULL,
          old_started_at       INTEGER NOT NULL,
          old_agent_id         TEXT NOT NULL,
          old_duration_seconds INTEGER NOT NULL
        );
        CREATE INDEX call_changes_import ON call_changes(import_id);
        CREATE TRIGGER calls_population_history AFTER UPDATE OF started_at, agent_id, duration_seconds ON calls
        WHEN OLD.started_at IS NOT NEW.started_at OR OLD.agent_id IS NOT NEW.agent_id OR OLD.duration_seconds IS NOT NEW.duration_seconds
        BEGIN
          INSERT INTO call_changes (call_id, import_id, old_started_at, old_agent_id, old_duration_seconds)
          VALUES (OLD.call_id, NEW.import_id, OLD.started_at, OLD.agent_id, OLD.duration_seconds);
        END;

        -- Who changed what (findings, rectifications) and who unmasked personal
        -- data. The tool only ever appends; the database refuses anything else.
        CREATE TABLE audit_log (
          id        INTEGER PRIMARY KEY,
          at        INTEGER NOT NULL,
          actor     TEXT NOT NULL,
          action    TEXT NOT NULL,
          entity    TEXT,
          entity_id TEXT,
          detail    TEXT
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `);
    },
  },
  {
    version: 3,
    description: 'reviews, findings, rectifications and their steps',
    up: (db) => {
      db.exec(`
        -- One review per sampled item: who reviewed it and what it looked like then.
        CREATE TABLE reviews (
          id                 INTEGER PRIMARY KEY,
          kind               TEXT NOT NULL CHECK (kind IN ('records', 'calls')),
          item_id            TEXT NOT NULL,
          checklist          TEXT NOT NULL,    -- consult … return, call
          checks             TEXT NOT NULL,    -- JSON: the check codes in force when the review started
          checks_total       INTEGER NOT NULL,
          sampled            INTEGER NOT NULL, -- 0: reviewed outside the sample (--unsampled)
          unsampled_reason   TEXT,
          auditor            TEXT NOT NULL,
          started_at         INTEGER NOT NULL,
          snapshot           TEXT NOT NULL,    -- JSON of the item as the auditor saw it
          snapshot_import_id INTEGER,          -- the item's import_id then ("changed after review")
          UNIQUE (kind, item_id)
        );

        -- One answer per check of a review; final once given.
        CREATE TABLE findings (
          id         INTEGER PRIMARY KEY,
          review_id  INTEGER NOT NULL REFERENCES reviews(id),
          check_code TEXT NOT NULL,
          category   TEXT NOT NULL,
          severity   TEXT NOT NULL,
          check_text TEXT NOT NULL,  -- the check's wording when answered (zh / en)
          result     TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
          note       TEXT,
          auditor    TEXT NOT NULL,
          found_at   INTEGER NOT NULL,
          UNIQUE (review_id, check_code)
        );
        CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings BEGIN SELECT RAISE(ABORT, 'findings are final once recorded'); END;
        CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings BEGIN SELECT RAISE(ABORT, 'findings are final once recorded'); END;
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews BEGIN SELECT RAISE(ABORT, 'reviews are kept'); END;

        -- Every failed check opens one (seed 000 闭环管理).
        CREATE TABLE rectifications (
          id               INTEGER PRIMARY KEY,
          finding_id       INTEGER NOT NULL UNIQUE REFERENCES findings(id),
          state            TEXT NOT NULL CHECK (state IN ('open', 'analysed', 'planned', 'done', 'verified')),
          owner_department TEXT,
          owner_person     TEXT,
          opened_at        INTEGER NOT NULL,
          due_date         TEXT NOT NULL,   -- YYYY-MM-DD local: due by the end of that day
          cause            TEXT,
          measures         TEXT,
          evidence         TEXT,
          verification     TEXT,
          done_at          INTEGER,
          done_by          TEXT,
          verified_at      INTEGER,
          verified_by      TEXT,
          updated_at       INTEGER NOT NULL
        );
        CREATE INDEX rectifications_state ON rectifications(state, due_date);
        CREATE INDEX rectifications_due ON rectifications(due_date);
        CREATE TRIGGER rectifications_no_delete BEFORE DELETE ON rectifications BEGIN SELECT RAISE(ABORT, 'rectifications are kept'); END;

        -- Each step: who, when, what (cause, measures, evidence, verification result).
        CREATE TABLE rectification_steps (
          id                INTEGER PRIMARY KEY,
          rectification_id  INTEGER NOT NULL REFERENCES rectifications(id),
          from_state        TEXT,
          to_state          TEXT NOT NULL,
          actor             TEXT NOT NULL,
          at                INTEGER NOT NULL,
          note              TEXT,
          due_date          TEXT
        );
        CREATE INDEX rectification_steps_rect ON rectification_steps(rectification_id);
        CREATE TRIGGER rectification_steps_no_update BEFORE UPDATE ON rectification_steps BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
        CREATE TRIGGER rectification_steps_no_delete BEFORE DELETE ON rectification_steps BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
      `);
    },
  },
  {
    version: 4,
    description: 'cached monthly report figures',
    up: (db) => {
      db.exec(`
        -- The expensive monthly aggregates (a scan of a month's records), kept
        -- with the fingerprint of what they were computed from: the imports
        -- that touched the month, the draws of the month, the time zone,
        -- calendar and code version. A different fingerprint recomputes them.
        CREATE TABLE month_cache (
          month       TEXT NOT NULL,
          part        TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          data        TEXT NOT NULL,
          computed_at INTEGER NOT NULL,
          PRIMARY KEY (month, part)
        );
        CREATE INDEX imports_range ON imports(kind, min_at, max_at);
      `);
    },
  },
  {
    version: 5,
    description: 'row versions: every import that changes a row keeps its previous version',
    up: (db) => {
      db.exec(`
        -- SPEC §2 "Nothing is lost by a re-import": the version a later import
        -- replaced, as JSON of its content columns, with the import that had
        -- brought it and the one that replaced it; \`cleared\` names the columns
        -- the replacement emptied (an older export imported after a newer one).
        CREATE TABLE row_versions (
          id          INTEGER PRIMARY KEY,
          kind        TEXT NOT NULL,
          row_id      TEXT NOT NULL,
          import_id   INTEGER NOT NULL,
          replaced_by INTEGER NOT NULL,
          data        TEXT NOT NULL,
          cleared     TEXT
        );
        CREATE INDEX row_versions_row ON row_versions(kind, row_id);
        CREATE INDEX row_versions_replaced ON row_versions(replaced_by);
        CREATE TRIGGER row_versions_no_update BEFORE UPDATE ON row_versions BEGIN SELECT RAISE(ABORT, 'row versions are append-only'); END;
        CREATE TRIGGER row_versions_no_delete BEFORE DELETE ON row_versions BEGIN SELECT RAISE(ABORT, 'row versions are append-only'); END;
      `);
      installVersionTriggers(db);
    },
  },
  {
    version: 6,
    description: 'records index covering the monthly report',
    up: (db) => {
      db.exec(`
        -- The stratum index of migration 1 plus every column the monthly
        -- report's record scan reads (db/report.ts recordScan), so that scan
        -- never visits the table: over a month imported from an unordered
        -- export the table lookups were random reads, 1.7 s of the 4 s cold
        -- report over 1M records; covered, 0.13 s. Same leading columns, so
        -- sampling's range scans are unchanged. Rebuilt here once (a few
        -- seconds per million records).
        DROP INDEX IF EXISTS records_stratum;
        CREATE INDEX records_stratum ON records(record_type, occurred_at, rank, record_id,
          customer_id, first_response_at, completed_at, promised_at, remote, first_time_fix, recommendation_fit, device_intact);
      `);
    },
  },
];

/** Columns of an input table that are bookkeeping, not the export's content. */
const BOOKKEEPING = new Set(['rank', 'first_import_id', 'import_id', 'line']);

/** The input tables whose rows are versioned, with their id column. */
export const VERSIONED_TABLES: readonly { kind: string; table: string; id: string }[] = [
  { kind: 'records', table: 'records', id: 'record_id' },
  { kind: 'calls', table: 'calls', id: 'call_id' },
  { kind: 'complaints', table: 'complaints', id: 'complaint_id' },
  { kind: 'surveys', table: 'surveys', id: 'survey_id' },
];

/** The content columns of an input table, as the database has them now. */
export function contentColumns(db: Database.Database, table: string): string[] {
  const cols = db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).pluck().all(table) as string[];
  return cols.filter((c) => !BOOKKEEPING.has(c));
}

/**
 * (Re)create the triggers that keep a row's previous version whenever an
 * import changes its content. Generated from the table's columns as they are,
 * so open.ts runs it again after any migration (a later migration that adds a
 * column gets it versioned too).
 */
export function installVersionTriggers(db: Database.Database): void {
  for (const { kind, table, id } of VERSIONED_TABLES) {
    const cols = contentColumns(db, table);
    if (cols.length === 0) continue;
    const q = (c: string): string => `"${c.replace(/"/g, '""')}"`;
    const content = cols.filter((c) => c !== id);
    const json = `json_object(${cols.map((c) => `'${c}', OLD.${q(c)}`).join(', ')})`;
    const cleared = `NULLIF(rtrim(${content.map((c) => `CASE WHEN OLD.${q(c)} IS NOT NULL AND NEW.${q(c)} IS NULL THEN '${c},' ELSE '' END`).join(' || ')}, ','), '')`;
    db.exec(`
      DROP TRIGGER IF EXISTS ${table}_versions;
      CREATE TRIGGER ${table}_versions AFTER UPDATE OF ${content.map(q).join(', ')} ON ${table}
      WHEN ${content.map((c) => `OLD.${q(c)} IS NOT NEW.${q(c)}`).join(' OR ')}
      BEGIN
        INSERT INTO row_versions (kind, row_id, import_id, replaced_by, data, cleared)
        VALUES ('${kind}', OLD.${q(id)}, OLD.import_id, NEW.import_id, ${json}, ${cleared});
      END;
    `);
  }
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
