/**
 * Opening the store (SPEC §1): `--db PATH` > env `QA_DB` > `./qa.sqlite`;
 * created on first use with mode 0600, WAL journal, busy_timeout, and
 * migrated by `PRAGMA user_version`. A database from a newer qa is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QaError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;

/** Long enough to wait for a large import (a million rows take ~15 s) before giving up. */
export const BUSY_TIMEOUT_MS = 30_000;

export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, flag || env.QA_DB || 'qa.sqlite');
}

export interface OpenOptions {
  /** Open an existing database only; do not create one (read-only commands). */
  mustExist?: boolean;
}

export function openDb(file: string, opts: OpenOptions = {}): Db {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) {
    throw new QaError(`the folder for the database does not exist`, { where: dir, hint: 'create it, or pass --db PATH' });
  }
  if (!fs.existsSync(file)) {
    if (opts.mustExist) {
      throw new QaError('no database here yet', { where: file, hint: 'import some exports first (qa import records FILE), or pass --db PATH' });
    }
    try {
      // Create it private before SQLite does (SQLite gives its -wal/-shm the same mode).
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new QaError(`cannot create the database: ${(e as Error).message}`, { where: file });
      }
    }
  }
  // QA_BUSY_TIMEOUT_MS: how long to wait for another qa's write lock (tests set it short).
  const env = Number(process.env.QA_BUSY_TIMEOUT_MS);
  const busy = Number.isInteger(env) && env >= 0 ? env : BUSY_TIMEOUT_MS;
  let db: Db;
  try {
    db = new Database(file, { timeout: busy });
  } catch (e) {
    throw new QaError(`cannot open the database: ${(e as Error).message}`, { where: file });
  }
  try {
    db.pragma(`busy_timeout = ${busy}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384'); // 16 MB: as fast as 64 MB on the 1M-row import, 48 MB less RSS
    migrate(db, file);
  } catch (e) {
    db.close();
    if (e instanceof QaError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new QaError('this file is not a qa database', { where: file, hint: 'pass --db PATH to a qa database, or to a new file name' });
    }
    throw new QaError(`cannot open the database: ${(e as Error).message}`, { where: file });
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply pending migrations; each with its version bump in one transaction. */
export function migrate(db: Db, file = ''): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new QaError(`the database was written by a newer qa (schema ${current}; this qa knows up to ${SCHEMA_VERSION})`, {
      where: file,
      hint: 'upgrade qa; it will not downgrade a database',
    });
  }
  if (current === SCHEMA_VERSION) return;
  for (const m of MIGRATIONS) {
    // BEGIN IMMEDIATE and re-check: two processes may open a new database at once.
    db.exec('BEGIN IMMEDIATE');
    try {
      if (schemaVersion(db) >= m.version) {
        db.exec('COMMIT');
        continue;
      }
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
}

export function metaGet(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}
