import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { importFile, type ImportOptions } from '../../src/io/importFile.js';
import type { Kind } from '../../src/core/kinds.js';
import { BROKEN, EXPORTS, tmpDir } from '../helpers/tmp.js';

function db(): Db {
  return openDb(path.join(tmpDir(), 'qa.sqlite'));
}

function opts(kind: Kind, input: string, extra: Partial<ImportOptions> = {}): ImportOptions {
  return { kind, input, delimiter: ',', skipInvalid: false, timezone: 'Asia/Shanghai', aliases: {}, worker: 'never', lang: 'en', ...extra };
}

/** Everything a test can see in the database, to assert "unchanged". */
function snapshot(d: Db): string {
  const tables = ['imports', 'rejects', 'records', 'calls', 'complaints', 'surveys'];
  return JSON.stringify(tables.map((t) => d.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('import: every dialect of the fixtures', () => {
  it('UTF-8 with BOM, English headers, CRLF, ISO with offsets, yes/no, extra columns', async () => {
    const d = db();
    const s = await importFile(d, opts('records', path.join(EXPORTS, 'records-2026-09.csv')));
    expect(s).toMatchObject({ rows: 1204, inserted: 1204, updated: 0, unchanged: 0, rejected: 0, committed: true, encoding: 'utf8' });
    expect(s.extra_columns).toEqual(['store', 'order_amount']);
    const r = d.prepare(`SELECT * FROM records WHERE record_id = 'SR-202609-00001'`).get() as Record<string, unknown>;
    expect(r).toMatchObject({ record_type: 'repair', department: '技术部', staff_id: 'JS03', remote: 0, first_time_fix: 1, line: 2 });
    expect(iso(r.occurred_at as number)).toBe('2026-09-01T00:03:08.000Z');
    expect(JSON.parse(r.extras as string)).toEqual({ store: '线上', order_amount: '2894' });
    // A UTC timestamp late on 30 September is 1 October in Shanghai.
    const x = d.prepare(`SELECT occurred_at FROM records WHERE record_id = 'SR-202609-X1'`).pluck().get() as number;
    expect(iso(x)).toBe('2026-09-30T17:15:00.000Z');
  });

  it('GB18030, Chinese headers and record types, slash dates, 是/否, quoted newlines', async () => {
    const d = db();
    const s = await importFile(d, opts('records', path.join(EXPORTS, 'records-2026-10.csv')));
    expect(s).toMatchObject({ rows: 1500, inserted: 1500, rejected: 0, encoding: 'gb18030' });
    const types = d.prepare('SELECT record_type, count(*) n FROM records GROUP BY 1 ORDER BY 1').all() as { record_type: string }[];
    expect(types.map((t) => t.record_type)).toEqual(['consult', 'contract', 'delivery', 'repair', 'return']);
    const note = d.prepare(`SELECT notes FROM records WHERE notes LIKE '%\n%' LIMIT 1`).pluck().get() as string;
    expect(note).toBe('退租验收：镜头有轻微划痕，已拍照存档\n客户已签字确认');
    const quoted = d.prepare(`SELECT count(*) FROM records WHERE notes = '客户要求加急，"今天必须到"'`).pluck().get() as number;
    expect(quoted).toBeGreaterThan(0);
  });

  it('calls with H:MM:SS durations and Chinese headers; calls with mixed timestamp forms', async () => {
    const d = db();
    const a = await importFile(d, opts('calls', path.join(EXPORTS, 'calls-2026-09.csv')));
    const b = await importFile(d, opts('calls', path.join(EXPORTS, 'calls-2026-10.csv')));
    expect(a.rejected + b.rejected).toBe(0);
    expect(a.rows).toBe(569);
    expect(b.rows).toBe(645);
    const shortest = d.prepare('SELECT min(duration_seconds) FROM calls').pluck().get() as number;
    expect(shortest).toBeGreaterThanOrEqual(0);
  });

  it('complaints and surveys', async () => {
    const d = db();
    expect((await importFile(d, opts('complaints', path.join(EXPORTS, 'complaints.csv')))).inserted).toBe(32);
    expect((await importFile(d, opts('surveys', path.join(EXPORTS, 'surveys-2026-09.csv')))).inserted).toBe(229);
    expect((await importFile(d, opts('surveys', path.join(EXPORTS, 'surveys-2026-10.csv')))).encoding).toBe('gb18030');
  });

  it('semicolon and tab delimiters', async () => {
    const d = db();
    expect((await importFile(d, opts('records', path.join(EXPORTS, 'records-semicolon.csv'), { delimiter: ';' }))).inserted).toBe(5);
    expect((await importFile(d, opts('records', path.join(EXPORTS, 'records-tab.tsv'), { delimiter: '\t' }))).unchanged).toBe(5);
  });

  it('config column aliases map other headers', async () => {
    const d = db();
    const dir = tmpDir();
    const f = path.join(dir, 'r.csv');
    fs.writeFileSync(f, '单据号,业务类型,时间\nQ-1,维修,2026-10-08 10:00\n');
    const s = await importFile(d, opts('records', f, { aliases: { record_id: ['单据号'], record_type: ['业务类型'], occurred_at: ['时间'] } }));
    expect(s.inserted).toBe(1);
  });
});

describe('import: re-import and updates', () => {
  it('importing the same file again changes nothing but the import log', async () => {
    const d = db();
    const f = path.join(EXPORTS, 'records-2026-10.csv');
    await importFile(d, opts('records', f));
    const before = JSON.stringify(d.prepare('SELECT * FROM records ORDER BY record_id').all());
    const s = await importFile(d, opts('records', f));
    expect(s).toMatchObject({ rows: 1500, inserted: 0, updated: 0, unchanged: 1500 });
    expect(JSON.stringify(d.prepare('SELECT * FROM records ORDER BY record_id').all())).toBe(before);
    expect(d.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(2);
  });

  it('a re-export that fills in completed_at updates those rows and records the import', async () => {
    const d = db();
    await importFile(d, opts('records', path.join(EXPORTS, 'records-2026-10.csv')));
    const open = d.prepare('SELECT count(*) FROM records WHERE completed_at IS NULL').pluck().get() as number;
    const s = await importFile(d, opts('records', path.join(EXPORTS, 'records-2026-10-reexport.csv')));
    expect(s.updated).toBe(607);
    expect(s.inserted).toBe(0);
    expect(d.prepare('SELECT count(*) FROM records WHERE completed_at IS NULL').pluck().get()).toBe(open - 607);
    const changed = d.prepare(`SELECT import_id FROM records WHERE status = '已完成' AND import_id = ?`).all(s.import_id);
    expect(changed.length).toBe(607);
  });

  it('provenance: file name, sha256 and counts are recorded', async () => {
    const d = db();
    const f = path.join(EXPORTS, 'surveys-2026-09.csv');
    const s = await importFile(d, opts('surveys', f));
    const row = d.prepare('SELECT * FROM imports WHERE id = ?').get(s.import_id) as Record<string, unknown>;
    const crypto = await import('node:crypto');
    expect(row).toMatchObject({ kind: 'surveys', file: f, rows: 229, inserted: 229, rejected: 0, encoding: 'utf8' });
    expect(row.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'));
  });
});

describe('import: bad input never half-writes', () => {
  const cases: [string, Kind, RegExp | null, { line: number; column: string; message: RegExp }[]][] = [
    ['empty.csv', 'records', /the file is empty \(0 bytes\)/, []],
    ['binary.csv', 'records', /not a CSV text file \(it contains NUL bytes\)/, []],
    ['missing-column.csv', 'records', /missing required column record_type .*found: record_id, occurred_at, department/, []],
    ['unterminated-quote.csv', 'records', /a quoted field is never closed/, []],
    ['impossible-date.csv', 'records', null, [
      { line: 3, column: 'occurred_at', message: /"2026-02-30 10:00" is not a real date/ },
      { line: 3, column: 'first_response_at', message: /not a real date/ },
    ]],
    ['unknown-type.csv', 'records', null, [{ line: 3, column: 'record_type', message: /"rental" is not a record type/ }]],
    ['negative-duration.csv', 'calls', null, [{ line: 3, column: 'duration_seconds', message: /"-5" is negative/ }]],
    ['duplicate-id.csv', 'records', null, [{ line: 4, column: 'record_id', message: /"B-1" appears twice in this file \(first on line 2\)/ }]],
    ['bad-quotes.csv', 'records', null, [{ line: 3, column: '(row)', message: /text after a closing quote/ }]],
    ['field-count.csv', 'records', null, [{ line: 3, column: '(row)', message: /has 3 fields but the header has 17/ }]],
    ['bad-bool.csv', 'records', null, [{ line: 2, column: 'remote', message: /"maybe" is not a yes\/no value/ }]],
  ];

  for (const [file, kind, fatal, rowErrors] of cases) {
    it(`${file}: ${fatal ? 'fails' : 'lists every bad row'} and leaves the database as it was`, async () => {
      const d = db();
      await importFile(d, opts('surveys', path.join(EXPORTS, 'surveys-2026-09.csv')));
      const before = snapshot(d);
      const p = importFile(d, opts(kind, path.join(BROKEN, file)));
      if (fatal) {
        await expect(p).rejects.toThrow(fatal);
      } else {
        const s = await p;
        expect(s.committed).toBe(false);
        expect(s.inserted).toBe(0);
        expect(s.errors.length).toBe(rowErrors.length);
        rowErrors.forEach((e, i) => {
          expect(s.errors[i]).toMatchObject({ line: e.line, column: e.column });
          expect(s.errors[i]!.message).toMatch(e.message);
        });
      }
      expect(snapshot(d)).toBe(before);
      expect(d.inTransaction).toBe(false);
    });
  }

  it('a fatal error names the file and the line', async () => {
    const d = db();
    await expect(importFile(d, opts('records', path.join(BROKEN, 'unterminated-quote.csv')))).rejects.toMatchObject({
      where: `${path.join(BROKEN, 'unterminated-quote.csv')} line 3`,
    });
  });

  it('a GB18030 file forced to UTF-8 is refused with the line and a hint', async () => {
    const d = db();
    await expect(importFile(d, opts('records', path.join(BROKEN, 'gbk-forced-utf8.csv'), { encoding: 'utf8' }))).rejects.toMatchObject({
      message: expect.stringMatching(/not valid UTF-8/),
      where: `${path.join(BROKEN, 'gbk-forced-utf8.csv')} line 1, byte 0`,
      hint: expect.stringMatching(/--encoding gb18030/),
    });
  });

  it('a header-only file is a quiet day: 0 rows, recorded as an import', async () => {
    const d = db();
    const s = await importFile(d, opts('records', path.join(BROKEN, 'header-only.csv')));
    expect(s).toMatchObject({ rows: 0, inserted: 0, committed: true });
    expect(d.prepare('SELECT rows FROM imports').pluck().all()).toEqual([0]);
  });

  it('--skip-invalid writes the valid rows and keeps each rejected row with its text, line and reason', async () => {
    const d = db();
    const s = await importFile(d, opts('records', path.join(BROKEN, 'impossible-date.csv'), { skipInvalid: true }));
    expect(s).toMatchObject({ rows: 3, inserted: 2, rejected: 1, committed: true });
    const rej = d.prepare('SELECT import_id, line, raw, reason FROM rejects').all() as Record<string, unknown>[];
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ import_id: s.import_id, line: 3 });
    expect(rej[0]!.raw).toContain('B-2,consult,2026-02-30 10:00');
    expect(rej[0]!.reason).toBe('occurred_at: "2026-02-30 10:00" is not a real date; first_response_at: "2026-02-30 10:00" is not a real date');
  });

  it('--skip-invalid keeps a malformed (bad quotes) row as it was read', async () => {
    const d = db();
    await importFile(d, opts('records', path.join(BROKEN, 'bad-quotes.csv'), { skipInvalid: true }));
    const raw = d.prepare('SELECT raw FROM rejects').pluck().get() as string;
    expect(raw).toBe('B-2,consult,2026-10-08 10:00,客服部,KF01,KH00001,13800001234,phone,,,,,,,,已完成,"closed"then text');
  });
});

describe('import: extra column names are unique (review fix)', () => {
  it('a repeated header and a blank header clashing with a written one keep every value', async () => {
    const d = db();
    const f = path.join(tmpDir(), 'extras.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at,x,x,,column_6,x_2\nE1,consult,2026-10-21 09:30,a,b,c,d,e\n');
    const s = await importFile(d, opts('records', f));
    expect(s.extra_columns).toEqual(['x', 'x_3', 'column_6_2', 'column_6', 'x_2']);
    const extras = d.prepare(`SELECT extras FROM records WHERE record_id = 'E1'`).pluck().get() as string;
    expect(JSON.parse(extras)).toEqual({ x: 'a', x_3: 'b', column_6_2: 'c', column_6: 'd', x_2: 'e' });
  });

  it('onReject gets masked problems and cells unless unmask', async () => {
    const f = path.join(tmpDir(), 'ph.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at,remote,notes\nE1,consult,2026-10-21 09:30,13812345678,客户手机 13912345678 回电\n');
    const seen: { raw: string | null; value: string }[] = [];
    const onReject = (r: { problems: { value: string }[]; raw: string | null }): void => {
      seen.push({ raw: r.raw, value: r.problems[0]!.value });
    };
    const s = await importFile(db(), opts('records', f, { onReject, keepRejectedText: true }));
    expect(s.errors[0]!.message).toBe('"138****5678" is not a yes/no value (yes/no, true/false, 1/0, Y/N, 是/否)');
    await importFile(db(), opts('records', f, { onReject, keepRejectedText: true, unmask: true }));
    expect(seen).toEqual([
      { raw: 'E1,consult,2026-10-21 09:30,138****5678,客户手机 139****5678 回电', value: '138****5678' },
      { raw: 'E1,consult,2026-10-21 09:30,13812345678,客户手机 13912345678 回电', value: '13812345678' },
    ]);
  });
});
