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
    ['records', 'binary.csv', 'qa: error: this is not a CSV text file (it contains NUL bytes) (BROKEN/binary.csv line 2, byte 61)\nhint: export the data as CSV; a spreadsheet (.xlsx) or binary file cannot be imported. Excel "Unicode Text" without a byte-order mark: pass --encoding utf16le\n'],
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

  it('--json prints one summary document also when the file cannot be read at all (SPEC §1: one JSON document)', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', 'records', path.join(BROKEN, 'missing-column.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qa: error: missing required column record_type');
    const doc = json<Record<string, unknown>>(r);
    expect(Object.keys(doc).slice(0, 9)).toEqual(['kind', 'file', 'sha256', 'rows', 'inserted', 'updated', 'unchanged', 'rejected', 'errors']);
    expect(doc).toMatchObject({ committed: false, rows: 0, errors: [{ line: 1, column: null, message: expect.stringContaining('missing required column record_type') }] });
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

  it('the same file imported again with --skip-invalid keeps its rejected rows once, with the first import', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const file = path.join(BROKEN, 'unknown-type.csv');
    expect(runQa(['--db', db, 'import', 'records', file, '--skip-invalid']).code).toBe(0);
    const again = runQa(['--db', db, 'import', 'records', file, '--skip-invalid']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/2 rows, 0 inserted, 0 updated, 1 unchanged, 1 rejected/);
    expect(again.stderr).toContain('(qa rejects --import 1)');
    expect(json<unknown[]>(runQa(['--db', db, '--json', 'rejects']))).toHaveLength(1);
    expect(json<unknown[]>(runQa(['--db', db, '--json', 'imports']))).toHaveLength(2); // both imports are on record
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

describe('review fixes: --rejects path, extras, masking, imports JSON, config', () => {
  const HINT = 'hint: name a file in an existing folder, e.g. --rejects rejects.csv\n';

  it('--rejects in a folder that does not exist is a usage error before anything is imported', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', path.join(BROKEN, 'unknown-type.csv'), '--rejects', '/nonexist/dir/rej.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qa: error: --rejects: the folder /nonexist/dir does not exist (/nonexist/dir/rej.csv)\n${HINT}`);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('--rejects naming a folder is a usage error; nothing is imported and no temp file is left', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const db = path.join(dir, 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', path.join(BROKEN, 'unknown-type.csv'), '--skip-invalid', '--rejects', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qa: error: --rejects names a folder, not a file (${out})\n${HINT}`);
    expect(fs.existsSync(db)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['out']);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('repeated and blank unknown headers keep every value under unique names', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'extras.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at,备注2,备注2,,column_6\nE1,consult,2026-10-21 09:30,first,second,blankhdr,named\n');
    const db = path.join(dir, 'qa.sqlite');
    const human = runQa(['--db', db, 'import', 'records', f]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('  extra columns kept: 备注2, 备注2_2, column_6_2, column_6\n');
    const s = json<{ extra_columns: string[] }>(runQa(['--db', db, '--json', 'import', 'records', f]));
    expect(s.extra_columns).toEqual(['备注2', '备注2_2', 'column_6_2', 'column_6']);
    const d = new Database(db, { readonly: true });
    const extras = d.prepare(`SELECT extras FROM records WHERE record_id = 'E1'`).pluck().get() as string;
    d.close();
    expect(JSON.parse(extras)).toEqual({ 备注2: 'first', 备注2_2: 'second', column_6_2: 'blankhdr', column_6: 'named' });
  });

  const PHONES = 'record_id,record_type,occurred_at,customer_phone,remote,notes\nE1,consult,2026-10-21 09:30,13700001111,13812345678,客户手机 13912345678 回电\nE2,consult,2026-10-21 09:30,,no,\n';

  it('a phone repeated in a problem message is masked on stderr, in --json, in --rejects FILE and in qa rejects', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'ph2.csv');
    fs.writeFileSync(f, PHONES);
    const db = path.join(dir, 'qa.sqlite');
    const out = path.join(dir, 'rej.csv');
    const r = runQa(['--db', db, 'import', 'records', f, '--skip-invalid', '--rejects', out], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ph2.csv:2: remote: "138****5678" is not a yes/no value');
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('"""138****5678"" is not a yes/no value');
    for (const s of [r.stdout + r.stderr, text]) {
      expect(s).not.toContain('13812345678');
      expect(s).not.toContain('13912345678');
      expect(s).not.toContain('13700001111');
    }
    const j = runQa(['--db', path.join(dir, 'other.sqlite'), '--json', 'import', 'records', f]);
    expect(j.code).toBe(1);
    expect(json<{ errors: { message: string }[] }>(j).errors[0]!.message).toBe('"138****5678" is not a yes/no value (yes/no, true/false, 1/0, Y/N, 是/否)');
    expect(j.stdout + j.stderr).not.toContain('13812345678');
    const rejects = json<{ reason: string; raw: string }[]>(runQa(['--db', db, '--json', 'rejects']));
    expect(rejects[0]!.reason).toBe('remote: "138****5678" is not a yes/no value (yes/no, true/false, 1/0, Y/N, 是/否)');
    const human = runQa(['--db', db, 'rejects']);
    expect(human.stdout).toContain('remote: "138****5678" is not a yes/no value');
    expect(human.stdout).not.toContain('13812345678');
    // --unmask shows them as written.
    const unmasked = json<{ reason: string }[]>(runQa(['--db', db, '--json', '--unmask', 'rejects']));
    expect(unmasked[0]!.reason).toContain('"13812345678"');
    const u = runQa(['--db', path.join(dir, 'u.sqlite'), '--unmask', 'import', 'records', f, '--rejects', path.join(dir, 'rej-u.csv')]);
    expect(u.stderr).toContain('ph2.csv:2: remote: "13812345678" is not a yes/no value');
    expect(fs.readFileSync(path.join(dir, 'rej-u.csv'), 'utf8')).toContain('客户手机 13912345678 回电');
  });

  it('--rejects FILE masks a phone typed in a free-text cell of the rejected row', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'ph2.csv');
    fs.writeFileSync(f, PHONES);
    const out = path.join(dir, 'rej.csv');
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'records', f, '--rejects', out]);
    expect(r.code).toBe(1);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('E1,consult,2026-10-21 09:30,137****1111,138****5678,客户手机 139****5678 回电');
    expect(text).not.toContain('13912345678');
  });

  it('qa imports --json shows min_at and max_at as ISO times like started_at', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'two.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at\nE1,consult,2026-10-21 09:30\nE2,consult,2026-10-01 08:00\n');
    const db = path.join(dir, 'qa.sqlite');
    expect(runQa(['--db', db, 'import', 'records', f]).code).toBe(0);
    const [imp] = json<Record<string, unknown>[]>(runQa(['--db', db, '--json', 'imports']));
    expect(imp).toMatchObject({ min_at: '2026-10-01T08:00:00+08:00', max_at: '2026-10-21T09:30:00+08:00' });
    expect(imp!.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const empty = path.join(dir, 'qa2.sqlite');
    expect(runQa(['--db', empty, 'import', 'records', path.join(BROKEN, 'header-only.csv')]).code).toBe(0);
    expect(json<Record<string, unknown>[]>(runQa(['--db', empty, '--json', 'imports']))[0]).toMatchObject({ min_at: null, max_at: null });
  });

  it('a config alias that is another column name or alias is a usage error naming the key', () => {
    const dir = tmpDir();
    const cases: [unknown, string][] = [
      [{ columns: { records: { notes: ['记录编号'] } } }, 'config key columns.records.notes: "记录编号" is already the name or a built-in alias of record_id; a header can mean one column only'],
      [{ columns: { records: { notes: ['Record ID'] } } }, 'config key columns.records.notes: "Record ID" is already the name or a built-in alias of record_id; a header can mean one column only'],
      [{ columns: { records: { notes: ['备注X'], department: ['备注x'] } } }, 'config key columns.records.department: "备注x" is already an alias of notes (columns.records.notes); a header can mean one column only'],
    ];
    for (const [conf, message] of cases) {
      const f = path.join(dir, 'qa.config.json');
      fs.writeFileSync(f, JSON.stringify(conf));
      const r = runQa(['--config', f, 'config', 'show']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`qa: error: ${message} (${f})\n`);
    }
    // Its own name, and aliases of different kinds, are fine.
    const ok = path.join(dir, 'ok.json');
    fs.writeFileSync(ok, JSON.stringify({ columns: { records: { notes: ['notes', '说明'] }, complaints: { category: ['说明'] } } }));
    expect(runQa(['--config', ok, 'config', 'show']).code).toBe(0);
  });

  it('invalid config JSON is reported on one line', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'bad.json');
    fs.writeFileSync(f, '{"a": x\n}\n');
    const r = runQa(['--config', f, 'config', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith('qa: error: the config file is not valid JSON: ')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`(${f})`);
  });

  it('an export wrong in every row: --json lists every problem (the later ones kept on disk, then removed), --rejects FILE has every one', () => {
    const dir = tmpDir();
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const f = path.join(dir, 'wrong.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => `W-${i},consul,2026-10-05 09:00`);
    fs.writeFileSync(f, `record_id,record_type,occurred_at\n${rows.join('\n')}\n`);
    const g = path.join(dir, 'wrong2.csv');
    fs.writeFileSync(g, `record_id,record_type,occurred_at\n${rows.slice(0, 1200).join('\n')}\n`);
    const db = path.join(dir, 'qa.sqlite');
    const j = runQa(['--db', db, '--json', 'import', 'records', f], { env: { TMPDIR: tmp } });
    expect(j.code).toBe(1);
    const s = JSON.parse(j.stdout) as { errors: { line: number; column: string; message: string }[]; errors_total: number; rejected: number };
    expect(s.errors).toHaveLength(3000);
    expect(s.errors.map((e) => e.line)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 2));
    expect(s.errors[2999]).toEqual({ line: 3001, column: 'record_type', message: '"consul" is not a record type (consult, contract, delivery, repair, return)' });
    expect([s.errors_total, s.rejected]).toEqual([3000, 3000]);
    // Formatted like any other --json output, and no spool left behind.
    expect(j.stdout).toBe(`${JSON.stringify(s, null, 2)}\n`);
    expect(fs.readdirSync(tmp)).toEqual([]);
    // Two files: an array of summaries, each with all its problems.
    const two = runQa(['--db', db, '--json', 'import', 'records', f, g], { env: { TMPDIR: tmp } });
    const both = JSON.parse(two.stdout) as { errors: unknown[] }[];
    expect(both.map((x) => x.errors.length)).toEqual([3000, 1200]);
    expect(two.stdout).toBe(`${JSON.stringify(both, null, 2)}\n`);
    expect(fs.readdirSync(tmp)).toEqual([]);
    const t = runQa(['--db', db, 'import', 'records', '--rejects', path.join(dir, 'rej.csv'), f]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('… and 2,950 more (all of them with --json or --rejects FILE)');
    expect(fs.readFileSync(path.join(dir, 'rej.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(3001);
  });
});
