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
          rank               INTEGER NOT NULL,  -- sampling rank for the database seed
          import_id          INTEGER NOT NULL,  -- import that last inserted or changed the row
          line               INTEGER NOT NULL
        );
        -- Month populations per stratum (sampling, reports).
        CREATE INDEX records_time ON records(occurred_at, record_type);

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
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
