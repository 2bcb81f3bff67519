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
import { deferIndexes, DEFER_MIN_ROWS, ImportWriter } from '../../src/db/imports.js';
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
