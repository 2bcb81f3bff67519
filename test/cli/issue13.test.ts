/**
 * Issue 13: the auditor's morning and the manager's report — the CLI pieces
 * (suggestions, group examples, the finding template and Chinese headers,
 * sample list after a run, export --quiet --check).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { EXPORTS, tmpDir } from '../helpers/tmp.js';

let base = '';
let baseDir = '';
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-i13-base-'));
  base = path.join(baseDir, 'base.sqlite');
  for (const [kind, file] of [
    ['records', 'records-2026-10.csv'],
    ['calls', 'calls-2026-10.csv'],
  ] as const) {
    const r = runQa(['--db', base, 'import', kind, path.join(EXPORTS, file)]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const db = new Database(base);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 60_000);

function freshDb(): string {
  const f = path.join(tmpDir(), 'qa.sqlite');
  fs.copyFileSync(base, f);
  return f;
}

describe('typos and group help', () => {
  it('qa smaple suggests sample (exit 2), like rectify lsit suggests list', () => {
    const r = runQa(['smaple']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'smaple' (did you mean sample?)");
    expect(runQa(['revew']).stderr).toContain('did you mean review?');
    expect(runQa(['zzzz']).stderr).not.toContain('did you mean');
  });

  it.each(['finding', 'rectify', 'checklist', 'config', 'db', 'sample', 'dispute', 'calibrate'])('qa %s --help has examples', (group) => {
    const r = runQa([group, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}qa /);
  });
});

describe('qa finding template and Chinese headers', () => {
  it('writes the headers in the --lang; --pending lists every unanswered check, and the filled sheet imports', () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-10-20']).code).toBe(0);
    const en = runQa(['--db', db, 'finding', 'template']);
    expect(en.code).toBe(0);
    expect(en.stdout).toBe('\uFEFFitem,kind,check,result,note,auditor,unsampled\r\n');
    const dir = tmpDir();
    const file = path.join(dir, '审核.csv');
    const zh = runQa(['--db', db, '--lang', 'zh', 'finding', 'template', '--pending', '--out', file]);
    expect(zh.code, zh.stderr).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('项目编号,种类,检查项代码,结果,问题说明,审核人,抽样外原因');
    expect(lines.length).toBeGreaterThan(10);
    // Refuses to overwrite.
    expect(runQa(['--db', db, 'finding', 'template', '--out', file]).code).toBe(2);
    // Fill the first item's rows with 通过, the check named by its Chinese text in one row.
    const rows = lines.slice(1).map((l) => l.split(','));
    const item = rows[0]![0]!;
    const mine = rows.filter((r) => r[0] === item);
    const checks = json<Record<string, { code: string; zh: string }[]>>(runQa(['--db', db, '--json', 'checklist', 'show']));
    const text = Object.values(checks).flat().find((c) => c.code === mine[0]![2])!.zh;
    const filled = ['项目编号,种类,检查项,结果,问题说明', ...mine.map((r, i) => `${r[0]},${r[1] === 'calls' ? '录音' : '记录'},${i === 0 ? text : r[2]},通过,`)].join('\n');
    const answers = path.join(dir, 'answers.csv');
    fs.writeFileSync(answers, filled);
    const imp = runQa(['--db', db, '--json', 'finding', 'import', answers]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(json<{ added: number }>(imp).added).toBe(mine.length);
  });
});

describe('qa sample list after a run', () => {
  it('without --month lists what the latest run drew (the hint leads to its items), whatever the clock says', () => {
    const db = freshDb();
    const run = runQa(['--db', db, '--lang', 'zh', 'sample', '--date', '2026-11-01'], { env: { QA_NOW: '2026-12-15T09:00:00+08:00' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/qa sample list --pending/);
    const pending = Number(/待审核：(\d+)/.exec(run.stdout)?.[1]);
    expect(pending).toBeGreaterThan(0);
    const list = runQa(['--db', db, '--json', 'sample', 'list', '--pending'], { env: { QA_NOW: '2026-12-15T09:00:00+08:00' } });
    expect(list.code, list.stderr).toBe(0);
    expect(json<unknown[]>(list).length).toBe(pending);
    const table = runQa(['--db', db, 'sample', 'list', '--pending'], { env: { QA_NOW: '2026-12-15T09:00:00+08:00' } });
    expect(table.stdout).toContain('latest run (2026-11-01): records of 2026-10');
  });
});

describe('qa export --quiet --check', () => {
  it('prints the missed KPIs on stderr (cron mails only output) and exits 3', () => {
    const db = freshDb();
    const out = tmpDir();
    const r = runQa(['--db', db, 'export', '--month', '2026-10', '--out-dir', out, '--quiet', '--check']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/KPIs? missed the target: .*record_sample_coverage/);
  });
});
