/**
 * The records index covers the monthly report's record scan (schema.ts, the
 * migration "records index covering the monthly report"): the scan's queries
 * read the index only, never the table, and a database made by the release
 * before it (schema 4) is upgraded in place with its rows and figures intact.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { recordScan, type DayRule } from '../../src/db/report.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { importRecords } from '../helpers/store.js';
import { tmpDir } from '../helpers/tmp.js';
import { migrateTo } from '../helpers/schema.js';

const DAY = 86_400_000;
const START = Date.parse('2026-10-01T00:00:00+08:00');
const END = Date.parse('2026-11-01T00:00:00+08:00');

/** The month's days with plain rules (every day a workday, 09:00–18:00, the deadline 3 days on). */
function days(): DayRule[] {
  return Array.from({ length: 31 }, (_, i) => {
    const start = START + i * DAY;
    return { start, end: start + DAY, workday: true, workStart: start + 9 * 3_600_000, workEnd: start + 18 * 3_600_000, deadline3wd: start + 4 * DAY };
  });
}

const TYPES = ['consult', 'contract', 'delivery', 'repair', 'return'];

/** 50 records of October over every type, some customers twice, out of time order. */
function someRecords(): Parameters<typeof importRecords>[1] {
  return Array.from({ length: 50 }, (_, i) => ({ id: `R${String(i).padStart(3, '0')}`, type: TYPES[i % 5]!, at: START + ((i * 7919) % 31) * DAY + 10 * 3_600_000, customer: `K${i % 30}` }));
}

/** Every SELECT recordScan prepares, as it prepares it. */
function scanQueries(db: Db): string[] {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  const spy = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  const spied = Object.assign(Object.create(Object.getPrototypeOf(db) as object) as Db, db, { prepare: spy });
  // The methods recordScan calls besides prepare go to the real connection.
  spied.exec = db.exec.bind(db);
  spied.pragma = db.pragma.bind(db);
  recordScan(spied, START, END, days());
  return seen.filter((s) => /^\s*SELECT/i.test(s));
}

describe('the records index covers the report scan', () => {
  it('every query of the record scan reads records through the covering index only', () => {
    const db = openDb(path.join(tmpDir(), 'qa.sqlite'));
    importRecords(db, someRecords());
    db.exec('ANALYZE');
    const queries = scanQueries(db);
    expect(queries.length).toBe(6);
    for (const sql of queries) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ s: START, e: END }) as { detail: string }[]).map((p) => p.detail);
      const onRecords = plan.filter((d) => /\b(SCAN|SEARCH) r\b/.test(d));
      expect(onRecords.length, sql).toBeGreaterThan(0);
      for (const d of onRecords) expect(d, sql).toMatch(/USING COVERING INDEX records_stratum/);
    }
  });

  it('a schema-4 database is upgraded in place: same rows, same figures, the new index', () => {
    const file = path.join(tmpDir(), 'qa.sqlite');
    // What the release before this migration made: migrations 1–4 only.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrateTo(old);
    old.close();
    const before = openDbAt4(file);
    // Plain inserts: the import code of this release may need tables schema 4 does not have.
    const ins = before.prepare(
      `INSERT INTO records (record_id, record_type, occurred_at, customer_id, first_response_at, completed_at, device_intact, rank, first_import_id, import_id, line)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?)`,
    );
    someRecords().forEach((r, i) => ins.run(r.id, r.type, r.at, r.customer ?? null, r.at + (i % 4) * 600_000, i % 3 ? r.at + (i % 6) * DAY : null, i % 2, i * 7, i + 2));
    const figures = recordScan(before, START, END, days());
    before.close();

    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'records_stratum'`).pluck().get() as string;
    expect(sql).toMatch(/records\(record_type, occurred_at, rank, record_id,\s+customer_id, first_response_at/);
    expect(db.prepare('SELECT count(*) FROM records').pluck().get()).toBe(50);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(recordScan(db, START, END, days())).toEqual(figures);
    expect(figures.total).toBe(50);
    expect(figures.distinctCustomers).toBe(30);
  });
});

/** The schema-4 file opened without migrating further (as the old release would). */
function openDbAt4(file: string): Db {
  const db = new Database(file);
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  return db;
}
