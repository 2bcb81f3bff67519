/**
 * Issue 11: outputs that never leak personal data, records that stay true.
 *
 * A database holding every phone form of SPEC §1 in every free-text field
 * (notes, status, extras, recording_ref, rejected rows, finding notes,
 * rectification texts, an unsampled reason), then every output format of
 * every command that shows them is scanned for the numbers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { migrateTo } from '../helpers/schema.js';
import { json, runQa, type RunResult } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

/** Each number in a form the issue found unmasked, and its digits (what must never show). */
const PHONES: [form: string, digits: string][] = [
  ['02155556633', '02155556633'],
  ['(021) 6555-1234', '02165551234'],
  ['(010)87654321', '01087654321'],
  ['１３８１２３４５６３４', '13812345634'],
  ['138.1234.5609', '13812345609'],
  ['+86 139 1234 5610', '13912345610'],
  ['0086-137-1234-5611', '13712345611'],
  ['136-1234-5612', '13612345612'],
  ['021-6555 1299', '02165551299'],
  ['＋８６ １３５ １２３４ ５６１３', '13512345613'],
  ['13812345601', '13812345601'],
];
const ALL = PHONES.map(([f]) => f).join(' / ');
const FW = '０１２３４５６７８９';

/** The digits of a phone anywhere in a text (full-width read as ASCII, separators ignored). */
function leaks(text: string): string[] {
  const flat = text.replace(/[０-９]/g, (c) => String(FW.indexOf(c))).replace(/[\s\-.()（）+＋\u3000]/g, '');
  return PHONES.map(([, d]) => d).filter((d) => flat.includes(d) || flat.includes(d.replace(/^0/, '86')));
}

let baseDir = '';
let base = '';
const env = { QA_NOW: '2026-11-02T09:00:00+08:00', QA_USER: 'auditor.li' };

function ok(db: string, args: string[], extra: Record<string, string> = {}): RunResult {
  const r = runQa(['--db', db, ...args], { env: { ...env, ...extra } });
  if (r.code !== 0) throw new Error(`qa ${args.join(' ')} → ${r.code}\n${r.stderr}`);
  return r;
}

beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-privacy-'));
  base = path.join(baseDir, 'base.sqlite');
  ok(base, ['import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]);
  ok(base, ['import', 'calls', path.join(EXPORTS, 'calls-2026-10.csv')]);
  const hostile = path.join(baseDir, 'hostile.csv');
  fs.writeFileSync(
    hostile,
    'record_id,record_type,occurred_at,department,staff_id,customer_phone,status,notes,备用电话\n' +
      `SR-H-0001,consult,2026-10-05 10:00,技术部,JS01,13812345601,"回电 ${PHONES[0]![0]} 已联系","客户说 ${PHONES[1]![0]} 和 ${PHONES[3]![0]}\n=SUM(1+1)","${PHONES[4]![0]}"\n` +
      `SR-H-0002,repair,2026-10-06 10:00,技术部,JS02,${PHONES[5]![0]},状态 ${PHONES[6]![0]},"${PHONES[2]![0]}",x\n`,
  );
  ok(base, ['import', 'records', hostile]);
  const calls = path.join(baseDir, 'hcalls.csv');
  // A week of its own (fewer than 50 calls: all drawn), so the call is in the sample lists.
  fs.writeFileSync(calls, 'call_id,started_at,agent_id,duration_seconds,direction,queue,customer_phone,recording_ref\nC-H-0001,2026-11-03 10:00,A101,120,inbound,q,13812345601,rec/2026/13812345621.mp3\n');
  ok(base, ['import', 'calls', calls]);
  const rej = path.join(baseDir, 'rej.csv');
  fs.writeFileSync(rej, `record_id,record_type,occurred_at,customer_phone,notes\nSR-R-1,consult,notadate,${PHONES[3]![0]},"${PHONES[1]![0]}"\nSR-R-2,bogus,2026-10-01 10:00,13812345601,${PHONES[8]![0]}\n`);
  runQa(['--db', base, 'import', 'records', rej, '--skip-invalid'], { env });
  ok(base, ['sample', '--date', '2026-11-01']);
  ok(base, ['sample', '--date', '2026-11-09'], { QA_NOW: '2026-11-09T09:00:00+08:00' });
  const note = `态度差 ${ALL}\n=SUM(1+1)`;
  ok(base, ['finding', 'add', '--item', 'SR-H-0001', '--check', 'polite', '--result', 'fail', '--note', note, '--unsampled', `客户 ${PHONES[1]![0]} 投诉`]);
  ok(base, ['finding', 'add', '--item', 'C-H-0001', '--check', 'greeting', '--result', 'fail', '--note', `回拨 ${PHONES[9]![0]}`]);
  ok(base, ['rectify', 'update', '1', '--to', 'analysed', '--note', `原因 ${PHONES[5]![0]}`]);
  ok(base, ['rectify', 'update', '1', '--to', 'planned', '--note', `措施 ${PHONES[6]![0]} ${PHONES[7]![0]}`]);
  ok(base, ['rectify', 'update', '1', '--to', 'done', '--note', `证据 ${PHONES[8]![0]}`]);
  const d = new Database(base);
  d.pragma('wal_checkpoint(TRUNCATE)');
  d.close();
}, 120_000);
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

function freshDb(): string {
  const f = path.join(tmpDir(), 'qa.sqlite');
  fs.copyFileSync(base, f);
  return f;
}

describe('no phone number in any output', () => {
  it('every command and format that shows the hostile rows: masked, with ids, dates and amounts intact', () => {
    const db = freshDb();
    const dir = tmpDir();
    const outputs: [string, string][] = [];
    const show = (args: string[], extra: Record<string, string> = {}): string => {
      const r = runQa(['--db', db, ...args], { env: { ...env, ...extra } });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
      outputs.push([args.join(' '), r.stdout + r.stderr]);
      return r.stdout;
    };
    show(['rectify', 'list']);
    show(['--json', 'rectify', 'list']);
    show(['rectify', 'show', '1']);
    show(['--json', 'rectify', 'show', '1']);
    show(['log']);
    show(['--json', 'log']);
    show(['rejects']);
    show(['--json', 'rejects']);
    show(['sample', 'list', '--month', '2026-10']);
    show(['sample', 'list', '--month', '2026-10', '--format', 'csv']);
    show(['--json', 'sample', 'list', '--month', '2026-10']);
    show(['sample', 'list', '--month', '2026-11', '--format', 'csv']);
    show(['--json', 'sample', 'list', '--month', '2026-11']);
    for (const f of ['table', 'json', 'csv', 'md', 'html']) show(['report', '--month', '2026-10', '--format', f]);
    for (const ext of ['json', 'csv', 'md', 'html', 'txt']) {
      show(['report', '--month', '2026-10', '--out', path.join(dir, `r.${ext}`)]);
      outputs.push([`--out r.${ext}`, fs.readFileSync(path.join(dir, `r.${ext}`), 'utf8')]);
    }
    // The rectification is listed in rectifications.csv once the export's as-of passes its opening.
    for (const m of ['2026-10', '2026-11']) {
      show(['export', '--month', m, '--out-dir', dir], { QA_NOW: '2026-12-02T09:00:00+08:00' });
      for (const f of fs.readdirSync(path.join(dir, `qa-${m}`))) outputs.push([`export ${m} ${f}`, fs.readFileSync(path.join(dir, `qa-${m}`, f), 'utf8')]);
    }
    const rejFile = path.join(dir, 'rejects.csv');
    runQa(['--db', path.join(dir, 'other.sqlite'), 'import', 'records', path.join(baseDir, 'rej.csv'), '--rejects', rejFile], { env });
    outputs.push(['--rejects file', fs.readFileSync(rejFile, 'utf8')]);

    const found = outputs.flatMap(([what, text]) => leaks(text).map((d) => `${what}: ${d}`));
    expect(found).toEqual([]);
    const all = outputs.map(([, t]) => t).join('\n');
    // What must stay: ids, dates, the masked numbers' own last four digits.
    expect(all).toContain('SR-H-0001');
    expect(all).toContain('C-H-0001');
    expect(all).toContain('rec/2026/138****5621.mp3');
    expect(all).toContain('2026-10-05');
    for (const [, d] of PHONES) expect(all).toContain(`*${d.slice(-4)}`);
    // findings.csv: the note's line break is inside one quoted cell, its second line no formula.
    const findings = fs.readFileSync(path.join(dir, 'qa-2026-10', 'findings.csv'), 'utf8');
    expect(findings).toContain('"态度差 021****6633');
    expect(findings).not.toMatch(/(^|\r\n)=SUM/);
  }, 240_000);

  it('the review screen masks notes, status, extras and recording_ref', async () => {
    const db = freshDb();
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', 'SR-H-0002', '--unsampled', 'privacy test'], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', ...env }, REPO);
    await p.expect('[polite');
    p.send('s\r');
    await p.exited;
    expect(leaks(p.text)).toEqual([]);
    expect(p.text).toContain('+86 139****5610');
    expect(p.text).toContain('010****4321');
    const c = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', 'C-H-0001'], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', ...env }, REPO);
    await c.expect('[');
    c.send('s\r');
    await c.exited;
    expect(leaks(c.text)).toEqual([]);
    expect(c.text).toContain('rec/2026/138****5621.mp3');
  }, 60_000);

  it('SIGTERM at a review prompt: a message, exit 143 (not killed mid-way)', async () => {
    const db = freshDb();
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', 'SR-H-0002', '--unsampled', 'x'], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', ...env }, REPO);
    await p.expect('[polite');
    const relay = (p as unknown as { proc: { pid: number } }).proc.pid;
    const qa = execFileSync('ps', ['-o', 'pid=', '--ppid', String(relay)], { encoding: 'utf8' }).trim();
    process.kill(Number(qa), 'SIGTERM');
    expect(await p.exited).toBe(143);
    expect(p.text).toContain('interrupted (SIGTERM)');
  }, 30_000);
});

describe('--unmask is logged: the command, how many phones, which rows', () => {
  const unmaskEntries = (db: string): { actor: string; entity_id: string; detail: { phones: number; rows: string[] }; os_user: string }[] =>
    (new Database(db, { readonly: true }).prepare(`SELECT actor, entity_id, detail, os_user FROM audit_log WHERE action = 'unmask' ORDER BY id`).all() as { actor: string; entity_id: string; detail: string; os_user: string }[]).map((r) => ({ ...r, detail: JSON.parse(r.detail) as { phones: number; rows: string[] } }));

  it('qa rejects --unmask shows the numbers and logs them with the rows', () => {
    const db = freshDb();
    const r = ok(db, ['--json', '--unmask', 'rejects']);
    expect(r.stdout).toContain(PHONES[3]![0]);
    const [e] = unmaskEntries(db);
    expect(e!.entity_id).toBe('rejects');
    expect(e!.detail.phones).toBeGreaterThanOrEqual(4);
    expect(e!.detail.rows.sort()).toEqual([`${path.join(baseDir, 'rej.csv')}:2`, `${path.join(baseDir, 'rej.csv')}:3`].sort());
    expect(e!.os_user).toBe(os.userInfo().username);
  });

  it('import --rejects FILE --unmask logs the 4 numbers the file holds and their lines (not {"phones":0})', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    const out = path.join(dir, 'rej.csv');
    const r = runQa(['--db', db, '--unmask', 'import', 'records', path.join(baseDir, 'rej.csv'), '--rejects', out], { env });
    expect(r.code).toBe(1);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain(PHONES[3]![0]);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const [e] = unmaskEntries(db);
    expect(e!.entity_id).toBe(`import records ${path.join(baseDir, 'rej.csv')} --rejects ${out}`);
    expect(e!.detail.phones).toBeGreaterThanOrEqual(4);
    expect(e!.detail.rows.map((x) => x.replace(/^.*:/, ''))).toEqual(['2', '3']);
  });

  it('without --unmask nothing is logged and nothing shown', () => {
    const db = freshDb();
    const r = ok(db, ['--json', 'rejects']);
    expect(leaks(r.stdout)).toEqual([]);
    expect(unmaskEntries(db)).toEqual([]);
  });
});

describe('records that stay true', () => {
  it('findings by department use the department the auditor saw, not a later re-export', () => {
    const db = freshDb();
    // Finish the review of SR-H-0001 (the breakdowns count completed reviews).
    for (const c of json<{ code: string }[]>(ok(db, ['checklist', 'show', 'consult', '--json']))) {
      if (c.code !== 'polite') ok(db, ['finding', 'add', '--item', 'SR-H-0001', '--check', c.code, '--result', 'pass']);
    }
    const moved = path.join(tmpDir(), 'moved.csv');
    fs.writeFileSync(moved, 'record_id,record_type,occurred_at,department,staff_id\nSR-H-0001,consult,2026-10-05 10:00,客服部,KF09\n');
    ok(db, ['import', 'records', moved, '--allow-clear']); // a re-export with fewer columns empties them (SPEC §2)
    const r = json<{ findings: { by_department: { department: string; failed_checks: number }[] } }>(ok(db, ['--json', 'report', '--month', '2026-10']));
    expect(r.findings.by_department.find((d) => d.department === '技术部')?.failed_checks).toBeGreaterThanOrEqual(1);
    const dir = tmpDir();
    ok(db, ['export', '--month', '2026-10', '--out-dir', dir]);
    const row = fs.readFileSync(path.join(dir, 'qa-2026-10', 'findings.csv'), 'utf8').split('\r\n').find((l) => l.startsWith('records,SR-H-0001,'))!;
    expect(row.split(',').slice(3, 5)).toEqual(['技术部', 'JS01']);
    expect(row).toContain(',yes,'); // changed after review: flagged
  });

  it('the owner cannot move the due date; someone else can, with a reason, and both are logged beside the login', () => {
    const db = freshDb();
    // The owner of rectification 2 (the call) is its agent A101.
    ok(db, ['rectify', 'update', '2', '--to', 'analysed', '--note', 'cause']);
    const asOwner = runQa(['--db', db, 'rectify', 'update', '2', '--to', 'planned', '--note', 'm', '--due', '2026-12-31', '--by', 'zhang.wei'], { env: { ...env, QA_USER: 'A101' } });
    expect(asOwner.code).toBe(2);
    expect(asOwner.stderr).toContain('the owner (A101) cannot move the due date');
    const byOwner = runQa(['--db', db, 'rectify', 'update', '2', '--to', 'planned', '--note', 'm', '--due', '2026-12-31', '--by', 'A101', '--reason', 'busy'], { env });
    expect(byOwner.code).toBe(2);
    const noReason = runQa(['--db', db, 'rectify', 'update', '2', '--to', 'planned', '--note', 'm', '--due', '2026-12-31', '--by', 'zhang.wei'], { env });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('needs a reason');
    ok(db, ['rectify', 'update', '2', '--to', 'planned', '--note', 'm', '--due', '2026-12-31', '--by', 'zhang.wei', '--reason', 'parts on order']);
    const entry = new Database(db, { readonly: true }).prepare(`SELECT actor, detail, os_user FROM audit_log WHERE action = 'rectification.planned' AND entity_id = '2'`).get() as { actor: string; detail: string; os_user: string };
    expect(entry.actor).toBe('zhang.wei');
    expect(entry.os_user).toBe(os.userInfo().username);
    expect(JSON.parse(entry.detail)).toMatchObject({ due_date: { from: '2026-11-09', to: '2026-12-31' }, reason: 'parts on order' });
  });

  it('the owner cannot verify under another --by name when QA_USER says who they are', () => {
    const db = freshDb();
    const r = runQa(['--db', db, 'rectify', 'update', '1', '--to', 'verified', '--note', 'fine', '--by', 'someone.else'], { env: { ...env, QA_USER: 'JS01' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the verifier must be someone other than the owner (JS01)');
  });

  it('an audit-log row whose detail is not JSON is shown raw and masked, exit 0', () => {
    const db = freshDb();
    const d = new Database(db);
    d.prepare(`INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, 'sqlite3', 'manual', NULL, NULL, ?)`).run(Date.parse('2026-11-01T00:00:00Z'), 'fixed by hand {not json 13812345601');
    d.close();
    const j = runQa(['--db', db, '--json', 'log'], { env });
    expect(j.code, j.stderr).toBe(0);
    expect(json<{ action: string; detail: unknown }[]>(j).find((e) => e.action === 'manual')!.detail).toBe('fixed by hand {not json 138****5601');
    const h = runQa(['--db', db, 'log'], { env });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('138****5601');
    expect(leaks(h.stdout + j.stdout)).toEqual([]);
  });

  it('a database of the previous schema upgrades in place; its old log entries have no os_user', () => {
    const db = path.join(tmpDir(), 'old.sqlite');
    const raw = new Database(db);
    migrateTo(raw);
    raw.prepare(`INSERT INTO audit_log (at, actor, action, detail) VALUES (1, 'old', 'manual', '{}')`).run();
    raw.close();
    const j = json<{ actor: string; os_user: string | null }[]>(ok(db, ['--json', 'log']));
    expect(j).toEqual([expect.objectContaining({ actor: 'old', os_user: null })]);
    expect(new Database(db, { readonly: true }).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });
});
