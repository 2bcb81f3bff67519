/**
 * Regression tests for problems found in review: each names what broke.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { maskPhonesInText } from '../../src/core/mask.js';
import { json, runQa } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

function base(): string {
  const db = path.join(tmpDir(), 'qa.sqlite');
  expect(runQa(['--db', db, 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]).code).toBe(0);
  expect(runQa(['--db', db, 'import', 'calls', path.join(EXPORTS, 'calls-2026-10.csv')]).code).toBe(0);
  return db;
}

describe('phone numbers in free text are masked', () => {
  it('maskPhonesInText finds mobiles (with +86, spaces, dashes) and landlines, leaves other numbers', () => {
    expect(maskPhonesInText('客户 13812345678 说，回电 +86 138-1234-5678 或 010-62345678；订单 20261021，金额 1999')).toBe(
      '客户 138****5678 说，回电 +86 138****5678 或 010****5678；订单 20261021，金额 1999',
    );
    expect(maskPhonesInText(null)).toBe(null);
  });

  it('a phone column under another header (手机号) is personal data too', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'r.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at,手机号,备注\nP1,consult,2026-10-08 10:00,13912345678,请回电 13912345678\n');
    const db = path.join(dir, 'qa.sqlite');
    expect(json<{ extra_columns: string[] }>(runQa(['--db', db, '--json', 'import', 'records', f])).extra_columns).toEqual([]);
    const row = new Database(db, { readonly: true }).prepare(`SELECT customer_phone FROM records`).pluck().get();
    expect(row).toBe('13912345678');
  });
});

describe('weekly calls: a week still running is pending, not missed', () => {
  it('on 1 November the week of 26 Oct – 1 Nov has no draw yet: met null, the KPI judges the complete weeks', () => {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01'], { env: { QA_NOW: '2026-11-01T06:00:00+08:00' } }).code).toBe(0);
    const r = json<{ kpis: { id: string; value: number | null; met: boolean | null }[]; coverage: { weeks: { week: string; met: boolean | null }[] } }>(
      runQa(['--db', db, '--json', 'report', '--month', '2026-10'], { env: { QA_NOW: '2026-11-01T06:30:00+08:00' } }),
    );
    expect(r.coverage.weeks.find((w) => w.week === '2026-W44')!.met).toBe(null);
    expect(r.kpis.find((k) => k.id === 'weekly_calls_sampled')).toMatchObject({ value: 50, met: true });
    // Not drawn a week later: now it is a miss.
    const later = json<{ kpis: { id: string; value: number | null; met: boolean | null }[] }>(runQa(['--db', db, '--json', 'report', '--month', '2026-10'], { env: { QA_NOW: '2026-11-09T06:30:00+08:00' } }));
    expect(later.kpis.find((k) => k.id === 'weekly_calls_sampled')).toMatchObject({ value: 0, met: false });
  });

  it('a run dated in the future is refused (it would draw a week that is still running, for good)', () => {
    const r = runQa(['--db', base(), 'sample', '--date', '2026-12-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: --date 2026-12-01 is in the future\nhint: a run can be for a date up to 2026-11-24\n');
  });
});

describe('a busy or failing database is a failure (exit 1), not a bug (70)', () => {
  it('another writer holding the lock: exit 1 with a hint; a report still runs (its cache write is skipped)', () => {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']))[0]!.item_id;
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const env = { QA_BUSY_TIMEOUT_MS: '200' };
      const r = runQa(['--db', db, 'finding', 'add', '--item', item, '--check', 'polite', '--result', 'pass'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('qa: error: the database is busy: another qa is writing to it (a large import?)\nhint: run this again when it has finished\n');
      const rep = runQa(['--db', db, '--json', 'report', '--month', '2026-10'], { env });
      expect(rep.code, rep.stderr).toBe(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

describe('rectification due dates', () => {
  it('--due only with --to planned, never in the past; list --overdue --state done is empty', () => {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10'])).find((i) => i.kind === 'records')!.item_id;
    expect(runQa(['--db', db, 'finding', 'add', '--item', item, '--check', 'polite', '--result', 'fail', '--note', 'rude'], { env: { QA_NOW: '2026-11-02T10:00:00+08:00' } }).code).toBe(0);
    const upd = (...a: string[]) => runQa(['--db', db, 'rectify', 'update', '1', ...a]);
    expect(upd('--to', 'analysed', '--note', 'cause', '--due', '2026-12-31').stderr).toBe('qa: error: rectification 1: a new due date can only be set with the measures (--to planned)\nhint: drop --due, or move the rectification to planned first\n');
    expect(upd('--to', 'analysed', '--note', 'cause').code).toBe(0);
    expect(upd('--to', 'planned', '--note', 'm', '--due', '2026-11-01').stderr).toBe('qa: error: rectification 1: the new due date 2026-11-01 is already past\nhint: give a date from 2026-11-23 on\n');
    expect(json(runQa(['--db', db, '--json', 'rectify', 'list', '--overdue', '--state', 'done']))).toEqual([]);
    expect(json<unknown[]>(runQa(['--db', db, '--json', 'rectify', 'list', '--overdue', '--state', 'analysed,done']))).toHaveLength(1);
  });
});

describe('output contracts', () => {
  it('--json wins over --format; report --json --out prints a JSON summary', () => {
    const db = base();
    const r = runQa(['--db', db, '--json', 'report', '--month', '2026-10', '--format', 'table']);
    expect(JSON.parse(r.stdout).month).toBe('2026-10');
    const out = path.join(tmpDir(), 'r.md');
    const w = json<{ month: string; out: string; format: string; missed: string[] }>(runQa(['--db', db, '--json', 'report', '--month', '2026-10', '--out', out]));
    expect(w).toMatchObject({ month: '2026-10', out, format: 'json' });
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).month).toBe('2026-10');
  });

  it('several files with --json: a file that failed has its entry, with the error', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', 'records', path.join(EXPORTS, 'records-semicolon.csv'), path.join(EXPORTS, '..', 'broken', 'empty.csv')]);
    expect(r.code).toBe(1);
    const doc = json<Record<string, unknown>[]>(r);
    expect(doc).toHaveLength(2);
    expect(doc[1]).toMatchObject({ committed: false, error: { message: 'the file is empty (0 bytes): no header row' } });
  });

  it('a bad --encoding is one usage error before any file is read', () => {
    const r = runQa(['import', 'records', 'a.csv', 'b.csv', '--encoding', 'klingon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: unknown encoding "klingon"\nhint: use --encoding utf8, gb18030, utf16le or utf16be\n');
  });

  it('qa sample list without --month shows what qa sample counted (the weeks of the last 35 days too)', () => {
    const db = base();
    const env = { QA_NOW: '2026-11-02T08:00:00+08:00' };
    const s = runQa(['--db', db, 'sample', '--date', '2026-11-02'], { env });
    const pending = Number(/Worklist: ([\d,]+) items pending/.exec(s.stdout)![1]!.replace(/,/g, ''));
    const list = json<{ kind: string; period: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--pending'], { env }));
    expect(list).toHaveLength(pending);
    expect(list.some((i) => i.period === '2026-W44')).toBe(true);
  });

  it('finding import names the real line of a row after a quoted multi-line note', () => {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10'])).find((i) => i.kind === 'records')!.item_id;
    const f = path.join(tmpDir(), 'answers.csv');
    fs.writeFileSync(f, `item,check,result,note\n${item},polite,fail,"line one\nline two"\n\n${item},nonsense,pass,\n`);
    const r = runQa(['--db', db, 'finding', 'import', f]);
    expect(r.stderr.split('\n')[0]).toBe(`${f}:5: "nonsense" is not a check of the ${/^SR/.test(item) ? json<{ stratum: string; item_id: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10'])).find((i) => i.item_id === item)!.stratum : 'call'} checklist`);
  });
});

describe('qa review: Enter alone records nothing (answers are final)', () => {
  it('shows the key help instead of recording a pass', async () => {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10'])).find((i) => i.kind === 'calls')!.item_id;
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', item], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm', QA_NOW: '2026-11-23T12:00:00+08:00' }, REPO);
    await p.expect('[greeting');
    p.send('\r');
    await p.expect('pass'); // the expanded key list
    p.send('s\r');
    expect(await p.exited).toBe(0);
    expect(new Database(db, { readonly: true }).prepare('SELECT count(*) FROM findings').pluck().get()).toBe(0);
  }, 30_000);
});

describe('second review round', () => {
  function sampled(): { db: string; record: string; call: string } {
    const db = base();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const list = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    return { db, record: list.find((i) => i.kind === 'records')!.item_id, call: list.find((i) => i.kind === 'calls')!.item_id };
  }

  it('rectify update --unmask writes an unmask entry to the audit log, naming who', () => {
    const { db, record } = sampled();
    expect(runQa(['--db', db, 'finding', 'add', '--item', record, '--check', 'polite', '--result', 'fail', '--note', '客户 13812345678 投诉']).code).toBe(0);
    const r = runQa(['--db', db, '--json', '--unmask', 'rectify', 'update', '1', '--to', 'analysed', '--note', 'cause'], { env: { QA_USER: 'KF05' } });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ finding_note: string }>(r).finding_note).toBe('客户 13812345678 投诉');
    const rows = new Database(db, { readonly: true }).prepare(`SELECT actor, entity_id FROM audit_log WHERE action = 'unmask'`).all();
    expect(rows).toEqual([{ actor: 'KF05', entity_id: 'rectify update 1 --to analysed --note cause' }]);
    // Without --unmask: masked, nothing logged.
    const m = runQa(['--db', db, '--json', 'rectify', 'update', '1', '--to', 'planned', '--note', 'measures']);
    expect(json<{ finding_note: string }>(m).finding_note).toBe('客户 138****5678 投诉');
    expect(new Database(db, { readonly: true }).prepare(`SELECT count(*) FROM audit_log WHERE action = 'unmask'`).pluck().get()).toBe(1);
  });

  it('log --since without an offset is local time in the configured zone; every import form works; offsets are honoured', () => {
    const { db, record } = sampled();
    // 17:30 Shanghai = 09:30 UTC; the tests run with TZ=UTC.
    expect(runQa(['--db', db, 'finding', 'add', '--item', record, '--check', 'polite', '--result', 'pass'], { env: { QA_NOW: '2026-11-03T17:30:00+08:00' } }).code).toBe(0);
    const since = (v: string): number => {
      const r = runQa(['--db', db, '--json', 'log', '--since', v]);
      expect(r.code, r.stderr).toBe(0);
      return json<unknown[]>(r).length;
    };
    // The first answer writes two entries (review.start, finding.add), both at 17:30 local.
    expect(since('2026-11-03T17:00:00')).toBe(2);
    expect(since('2026-11-03 17:00')).toBe(2);
    expect(since('2026/11/3 17:29')).toBe(2);
    expect(since('2026-11-03')).toBe(2);
    expect(since('2026-11-03 17:31')).toBe(0);
    expect(since('2026-11-03T09:00:00Z')).toBe(2);
    expect(since('2026-11-03T17:00:00+08:00')).toBe(2);
    expect(since('2026-11-03T10:00:00Z')).toBe(0);
    const bad = runQa(['--db', db, 'log', '--since', '2026-11-31 10:00']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be');
  });

  it('a number too large for --limit or an id is a usage error (exit 2), not a database error', () => {
    const { db } = sampled();
    const huge = '99999999999999999999';
    for (const [args, msg] of [
      [['log', '--limit', huge], `qa: error: --limit must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, got "${huge}"\n`],
      [['sample', 'verify', huge], `qa: error: the run id must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, got "${huge}"\n`],
      [['rectify', 'show', huge], `qa: error: the rectification id must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, got "${huge}"\n`],
    ] as const) {
      const r = runQa(['--db', db, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(msg);
    }
    expect(runQa(['--db', db, 'log', '--limit', String(Number.MAX_SAFE_INTEGER)]).code).toBe(0);
  });

  it('qa review --item of an unsampled item is refused before any question (and without a terminal, the same error)', async () => {
    const { db } = sampled();
    const item = new Database(db, { readonly: true }).prepare(`SELECT record_id FROM records WHERE record_id NOT IN (SELECT item_id FROM sample_items) ORDER BY record_id LIMIT 1`).pluck().get() as string;
    const err = `qa: error: ${item} is not in any sample\nhint: review sampled items (qa sample list), or pass --unsampled "<why>" to review it anyway (flagged in reports)\n`;
    const r = runQa(['--db', db, 'review', '--item', item]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(err);
    // In a terminal: the refusal comes first, no question is asked.
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', item], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm', NO_COLOR: '1', QA_NOW: '2026-11-23T12:00:00+08:00' }, REPO);
    await p.expect('is not in any sample');
    expect(await p.exited).toBe(2);
    // With --unsampled but no terminal: now it is the terminal that is missing.
    const t = runQa(['--db', db, 'review', '--item', item, '--unsampled', 'complaint']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('needs a terminal');
  }, 30_000);

  it('sample list counts the checks of the checklist for items not started yet', () => {
    const { db, record, call } = sampled();
    const list = () => json<{ item_id: string; kind: string; stratum: string; status: string; answered: number; checks: number }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    const checklists = json<Record<string, unknown[]>>(runQa(['--db', db, '--json', 'checklist', 'show']));
    const before = list();
    for (const i of before) {
      expect(i).toMatchObject({ status: 'pending', answered: 0, checks: checklists[i.kind === 'calls' ? 'call' : i.stratum]!.length });
      expect(i.checks).toBeGreaterThan(0);
      expect(i).not.toHaveProperty('record_type');
    }
    expect(runQa(['--db', db, 'finding', 'add', '--item', record, '--check', 'polite', '--result', 'pass']).code).toBe(0);
    const after = list().find((i) => i.item_id === record)!;
    expect(after).toMatchObject({ status: 'in_progress', answered: 1, checks: before.find((i) => i.item_id === record)!.checks });
    expect(list().find((i) => i.item_id === call)!.status).toBe('pending');
  });
});
