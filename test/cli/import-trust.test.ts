/**
 * Issue "Imports that never misread a real export" (SPEC §1–§2): each kind of
 * file real exports come in, through the built bin/qa — the right values in
 * the database, or a refusal naming the line and the fix, database untouched.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

const GBK: Record<string, number[]> = { 客: [0xbf, 0xcd], 服: [0xb7, 0xfe], 部: [0xb2, 0xbf] };
const gbk = (s: string): Buffer => Buffer.from([...s].flatMap((c) => GBK[c] ?? [c.charCodeAt(0)]));

function setup(): { dir: string; db: string; qa: (args: string[], input?: string) => ReturnType<typeof runQa> } {
  const dir = tmpDir();
  const db = path.join(dir, 'qa.sqlite');
  return { dir, db, qa: (args, input) => runQa(['--db', db, ...args], { cwd: dir, ...(input !== undefined ? { input } : {}) }) };
}

function query<T = Record<string, unknown>>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

function snapshot(db: string): string {
  if (!fs.existsSync(db)) return '(none)';
  return JSON.stringify(['imports', 'records', 'calls', 'surveys', 'row_versions'].map((t) => query(db, `SELECT * FROM ${t}`)));
}

describe('encodings: never a silent misread', () => {
  it('a UTF-8 file with one row pasted from a GBK source is refused naming both lines and the byte', () => {
    const { dir, db, qa } = setup();
    expect(qa(['import', 'records', path.join(EXPORTS, 'records-2026-09.csv')]).code).toBe(0);
    const before = snapshot(db);
    const file = path.join(dir, 'm1.csv');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('record_id,record_type,occurred_at,department\r\nSR-1,repair,2026/10/5 10:00,技术部\r\n'), gbk('SR-2,consult,2026/10/6 11:30,客服部'), Buffer.from('\r\n')]),
    );
    const r = qa(['import', 'records', 'm1.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qa: error: the file mixes encodings: line 2 looks like UTF-8, line 3 like GBK/GB18030 (m1.csv line 3, byte 114)');
    expect(r.stderr).toMatch(/hint: save the whole file in one encoding/);
    expect(snapshot(db)).toBe(before);
  });

  it('a UTF-8 file with one stray invalid byte is refused with its line and offset, never stored with U+FFFD', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 's.csv'), Buffer.concat([Buffer.from('record_id,record_type,occurred_at,department\nSR-1,repair,2026-10-05 10:00,客服部\nSR-2,repair,2026-10-05 11:00,技'), Buffer.from([0xff]), Buffer.from('术部\n')]));
    const r = qa(['import', 'records', 's.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qa: error: the file is not valid UTF-8: byte 0xFF at byte 116 cannot be decoded \(line 2 looks like UTF-8; line 3 like neither UTF-8 nor GBK\/GB18030\) \(s\.csv line 3, byte 116\)$/m);
    expect(fs.existsSync(db) ? query(db, 'SELECT * FROM records') : []).toEqual([]);
  });

  it('bytes that read as both UTF-8 and GBK are refused as ambiguous; --encoding decides', () => {
    const { dir, db, qa } = setup();
    // GBK 同一 (CD AC D2 BB) is valid UTF-8 too.
    fs.writeFileSync(path.join(dir, 'a.csv'), Buffer.concat([Buffer.from('record_id,record_type,occurred_at,department\nSR-1,repair,2026-10-05 10:00,'), Buffer.from([0xcd, 0xac, 0xd2, 0xbb]), Buffer.from('\n')]));
    const r = qa(['import', 'records', 'a.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot tell the encoding: line 2 reads as UTF-8');
    expect(r.stderr).toContain('hint: say which: --encoding gb18030');
    expect(qa(['import', 'records', 'a.csv', '--encoding', 'gbk']).code).toBe(0);
    expect(query(db, 'SELECT department FROM records')).toEqual([{ department: '同一' }]);
  });

  it('UTF-16LE "Unicode Text" (BOM FF FE, tab-separated) is detected and imported', () => {
    const { dir, db, qa } = setup();
    const text = 'call_id\tstarted_at\tagent_id\tduration_seconds\trecording_ref\r\nC-1\t2026-10-05 10:00\t坐席1\t60\trec/a, b.mp3\r\n';
    fs.writeFileSync(path.join(dir, 'u.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = qa(['import', 'calls', 'u.txt', '--json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ rows: 1, inserted: 1, encoding: 'utf16le' });
    expect(query(db, 'SELECT call_id, agent_id, recording_ref FROM calls')).toEqual([{ call_id: 'C-1', agent_id: '坐席1', recording_ref: 'rec/a, b.mp3' }]);
  });
});

describe('line ends, sep=, invisible characters, limits', () => {
  it('bare-CR line ends (Excel for Mac): every row imported, the month KPI computed', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'm5.csv'), 'survey_id,customer_id,surveyed_at,overall\rHF-1,KH1,2026/10/8 10:00,2\rHF-2,KH2,2026/10/9 10:00,5\r');
    const r = qa(['import', 'surveys', 'm5.csv', '--json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ rows: 2, inserted: 2, errors: [] });
    expect(query(db, 'SELECT survey_id, customer_id, overall, line FROM surveys ORDER BY 1')).toEqual([
      { survey_id: 'HF-1', customer_id: 'KH1', overall: 2, line: 2 },
      { survey_id: 'HF-2', customer_id: 'KH2', overall: 5, line: 3 },
    ]);
    const rep = json<{ kpis: { id: string; value: number | null; numerator: number; denominator: number }[] }>(qa(['report', '--month', '2026-10', '--json']));
    expect(rep.kpis.find((k) => k.id === 'satisfaction_rate')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('CR, LF and CRLF mixed in one file are all line ends', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'mix.csv'), 'record_id,record_type,occurred_at\r\nA,repair,2026-10-05 10:00\rB,repair,2026-10-05 11:00\nC,repair,2026-10-05 12:00\r\n');
    expect(qa(['import', 'records', 'mix.csv']).code).toBe(0);
    expect(query(db, 'SELECT record_id, line FROM records ORDER BY 1')).toEqual([
      { record_id: 'A', line: 2 },
      { record_id: 'B', line: 3 },
      { record_id: 'C', line: 4 },
    ]);
  });

  it("Excel's sep=; first line sets the delimiter and is not a header", () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'sep.csv'), 'sep=;\r\nrecord_id;record_type;occurred_at;notes\r\nSR-9;repair;2026/10/5 10:00;a, b\r\n');
    const r = qa(['import', 'records', 'sep.csv']);
    expect(r.code).toBe(0);
    expect(query(db, 'SELECT record_id, notes, line FROM records')).toEqual([{ record_id: 'SR-9', notes: 'a, b', line: 3 }]);
  });

  it('a zero-width space or BOM inside a header is removed before matching; other invisible characters are shown escaped', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'z.csv'), 'call_id\u200b,\uFEFFstarted_at,agent_id,duration_seconds\nC-1,2026-10-05 10:00,A1,60\n');
    expect(qa(['import', 'calls', 'z.csv']).code).toBe(0);
    expect(query(db, 'SELECT call_id FROM calls')).toEqual([{ call_id: 'C-1' }]);
    fs.writeFileSync(path.join(dir, 'y.csv'), 'call\u0007id,started_at,agent_id,duration_seconds\nC-2,2026-10-05 10:00,A1,60\n');
    const r = qa(['import', 'calls', 'y.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('found: call\\u0007id, started_at, agent_id, duration_seconds');
  });

  it('--max-record-bytes: the limit and the flag are named; a larger limit imports', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'long.csv'), `record_id,record_type,occurred_at,notes\nSR-1,repair,2026-10-05 10:00,"${'备'.repeat(3000)}"\n`);
    const r = qa(['import', 'records', 'long.csv', '--max-record-bytes', '2048']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qa: error: a record is longer than 2 KiB (the --max-record-bytes limit) (long.csv line 2)');
    expect(qa(['import', 'records', 'long.csv', '--max-record-bytes', '512']).code).toBe(2);
    expect(qa(['import', 'records', 'long.csv', '--max-record-bytes', '16K']).code).toBe(0);
    expect(query<{ n: number }>(db, 'SELECT length(notes) AS n FROM records')[0]!.n).toBe(3000);
  });
});

describe('concatenated and old-system exports', () => {
  it('a repeated header (cat of two exports, the second with a BOM), ="…" text guards and a DOS Ctrl-Z end: right values, in the worker thread too', () => {
    for (const worker of ['never', 'always']) {
      const dir = tmpDir();
      const db = path.join(dir, 'qa.sqlite');
      const head = gbk('record_id,record_type,occurred_at,customer_phone,department');
      const body = Buffer.concat([
        head, Buffer.from('\r'),
        gbk('A,repair,2026-10-05 10:00,="13800001234",客服部'), Buffer.from('\r'),
        Buffer.from([0x84, 0x31, 0x95, 0x33]), head, Buffer.from('\r'),
        gbk('B,repair,2026-10-06 10:00,"=""0013800001234""",部'), Buffer.from('\r'),
        Buffer.from([0x1a]),
      ]);
      fs.writeFileSync(path.join(dir, 'cat.csv'), body);
      const r = runQa(['--db', db, 'import', 'records', 'cat.csv', '--encoding', 'gb18030'], { cwd: dir, env: { QA_IMPORT_WORKER: worker } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('repeated header line skipped (concatenated exports?): line 3');
      expect(query(db, 'SELECT record_id, customer_phone, department, line FROM records ORDER BY 1')).toEqual([
        { record_id: 'A', customer_phone: '13800001234', department: '客服部', line: 2 },
        { record_id: 'B', customer_phone: '0013800001234', department: '部', line: 4 },
      ]);
    }
  });
});

describe('phones as Excel leaves them', () => {
  it('numbers Excel made of a phone are refused with the fix; full-width digits are normalised', () => {
    const { dir, db, qa } = setup();
    const rows = ['13800001234.0', '1.38000012E+10', '1.38E+10', '13,800,001,234'].map((p, i) => `SR-${i},repair,2026-10-05 10:00,"${p}"`);
    fs.writeFileSync(path.join(dir, 'p.csv'), `record_id,record_type,occurred_at,customer_phone\n${rows.join('\n')}\n`);
    const r = qa(['import', 'records', 'p.csv', '--json']);
    expect(r.code).toBe(1);
    const s = json<{ errors: { line: number; column: string; message: string }[] }>(r);
    expect(s.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'customer_phone'],
      [3, 'customer_phone'],
      [4, 'customer_phone'],
      [5, 'customer_phone'],
    ]);
    for (const e of s.errors) expect(e.message).toMatch(/is a phone number that Excel turned into a number \(a decimal, exponent or grouped form: its digits may be lost or changed\): format the column as Text before exporting$/);
    // Never a made-up tail: neither 2340 (from 13800001234.0 read as digits) nor 1210 appears.
    expect(r.stdout + r.stderr).not.toMatch(/\*{4}(2340|1210|0000)/);
    fs.writeFileSync(path.join(dir, 'fw.csv'), 'record_id,record_type,occurred_at,customer_phone\nSR-1,repair,2026-10-05 10:00,１３８１２３４５６７８\n');
    expect(qa(['import', 'records', 'fw.csv']).code).toBe(0);
    expect(query(db, 'SELECT customer_phone FROM records')).toEqual([{ customer_phone: '13812345678' }]);
  });
});

describe('found by an adversarial pass (each was stored or shown wrong before)', () => {
  it('a GBK row whose bytes are also valid UTF-8 (袁泉 = D4 AC C8 AA reads "ԬȪ") is refused as mixed, with or without a BOM', () => {
    for (const bom of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf])]) {
      const { dir, db, qa } = setup();
      fs.writeFileSync(
        path.join(dir, 'mix.csv'),
        Buffer.concat([bom, Buffer.from('记录编号,记录类型,发生时间,服务人员\r\nSR-1,维修,2026-10-05 10:00,张伟\r\nSR-2,repair,2026-10-05 11:00,'), Buffer.from([0xd4, 0xac, 0xc8, 0xaa]), Buffer.from('\r\n')]),
      );
      const r = qa(['import', 'records', 'mix.csv']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the file mixes encodings: .*line 3 like GBK\/GB18030 \(mix\.csv line 3/);
      expect(fs.existsSync(db) ? query(db, 'SELECT * FROM records') : []).toEqual([]);
    }
    // An all-ASCII UTF-8 file with a BOM and one GBK row (通知 = CD A8 D6 AA, valid UTF-8 too).
    const { dir, qa } = setup();
    fs.writeFileSync(path.join(dir, 'm3.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('record_id,record_type,occurred_at,notes\nSR-1,repair,2026-10-05 10:00,'), Buffer.from([0xcd, 0xa8, 0xd6, 0xaa]), Buffer.from('\n')]));
    const r = qa(['import', 'records', 'm3.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the file mixes encodings: its byte-order mark says UTF-8, line 2 like GBK/GB18030");
    // Accented Latin text on a line of its own in a UTF-8 export (Chinese elsewhere) is plausible and imports.
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'record_id,record_type,occurred_at,notes\nSR-1,repair,2026-10-05 10:00,客服部\nSR-2,repair,2026-10-05 10:00,José · 25°C\n');
    expect(qa(['import', 'records', 'ok.csv']).code).toBe(0);
  });

  it('more Excel number shapes of a phone are refused; Excel\'s leading apostrophe is dropped', () => {
    const { dir, db, qa } = setup();
    const shapes = ['1,38123E+10', "'1.38123E+10", '1.38E+10/1.39E+10', '13812345678,0', '13812345678.', '138-1234-5657.0', '138 1234 5678.0', '#######'];
    fs.writeFileSync(path.join(dir, 'ex.csv'), `record_id,record_type,occurred_at,customer_phone\n${shapes.map((p, i) => `X${i},repair,2026-10-05 10:00,"${p}"`).join('\n')}\nOK,repair,2026-10-05 10:00,'13812345679\n`);
    const r = qa(['import', 'records', 'ex.csv', '--skip-invalid', '--json']);
    expect(r.code).toBe(0);
    const s = json<{ rejected: number; errors: { line: number; column: string }[] }>(r);
    expect(s.rejected).toBe(shapes.length);
    expect(s.errors.every((e) => e.column === 'customer_phone')).toBe(true);
    expect(query(db, 'SELECT record_id, customer_phone FROM records')).toEqual([{ record_id: 'OK', customer_phone: '13812345679' }]);
    // The rejected values are shown masked with their own last four digits, never whole.
    expect(r.stdout + r.stderr).not.toMatch(/13812345678|1381234 ?5657/);
  });

  it('a repeated header in another column order is refused, even with --skip-invalid (its rows would be read with the wrong columns)', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'q8.csv'), 'record_id,record_type,occurred_at,status,notes\nQ9,repair,2026-10-05 10:00,ok,x\nrecord_id,record_type,occurred_at,notes,status\nQ10,repair,2026-10-05 10:00,y,ok\n');
    const r = qa(['import', 'records', 'q8.csv', '--skip-invalid']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 3 is another header with its columns in a different order");
    expect(fs.existsSync(db) ? query(db, 'SELECT * FROM records') : []).toEqual([]);
  });

  it('an extra column named __proto__ keeps its value', () => {
    const { dir, db, qa } = setup();
    fs.writeFileSync(path.join(dir, 'k.csv'), 'record_id,record_type,occurred_at,__proto__,constructor\nK1,repair,2026-10-05 10:00,p1,c1\n');
    expect(qa(['import', 'records', 'k.csv']).code).toBe(0);
    expect(query<{ extras: string }>(db, 'SELECT extras FROM records')[0]!.extras).toBe('{"__proto__":"p1","constructor":"c1"}');
  });

  it('phones in the free-text shapes that leaked are masked in history, log and findings.csv', () => {
    const { dir, qa } = setup();
    const notes = '联系方式:1.13812345678 2.13912345679; 138-12345632 / 138–1234–5657 / 010—8765—4356 / 13812345625.0 / 138/1234/5626 / 138_1234_5627 / 1381-234-5633';
    fs.writeFileSync(path.join(dir, 'leak.csv'), `record_id,record_type,occurred_at,notes,recording_ref\nL1,repair,2026-10-05 10:00,"${notes}",rec/13812345606.20261005.wav\n`);
    expect(qa(['import', 'records', 'leak.csv']).code).toBe(0);
    for (const out of [qa(['history', 'L1']).stdout, qa(['history', 'L1', '--json']).stdout]) {
      for (const digits of ['13812345678', '13912345679', '12345632', '1234–5657', '8765—4356', '13812345625', '1234/5626', '1234_5627', '234-5633', '13812345606']) expect(out).not.toContain(digits);
      expect(out).toContain('138****5678');
    }
  });
});

describe('messages', () => {
  it('a number in an error message that is not a phone is shown as it is; a phone in a wrong column is masked', () => {
    const { dir, qa } = setup();
    fs.writeFileSync(path.join(dir, 'n.csv'), 'survey_id,customer_id,surveyed_at,overall,would_recommend\nHF-1,KH1,2026/10/8 10:00,0.0016666666667,yes\nHF-2,KH2,2026/10/8 10:00,4,13812345678\n');
    const r = qa(['import', 'surveys', 'n.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('n.csv:2: overall: "0.0016666666667" is not a score from 1 to 5');
    expect(r.stderr).toContain('n.csv:3: would_recommend: "138****5678" is not a yes/no value');
    expect(r.stderr).not.toContain('13812345678');
  });

});

describe('an older export after a newer one', () => {
  it('is refused whole, naming rows, values and the import that filled them; --allow-clear accepts; history keeps both', () => {
    const { db, qa } = setup();
    // Shell order of records-2026-10*.csv: the re-export (newer) first.
    const r = qa(['import', 'records', path.join(EXPORTS, 'records-2026-10-reexport.csv'), path.join(EXPORTS, 'records-2026-10.csv'), '--json']);
    expect(r.code).toBe(1);
    const [first, second] = json<Record<string, unknown>[]>(r);
    expect(first).toMatchObject({ inserted: 607, committed: true });
    expect(second).toMatchObject({ committed: false, inserted: 0 });
    expect(r.stderr).toContain('this import would empty 607 values in 607 rows that an earlier import filled (completed_at ×607); nothing was imported. First: SR-202610-00001 (line 2: completed_at)');
    expect(r.stderr).toMatch(/Filled by import #1 .*records-2026-10-reexport\.csv/);
    expect(r.stderr).toContain('--allow-clear');
    expect(query(db, 'SELECT count(*) AS n FROM records WHERE completed_at IS NOT NULL')).toEqual([{ n: 607 }]);
    expect(query(db, 'SELECT count(*) AS n FROM records')).toEqual([{ n: 607 }]);

    const ok = qa(['import', 'records', path.join(EXPORTS, 'records-2026-10.csv'), '--allow-clear', '--json']);
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ inserted: 893, updated: 607 });
    const h = qa(['history', 'SR-202610-00001', '--json']);
    expect(h.code).toBe(0);
    const doc = json<{ kind: string; versions: { version: number; current: boolean; import: { id: number }; changed: string[]; cleared: string[]; values: Record<string, string | null> }[] }>(h);
    expect(doc.kind).toBe('records');
    expect(doc.versions.map((v) => [v.version, v.current, v.import.id])).toEqual([
      [1, false, 1],
      [2, true, 2],
    ]);
    expect(doc.versions[0]!.cleared).toEqual(['completed_at']);
    expect(doc.versions[0]!.values.completed_at).toMatch(/^2026-10-01 13:04/);
    expect(doc.versions[1]!.changed).toEqual(['completed_at']);
    expect(doc.versions[1]!.values.completed_at).toBeNull();
    expect(doc.versions[0]!.values.customer_phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const human = qa(['history', 'SR-202610-00001']);
    expect(human.stdout).toMatch(/completed_at: 2026-10-01 13:04:00 → \(empty\)/);
    expect(qa(['history', 'NO-SUCH-ID']).code).toBe(1);
  });

  it('a newer export after an older one imports and keeps the older version', () => {
    const { qa } = setup();
    const r = qa(['import', 'records', path.join(EXPORTS, 'records-2026-10.csv'), path.join(EXPORTS, 'records-2026-10-reexport.csv'), '--json']);
    expect(r.code).toBe(0);
    expect(json<Record<string, unknown>[]>(r)[1]).toMatchObject({ updated: 607 });
    const doc = json<{ versions: { values: Record<string, unknown> }[] }>(qa(['history', 'SR-202610-00001', '--json']));
    expect(doc.versions).toHaveLength(2);
    expect(doc.versions[0]!.values.completed_at).toBeNull();
  });
});

describe('files that are not plain files, or not readable', () => {
  it('a FIFO and process substitution are read as streams', () => {
    const { dir, db } = setup();
    const fifo = path.join(dir, 'in.fifo');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'record_id,record_type,occurred_at\\nF-1,repair,2026-10-05 10:00\\n' > ${fifo}`]);
    const r = runQa(['--db', db, 'import', 'records', fifo, '--json']);
    writer.kill();
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ rows: 1, inserted: 1 });
    const bash = spawnSync('bash', ['-c', `node ${path.join(REPO, 'bin', 'qa')} --db ${db} import records <(printf 'record_id,record_type,occurred_at\\nF-2,repair,2026-10-05 10:00\\n')`], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'en_US.UTF-8', NO_COLOR: '1' },
    });
    expect(bash.status).toBe(0);
    expect(query(db, 'SELECT record_id FROM records ORDER BY 1')).toEqual([{ record_id: 'F-1' }, { record_id: 'F-2' }]);
  });

  // As root, the test runs qa as nobody — possible only where nobody can reach the checkout.
  const asRoot = process.getuid?.() === 0;
  const nobodyCanRun = !asRoot || spawnSync(process.execPath, [path.join(REPO, 'bin', 'qa'), '--version'], { uid: 65534, gid: 65534, cwd: '/' }).status === 0;
  it.skipIf(!nobodyCanRun)('a file without read permission is exit 1 naming it; with several files --json still has every summary', () => {
    const dir = tmpDir();
    fs.chmodSync(dir, 0o777);
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'record_id,record_type,occurred_at\nA,repair,2026-10-05 10:00\n', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'no.csv'), 'record_id,record_type,occurred_at\nB,repair,2026-10-05 10:00\n', { mode: 0o000 });
    // root reads anything: run qa as nobody then (spawn's uid/gid), as an ordinary user would meet it.
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', path.join(dir, 'qa.sqlite'), 'import', 'records', 'ok.csv', 'no.csv', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', NO_COLOR: '1', HOME: dir },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.status).toBe(1);
    const s = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(s.map((x) => x.committed)).toEqual([true, false]);
    expect(r.stderr).toContain('permission denied: qa may not read this file (no.csv)');
  });
});

describe('the database file', () => {
  it("another application's SQLite file is refused and left byte for byte untouched (no WAL, no tables)", () => {
    const { dir, qa } = setup();
    const other = path.join(dir, 'other.db');
    const d = new Database(other);
    d.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES (\'x\')');
    d.close();
    const before = fs.readFileSync(other);
    fs.writeFileSync(path.join(dir, 'r.csv'), 'record_id,record_type,occurred_at\nA,repair,2026-10-05 10:00\n');
    const r = runQa(['--db', other, 'import', 'records', 'r.csv'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("this SQLite file belongs to another application: it has tables but none of qa's");
    expect(fs.readFileSync(other).equals(before)).toBe(true);
    expect(fs.existsSync(`${other}-wal`)).toBe(false);
    void qa;
  });

  it('a truncated qa database is reported as damaged with the backup hint, and not written to', () => {
    const { dir, db, qa } = setup();
    expect(qa(['import', 'records', path.join(EXPORTS, 'records-2026-09.csv')]).code).toBe(0);
    const d = new Database(db);
    d.pragma('wal_checkpoint(TRUNCATE)');
    d.close();
    const cut = path.join(dir, 'cut.sqlite');
    const bytes = fs.readFileSync(db);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
    const before = fs.readFileSync(cut);
    const r = runQa(['--db', cut, 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/qa: error: the qa database is damaged: the file is cut short/);
    expect(r.stderr).toContain('hint: nothing was written to it. Restore it from a backup');
    expect(fs.readFileSync(cut).equals(before)).toBe(true);
  });

  it('a database with a damaged page refuses an import; qa db check names the damage', () => {
    const { db, qa } = setup();
    expect(qa(['import', 'records', path.join(EXPORTS, 'records-2026-09.csv'), path.join(EXPORTS, 'records-2026-10.csv')]).code).toBe(0);
    const ok = qa(['db', 'check', '--json']);
    expect(ok.code).toBe(0);
    expect(json<{ ok: boolean; checks: { id: string; ok: boolean }[] }>(ok)).toMatchObject({ ok: true });
    const d = new Database(db);
    d.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = d.pragma('page_size', { simple: true }) as number;
    // A leaf page of the records table, overwritten with garbage.
    const page = (d.prepare("SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = 'leaf' LIMIT 1 OFFSET 3").pluck().get() as number | undefined) ?? 10;
    d.close();
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize - 200, 0x7f), 0, pageSize - 200, (page - 1) * pageSize + 100);
    fs.closeSync(fd);
    const r = qa(['import', 'surveys', path.join(EXPORTS, 'surveys-2026-10.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/qa: error: the qa database is damaged/);
    const check = qa(['db', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✗ SQLite integrity check/);
    expect(check.stdout).toMatch(/result: \d+ checks? failed/);
  });
});

describe('duplicate ids in other written forms', () => {
  it('SR-1, ="SR-1" (Excel text guard) and SR-1 with blanks around are one id: a duplicate naming both lines (found by a review)', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'dup.csv');
    fs.writeFileSync(
      f,
      'record_id,record_type,occurred_at,customer_id\nSR-1,repair,2026-10-01 08:03,KH1\n="SR-1",consult,2026-10-02 08:03,KH2\n\u00a0SR-1\u3000,consult,2026-10-02 09:03,KH3\nSR-2,consult,2026-10-02 09:03,KH3\n',
    );
    const db = path.join(dir, 'qa.sqlite');
    const r = runQa(['--db', db, 'import', 'records', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:3: record_id: "SR-1" appears twice in this file (first on line 2)`);
    expect(r.stderr).toContain(`${f}:4: record_id: "SR-1" appears twice in this file (first on line 2)`);
    // With --skip-invalid the first one stays and the others are kept as rejected rows.
    const s = runQa(['--db', db, '--json', 'import', 'records', '--skip-invalid', f]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ inserted: 2, rejected: 2 });
    const d = new Database(db, { readonly: true });
    expect(d.prepare(`SELECT customer_id, line FROM records WHERE record_id = 'SR-1'`).get()).toEqual({ customer_id: 'KH1', line: 2 });
    d.close();
  });
});
