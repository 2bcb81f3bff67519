/**
 * SPEC §8 and §4 corrections through the real binary: exit codes, usage
 * errors that name the fix, JSON documents, CSV/HTML outputs, the blind
 * calibration review in a real pseudo-terminal, and the audit log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

let base = '';
let baseDir = '';
let callId = '';
let consultId = '';
const CALL_CHECKS = ['greeting', 'identity_check', 'polite', 'no_forbidden', 'problem_handled', 'correct_info', 'closing'];

/** October records and calls imported, sampled on 11-01; one call and one consult reviewed on 11-03 (the call fails greeting). */
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-people-base-'));
  base = path.join(baseDir, 'base.sqlite');
  const ok = (args: string[], env: Record<string, string> = {}): string => {
    const r = runQa(['--db', base, ...args], { env });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  ok(['import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]);
  ok(['import', 'calls', path.join(EXPORTS, 'calls-2026-10.csv')]);
  ok(['sample', '--date', '2026-11-01', '--seed', 'people-tests']);
  const items = JSON.parse(ok(['--json', 'sample', 'list', '--month', '2026-10'])) as { kind: string; item_id: string; stratum: string }[];
  callId = items.find((i) => i.kind === 'calls')!.item_id;
  consultId = items.find((i) => i.kind === 'records' && i.stratum === 'consult')!.item_id;
  const consultChecks = ['polite', 'no_forbidden', 'attitude', 'response_time', 'fit_recommendation', 'skill', 'resolved', 'privacy'];
  const rows = ['item,check,result,note,auditor', ...CALL_CHECKS.map((c) => `${callId},${c},${c === 'greeting' ? 'fail,no job number' : 'pass,'},auditor.li`), ...consultChecks.map((c) => `${consultId},${c},pass,,auditor.wang`)];
  const file = path.join(baseDir, 'answers.csv');
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  ok(['finding', 'import', file], { QA_NOW: '2026-11-03T17:00:00+08:00' });
  const db = new Database(base);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

function freshDb(): string {
  const f = path.join(tmpDir(), 'qa.sqlite');
  fs.copyFileSync(base, f);
  return f;
}

const qa = (db: string, args: string[], now = '2026-11-05T10:00:00+08:00', user = 'supervisor.zhang') => runQa(['--db', db, ...args], { env: { QA_NOW: now, QA_USER: user } });

describe('qa finding amend', () => {
  it('corrects a fail to pass, withdraws its rectification, and says so; usage errors name the flag', () => {
    const db = freshDb();
    const missing = qa(db, ['finding', 'amend', '--item', callId, '--check', 'greeting', '--result', 'pass']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('qa: error: --reason is required');
    expect(missing.stderr).toContain('hint: qa finding amend --item');
    const same = qa(db, ['finding', 'amend', '--item', callId, '--check', 'polite', '--result', 'pass', '--reason', 'x']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`${callId} polite is already pass: nothing to amend`);
    const r = qa(db, ['--json', 'finding', 'amend', '--item', callId, '--check', 'greeting', '--result', 'pass', '--reason', 'greeting at 00:04']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ from: 'fail', to: 'pass', rectification: { id: 1, action: 'withdrawn', state: 'withdrawn' }, passed: true });
    const list = json<{ id: number; state: string }[]>(qa(db, ['--json', 'rectify', 'list', '--state', 'withdrawn']));
    expect(list.map((x) => [x.id, x.state])).toEqual([[1, 'withdrawn']]);
    // A second answer through finding add is still refused, now pointing at amend.
    const add = qa(db, ['finding', 'add', '--item', callId, '--check', 'greeting', '--result', 'fail', '--note', 'x']);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('hint: to correct it: qa finding amend');
  });
});

describe('qa dispute', () => {
  it('open → decide (overturn) → list, with the rules on who decides; all in the audit log', () => {
    const db = freshDb();
    const usage = qa(db, ['dispute', 'open', '--item', callId, '--check', 'greeting', '--by', 'A101']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--reason is required');
    const late = qa(db, ['dispute', 'open', '--item', callId, '--check', 'greeting', '--by', 'A101', '--reason', 'r'], '2026-11-11T10:00:00+08:00');
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('the dispute window for this answer closed on 2026-11-10');
    expect(late.stderr).toContain('hint: disputes.windowDays in the config sets the window');
    const opened = qa(db, ['--json', 'dispute', 'open', '--item', callId, '--check', 'greeting', '--by', 'A101', '--reason', 'greeting at 00:04'], '2026-11-06T10:00:00+08:00', 'A101');
    expect(opened.code).toBe(0);
    expect(json(opened)).toMatchObject({ id: 1, state: 'open', answer: { result: 'fail', auditor: 'auditor.li' }, opened_by: 'A101' });
    const both = qa(db, ['dispute', 'decide', '1', '--uphold', '--overturn', '--by', 'x', '--note', 'n']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('pass exactly one of --uphold and --overturn');
    const byAuditor = qa(db, ['dispute', 'decide', '1', '--overturn', '--by', 'auditor.li', '--note', 'n']);
    expect(byAuditor.code).toBe(2);
    expect(byAuditor.stderr).toContain('auditor.li gave the disputed answer: the decider must be someone else');
    const decided = qa(db, ['dispute', 'decide', '1', '--overturn', '--by', 'supervisor.zhang', '--note', 'greeting confirmed'], '2026-11-07T10:00:00+08:00');
    expect(decided.code).toBe(0);
    expect(decided.stdout).toBe(`dispute #1 overturned: ${callId} greeting fail → pass; rectification #1 withdrawn\n`);
    expect(qa(db, ['dispute', 'list', '--open']).stdout).toBe('No disputes.\n');
    expect(json<{ state: string; new_result: string }[]>(qa(db, ['--json', 'dispute', 'list']))).toMatchObject([{ state: 'overturned', new_result: 'pass', current_result: 'pass' }]);
    const bad = qa(db, ['dispute', 'decide', 'x1', '--uphold', '--by', 'a', '--note', 'n']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the dispute id must be a number, got "x1"');
    const log = json<{ action: string }[]>(qa(db, ['--json', 'log']));
    expect(log.map((e) => e.action).filter((a) => /dispute|amend|withdrawn/.test(a))).toEqual(['dispute.overturned', 'finding.amend', 'rectification.withdrawn', 'dispute.open']);
    // The report shows the rate per auditor.
    const report = json<{ people: { disputes_by_auditor: { auditor: string; disputes: number; overturned: number; dispute_rate: number | null }[] } }>(qa(db, ['--json', 'report', '--month', '2026-10'], '2026-11-23T09:00:00+08:00'));
    expect(report.people.disputes_by_auditor).toEqual([
      { auditor: 'auditor.li', answers: 7, fails: 1, disputes: 1, decided: 1, overturned: 1, dispute_rate: 1, overturn_rate: 1 },
      { auditor: 'auditor.wang', answers: 8, fails: 0, disputes: 0, decided: 0, overturned: 0, dispute_rate: null, overturn_rate: null },
    ]);
  });
});

describe('qa calibrate', () => {
  it('start, blind answers by import and by flag, report with kappa; bad rows record nothing', () => {
    const db = freshDb();
    const one = qa(db, ['calibrate', 'start', '--items', '2', '--kind', 'call', '--auditors', 'li']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('--auditors needs at least two names');
    const kind = qa(db, ['calibrate', 'start', '--items', '2', '--kind', 'phone', '--auditors', 'li,wang']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind must be one of consult, contract, delivery, repair, return, call, records, calls, got "phone"');
    const start = json<{ id: number; items: { item_id: string }[] }>(qa(db, ['--json', 'calibrate', 'start', '--items', '2', '--kind', 'call', '--auditors', 'li,wang', '--seed', 's']));
    expect(start.items).toHaveLength(2);
    const [a, b] = start.items.map((i) => i.item_id);
    const dir = tmpDir();
    const li = path.join(dir, 'li.csv');
    fs.writeFileSync(li, ['item,check,result,auditor', ...[a, b].flatMap((id) => CALL_CHECKS.map((c) => `${id},${c},${c === 'closing' ? 'fail' : 'pass'},li`))].join('\n'));
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `item,check,result,auditor\n${a},greeting,pass,li\n${a},greeting,maybe,li\nNOPE,greeting,pass,li\n`);
    const refused = qa(db, ['calibrate', 'import', '1', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${bad}:3: result must be pass, fail or na, got "maybe"`);
    expect(refused.stderr).toContain(`${bad}:4: NOPE is not an item of calibration 1`);
    expect(refused.stderr).toContain('2 bad rows; nothing was recorded');
    // The calibration sheet is read like an export (strict decoding): a GBK-saved sheet with a
    // stray invalid byte is refused naming the line and byte, never read with U+FFFD.
    const broken = path.join(dir, 'broken.csv');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from(`item,check,result,note,auditor\n${a},greeting,fail,`), Buffer.from([0xc3, 0x28]), Buffer.from(',li\n')]));
    const dec = qa(db, ['calibrate', 'import', '1', broken]);
    expect(dec.code).toBe(1);
    expect(dec.stderr).toMatch(/not valid UTF-8: byte 0xC3 at byte \d+ cannot be decoded.*line 2/);
    expect(qa(db, ['calibrate', 'import', '1', li]).code).toBe(0);
    const half = json<{ complete: boolean; agreement: unknown; progress: { answered: number }[] }>(qa(db, ['--json', 'calibrate', 'report', '1']));
    expect(half).toMatchObject({ complete: false, agreement: null, progress: [{ answered: 14 }, { answered: 0 }] });
    for (const id of [a, b]) {
      for (const c of CALL_CHECKS) {
        const r = qa(db, ['calibrate', 'answer', '1', '--item', id!, '--check', c, '--result', c === 'greeting' ? 'fail' : 'pass', '--auditor', 'wang']);
        expect(r.code, r.stderr).toBe(0);
      }
    }
    const again = qa(db, ['calibrate', 'answer', '1', '--item', a!, '--check', 'greeting', '--result', 'pass', '--auditor', 'wang']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('calibration answers are final');
    const report = qa(db, ['calibrate', 'report', '1']);
    expect(report.code).toBe(0);
    // 14 subjects: li fails both closings, wang both greetings → 10 agree; pe = (12·12 + 2·2)/196 … kappa from the pure function.
    expect(report.stdout).toContain("Cohen's kappa = -0.167 (observed agreement 71.4 %, by chance 75.5 %; 14 item × check answers, 10 unanimous)");
    const list = json<{ id: number; auditors: string[]; answers: number }[]>(qa(db, ['--json', 'calibrate', 'list']));
    expect(list).toMatchObject([{ id: 1, auditors: ['li', 'wang'], answers: 28 }]);
    // Nothing reached the findings.
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT count(*) FROM findings').pluck().get()).toBe(15);
    d.close();
  });

  it('qa review --calibration needs a terminal and says how to script it; in a terminal it asks only the calibration items', async () => {
    const db = freshDb();
    qa(db, ['calibrate', 'start', '--items', '1', '--kind', 'call', '--auditors', 'li,wang', '--seed', 's']);
    const r = qa(db, ['review', '--calibration', '1', '--auditor', 'li']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hint: for scripts: qa calibrate answer 1 --item <id> --check <code> --result pass|fail|na --auditor li');
    const notAuditor = qa(db, ['review', '--calibration', '1', '--auditor', 'zhao']);
    expect(notAuditor.code).toBe(2);
    expect(notAuditor.stderr).toContain('zhao is not an auditor of calibration 1 (li, wang)');
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--calibration', '1', '--auditor', 'wang'], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', QA_NOW: '2026-11-23T12:00:00+08:00' }, REPO);
    await p.expect('blind');
    for (const c of CALL_CHECKS) {
      await p.expect(`[${c}`);
      p.send(c === 'polite' ? 'f' : 'p');
      if (c === 'polite') {
        await p.expect('What was wrong:');
        p.send('curt\r');
      }
    }
    expect(await p.exited).toBe(0);
    expect(p.text).toContain('Done: 7 calibration answers saved.');
    const d = new Database(db, { readonly: true });
    expect(d.prepare(`SELECT check_code, result, note FROM calibration_answers WHERE result = 'fail'`).all()).toEqual([{ check_code: 'polite', result: 'fail', note: 'curt' }]);
    d.close();
  }, 60_000);
});

describe('qa scorecard', () => {
  it('table, JSON, CSV and HTML; "no reviews" rather than 0 %; medians beside', () => {
    const db = freshDb();
    const t = qa(db, ['scorecard', '--quarter', '2026-Q4']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Staff scorecards 2026-Q4 (2026-10-01 – 2026-12-31)');
    expect(t.stdout).toMatch(/no reviews \(/);
    const j = json<{ people: { person: string; reviews: { status: string; pass_rate: number | null } }[] }>(qa(db, ['--json', 'scorecard', '--month', '2026-10']));
    const agent = j.people.find((p) => p.reviews.status === 'reviewed' && p.reviews.pass_rate === 0)!;
    expect(agent).toBeDefined();
    expect(j.people.filter((p) => p.reviews.status === 'no reviews').every((p) => p.reviews.pass_rate === null)).toBe(true);
    const csv = qa(db, ['scorecard', '--month', '2026-10', '--format', 'csv']);
    expect(csv.stdout.startsWith('\uFEFFperson,department,roles,records,calls,reviews,reviewed')).toBe(true);
    expect(csv.stdout).toContain(',no reviews,0,0,0,no reviews,no reviews,');
    const out = path.join(tmpDir(), 'sc.html');
    expect(qa(db, ['scorecard', '--month', '2026-10', '--out', out]).code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<span class="na">no reviews</span>');
    expect(html).toContain('dept median');
    const both = qa(db, ['scorecard', '--month', '2026-10', '--quarter', '2026-Q4']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('pass --month or --quarter, not both');
    const fmt = qa(db, ['scorecard', '--format', 'xlsx']);
    expect(fmt.code).toBe(2);
  });

  it('the report shows the control charts: HTML as inline SVG with months and values labelled', () => {
    const db = freshDb();
    const out = path.join(tmpDir(), 'r.html');
    expect(qa(db, ['report', '--month', '2026-10', '--out', out], '2026-11-23T09:00:00+08:00').code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<svg class="pchart"');
    expect(html).toContain('>2026-10</text>');
    expect(html).toMatch(/>\d+\.\d%<\/text>/);
    const table = qa(db, ['report', '--month', '2026-10'], '2026-11-23T09:00:00+08:00').stdout;
    expect(table).toContain('Control charts: 2025-11 – 2026-10');
    expect(table).toMatch(/type call\s+\d+\.\d%/);
  });
});
