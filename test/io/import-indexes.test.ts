/**
 * Big imports rebuild the table's secondary indexes after the rows
 * (db/imports.ts deferIndexes): the result is the same database as a
 * row-by-row import, a failed or refused import leaves the indexes as they
 * were, and a small delta into a big table keeps them up to date as it goes.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { records, writeRecordsFile, type Dialect } from '../../fixtures/generate.js';
import { KIND_SCHEMAS } from '../../src/core/kinds.js';
import { deferIfUnordered, deferIndexes, DEFER_MIN_ROWS, FAR_BACK_MS, ImportWriter, OrderWatch, outOfOrder } from '../../src/db/imports.js';
import { NEW_DB_PAGE_SIZE } from '../../src/db/open.js';
import type { Cell } from '../../src/io/rows.js';
import { openDb, type Db } from '../../src/db/open.js';
import { importFile, type ImportOptions } from '../../src/io/importFile.js';
import { tmpDir } from '../helpers/tmp.js';

const DIALECT: Dialect = { headers: 'en', encoding: 'utf8', eol: '\n', delimiter: ',', ts: 'dash_sec', bools: '10' };

function opts(input: string, extra: Partial<ImportOptions> = {}): ImportOptions {
  return { kind: 'records', input, delimiter: ',', skipInvalid: false, timezone: 'Asia/Shanghai', aliases: {}, worker: 'never', lang: 'en', ...extra };
}

/** A records export of `count` rows of October, ids in order and times at random (an unordered export). */
function exportFile(dir: string, name: string, count: number, seed: number, month = 10): string {
  const file = path.join(dir, name);
  writeRecordsFile(file, records(2026, month, count, seed, 'SR', 'random'), DIALECT, seed);
  return file;
}

function indexes(d: Db): { name: string; sql: string }[] {
  return d.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name`).all() as { name: string; sql: string }[];
}

/** The month's repairs read through the index and by a full table scan: equal when the index holds exactly the table's rows. */
function throughIndexAndTable(d: Db): [unknown[], unknown[]] {
  const q = (how: string): unknown[] =>
    d
      .prepare(
        `SELECT record_type, occurred_at, rank, record_id, customer_id, completed_at FROM records ${how}
         WHERE record_type = 'repair' AND occurred_at >= 0 ORDER BY occurred_at, rank, record_id`,
      )
      .all();
  return [q('INDEXED BY records_stratum'), q('NOT INDEXED')];
}

describe('deferIndexes', () => {
  it('defers only for a big file that at least doubles the table', () => {
    expect(deferIndexes(1_000_000, 0)).toBe(true);
    expect(deferIndexes(1_000_000, 1_000_000)).toBe(true);
    expect(deferIndexes(100_000, 3_000_000)).toBe(false);
    expect(deferIndexes(DEFER_MIN_ROWS - 1, 0)).toBe(false);
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), (expected, existing) => {
        // Never for a small file; never when the table holds more than the file brings.
        if (deferIndexes(expected, existing)) return expected >= DEFER_MIN_ROWS && expected >= existing;
        return expected < DEFER_MIN_ROWS || expected < existing;
      }),
    );
  });
});

describe('deferIfUnordered, outOfOrder', () => {
  it('between the two thresholds the first batch decides', () => {
    expect(deferIfUnordered(1_000_000, 3_000_000)).toBe(true);
    expect(deferIfUnordered(1_000_000, 3_000_001)).toBe(false);
    expect(deferIfUnordered(1_000_000, 500_000)).toBe(false); // deferred at BEGIN already
    expect(deferIfUnordered(DEFER_MIN_ROWS - 1, 20_000)).toBe(false);
  });

  it('time order, or concatenated exports each in order, is in order; shuffled is not', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 2, maxLength: 600 }), fc.integer({ min: 1, max: 4 }), (xs, parts) => {
        // `parts` sorted runs back to back: at most parts - 1 steps back, so in order once there are 31+ rows.
        const size = Math.ceil(xs.length / parts);
        const runs = Array.from({ length: parts }, (_, i) => xs.slice(i * size, (i + 1) * size).sort((a, b) => a - b)).flat();
        if (runs.length >= 31) return !outOfOrder(runs);
        return !outOfOrder(runs) || parts - 1 > 0.1 * (runs.length - 1);
      }),
    );
    const shuffled = Array.from({ length: 500 }, (_, i) => (i * 7919) % 500);
    expect(outOfOrder(shuffled)).toBe(true);
    expect(outOfOrder([5])).toBe(false);
  });
});

describe('OrderWatch', () => {
  const HOUR = 3_600_000;
  /** Feed `times` in batches of 500; the batch number at which it said "unordered", or -1. */
  const verdict = (times: number[]): number => {
    const w = new OrderWatch();
    for (let b = 0; b * 500 < times.length; b++) if (w.unordered(times.slice(b * 500, (b + 1) * 500))) return b;
    return -1;
  };

  it('an export in time order, or grouped by hour with steps back of up to a day, stays in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 * 24 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 20, max: 3000 }), (hours, perGroup) => {
        // Groups of 20+ rows (fewer than 10 % steps back in any batch), each in order, each starting up to a day before the previous group ended.
        const times: number[] = [];
        let t = 0;
        for (const h of hours.sort((a, b) => a - b)) {
          const start = Math.max(0, Math.min(t - (h % 24) * HOUR, h * HOUR));
          for (let i = 0; i < perGroup; i++) times.push(start + i * 1000);
          t = times[times.length - 1]!;
        }
        return verdict(times) === -1;
      }),
      { numRuns: 60 },
    );
  });

  it('branch exports concatenated (each sweeping the month again) are out of order at the second far step back', () => {
    const month = 30 * 24 * HOUR;
    const branch = Array.from({ length: 2000 }, (_, i) => Math.floor((i * month) / 2000));
    expect(verdict([...branch, ...branch])).toBe(-1); // one sweep back: still cheaper row by row
    expect(verdict([...branch, ...branch, ...branch])).toBe(8); // the second far step, at row 4,000
    // Sorted by department, times in order inside each: the same.
    expect(verdict(Array.from({ length: 3 }, () => branch.slice(0, 700)).flat())).toBe(2);
  });

  it('a step back of a day or less never counts; more than a day does', () => {
    const w = new OrderWatch();
    // One row per batch: no batch is out of order, only the steps between them count.
    for (const t of [10, 9, 8, 7, 6]) expect(w.unordered([t * FAR_BACK_MS])).toBe(false);
    expect(w.unordered([4 * FAR_BACK_MS])).toBe(false); // one far step
    expect(w.unordered([3 * FAR_BACK_MS - 1])).toBe(true); // the second
  });

  it('a batch shuffled anywhere in the file makes it unordered at that batch, not only the first', () => {
    const ordered = Array.from({ length: 2000 }, (_, i) => i * 1000);
    const shuffled = Array.from({ length: 500 }, (_, i) => 2_000_000 + ((i * 7919) % 500) * 1000);
    expect(verdict([...ordered, ...shuffled])).toBe(4);
  });
});

/** A batch of records rows for ImportWriter.writeRows, with these times. */
function batch(prefix: string, times: number[]): { values: Cell[]; lines: number[] } {
  const values: Cell[] = [];
  times.forEach((at, i) => {
    const v: Record<string, Cell> = { record_id: `${prefix}${i}`, record_type: i % 2 ? 'repair' : 'consult', occurred_at: at };
    values.push(...KIND_SCHEMAS.records.fields.map((f) => v[f.name] ?? null), null);
  });
  return { values, lines: times.map((_, i) => i + 2) };
}

describe('import with the indexes rebuilt after the rows', () => {
  it('leaves the same indexes, holding exactly the rows (integrity check, index vs table scan)', async () => {
    const dir = tmpDir();
    const file = exportFile(dir, 'big.csv', 12_000, 7);
    const d = openDb(path.join(dir, 'qa.sqlite'));
    const before = indexes(d);
    const s = await importFile(d, opts(file));
    expect(s.committed).toBe(true);
    expect(s.inserted).toBe(12_000);
    expect(indexes(d)).toEqual(before);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    const [viaIndex, viaTable] = throughIndexAndTable(d);
    expect(viaIndex.length).toBeGreaterThan(1000);
    expect(viaIndex).toEqual(viaTable);
    const plan = (d.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM records WHERE record_type = 'repair' AND occurred_at >= 0`).all() as { detail: string }[]).map((p) => p.detail);
    expect(plan.join('\n')).toMatch(/records_stratum/);
  });

  it('the writer drops the indexes for a big file into an empty table and has them back at commit', () => {
    const d = openDb(path.join(tmpDir(), 'qa.sqlite'));
    const before = indexes(d);
    expect(before.length).toBeGreaterThan(0);
    const w = new ImportWriter(d, 'records');
    w.begin({ file: 'x', encoding: 'utf8', bytes: 0, skipInvalid: false, expectedRows: 50_000 });
    expect(w.indexesDeferred).toBe(true);
    expect(indexes(d)).toEqual([]);
    w.commit({ sha256: 'x', rows: 0, rejected: 0 });
    expect(indexes(d)).toEqual(before);
  });

  it('a UNIQUE index is never dropped: it keeps checking row by row', () => {
    const d = openDb(path.join(tmpDir(), 'qa.sqlite'));
    d.exec('CREATE UNIQUE INDEX records_test_unique ON records(customer_id, occurred_at)');
    const w = new ImportWriter(d, 'records');
    w.begin({ file: 'x', encoding: 'utf8', bytes: 0, skipInvalid: false, expectedRows: 50_000 });
    expect(w.indexesDeferred).toBe(true);
    expect(indexes(d).map((i) => i.name)).toEqual(['records_test_unique']);
    w.rollback();
    expect(indexes(d).map((i) => i.name)).toContain('records_stratum');
  });

  it('an import refused for an invalid row leaves the indexes and the table as they were', async () => {
    const dir = tmpDir();
    const file = exportFile(dir, 'bad.csv', 12_000, 9);
    // A bad record_type on the last row: everything before it was written, then rolled back.
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    text[text.length - 1] = text[text.length - 1]!.replace(/,(consult|contract|delivery|repair|return),/, ',teleport,');
    fs.writeFileSync(file, `${text.join('\n')}\n`);
    const d = openDb(path.join(dir, 'qa.sqlite'));
    const before = indexes(d);
    const s = await importFile(d, opts(file));
    expect(s.committed).toBe(false);
    expect(s.errors.length).toBeGreaterThan(0);
    expect(indexes(d)).toEqual(before);
    expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(0);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a file of a third of the table or more: dropped at the first batch when out of time order, kept when in order', async () => {
    const dir = tmpDir();
    const d = openDb(path.join(dir, 'qa.sqlite'));
    await importFile(d, opts(exportFile(dir, 'oct.csv', 20_000, 13)));
    const before = indexes(d);
    const nov = Date.parse('2026-11-01T00:00:00+08:00');
    for (const [label, times, dropped] of [
      ['shuffled', Array.from({ length: 500 }, (_, i) => nov + ((i * 7919) % 500) * 60_000), true],
      ['in order', Array.from({ length: 500 }, (_, i) => nov + i * 60_000), false],
    ] as const) {
      const w = new ImportWriter(d, 'records');
      w.begin({ file: `${label}.csv`, encoding: 'utf8', bytes: 0, skipInvalid: false, expectedRows: 12_000 });
      expect(w.indexesDeferred, label).toBe(false);
      const b = batch(label, [...times]);
      w.writeRows(b.values, b.lines);
      expect(w.indexesDeferred, label).toBe(dropped);
      w.commit({ sha256: label, rows: 500, rejected: 0 });
      expect(indexes(d), label).toEqual(before);
      expect(d.pragma('integrity_check', { simple: true }), label).toBe('ok');
    }
    expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(21_000);
  });

  it('a file of a third of the table or more: a later batch out of order drops the indexes then', async () => {
    const dir = tmpDir();
    const d = openDb(path.join(dir, 'qa.sqlite'));
    await importFile(d, opts(exportFile(dir, 'oct.csv', 20_000, 17)));
    const before = indexes(d);
    const nov = Date.parse('2026-11-01T00:00:00+08:00');
    const w = new ImportWriter(d, 'records');
    w.begin({ file: 'late.csv', encoding: 'utf8', bytes: 0, skipInvalid: false, expectedRows: 12_000 });
    for (let b = 0; b < 3; b++) {
      const inOrder = batch(`L${b}-`, Array.from({ length: 500 }, (_, i) => nov + (b * 500 + i) * 60_000));
      w.writeRows(inOrder.values, inOrder.lines);
      expect(w.indexesDeferred).toBe(false);
    }
    const late = batch('L3-', Array.from({ length: 500 }, (_, i) => nov + ((i * 7919) % 500) * 60_000));
    w.writeRows(late.values, late.lines);
    expect(w.indexesDeferred).toBe(true);
    w.commit({ sha256: 'late', rows: 2000, rejected: 0 });
    expect(indexes(d)).toEqual(before);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    const [viaIndex, viaTable] = throughIndexAndTable(d);
    expect(viaIndex).toEqual(viaTable);
    // The rebuild's helper thread and small sort runs are for the rebuild only.
    expect(d.pragma('threads', { simple: true })).toBe(0);
    expect(d.pragma('cache_size', { simple: true })).toBe(-16384);
  });

  it('a new database has 16 KiB pages; an existing one keeps its own', () => {
    const dir = tmpDir();
    const d = openDb(path.join(dir, 'new.sqlite'));
    expect(d.pragma('page_size', { simple: true })).toBe(NEW_DB_PAGE_SIZE);
    d.close();
    const old = path.join(dir, 'old.sqlite');
    const raw = new (d.constructor as new (f: string) => Db)(old);
    raw.pragma('page_size = 4096');
    raw.exec('CREATE TABLE t (x)');
    raw.exec('DROP TABLE t');
    raw.close();
    const o = openDb(old);
    expect(o.pragma('page_size', { simple: true })).toBe(4096);
    expect(o.prepare('SELECT count(*) FROM records').pluck().get()).toBe(0);
  });

  it('a small delta into a bigger table keeps the indexes up to date as it goes', async () => {
    const dir = tmpDir();
    const d = openDb(path.join(dir, 'qa.sqlite'));
    await importFile(d, opts(exportFile(dir, 'oct.csv', 12_000, 11)));
    const w = new ImportWriter(d, 'records');
    w.begin({ file: 'nov.csv', encoding: 'utf8', bytes: 0, skipInvalid: false, expectedRows: 11_000 });
    expect(w.indexesDeferred).toBe(false);
    w.rollback();
    const s = await importFile(d, opts(exportFile(dir, 'nov.csv', 200, 12, 11)));
    expect(s.inserted).toBe(200);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
