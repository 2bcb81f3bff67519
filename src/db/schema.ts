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
    description: 'rectification sources: findings, complaints, surveys, inspections, partners; the withdrawn state',
    up: (db) => {
      db.exec(`
        -- Rectifications come from a failed check (a finding), a founded
        -- complaint or a survey follow-up (SPEC §6), a failed inspection check
        -- or a partner evaluation (SPEC §7): finding_id becomes optional and
        -- each row names its source; subject_* hold, for a source without a
        -- finding, what a finding would say (its check, text, note, who, when);
        -- 'withdrawn' (SPEC §4 corrections) joins the states. SQLite cannot drop a NOT NULL: the table (and
        -- its steps, which reference it) are rebuilt. Copies first, then the
        -- old tables are dropped child-first (no row refers to a dropped
        -- table while foreign keys are on), then recreated and refilled.
        CREATE TEMP TABLE rect_copy AS SELECT * FROM rectifications;
        CREATE TEMP TABLE rect_steps_copy AS SELECT * FROM rectification_steps;
        DROP TABLE rectification_steps;
        DROP TABLE rectifications;
        CREATE TABLE rectifications (
          id               INTEGER PRIMARY KEY,
          finding_id       INTEGER UNIQUE REFERENCES findings(id),
          source           TEXT NOT NULL DEFAULT 'finding' CHECK (source IN ('finding', 'complaint', 'survey', 'inspection', 'partner')),
          source_id        TEXT,            -- complaint_id / survey_id / inspection id / partner name (null for a finding)
          state            TEXT NOT NULL CHECK (state IN ('open', 'analysed', 'planned', 'done', 'verified', 'withdrawn')),
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
          updated_at       INTEGER NOT NULL,
          subject_kind     TEXT,            -- inspections | partners (SPEC §7)
          subject_id       TEXT,
          subject_check    TEXT,            -- the check code, or "evaluation"
          subject_category TEXT,
          subject_severity TEXT,
          subject_text     TEXT,            -- zh / en text of the check, or the evaluation's summary
          subject_note     TEXT,
          subject_by       TEXT,
          subject_at       INTEGER,
          CHECK ((source = 'finding') = (finding_id IS NOT NULL)),
          CHECK ((source = 'finding') = (source_id IS NULL))
        );
        CREATE INDEX rectifications_state ON rectifications(state, due_date);
        CREATE INDEX rectifications_due ON rectifications(due_date);
        -- One live rectification per complaint or survey (a withdrawn one stays beside a later one).
        CREATE UNIQUE INDEX rectifications_source ON rectifications(source, source_id) WHERE source IN ('complaint', 'survey') AND state <> 'withdrawn';
        CREATE TRIGGER rectifications_no_delete BEFORE DELETE ON rectifications BEGIN SELECT RAISE(ABORT, 'rectifications are kept'); END;
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
        INSERT INTO rectifications (id, finding_id, source, source_id, state, owner_department, owner_person, opened_at, due_date, cause, measures,
                                    evidence, verification, done_at, done_by, verified_at, verified_by, updated_at)
          SELECT id, finding_id, 'finding', NULL, state, owner_department, owner_person, opened_at, due_date, cause, measures,
                 evidence, verification, done_at, done_by, verified_at, verified_by, updated_at FROM temp.rect_copy;
        INSERT INTO rectification_steps SELECT * FROM temp.rect_steps_copy;
        DROP TABLE temp.rect_copy;
        DROP TABLE temp.rect_steps_copy;
        CREATE TRIGGER rectification_steps_no_update BEFORE UPDATE ON rectification_steps BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
        CREATE TRIGGER rectification_steps_no_delete BEFORE DELETE ON rectification_steps BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
      `);
    },
  },
  {
    version: 7,
    description: 'people: finding corrections, the withdrawn rectification state, disputes, calibration',
    up: (db) => {
      // Corrections (SPEC §4): an answer changes only together with a recorded
      // amendment that keeps the original; the trigger refuses anything else.
      db.exec(`
        CREATE TABLE finding_amendments (
          id                   INTEGER PRIMARY KEY,
          finding_id           INTEGER NOT NULL REFERENCES findings(id),
          old_result           TEXT NOT NULL,
          old_note             TEXT,
          new_result           TEXT NOT NULL CHECK (new_result IN ('pass', 'fail', 'na')),
          new_note             TEXT,
          reason               TEXT NOT NULL,
          actor                TEXT NOT NULL,
          at                   INTEGER NOT NULL,
          dispute_id           INTEGER,          -- set when a dispute's overturn made it
          rectification_id     INTEGER,          -- the rectification it withdrew, opened or reopened
          rectification_action TEXT              -- withdrawn | opened | reopened | kept
        );
        CREATE INDEX finding_amendments_finding ON finding_amendments(finding_id);
        CREATE TRIGGER finding_amendments_no_update BEFORE UPDATE ON finding_amendments BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
        CREATE TRIGGER finding_amendments_no_delete BEFORE DELETE ON finding_amendments BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;

        DROP TRIGGER findings_no_update;
        CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
        WHEN NEW.id IS NOT OLD.id OR NEW.review_id IS NOT OLD.review_id OR NEW.check_code IS NOT OLD.check_code
          OR NEW.category IS NOT OLD.category OR NEW.severity IS NOT OLD.severity OR NEW.check_text IS NOT OLD.check_text
          OR NEW.auditor IS NOT OLD.auditor OR NEW.found_at IS NOT OLD.found_at
          OR NOT EXISTS (SELECT 1 FROM finding_amendments a
                         WHERE a.id = (SELECT max(id) FROM finding_amendments WHERE finding_id = OLD.id)
                           AND a.old_result = OLD.result AND a.new_result = NEW.result AND a.new_note IS NEW.note)
        BEGIN SELECT RAISE(ABORT, 'findings are final once recorded: an answer changes only with a recorded amendment (qa finding amend)'); END;

        -- Disputes (SPEC §8): one open dispute per answer at a time; decided once.
        CREATE TABLE disputes (
          id             INTEGER PRIMARY KEY,
          finding_id     INTEGER NOT NULL REFERENCES findings(id),
          answer_result  TEXT NOT NULL,     -- the answer disputed, who gave it and when
          answer_auditor TEXT NOT NULL,
          answer_at      INTEGER NOT NULL,
          opened_by      TEXT NOT NULL,
          opened_at      INTEGER NOT NULL,
          reason         TEXT NOT NULL,
          state          TEXT NOT NULL CHECK (state IN ('open', 'upheld', 'overturned')),
          decided_by     TEXT,
          decided_at     INTEGER,
          decision_note  TEXT,
          new_result     TEXT,
          amendment_id   INTEGER REFERENCES finding_amendments(id)
        );
        CREATE INDEX disputes_finding ON disputes(finding_id);
        CREATE UNIQUE INDEX disputes_one_open ON disputes(finding_id) WHERE state = 'open';
        CREATE TRIGGER disputes_no_delete BEFORE DELETE ON disputes BEGIN SELECT RAISE(ABORT, 'disputes are kept'); END;
        CREATE TRIGGER disputes_decided_once BEFORE UPDATE ON disputes WHEN OLD.state <> 'open' OR NEW.finding_id IS NOT OLD.finding_id
          OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_at IS NOT OLD.opened_at OR NEW.reason IS NOT OLD.reason
        BEGIN SELECT RAISE(ABORT, 'a decided dispute is final'); END;

        -- Calibration (SPEC §8): double review, blind, kept apart from findings.
        CREATE TABLE calibrations (
          id         INTEGER PRIMARY KEY,
          kind       TEXT,               -- the --kind filter (checklist kind, records or calls), null: any
          auditors   TEXT NOT NULL,      -- JSON list
          seed       TEXT NOT NULL,
          requested  INTEGER NOT NULL,
          population INTEGER NOT NULL,   -- sampled items it drew from
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE calibration_items (
          calibration_id INTEGER NOT NULL REFERENCES calibrations(id),
          position       INTEGER NOT NULL,
          kind           TEXT NOT NULL,
          item_id        TEXT NOT NULL,
          checklist      TEXT NOT NULL,
          checks         TEXT NOT NULL,  -- JSON: check codes in force when drawn
          snapshot       TEXT NOT NULL,  -- the item as every auditor sees it
          rank           TEXT NOT NULL,
          PRIMARY KEY (calibration_id, kind, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE calibration_answers (
          id             INTEGER PRIMARY KEY,
          calibration_id INTEGER NOT NULL REFERENCES calibrations(id),
          kind           TEXT NOT NULL,
          item_id        TEXT NOT NULL,
          check_code     TEXT NOT NULL,
          auditor        TEXT NOT NULL,
          result         TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
          note           TEXT,
          at             INTEGER NOT NULL,
          UNIQUE (calibration_id, kind, item_id, check_code, auditor)
        );
        CREATE TRIGGER calibrations_no_change BEFORE UPDATE ON calibrations BEGIN SELECT RAISE(ABORT, 'calibrations are append-only'); END;
        CREATE TRIGGER calibrations_no_delete BEFORE DELETE ON calibrations BEGIN SELECT RAISE(ABORT, 'calibrations are append-only'); END;
        CREATE TRIGGER calibration_items_no_change BEFORE UPDATE ON calibration_items BEGIN SELECT RAISE(ABORT, 'calibrations are append-only'); END;
        CREATE TRIGGER calibration_items_no_delete BEFORE DELETE ON calibration_items BEGIN SELECT RAISE(ABORT, 'calibrations are append-only'); END;
        CREATE TRIGGER calibration_answers_no_change BEFORE UPDATE ON calibration_answers BEGIN SELECT RAISE(ABORT, 'calibration answers are final'); END;
        CREATE TRIGGER calibration_answers_no_delete BEFORE DELETE ON calibration_answers BEGIN SELECT RAISE(ABORT, 'calibration answers are final'); END;
      `);
      // 'withdrawn' is already a state: migration 6 reshaped rectifications for every source.
    },
  },
  {
    version: 8,
    description: 'complaint cases (new columns, verifications), survey questions, callback programme, rectifications from complaints and surveys',
    up: (db) => {
      db.exec(`
        -- SPEC §6: the complaints export's optional columns.
        ALTER TABLE complaints ADD COLUMN description TEXT;
        ALTER TABLE complaints ADD COLUMN demand TEXT;
        ALTER TABLE complaints ADD COLUMN severity TEXT;
        ALTER TABLE complaints ADD COLUMN staff_id TEXT;
        ALTER TABLE complaints ADD COLUMN owner TEXT;
        ALTER TABLE complaints ADD COLUMN feedback_at INTEGER;
        CREATE INDEX complaints_resolved ON complaints(resolved_at);
        CREATE INDEX complaints_customer ON complaints(customer_id, received_at);

        -- SPEC §6: the survey questions (000 §三(二), 001 第七条).
        ALTER TABLE surveys ADD COLUMN attitude_ok INTEGER;
        ALTER TABLE surveys ADD COLUMN resolved_in_time INTEGER;
        ALTER TABLE surveys ADD COLUMN recommendation_fit INTEGER;
        ALTER TABLE surveys ADD COLUMN hidden_fee INTEGER;
        ALTER TABLE surveys ADD COLUMN consult_score REAL CHECK (consult_score BETWEEN 1 AND 5);
        ALTER TABLE surveys ADD COLUMN plan_score REAL CHECK (plan_score BETWEEN 1 AND 5);
        ALTER TABLE surveys ADD COLUMN delivery_score REAL CHECK (delivery_score BETWEEN 1 AND 5);
        ALTER TABLE surveys ADD COLUMN tech_score REAL CHECK (tech_score BETWEEN 1 AND 5);
        ALTER TABLE surveys ADD COLUMN return_score REAL CHECK (return_score BETWEEN 1 AND 5);
        -- "Has this customer been surveyed since T?" (callback worklist, complaint_callback, survey_within_3wd).
        CREATE INDEX surveys_customer ON surveys(customer_id, surveyed_at);
        -- Rentals that ended in a period (return records by completed_at): only return rows are
        -- indexed, with the customer and id so the month's returns are read without the table.
        CREATE INDEX records_return_completed ON records(completed_at, customer_id, record_id) WHERE record_type = 'return';

        -- The verification report (核查报告, 000 §三(二)): append-only; an
        -- amendment is a new row naming the one it replaces.
        CREATE TABLE complaint_verifications (
          id                     INTEGER PRIMARY KEY,
          complaint_id           TEXT NOT NULL,
          founded                INTEGER NOT NULL CHECK (founded IN (0, 1)),
          cause                  TEXT,
          responsible_department TEXT,
          responsible_person     TEXT,
          verified_by            TEXT NOT NULL,
          verified_at            INTEGER NOT NULL,
          amends                 INTEGER REFERENCES complaint_verifications(id),
          reason                 TEXT,
          CHECK (founded = 0 OR (cause IS NOT NULL AND responsible_department IS NOT NULL))
        );
        CREATE INDEX complaint_verifications_complaint ON complaint_verifications(complaint_id, id);
        CREATE TRIGGER complaint_verifications_no_update BEFORE UPDATE ON complaint_verifications BEGIN SELECT RAISE(ABORT, 'verification reports are append-only'); END;
        CREATE TRIGGER complaint_verifications_no_delete BEFORE DELETE ON complaint_verifications BEGIN SELECT RAISE(ABORT, 'verification reports are append-only'); END;

        -- One receipt per qa callback plan run (like sample_runs).
        CREATE TABLE callback_runs (
          id                INTEGER PRIMARY KEY,
          run_date          TEXT NOT NULL,
          seed              TEXT NOT NULL,
          algorithm         TEXT NOT NULL,
          params            TEXT NOT NULL,     -- JSON: lookback, churn rate, quarter/half-year handled
          population        TEXT NOT NULL,     -- JSON per reason: candidates considered
          population_digest TEXT NOT NULL,     -- sha256 over the sorted candidate keys
          added             INTEGER NOT NULL,
          created_at        INTEGER NOT NULL,
          user              TEXT
        );
        -- The worklist: who must be surveyed, why and by when. An entry is
        -- answered by the customer's first survey at or after trigger_at
        -- (computed, so a survey import closes it with no extra step).
        CREATE TABLE callback_entries (
          id          INTEGER PRIMARY KEY,
          run_id      INTEGER NOT NULL,
          reason      TEXT NOT NULL CHECK (reason IN ('ended', 'quarterly', 'churn', 'complaint')),
          source_id   TEXT NOT NULL,      -- return record id, complaint id, or the period (2026-Q3, 2026-06)
          customer_id TEXT NOT NULL,
          trigger_at  INTEGER NOT NULL,   -- rental ended / complaint resolved / programme started
          due_date    TEXT NOT NULL,      -- YYYY-MM-DD local: surveyed by the end of that day
          rank        INTEGER,            -- churn draw rank under the run's seed
          contact_record_id TEXT,         -- the record whose phone to call (masked on output)
          UNIQUE (reason, source_id, customer_id)
        );
        CREATE INDEX callback_entries_due ON callback_entries(due_date);
        CREATE INDEX callback_entries_customer ON callback_entries(customer_id, trigger_at);
        CREATE TRIGGER callback_runs_no_update BEFORE UPDATE ON callback_runs BEGIN SELECT RAISE(ABORT, 'callback receipts are append-only'); END;
        CREATE TRIGGER callback_runs_no_delete BEFORE DELETE ON callback_runs BEGIN SELECT RAISE(ABORT, 'callback receipts are append-only'); END;
        CREATE TRIGGER callback_entries_no_update BEFORE UPDATE ON callback_entries BEGIN SELECT RAISE(ABORT, 'callback entries are append-only'); END;
        CREATE TRIGGER callback_entries_no_delete BEFORE DELETE ON callback_entries BEGIN SELECT RAISE(ABORT, 'callback entries are append-only'); END;
      `);
    },
  },
  {
    version: 9,
    description: 'on-site inspections, special campaigns, partners; rectifications that come from something other than a finding',
    up: (db) => migrateFieldwork(db),
  },
  {
    version: 10,
    description: 'the operating-system user beside each audit-log entry',
    up: (db) => {
      db.exec(`
        -- Who was logged in when the entry was written (os.userInfo), beside
        -- the actor named by --by / --auditor / QA_USER, which anyone can type
        -- (SPEC §4). NULL for entries written before this column existed.
        ALTER TABLE audit_log ADD COLUMN os_user TEXT;
      `);
    },
  },
  {
    version: 11,
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



const columnsOf = (db: Database.Database, table: string): { name: string; notnull: number }[] =>
  db.prepare(`SELECT name, "notnull" FROM pragma_table_info(?)`).all(table) as { name: string; notnull: number }[];

/**
 * SPEC §7 (seed 000 §一(二), §二(二)7, §三(二)). Written so it can run after
 * another migration that touches the same tables: each added column is checked
 * for first.
 */
function migrateFieldwork(db: Database.Database): void {
  // Records gain the optional partner 合作方 column (logistics / repair vendor).
  if (!columnsOf(db, 'records').some((c) => c.name === 'partner')) db.exec('ALTER TABLE records ADD COLUMN partner TEXT');
  // A review started for a special campaign's item outside the random sample:
  // kept out of audit_pass_rate, coverage and the bounds (SPEC §7).
  if (!columnsOf(db, 'reviews').some((c) => c.name === 'campaign')) db.exec('ALTER TABLE reviews ADD COLUMN campaign TEXT');

  // Rectifications from an inspection or a partner evaluation (finding_id null, source
  // 'inspection' | 'partner', the subject_* columns) came with migration 6.

  db.exec(`
    -- On-site inspections of stores and home services (000 §三(二) 现场检查, >= 2 a month).
    CREATE TABLE inspections (
      id           INTEGER PRIMARY KEY,
      date         TEXT NOT NULL,           -- YYYY-MM-DD local: decides the month
      site         TEXT NOT NULL,
      type         TEXT NOT NULL CHECK (type IN ('store', 'onsite')),
      inspector    TEXT NOT NULL,
      department   TEXT,
      staff        TEXT,
      checks       TEXT NOT NULL,           -- JSON: the check codes in force when it was recorded
      source       TEXT NOT NULL,           -- 'add' or the imported file's name
      created_at   INTEGER NOT NULL,
      created_by   TEXT NOT NULL
    );
    CREATE INDEX inspections_date ON inspections(date);
    CREATE TABLE inspection_answers (
      id            INTEGER PRIMARY KEY,
      inspection_id INTEGER NOT NULL REFERENCES inspections(id),
      check_code    TEXT NOT NULL,
      category      TEXT NOT NULL,
      severity      TEXT NOT NULL,
      check_text    TEXT NOT NULL,
      result        TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
      note          TEXT,
      UNIQUE (inspection_id, check_code)
    );
    CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections BEGIN SELECT RAISE(ABORT, 'inspections are kept'); END;
    CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections BEGIN SELECT RAISE(ABORT, 'inspections are final once recorded'); END;
    CREATE TRIGGER inspection_answers_no_update BEFORE UPDATE ON inspection_answers BEGIN SELECT RAISE(ABORT, 'inspection answers are final once recorded'); END;
    CREATE TRIGGER inspection_answers_no_delete BEFORE DELETE ON inspection_answers BEGIN SELECT RAISE(ABORT, 'inspection answers are final once recorded'); END;

    -- Special supervision campaigns (000 §三(二) 专项监督): a focus, a date range, a seed.
    CREATE TABLE campaigns (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL UNIQUE,
      from_date  TEXT NOT NULL,
      to_date    TEXT NOT NULL,
      focus      TEXT NOT NULL,             -- JSON [{field, value}]: record_type | department | check
      seed       TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL
    );
    CREATE TRIGGER campaigns_no_delete BEFORE DELETE ON campaigns BEGIN SELECT RAISE(ABORT, 'campaigns are kept'); END;
    CREATE TRIGGER campaigns_no_update BEFORE UPDATE ON campaigns BEGIN SELECT RAISE(ABORT, 'a campaign is fixed once started'); END;
    -- One receipt per campaign draw; the population's ids are kept so the draw can be verified exactly.
    CREATE TABLE campaign_runs (
      id                INTEGER PRIMARY KEY,
      campaign_id       INTEGER NOT NULL REFERENCES campaigns(id),
      run_date          TEXT NOT NULL,
      seed              TEXT NOT NULL,
      rate              REAL NOT NULL,
      algorithm         TEXT NOT NULL,
      population        INTEGER NOT NULL,
      population_digest TEXT NOT NULL,
      population_ids    TEXT NOT NULL,      -- JSON ["records:SR-…", "calls:C-…"]
      target            INTEGER NOT NULL,
      drawn             INTEGER NOT NULL,
      created_at        INTEGER NOT NULL,
      user              TEXT NOT NULL
    );
    CREATE TABLE campaign_items (
      campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
      kind        TEXT NOT NULL CHECK (kind IN ('records', 'calls')),
      item_id     TEXT NOT NULL,
      run_id      INTEGER NOT NULL REFERENCES campaign_runs(id),
      rank        INTEGER NOT NULL,
      PRIMARY KEY (campaign_id, kind, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX campaign_items_item ON campaign_items(kind, item_id);
    CREATE TRIGGER campaign_runs_no_update BEFORE UPDATE ON campaign_runs BEGIN SELECT RAISE(ABORT, 'campaign receipts are append-only'); END;
    CREATE TRIGGER campaign_runs_no_delete BEFORE DELETE ON campaign_runs BEGIN SELECT RAISE(ABORT, 'campaign receipts are append-only'); END;
    CREATE TRIGGER campaign_items_no_update BEFORE UPDATE ON campaign_items BEGIN SELECT RAISE(ABORT, 'drawn items are append-only'); END;
    CREATE TRIGGER campaign_items_no_delete BEFORE DELETE ON campaign_items BEGIN SELECT RAISE(ABORT, 'drawn items are append-only'); END;

    -- Outside partners (000 §一(二), §二(二)7): logistics and repair vendors, and their quality file.
    CREATE TABLE partners (
      name       TEXT PRIMARY KEY,
      kind       TEXT NOT NULL CHECK (kind IN ('logistics', 'repair')),
      since      TEXT,
      added_at   INTEGER NOT NULL,
      added_by   TEXT NOT NULL
    );
    CREATE TRIGGER partners_no_delete BEFORE DELETE ON partners BEGIN SELECT RAISE(ABORT, 'partners are kept (their file is history)'); END;
    CREATE TABLE partner_evaluations (
      id                INTEGER PRIMARY KEY,
      partner           TEXT NOT NULL REFERENCES partners(name),
      period            TEXT NOT NULL,      -- YYYY-Qn
      rating            REAL,
      recommendation    TEXT NOT NULL CHECK (recommendation IN ('keep', 'rectify', 'terminate')),
      figures           TEXT NOT NULL,      -- JSON: the quality file the rating came from
      thresholds        TEXT NOT NULL,      -- JSON: the thresholds in force
      note              TEXT,
      rectification_id  INTEGER REFERENCES rectifications(id),
      evaluated_at      INTEGER NOT NULL,
      evaluated_by      TEXT NOT NULL
    );
    CREATE INDEX partner_evaluations_partner ON partner_evaluations(partner, id);
    CREATE TRIGGER partner_evaluations_no_update BEFORE UPDATE ON partner_evaluations BEGIN SELECT RAISE(ABORT, 'evaluations are appended to the partner file, never rewritten'); END;
    CREATE TRIGGER partner_evaluations_no_delete BEFORE DELETE ON partner_evaluations BEGIN SELECT RAISE(ABORT, 'evaluations are appended to the partner file, never rewritten'); END;
  `);
  // Rectifications of the new kinds are found by their subject.
  db.exec('CREATE INDEX IF NOT EXISTS rectifications_subject ON rectifications(subject_kind, subject_id)');
  // The partner files read a period's records that name a partner: partial, so
  // exports without the column cost nothing to import or to report on.
  db.exec('CREATE INDEX IF NOT EXISTS records_partner_time ON records(occurred_at, partner) WHERE partner IS NOT NULL');
}
