import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { BROKEN, EXPORTS, tmpDir } from '../helpers/tmp.js';

function dump(file: string): string {
  if (!fs.existsSync(file)) return '(no database)';
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(['imports', 'rejects', 'records', 'calls'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
  } finally {
    db.close();
  }
}

describe('qa import (CLI)', () => {
  it('imports an export and prints the SPEC §2 JSON summary', () => {
    const dir = tmpDir();
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv'), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const s = json<Record<string, unknown>>(r);
    expect(Object.keys(s).slice(0, 9)).toEqual(['kind', 'file', 'sha256', 'rows', 'inserted', 'updated', 'unchanged', 'rejected', 'errors']);
    expect(s).toMatchObject({ kind: 'records', rows: 1500, inserted: 1500, updated: 0, unchanged: 0, rejected: 0, errors: [] });
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(path.join(dir, 'qa.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('prints a one-line human summary per file', () => {
    const dir = tmpDir();
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'surveys', path.join(EXPORTS, 'surveys-2026-09.csv'), path.join(EXPORTS, 'surveys-2026-10.csv')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/surveys-2026-09\.csv: 229 rows, 229 inserted, 0 updated, 0 unchanged, 0 rejected {2}\(surveys, utf8, \d+\.\d s\)$/);
    expect(lines[1]).toMatch(/surveys-2026-10\.csv: 249 rows, 249 inserted.*\(surveys, gb18030/);
  });

  it('several files with --json give an array, one summary per file', () => {
    const dir = tmpDir();
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), '--json', 'import', 'calls', path.join(EXPORTS, 'calls-2026-09.csv'), path.join(EXPORTS, 'calls-2026-10.csv')]);
    expect(r.code).toBe(0);
    const s = json<{ rows: number }[]>(r);
    expect(s.map((x) => x.rows)).toEqual([569, 645]);
  });

  it('reads stdin with -', () => {
    const dir = tmpDir();
    const input = fs.readFileSync(path.join(EXPORTS, 'surveys-2026-10.csv'));
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'surveys', '-', '--json'], { input });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ file: 'stdin', rows: 249, inserted: 249 });
  });

  it('uses QA_DB when --db is not given', () => {
    const dir = tmpDir();
    const r = runQa(['import', 'complaints', path.join(EXPORTS, 'complaints.csv')], { env: { QA_DB: path.join(dir, 'env.sqlite') } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'env.sqlite'))).toBe(true);
  });

  it('the worker-thread path writes exactly what the inline path writes', () => {
    const a = path.join(tmpDir(), 'a.sqlite');
    const b = path.join(tmpDir(), 'b.sqlite');
    const f = path.join(EXPORTS, 'records-2026-09.csv');
    expect(runQa(['--db', a, 'import', 'records', f], { env: { QA_IMPORT_WORKER: 'never' } }).code).toBe(0);
    expect(runQa(['--db', b, 'import', 'records', f], { env: { QA_IMPORT_WORKER: 'always' } }).code).toBe(0);
    const rows = (file: string): unknown[] => {
      const db = new Database(file, { readonly: true });
      // rank depends on each database's own seed; everything else must match.
      const r = db.prepare('SELECT * FROM records ORDER BY record_id').all().map((x) => ({ ...(x as object), rank: 0 }));
      db.close();
      return r;
    };
    expect(rows(b)).toEqual(rows(a));
  });

  it('the worker-thread path also rolls back on a bad row', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', path.join(BROKEN, 'impossible-date.csv')], { env: { QA_IMPORT_WORKER: 'always' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('impossible-date.csv:3: occurred_at: "2026-02-30 10:00" is not a real date');
    expect(dump(db)).toBe(JSON.stringify([[], [], [], []]));
  });
});

describe('qa import: bad input (exit 1, file:line: column: problem, database unchanged)', () => {
  const cases: [string, string, string][] = [
    ['records', 'empty.csv', 'qa: error: the file is empty (0 bytes): no header row (BROKEN/empty.csv)\nhint: an export with no rows still needs its header line\n'],
    ['records', 'binary.csv', 'qa: error: this is not a CSV text file (it contains NUL bytes) (BROKEN/binary.csv)\nhint: export the data as CSV; a spreadsheet (.xlsx) or binary file cannot be imported\n'],
    ['records', 'missing-column.csv', 'qa: error: missing required column record_type (记录类型, 服务类型); found: record_id, occurred_at, department (BROKEN/missing-column.csv line 1)\nhint: is this a records export? Map other header names with columns.records.<column> in qa.config.json\n'],
    ['records', 'unterminated-quote.csv', 'qa: error: a quoted field is never closed (BROKEN/unterminated-quote.csv line 3)\nhint: a field that starts with " must end with "; write a quote inside a quoted field as ""\n'],
    ['records', 'impossible-date.csv', 'BROKEN/impossible-date.csv:3: occurred_at: "2026-02-30 10:00" is not a real date\nBROKEN/impossible-date.csv:3: first_response_at: "2026-02-30 10:00" is not a real date\nqa: error: 1 invalid row; nothing was imported (BROKEN/impossible-date.csv)\nhint: fix them and import again, or pass --skip-invalid to import the valid rows and keep the rejected ones\n'],
    ['records', 'unknown-type.csv', 'BROKEN/unknown-type.csv:3: record_type: "rental" is not a record type (consult, contract, delivery, repair, return)\nqa: error: 1 invalid row; nothing was imported (BROKEN/unknown-type.csv)\nhint: fix them and import again, or pass --skip-invalid to import the valid rows and keep the rejected ones\n'],
    ['calls', 'negative-duration.csv', 'BROKEN/negative-duration.csv:3: duration_seconds: "-5" is negative; a duration cannot be\nqa: error: 1 invalid row; nothing was imported (BROKEN/negative-duration.csv)\nhint: fix them and import again, or pass --skip-invalid to import the valid rows and keep the rejected ones\n'],
    ['records', 'duplicate-id.csv', 'BROKEN/duplicate-id.csv:4: record_id: "B-1" appears twice in this file (first on line 2)\nqa: error: 1 invalid row; nothing was imported (BROKEN/duplicate-id.csv)\nhint: fix them and import again, or pass --skip-invalid to import the valid rows and keep the rejected ones\n'],
  ];
  for (const [kind, file, stderr] of cases) {
    it(file, () => {
      const db = path.join(tmpDir(), 'qa.sqlite');
      expect(runQa(['--db', db, 'import', 'surveys', path.join(EXPORTS, 'surveys-2026-09.csv')]).code).toBe(0);
      const before = dump(db);
      const r2 = runQa(['--db', db, 'import', kind, path.join(BROKEN, file)]);
      expect(r2.code).toBe(1);
      expect(r2.stdout).toBe('');
      expect(r2.stderr.replaceAll(BROKEN, 'BROKEN')).toBe(stderr);
      expect(dump(db)).toBe(before);
    });
  }

  it('--json lists every error and still exits 1', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', 'records', path.join(BROKEN, 'impossible-date.csv')]);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({
      rows: 3,
      inserted: 0,
      rejected: 1,
      errors: [
        { line: 3, column: 'occurred_at', message: '"2026-02-30 10:00" is not a real date' },
        { line: 3, column: 'first_response_at', message: '"2026-02-30 10:00" is not a real date' },
      ],
    });
  });

  it('--skip-invalid imports the rest, keeps rejects in the database, and qa rejects shows them masked', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', path.join(BROKEN, 'unknown-type.csv'), '--skip-invalid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 rows, 1 inserted, 0 updated, 0 unchanged, 1 rejected/);
    expect(r.stderr).toContain('qa: warning: 1 row rejected and kept in the database (qa rejects --import 1)');
    const j = json<{ line: number; raw: string; reason: string }[]>(runQa(['--db', db, '--json', 'rejects']));
    expect(j).toHaveLength(1);
    expect(j[0]).toMatchObject({ line: 3, reason: 'record_type: "rental" is not a record type (consult, contract, delivery, repair, return)' });
    expect(j[0]!.raw).toContain('138****1234');
    expect(j[0]!.raw).not.toContain('13800001234');
    const unmasked = json<{ raw: string }[]>(runQa(['--db', db, '--json', '--unmask', 'rejects']));
    expect(unmasked[0]!.raw).toContain('13800001234');
  });

  it('--rejects FILE writes every problem as Excel-ready CSV, phones masked', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'rejects.csv');
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'records', path.join(BROKEN, 'unknown-type.csv'), '--rejects', out]);
    expect(r.code).toBe(1);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFfile,line,column,problem,row\r\n')).toBe(true);
    expect(text).toContain(',3,record_type,"""rental"" is not a record type');
    expect(text).toContain('138****1234');
    expect(text).not.toContain('13800001234');
  });

  it('a header-only file is a quiet day: exit 0, 0 rows, recorded', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', 'records', path.join(BROKEN, 'header-only.csv')]);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ rows: 0, inserted: 0, rejected: 0 });
    expect(json<unknown[]>(runQa(['--db', db, '--json', 'imports']))).toHaveLength(1);
  });

  it('a missing file is exit 1 naming it', () => {
    const r = runQa(['--db', path.join(tmpDir(), 'qa.sqlite'), 'import', 'records', 'nope.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('qa: error: no such file (nope.csv)\n');
  });
});

describe('qa import: usage errors exit 2', () => {
  it('unknown kind', () => {
    const r = runQa(['import', 'orders', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: unknown kind "orders"\nhint: the kinds are records, calls, complaints, surveys; e.g. qa import records exports/records.csv\n');
  });
  it('unknown flag', () => {
    const r = runQa(['import', 'records', 'x.csv', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qa: error: unknown option '--frobnicate'/);
  });
  it('bad delimiter', () => {
    const r = runQa(['import', 'records', 'x.csv', '--delimiter', '::']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: --delimiter must be one character such as , ; | or tab, got "::"\n');
  });
  it('no file', () => {
    const r = runQa(['import', 'records']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('qa: error: name at least one file to import, or - for stdin');
  });
  it('bad --lang', () => {
    const r = runQa(['--lang', 'fr', 'config', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qa: error: option '--lang <lang>' argument 'fr' is invalid/);
  });
});

describe('languages', () => {
  it('--lang zh prints the summary and problems in Chinese; LANG=zh_CN does too', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const a = runQa(['--db', db, '--lang', 'zh', 'import', 'records', path.join(BROKEN, 'unknown-type.csv')]);
    expect(a.stderr).toContain('unknown-type.csv:3: record_type: "rental" 不是记录类型');
    expect(a.stderr).toContain('qa: error: 1 行无效，未导入任何数据');
    const b = runQa(['--db', db, 'import', 'records', path.join(BROKEN, 'header-only.csv')], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(b.stdout).toContain('0 行, 新增 0');
  });
});
