/**
 * Opening the store (SPEC §1): `--db PATH` > env `QA_DB` > `./qa.sqlite`;
 * created on first use with mode 0600, WAL journal, busy_timeout, and
 * migrated by `PRAGMA user_version`. A database from a newer qa is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QaError } from '../errors.js';
import { msg } from '../i18n.js';
import { installVersionTriggers, MIGRATIONS, SCHEMA_VERSION } from './schema.js';

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

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const damaged = (file: string, what: string): QaError =>
  new QaError(msg(`qa 数据库已损坏：${what}`, `the qa database is damaged: ${what}`), {
    where: file,
    hint: msg('未向其写入任何内容。请从备份恢复（qa db check 可以说明哪里有问题）；保留损坏的文件以便调查', 'nothing was written to it. Restore it from a backup (qa db check tells what is wrong); keep the damaged file for investigation'),
  });

/**
 * Cheap checks of an existing file before SQLite writes anything to it
 * (SPEC §2 "The database"): a file that is not SQLite is not a qa database;
 * a SQLite file shorter than its own header says, or not a whole number of
 * pages, is damaged (a truncated copy). Throws QaError (exit 1).
 */
export function checkDbFile(file: string): void {
  let head: Buffer;
  let size: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      size = fs.fstatSync(fd).size;
      head = Buffer.alloc(100);
      head = head.subarray(0, fs.readSync(fd, head, 0, 100, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new QaError(code === 'EACCES' ? 'permission denied: qa may not read the database' : `cannot read the database (${code ?? (e as Error).message})`, { where: file });
  }
  if (size === 0) return; // a new database
  if (head.length < 16 || !head.subarray(0, 16).equals(SQLITE_MAGIC)) {
    if (head.length >= 16 || size >= 16 || !SQLITE_MAGIC.subarray(0, head.length).equals(head)) {
      throw new QaError(msg('这个文件不是 qa 数据库（不是 SQLite 文件）', 'this file is not a qa database (not an SQLite file)'), { where: file, hint: msg('用 --db PATH 指向 qa 数据库，或一个新文件名', 'pass --db PATH to a qa database, or to a new file name') });
    }
  }
  if (head.length < 100) throw damaged(file, msg(`文件被截断（${size} 字节，比 100 字节的文件头还短）`, `the file is cut short (${size} bytes, shorter than its 100-byte header)`));
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damaged(file, msg('文件头无法读取（页大小）', 'its header is unreadable (page size)'));
  const pages = head.readUInt32BE(28);
  const headerValid = head.readUInt32BE(24) === head.readUInt32BE(92);
  // While another connection has the database open (a -wal file exists), a checkpoint may be
  // writing the main file: its length can lag its header for a moment. Only a database at
  // rest (no -wal: every qa closes with a checkpoint) is measured — a truncated copy is one.
  if (fs.existsSync(`${file}-wal`)) return;
  if (size % pageSize !== 0) throw damaged(file, msg(`文件被截断（${size} 字节不是 ${pageSize} 字节页的整数倍）`, `the file is cut short (${size} bytes is not a whole number of ${pageSize}-byte pages)`));
  if (headerValid && pages > 0 && size < pages * pageSize) {
    throw damaged(file, msg(`文件被截断（${size} 字节；文件头记录为 ${pages * pageSize}）`, `the file is cut short (${size} bytes; its header says ${pages * pageSize})`));
  }
}

/** True when `db` holds tables but none of qa's (another application's database). */
function isForeign(db: Db): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  const objects = db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get() as number;
  const hasMeta = !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  return objects > 0 && (version === 0 || !hasMeta);
}

/** SQLite's "this is damaged" codes, as a QaError; other errors unchanged. */
export function asDamaged(e: unknown, file: string): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_INDEX' || code === 'SQLITE_CORRUPT_VTAB' || code === 'SQLITE_NOTADB') {
    return damaged(file, (e as Error).message);
  }
  return e;
}

/** Databases up to this size get a full `quick_check` before an import writes (~0.7 s per 200 MB). */
export const PRECHECK_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Before a bulk write (an import): SQLite's `quick_check` over every page of
 * a database up to {@link PRECHECK_MAX_BYTES}, so a damaged database is
 * refused before anything is written to it. Larger databases rely on
 * SQLite's own checks of the pages a write touches (SQLITE_CORRUPT is
 * reported as damaged and the transaction rolled back) and on `qa db check`.
 * Throws QaError (exit 1).
 */
export function assertIntact(db: Db, file: string): void {
  let size = 0;
  try {
    size = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
  } catch {
    return;
  }
  if (size > PRECHECK_MAX_BYTES) return;
  let rows: string[];
  try {
    rows = db.prepare('PRAGMA quick_check(5)').pluck().all() as string[];
  } catch (e) {
    throw asDamaged(e, file);
  }
  if (rows.length !== 1 || rows[0] !== 'ok') throw damaged(file, rows.slice(0, 2).join('; '));
}

/**
 * Open a database read-only for `qa db check`: nothing is migrated, created
 * or switched to WAL; a damaged file still opens so that the check can say
 * what is wrong.
 */
export function openDbForCheck(file: string): Db {
  if (!fs.existsSync(file)) throw new QaError('no database here', { where: file, hint: 'pass --db PATH' });
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    return db;
  } catch (e) {
    throw new QaError(`cannot open the database: ${(e as Error).message}`, { where: file });
  }
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
  checkDbFile(file);
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
    // Another application's SQLite file: refuse before anything (WAL, tables) touches it.
    if (isForeign(db)) {
      throw new QaError(msg('这个 SQLite 文件属于其他应用：它有表，但没有 qa 的表', "this SQLite file belongs to another application: it has tables but none of qa's"), {
        where: file,
        hint: msg('qa 没有改动它。用 --db PATH 指向 qa 数据库，或一个新文件名', 'qa left it untouched. Pass --db PATH to a qa database, or to a new file name'),
      });
    }
    // A new database gets 16 KiB pages (set before its first write; an existing one keeps its own).
    // Measured on the 1M-row import against 4 KiB: the commit's WAL checkpoint 1.1 → 0.5–0.7 s,
    // CREATE INDEX 1.6 → 1.1 s, the inserts 2.5 → 2.3 s; the monthly scans read fewer pages.
    if (isEmptyFile(file)) db.pragma(`page_size = ${NEW_DB_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384'); // 16 MB: as fast as 64 MB on the 1M-row import, 48 MB less RSS
    migrate(db, file);
  } catch (e) {
    db.close();
    if (e instanceof QaError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) throw asDamaged(e, file);
    throw new QaError(`cannot open the database: ${(e as Error).message}`, { where: file });
  }
  return db;
}

/** Page size of a database qa creates (bytes); see openDb. */
export const NEW_DB_PAGE_SIZE = 16384;

function isEmptyFile(file: string): boolean {
  try {
    return fs.statSync(file).size === 0;
  } catch {
    return false;
  }
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
  let ran = false;
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
      ran = true;
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  // A migration may have added input columns: version them too.
  if (ran) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'row_versions'").get()) installVersionTriggers(db);
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

/**
 * Run `fn` with SQLite's sorter set up for one big sort (CREATE INDEX, a GROUP BY over a month of
 * records): a helper thread (`PRAGMA threads = 1`) and a 4 MB page cache, which is also the
 * sorter's run size, so that more, shorter sorted runs are merged by both threads. Measured on
 * 1M records: CREATE INDEX of records_stratum 0.85 → 0.72 s, the report's distinct customers
 * 0.62 → 0.27 s; a 64 MB cache made both slower (one long single-threaded sort). The
 * connection's settings are restored afterwards, also when `fn` throws.
 */
export function withParallelSort<T>(db: Db, fn: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('threads = 1');
  db.pragma('cache_size = -4096');
  try {
    return fn();
  } finally {
    db.pragma('threads = 0');
    db.pragma(`cache_size = ${cache}`);
  }
}
