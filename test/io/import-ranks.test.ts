/**
 * The sampling rank of every imported row is rankOf(seed, kind, id)
 * (SPEC §3), whichever thread computed it: the parsing worker when the
 * writer is behind, the writer (db/imports.ts writeRows) otherwise.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { records, writeRecordsFile, type Dialect } from '../../fixtures/generate.js';
import { rankOf } from '../../src/core/rank.js';
import { metaGet, openDb, type Db } from '../../src/db/open.js';
import { importFile, type ImportOptions } from '../../src/io/importFile.js';
import { produce, type ProducerMessage } from '../../src/io/producer.js';
import { runQa } from '../helpers/run.js';
import { tmpDir } from '../helpers/tmp.js';

const DIALECT: Dialect = { headers: 'en', encoding: 'utf8', eol: '\n', delimiter: ',', ts: 'dash_sec', bools: '10' };

function opts(input: string, worker: 'never'): ImportOptions {
  return { kind: 'records', input, delimiter: ',', skipInvalid: false, timezone: 'Asia/Shanghai', aliases: {}, worker, lang: 'en' };
}

function wrongRanks(d: Db): number {
  const seed = metaGet(d, 'seed') ?? '';
  const rows = d.prepare('SELECT record_id, rank FROM records').all() as { record_id: string; rank: number }[];
  expect(rows.length).toBeGreaterThan(0);
  return rows.filter((r) => r.rank !== rankOf(seed, 'records', r.record_id)).length;
}

describe('sampling ranks of imported rows', () => {
  it('are rankOf(seed, kind, id) for every row (inline)', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'oct.csv');
    writeRecordsFile(file, records(2026, 10, 6000, 21, 'SR', 'random'), DIALECT, 21);
    const d = openDb(path.join(dir, 'qa.sqlite'));
    const s = await importFile(d, opts(file, 'never'));
    expect(s.inserted).toBe(6000);
    expect(wrongRanks(d)).toBe(0);
  });

  it('are rankOf(seed, kind, id) for every row (worker thread: batches ranked on either side)', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'oct.csv');
    writeRecordsFile(file, records(2026, 10, 30_000, 23, 'SR', 'random'), DIALECT, 23);
    const db = path.join(dir, 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', file], { env: { QA_IMPORT_WORKER: 'always' } });
    expect(r.code, r.stderr).toBe(0);
    const d = openDb(db);
    expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(30_000);
    expect(wrongRanks(d)).toBe(0);
  });

  it('the producer leaves a batch without ranks when told the writer has time, and ranks it otherwise', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'oct.csv');
    writeRecordsFile(file, records(2026, 10, 1200, 22), DIALECT, 22);
    let turn = 0;
    const batches: (Float64Array | null)[] = [];
    await produce(
      { kind: 'records', file, display: 'oct.csv', encoding: null, delimiter: null, maxRecordBytes: 1 << 20, lang: 'en', timezone: 'Asia/Shanghai', aliases: {}, keepRaw: false, stopRowsOnProblem: true, batchSize: 500, expectedRows: 1200, rankSeed: 'abc' },
      {
        emit: (m: ProducerMessage) => {
          if (m.t === 'rows') batches.push(m.ranks);
          if (m.t === 'error' || m.t === 'crash') throw new Error(m.message);
        },
        rankHere: () => turn++ % 2 === 0,
      },
    );
    expect(batches.map((b) => (b ? b.length : null))).toEqual([500, null, 200]);
  });
});
