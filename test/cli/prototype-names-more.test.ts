/**
 * The rest of the "names like Object.prototype properties" kind (see
 * prototype-names.test.ts for the import cells): everywhere else a value a
 * user types or a database holds was looked up in a plain object — a
 * rectification state (--to, --state), a key of the config file's sampling,
 * callback and partners sections, a stored category or severity shown through
 * the label tables. Each is a clear usage error naming the value, or the value
 * shown as written; never a function's source text, "[object Object]", an
 * empty cell, a silently accepted config key, or exit 70.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { tmpDir } from '../helpers/tmp.js';

const NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

/** What a value found on Object.prototype printed instead of the value itself. */
const LEAK = /native code|\[object |undefined|internal error/;

describe('rectification states typed by the user', () => {
  /** A database with rectification #1 (opened by a failed inspection check; no import needed). */
  function withRectification(): string {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, 'inspection', 'add', '--date', '2026-11-02', '--type', 'store', '--site', '一号门店', '--inspector', 'sup.zhang', '--dept', '客服部', '--fail', 'dress=no uniform', '--pass-rest']);
    expect(r.code, r.stderr).toBe(0);
    return db;
  }

  it('rectify update --to <name>: "<name>" is not a rectification state (exit 2), in both languages', () => {
    const db = withRectification();
    for (const name of NAMES) {
      const r = runQa(['--db', db, 'rectify', 'update', '1', '--to', name, '--note', 'x']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`qa: error: rectification 1: "${name}" is not a rectification state`);
      expect(r.stderr).not.toMatch(LEAK);
      const zh = runQa(['--db', db, '--lang', 'zh', 'rectify', 'update', '1', '--to', name, '--note', 'x']);
      expect(zh.code).toBe(2);
      expect(zh.stderr).toContain(`"${name}" 不是整改状态`);
      expect(zh.stderr).not.toMatch(LEAK);
    }
    // Nothing moved; the ordinary names still work.
    const ok = runQa(['--db', db, '--json', 'rectify', 'update', '1', '--to', '已分析', '--note', '新员工未领工服']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('rectify list --state <name>: a usage error quoting the name as typed', () => {
    const db = withRectification();
    for (const name of NAMES) {
      const r = runQa(['--db', db, 'rectify', 'list', '--state', `open,${name}`]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`got "${name}"`);
      expect(r.stderr).not.toMatch(LEAK);
    }
    const ok = runQa(['--db', db, '--json', 'rectify', 'list', '--state', '待分析']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(json<{ id: number }[]>(ok).map((x) => x.id)).toEqual([1]);
  });
});

describe('config keys named like Object.prototype properties', () => {
  it.each(['sampling', 'callback', 'partners'])('%s.<name> is an unknown key (exit 2), not accepted or a TypeError text', (section) => {
    const dir = tmpDir();
    const file = path.join(dir, 'qa.config.json');
    for (const name of NAMES) {
      // Written as text: a JS object literal { __proto__: … } would set a prototype, not a key.
      fs.writeFileSync(file, `{"${section}": {"${name}": 1}}`);
      const r = runQa(['--config', file, '--json', 'config', 'show']);
      expect(r.code, `${section}.${name}: ${r.stdout}`).toBe(2);
      expect(r.stderr.startsWith(`qa: error: config key ${section}.${name}: unknown key (`), r.stderr).toBe(true);
      expect(r.stderr).toContain(file);
      expect(r.stderr).not.toMatch(/is not a function|Cannot convert/);
    }
    // A good key next to it still counts.
    const good = { sampling: '"recordRate": 0.25', callback: '"churnRate": 0.2', partners: '"minRecords": 5' }[section]!;
    fs.writeFileSync(file, `{"${section}": {${good}}}`);
    const ok = runQa(['--config', file, '--json', 'config', 'show']);
    expect(ok.code, ok.stderr).toBe(0);
    const shown = json<Record<string, Record<string, unknown>>>(ok)[section]!;
    expect(Object.keys(shown).sort()).toEqual(
      { sampling: ['callsPerWeek', 'minCallSeconds', 'recordRate'], callback: ['churnRate', 'complaintDays', 'followUpDepartment', 'lookbackDays'], partners: ['keepAt', 'minRecords', 'terminateBelow'] }[section],
    );
  });
});

describe('label tables over stored values', () => {
  it('a finding whose stored category or severity is "constructor" is exported as that text, not an empty cell', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    const csv = path.join(dir, 'records.csv');
    fs.writeFileSync(csv, 'record_id,record_type,occurred_at,department\nSR-1,repair,2026-10-05 09:00,技术部\n');
    const env = { QA_NOW: '2026-11-03T10:00:00+08:00' };
    for (const args of [
      ['import', 'records', csv],
      ['sample', '--date', '2026-11-01', '--seed', 'proto'],
      ['finding', 'add', '--item', 'SR-1', '--check', 'polite', '--result', 'fail', '--note', 'rude', '--auditor', 'auditor.li'],
    ]) {
      const r = runQa(['--db', db, ...args], { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // findings.category and .severity are plain TEXT columns: a database written by
    // another tool (or a later qa with more categories) can hold any text there.
    const d = new Database(db);
    const f = d.prepare('SELECT review_id, found_at FROM findings').get() as { review_id: number; found_at: number };
    const insert = d.prepare('INSERT INTO findings (review_id, check_code, category, severity, check_text, result, note, auditor, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(f.review_id, 'odd_one', 'constructor', 'toString', '怪 / Odd', 'fail', 'n', 'auditor.li', f.found_at);
    insert.run(f.review_id, 'odd_two', '__proto__', 'hasOwnProperty', '怪 / Odd', 'fail', 'n', 'auditor.li', f.found_at);
    d.close();
    for (const lang of ['en', 'zh']) {
      const out = path.join(dir, lang);
      fs.mkdirSync(out);
      const r = runQa(['--db', db, '--lang', lang, 'export', '--month', '2026-10', '--out-dir', out], { env });
      expect(r.code, r.stderr).toBe(0);
      const text = fs.readFileSync(path.join(out, 'qa-2026-10', 'findings.csv'), 'utf8');
      // check, check text, category, severity, result: the unknown ones as stored, the known ones labelled.
      const [fail, polite] = lang === 'zh' ? ['不通过', '服务语言礼貌、规范,服务规范,重要'] : ['fail', '"Polite, standard service language",conduct,major'];
      const odd = lang === 'zh' ? '怪' : 'Odd';
      expect(text).toContain(`,odd_one,${odd},constructor,toString,${fail},`);
      expect(text).toContain(`,odd_two,${odd},__proto__,hasOwnProperty,${fail},`);
      expect(text).toContain(`,polite,${polite},${fail},`);
    }
  });
});

describe('CSV headers and ids named like Object.prototype properties (regression guard: these already worked)', () => {
  it('qa import: such ids are rows like any other, such headers are kept as extras or mapped by a config alias', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    const config = path.join(dir, 'qa.config.json');
    // Aliases named so: a header maps to its column through a Map, not a plain object.
    fs.writeFileSync(config, '{"columns": {"records": {"notes": ["constructor"], "status": ["toString"]}}}');
    // Kept in the extras JSON, built on an object without a prototype (a plain object would drop __proto__).
    const extraHeaders = ['__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const lines = [['record_id', 'record_type', 'occurred_at', 'constructor', 'toString', ...extraHeaders].join(',')];
    NAMES.forEach((id, i) => lines.push([id, 'repair', `2026-10-05 09:${String(i).padStart(2, '0')}`, `note ${i}`, `status ${i}`, ...extraHeaders.map((h) => `${h} ${i}`)].join(',')));
    const file = path.join(dir, 'records.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runQa(['--db', db, '--config', config, '--json', 'import', 'records', file]);
    expect(r.code, r.stderr).toBe(0);
    const s = json<{ inserted: number; rejected: number; extra_columns: string[] }>(r);
    expect([s.inserted, s.rejected]).toEqual([NAMES.length, 0]);
    expect(s.extra_columns).toEqual(extraHeaders);
    const d = new Database(db, { readonly: true });
    const rows = d.prepare('SELECT record_id, notes, status, extras FROM records ORDER BY occurred_at').all() as { record_id: string; notes: string; status: string; extras: string }[];
    d.close();
    expect(rows.map((x) => x.record_id)).toEqual(NAMES);
    rows.forEach((x, i) => {
      expect([x.notes, x.status]).toEqual([`note ${i}`, `status ${i}`]);
      expect(Object.entries(JSON.parse(x.extras) as Record<string, string>)).toEqual(extraHeaders.map((h) => [h, `${h} ${i}`]));
    });
    // Read back by such an id.
    const h = runQa(['--db', db, '--json', 'history', '__proto__']);
    expect(h.code, h.stderr).toBe(0);
    expect(json<{ id: string; versions: { values: { notes: string } }[] }>(h)).toMatchObject({ id: '__proto__', versions: [{ values: { notes: 'note 1' } }] });
  });

  it('finding, inspection and calibrate import: headers named so are listed as found, the required columns named as missing', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    expect(runQa(['--db', db, 'inspection', 'add', '--date', '2026-11-02', '--type', 'store', '--site', 'x', '--inspector', 'y', '--pass-rest']).code).toBe(0);
    const file = path.join(dir, 'sheet.csv');
    fs.writeFileSync(file, 'constructor,__proto__,toString\nx,y,z\n');
    for (const [args, missing] of [
      [['finding', 'import', file], 'missing columns item, check, result; found: constructor, __proto__, tostring'],
      [['inspection', 'import', file], 'missing columns date, site, type, inspector, check, result; found: constructor, __proto__, tostring'],
      [['calibrate', 'import', '1', file], 'missing columns item, check, result; found: constructor, __proto__, tostring'],
    ] as const) {
      const r = runQa(['--db', db, ...args]);
      expect(r.code, r.stderr).not.toBe(70);
      expect(r.stderr).toContain(`qa: error: ${missing}`);
    }
  });
});
