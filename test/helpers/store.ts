import path from 'node:path';
import { openDb, type Db } from '../../src/db/open.js';
import { ImportWriter } from '../../src/db/imports.js';
import { KIND_SCHEMAS } from '../../src/core/kinds.js';
import type { Cell } from '../../src/io/rows.js';
import { tmpDir } from './tmp.js';

/** A fresh database in a temp dir; `seed` pins the database seed (before anything is imported). */
export function makeDb(seed?: string): Db {
  const db = openDb(path.join(tmpDir(), 'qa.sqlite'));
  if (seed !== undefined) db.prepare(`UPDATE meta SET value = ? WHERE key = 'seed'`).run(seed);
  return db;
}

export interface TestRecord {
  id: string;
  type: string;
  at: number;
  department?: string;
  staff?: string;
  customer?: string;
  phone?: string;
}

export interface TestCall {
  id: string;
  agent: string;
  at: number;
  duration: number;
}

function row(kind: 'records' | 'calls', values: Record<string, Cell>): Cell[] {
  return [...KIND_SCHEMAS[kind].fields.map((f) => values[f.name] ?? null), null];
}

/** Import rows as one file would (one transaction, one import record), in the order given. */
export function importRecords(db: Db, rows: readonly TestRecord[], file = 'test.csv'): void {
  const w = new ImportWriter(db, 'records');
  w.begin({ file, encoding: 'utf8', bytes: 0, skipInvalid: false });
  const values: Cell[] = [];
  const lines: number[] = [];
  rows.forEach((r, i) => {
    values.push(
      ...row('records', {
        record_id: r.id,
        record_type: r.type,
        occurred_at: r.at,
        department: r.department ?? null,
        staff_id: r.staff ?? null,
        customer_id: r.customer ?? null,
        customer_phone: r.phone ?? null,
      }),
    );
    lines.push(i + 2);
  });
  w.writeRows(values, lines);
  w.commit({ sha256: 'test', rows: rows.length, rejected: 0 });
}

export function importCalls(db: Db, rows: readonly TestCall[], file = 'calls.csv'): void {
  const w = new ImportWriter(db, 'calls');
  w.begin({ file, encoding: 'utf8', bytes: 0, skipInvalid: false });
  const values: Cell[] = [];
  const lines: number[] = [];
  rows.forEach((r, i) => {
    values.push(...row('calls', { call_id: r.id, started_at: r.at, agent_id: r.agent, duration_seconds: r.duration }));
    lines.push(i + 2);
  });
  w.writeRows(values, lines);
  w.commit({ sha256: 'test', rows: rows.length, rejected: 0 });
}
