import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

/** Fixture exports imported, and the sample of 2 October drawn: built once, copied per test. */
let base = '';
let baseDir = '';
let consultId = '';
let callId = '';
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-review-base-'));
  base = path.join(baseDir, 'base.sqlite');
  const ok = (args: string[]): string => {
    const r = runQa(['--db', base, ...args]);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  ok(['import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]);
  ok(['import', 'calls', path.join(EXPORTS, 'calls-2026-09.csv'), path.join(EXPORTS, 'calls-2026-10.csv')]);
  ok(['sample', '--date', '2026-10-02', '--seed', 'review-tests']);
  const items = JSON.parse(ok(['--json', 'sample', 'list', '--month', '2026-10'])) as { kind: string; item_id: string; stratum: string }[];
  consultId = items.find((i) => i.kind === 'records' && i.stratum === 'consult')!.item_id;
  const calls = JSON.parse(ok(['--json', 'sample', 'list', '--month', '2026-09'])) as { kind: string; item_id: string }[];
  callId = calls.find((i) => i.kind === 'calls')!.item_id;
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

function q(db: string, sql: string, ...params: unknown[]): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params);
  } finally {
    d.close();
  }
}

function pty(db: string, args: string[], env: Record<string, string> = {}): Pty {
  return new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, ...args], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', QA_USER: 'auditor.li', QA_NOW: '2026-11-23T12:00:00+08:00', ...env }, REPO);
}

const prompt = (code: string): string => `[${code}`;

describe('qa review (interactive, in a real pseudo-terminal)', () => {
  it('asks every check, takes a note for a fail, stops on s, and resumes where it stopped', async () => {
    const db = freshDb();
    const a = pty(db, ['review', '--item', consultId]);
    await a.expect(consultId);
    await a.expect(prompt('polite'));
    a.send('p\r');
    await a.expect(prompt('no_forbidden'));
    a.send('p\r');
    await a.expect(prompt('attitude'));
    a.send('f\r');
    await a.expect('What was wrong:');
    a.send('impatient with the customer\r');
    await a.expect('rectification #1 opened');
    await a.expect(prompt('response_time'));
    a.send('s\r');
    expect(await a.exited).toBe(0);
    expect(a.text).toContain('Stopped: 3 answers saved. Run qa review to carry on.');
    expect(a.text).toMatch(/customer\s+KH\d+\s+1\d\d\*{4}\d{4}/); // phone masked on the item card
    expect(q(db, 'SELECT check_code, result, note, auditor FROM findings ORDER BY id')).toEqual([
      { check_code: 'polite', result: 'pass', note: null, auditor: 'auditor.li' },
      { check_code: 'no_forbidden', result: 'pass', note: null, auditor: 'auditor.li' },
      { check_code: 'attitude', result: 'fail', note: 'impatient with the customer', auditor: 'auditor.li' },
    ]);
    expect(q(db, 'SELECT state, owner_department FROM rectifications')).toEqual([{ state: 'open', owner_department: '客服部' }]);

    const b = pty(db, ['review', '--item', consultId]);
    await b.expect('✓ attitude: fail');
    for (const [code, key] of [['response_time', 'p'], ['fit_recommendation', 'n'], ['skill', 'p'], ['resolved', 'p'], ['privacy', 'p']]) {
      await b.expect(prompt(code!));
      b.send(`${key}\r`);
    }
    expect(await b.exited).toBe(0);
    // Weights: 2+3+1+2+2+2+3 applicable (n.a. left out); the minor fail loses 1 of 15.
    expect(b.text).toContain(`${consultId} reviewed: failed (1 check), score 93 %`);
    expect(b.text).toContain('Done: 5 answers saved, 1 item fully reviewed.');
    const status = json<{ item_id: string; status: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    expect(status.find((i) => i.item_id === consultId)!.status).toBe('failed');
  }, 60_000);

  it('Ctrl-C at a prompt stops cleanly with exit 130, keeping the answers given', async () => {
    const db = freshDb();
    const p = pty(db, ['review', '--item', callId]);
    await p.expect(prompt('greeting'));
    p.send('p\r');
    await p.expect(prompt('identity_check'));
    p.send('\x03');
    expect(await p.exited).toBe(130);
    expect(p.text).toContain('Stopped: 1 answers saved');
    expect(p.text).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(q(db, 'SELECT check_code FROM findings')).toEqual([{ check_code: 'greeting' }]);
  }, 30_000);

  it('shows the Chinese prompts with --lang zh', async () => {
    const db = freshDb();
    const p = pty(db, ['--lang', 'zh', 'review', '--item', callId]);
    await p.expect('规范开场问候并报工号');
    p.send('s\r');
    expect(await p.exited).toBe(0);
    expect(p.text).toContain('已停止：保存了 0 个答案');
  }, 30_000);

  it('without a terminal it refuses and names the non-interactive commands', () => {
    const r = runQa(['--db', freshDb(), 'review']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'qa: error: qa review asks questions and needs a terminal (stdin and stdout), without --no-input or CI\n' +
        'hint: for scripts: qa finding add --item <id> --check <code> --result pass|fail|na --note "…", or qa finding import findings.csv\n',
    );
  });
});

describe('qa finding add / import', () => {
  it('records answers, opens a rectification for a fail, and refuses bad input with usage errors', () => {
    const db = freshDb();
    const add = (...args: string[]) => runQa(['--db', db, 'finding', 'add', '--item', callId, ...args], { env: { QA_USER: 'auditor.wang' } });
    expect(add('--check', 'greeting', '--result', 'pass').stdout).toBe(`recorded ${callId} greeting: pass (1/7 checks answered)\n`);
    const fail = runQa(['--db', db, '--json', 'finding', 'add', '--item', callId, '--check', 'identity_check', '--result', 'fail', '--note', 'order discussed before identity check']);
    expect(json(fail)).toMatchObject({ rectification_id: 1, reviewed: false, answered: 2, checks: 7 });
    const owner = q(db, 'SELECT owner_department, owner_person FROM rectifications')[0] as { owner_department: string; owner_person: string };
    const agent = (q(db, 'SELECT agent_id FROM calls WHERE call_id = ?', callId)[0] as { agent_id: string }).agent_id;
    expect(owner).toEqual({ owner_department: '客服部', owner_person: agent });

    const bad: [string[], number, string][] = [
      [['--check', 'greeting', '--result', 'fail', '--note', 'x'], 1, `qa: error: ${callId} already has an answer for greeting: pass`],
      [['--check', 'polite', '--result', 'fail'], 2, 'qa: error: a failed check needs a note saying what was wrong'],
      [['--check', 'terms_explained', '--result', 'pass'], 2, 'qa: error: "terms_explained" is not a check of the call checklist\nhint: its checks are: greeting, identity_check, polite, no_forbidden, problem_handled, correct_info, closing'],
      [['--check', 'polite', '--result', 'maybe'], 2, 'qa: error: --result must be pass, fail or na, got "maybe"'],
      [['--result', 'pass'], 2, 'qa: error: --check is required'],
    ];
    for (const [args, code, message] of bad) {
      const r = add(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    }
  });

  it('an item outside the sample needs --unsampled with a reason', () => {
    const db = freshDb();
    const r = runQa(['--db', db, 'finding', 'add', '--item', 'SR-202610-01400', '--check', 'polite', '--result', 'pass']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('qa: error: SR-202610-01400 is not in any sample');
    const ok = runQa(['--db', db, 'finding', 'add', '--item', 'SR-202610-01400', '--check', 'polite', '--result', 'pass', '--unsampled', 'customer complaint TS-202610-003']);
    expect(ok.code).toBe(0);
    expect(q(db, 'SELECT sampled, unsampled_reason FROM reviews')).toEqual([{ sampled: 0, unsampled_reason: 'customer complaint TS-202610-003' }]);
  });

  it('finding import is all or nothing and names each bad line', () => {
    const db = freshDb();
    const dir = tmpDir();
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, `item,check,result,note,auditor\n${callId},greeting,pass,,auditor.zhou\n${callId},closing,fail,no closing phrase,auditor.zhou\n${consultId},polite,n.a.,,auditor.zhou\n`);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `item,check,result\n${callId},polite,pass\n${callId},nonsense,pass\nNOPE-1,polite,pass\n${callId},correct_info,perhaps\n`);
    const r1 = runQa(['--db', db, 'finding', 'import', bad]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(
      `${bad}:3: "nonsense" is not a check of the call checklist\n${bad}:4: no record or call with id "NOPE-1"\n${bad}:5: result must be pass, fail or na, got "perhaps"\nqa: error: 3 bad rows; nothing was recorded (${bad})\n`,
    );
    expect(q(db, 'SELECT count(*) AS n FROM findings')).toEqual([{ n: 0 }]);
    expect(q(db, 'SELECT count(*) AS n FROM audit_log')).toEqual([{ n: 0 }]);
    const r2 = runQa(['--db', db, 'finding', 'import', good]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toBe(`${good}: 3 answers recorded, 1 rectification opened\n`);
  });
});

describe('qa rectify: the closed loop end to end', () => {
  function openOne(db: string): void {
    const r = runQa(['--db', db, 'finding', 'add', '--item', callId, '--check', 'identity_check', '--result', 'fail', '--note', 'no identity check'], { env: { QA_NOW: '2026-10-02T10:00:00+08:00' } });
    expect(r.code, r.stderr).toBe(0);
  }
  const upd = (db: string, args: string[], env: Record<string, string> = {}) => runQa(['--db', db, 'rectify', 'update', '1', ...args], { env: { QA_USER: 'someone', ...env } });

  it('open → analysed → planned → done → verification fails → planned → done → verified, each step recorded', () => {
    const db = freshDb();
    openOne(db);
    const agent = (q(db, 'SELECT owner_person FROM rectifications')[0] as { owner_person: string }).owner_person;
    expect(upd(db, ['--to', 'planned', '--note', 'x']).stderr).toBe('qa: error: rectification 1: a rectification cannot go from open to planned\nhint: from open it can go to: analysed\n');
    expect(upd(db, ['--to', 'analysed']).stderr).toBe('qa: error: rectification 1: reaching analysed needs the cause of the problem\nhint: pass --note "<the cause>"\n');
    expect(upd(db, ['--to', 'analysed', '--note', 'script card missing']).code).toBe(0);
    expect(upd(db, ['--to', 'planned', '--note', 'print script cards', '--due', '2026-12-20', '--by', 'sup', '--reason', 'printer order']).code).toBe(0);
    expect(upd(db, ['--to', 'done']).code).toBe(2);
    expect(upd(db, ['--to', 'done', '--note', 'cards at every desk, photo P-1'], { QA_USER: agent }).code).toBe(0);
    const self = upd(db, ['--to', 'verified', '--note', 'fine', '--by', agent]);
    expect(self.code).toBe(2);
    expect(self.stderr).toBe(`qa: error: rectification 1: the verifier must be someone other than the owner (${agent})\nhint: pass --by <verifier> (a member of the supervision team)\n`);
    expect(upd(db, ['--to', 'planned', '--by', 'zhang.wei', '--note', '2 of 5 calls still skip the check']).code).toBe(0);
    expect(upd(db, ['--to', 'done', '--note', 'coaching session 10-25'], { QA_USER: agent }).code).toBe(0);
    expect(upd(db, ['--to', 'verified', '--by', 'zhang.wei', '--note', '5 calls checked, all verify identity']).code).toBe(0);
    expect(upd(db, ['--to', 'done', '--note', 'x']).stderr).toBe('qa: error: rectification 1: a rectification cannot go from verified to done\nhint: verified is final\n');

    const show = json<{ state: string; steps: { from: string | null; to: string; by: string; note: string }[]; cause: string; measures: string; evidence: string; verification: string; verified_by: string; due_date: string }>(
      runQa(['--db', db, '--json', 'rectify', 'show', '1']),
    );
    expect(show).toMatchObject({ state: 'verified', cause: 'script card missing', measures: 'print script cards', evidence: 'coaching session 10-25', verification: '5 calls checked, all verify identity', verified_by: 'zhang.wei', due_date: '2026-12-20' });
    expect(show.steps.map((s) => `${s.from ?? '∅'}→${s.to}`)).toEqual(['∅→open', 'open→analysed', 'analysed→planned', 'planned→done', 'done→planned', 'planned→done', 'done→verified']);
    const actions = (q(db, 'SELECT action FROM audit_log ORDER BY id') as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(['review.start', 'finding.add', 'rectification.open', 'rectification.analysed', 'rectification.planned', 'rectification.done', 'rectification.verification_failed', 'rectification.done', 'rectification.verified']);
    const log = runQa(['--db', db, 'log']);
    expect(log.stdout).toContain('rectification.verified');
  });

  it('overdue: past the due date and not done, listed with owners and days overdue; --dept filters', () => {
    const db = freshDb();
    openOne(db); // due 7 days after 2026-10-02
    const list = (env: string, ...args: string[]) => json<{ id: number; overdue_days: number; due_date: string }[]>(runQa(['--db', db, '--json', 'rectify', 'list', ...args], { env: { QA_NOW: env } }));
    expect(list('2026-10-09T12:00:00+08:00', '--overdue')).toEqual([]);
    expect(list('2026-10-12T12:00:00+08:00', '--overdue')).toMatchObject([{ id: 1, due_date: '2026-10-09', overdue_days: 3 }]);
    expect(list('2026-10-12T12:00:00+08:00', '--overdue', '--dept', '技术部')).toEqual([]);
    expect(list('2026-10-12T12:00:00+08:00', '--dept', '客服部')).toHaveLength(1);
    const table = runQa(['--db', db, 'rectify', 'list', '--overdue'], { env: { QA_NOW: '2026-10-12T12:00:00+08:00' } });
    expect(table.stdout).toMatch(/│\s+1 │ open\s+│ 2026-10-09 │\s+3 │ 客服部/);
    expect(table.stdout).toContain('1 rectification, 1 overdue');
  });
});

describe('qa checklist show', () => {
  it('prints the checklists in force, replaced by the config', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'qa.config.json'), JSON.stringify({ checklists: { call: { remove: ['closing'] } } }));
    const all = json<Record<string, { code: string }[]>>(runQa(['--json', 'checklist', 'show']));
    expect(Object.keys(all)).toEqual(['consult', 'contract', 'delivery', 'repair', 'return', 'call', 'inspection']);
    const call = json<{ code: string }[]>(runQa(['--json', 'checklist', 'show', 'call'], { cwd: dir }));
    expect(call.map((c) => c.code)).not.toContain('closing');
    const bad = runQa(['checklist', 'show', 'rental']);
    expect(bad.code).toBe(2);
    const badCfg = path.join(dir, 'bad.json');
    fs.writeFileSync(badCfg, JSON.stringify({ checklists: { call: [{ code: 'x', zh: 'x', en: 'x', category: 'conduct', severity: 'urgent' }] } }));
    const r = runQa(['--config', badCfg, 'checklist', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qa: error: config key checklists.call[0].severity: must be one of critical, major, minor, got "urgent" (${badCfg})\n`);
  });
});
