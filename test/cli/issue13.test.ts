/**
 * Issue 13: the auditor's morning and the manager's report — the CLI pieces
 * (suggestions, group examples, the finding template and Chinese headers,
 * sample list after a run, export --quiet --check).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

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
  }, 60_000);
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

function q(db: string, sql: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all();
  } finally {
    d.close();
  }
}

function pty(db: string, args: string[], env: Record<string, string> = {}): Pty {
  return new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, ...args], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', QA_USER: 'auditor.li', QA_NOW: '2026-11-23T12:00:00+08:00', ...env }, REPO);
}

describe('qa review at speed (a real pseudo-terminal)', () => {
  it('one key per answer, the data verdict beside response_time, a correction with a reason, pass the rest', async () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const items = json<{ kind: string; item_id: string; stratum: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    const consult = items.find((i) => i.stratum === 'consult')!.item_id;
    const p = pty(db, ['review', '--item', consult]);
    await p.expect('[polite');
    p.send('p'); // no Enter
    await p.expect('[no_forbidden');
    p.send('f');
    await p.expect('What was wrong:');
    p.send('brushed off\r');
    await p.expect('rectification #1 opened');
    await p.expect('[attitude');
    p.send('p');
    await p.expect('[response_time');
    // The KPI rule's verdict for this record, computed (working hours / holiday), beside the question.
    await p.expect(/the data says [✔✘] (pass|fail): (answered|no) .*limit (15|30) min/);
    p.send('c'); // correct an earlier answer
    await p.expect('Correct which answer?');
    p.send('\u001b[B\r'); // the second answered check: no_forbidden
    await p.expect('Change to (now fail)');
    p.send('p');
    await p.expect('Why the answer was wrong:');
    p.send('misheard the recording\r');
    await p.expect('rectification #1 withdrawn');
    await p.expect('— answers now —');
    await p.expect(/✔ pass {2}No forbidden phrases/);
    p.send('a'); // pass the rest
    expect(await p.exited).toBe(0);
    expect(p.text).toMatch(/reviewed: passed, score 100 %/);
    expect(p.text).toContain('Done: 8 answers saved, 1 item fully reviewed, 1 answer corrected.');
    expect(p.text).not.toContain('answers are final');
    expect(q(db, "SELECT result FROM findings WHERE check_code = 'no_forbidden'")).toEqual([{ result: 'pass' }]);
    expect(q(db, 'SELECT state FROM rectifications')).toEqual([{ state: 'withdrawn' }]);
    expect(q(db, 'SELECT old_result, new_result, reason FROM finding_amendments')).toEqual([{ old_result: 'fail', new_result: 'pass', reason: 'misheard the recording' }]);
    const log = runQa(['--db', db, '--json', 'log']);
    expect(json<{ action: string }[]>(log).map((a) => a.action)).toEqual(expect.arrayContaining(['finding.amend', 'rectification.withdrawn']));
  }, 60_000);

  it('a reviewed item opened again offers corrections; results resume in Chinese; o plays the recording with review.player', async () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const items = json<{ kind: string; item_id: string; recording_ref: string | null }[]>(runQa(['--db', db, '--json', 'sample', 'list']));
    const call = items.find((i) => i.kind === 'calls')!;
    const dir = tmpDir();
    const played = path.join(dir, 'played.txt');
    const player = path.join(dir, 'play.sh');
    fs.writeFileSync(player, `#!/bin/sh\necho "$1" > ${played}\n`, { mode: 0o755 });
    const config = path.join(dir, 'qa.config.json');
    fs.writeFileSync(config, JSON.stringify({ review: { player } }));
    const a = pty(db, ['--config', config, '--lang', 'zh', 'review', '--item', call.item_id]);
    await a.expect('[greeting');
    a.send('o');
    await a.expect('正在用');
    for (let i = 0; i < 50 && !fs.existsSync(played); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.readFileSync(played, 'utf8').trim()).toBe(call.recording_ref);
    a.send('n');
    await a.expect('[identity_check');
    a.send('s');
    expect(await a.exited).toBe(0);
    // Without a player: says where the recording is.
    const b = pty(db, ['--lang', 'zh', 'review', '--item', call.item_id]);
    await b.expect(/– 不适用 {2}规范开场问候并报工号/); // resumed: the check's text and a Chinese result
    await b.expect('[identity_check');
    b.send('o');
    await b.expect(`录音文件：${call.recording_ref}`);
    b.send('a');
    await b.expect('审核完成：通过');
    expect(await b.exited).toBe(0);
    const c = pty(db, ['review', '--item', call.item_id]);
    await c.expect('This item is reviewed.');
    c.send('c');
    await c.expect('Correct which answer?');
    c.send('\r');
    await c.expect('Change to (now n.a.)');
    c.send('f');
    await c.expect('Why the answer was wrong:');
    c.send('greeting was missing after all\r');
    await c.expect('What was wrong:');
    c.send('no greeting\r');
    await c.expect('rectification #1 opened');
    await c.expect('This item is reviewed.');
    c.send('s');
    expect(await c.exited).toBe(0);
    expect(q(db, "SELECT result, note FROM findings WHERE check_code = 'greeting'")).toEqual([{ result: 'fail', note: 'no greeting' }]);
  }, 60_000);
});

describe('the report while review is incomplete (SPEC §5)', () => {
  it('every format says how many sampled items are unreviewed and marks review-based figures provisional; missing rows shown in md/html', () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const items = json<{ item_id: string; kind: string; stratum: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    const rec = items.find((i) => i.kind === 'records')!;
    const first = rec.item_id;
    const codes = json<{ code: string }[]>(runQa(['--db', db, '--json', 'checklist', 'show', rec.stratum])).map((c) => c.code);
    for (const c of codes) expect(runQa(['--db', db, 'finding', 'add', '--item', first, '--check', c, '--result', 'pass']).code).toBe(0);
    const out = (lang: string, format: string): string => {
      const r = runQa(['--db', db, '--lang', lang, 'report', '--month', '2026-10', '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const j = JSON.parse(out('en', 'json')) as { review: { sampled: number; reviewed: number; not_reviewed: number; complete: boolean }; kpis: { id: string; provisional: boolean }[] };
    expect(j.review).toEqual({ sampled: items.length, reviewed: 1, not_reviewed: items.length - 1, complete: false });
    expect(j.kpis.find((k) => k.id === 'audit_pass_rate')!.provisional).toBe(true);
    expect(j.kpis.find((k) => k.id === 'record_sample_coverage')!.provisional).toBe(false);
    const banner = `${items.length - 1} of ${items.length} sampled items not reviewed yet`;
    const zhBanner = `${items.length} 个抽样项目中还有 ${items.length - 1} 个未审核`;
    for (const f of ['table', 'md', 'html']) {
      const en = out('en', f);
      expect(en, f).toContain(banner);
      // At the top: before the KPI table.
      expect(en.indexOf(banner), f).toBeLessThan(en.indexOf('Service records sampled'));
      expect(en, f).toMatch(/100\.0 % \*/);
      expect(en, f).toContain('met (provisional)');
      expect(out('zh', f), f).toContain(zhBanner);
      expect(en, f).not.toMatch(/\d pp\b/);
    }
    for (const f of ['md', 'html']) expect(out('en', f), f).toMatch(/\d+\/\d+ \(\+\d+ missing\)/);
    expect(out('zh', 'md')).toMatch(/另有 \d+ 条缺数据/);
    // No raw ISO time for people.
    expect(out('zh', 'html')).toMatch(/生成于 \d{4}-\d\d-\d\d \d\d:\d\d</);
    // The HTML trend labels its months and values.
    expect(out('en', 'html')).toMatch(/<svg class="spark"[^>]*aria-label="2026-10 \d+\.\d%"/);
    const csv = out('zh', 'csv');
    expect(csv.startsWith('\uFEFF指标代码,指标,数值,目标,比较,达标,分子,分母,缺数据,上月,环比,暂定,')).toBe(true);
    expect(csv).toMatch(/\r\naudit_pass_rate,抽查合格率,100%,95%,>=,是,1,1,0,,,是,/);
  }, 60_000);

  it('export --lang zh writes Chinese CSV headers, local times and Chinese values', () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list'])).find((i) => i.kind === 'records')!.item_id;
    expect(runQa(['--db', db, 'finding', 'add', '--item', item, '--check', 'polite', '--result', 'fail', '--note', 'rude']).code).toBe(0);
    const dir = tmpDir();
    expect(runQa(['--db', db, '--lang', 'zh', 'export', '--month', '2026-10', '--out-dir', dir]).code).toBe(0);
    const findings = fs.readFileSync(path.join(dir, 'qa-2026-10', 'findings.csv'), 'utf8');
    expect(findings.split('\r\n')[0]).toBe('\uFEFF种类,项目编号,检查表,部门,员工或坐席,在抽样中,抽样外原因,审核后被更新,检查项代码,检查项,类别,严重度,结果,问题说明,审核人,审核时间');
    expect(findings).toMatch(/,是,,否,polite,服务语言礼貌、规范,服务规范,重要,不通过,rude,[^,]+,2026-11-23 12:00\r\n/);
    const rects = fs.readFileSync(path.join(dir, 'qa-2026-10', 'rectifications.csv'), 'utf8');
    expect(rects.split('\r\n')[0]).toBe('\uFEFF编号,种类,项目编号,检查项代码,严重度,问题说明,责任部门,责任人,开立时间,整改期限,状态,原因,措施,整改证据,验证结果,整改完成时间,验证时间,验证人');
    expect(runQa(['--db', db, '--lang', 'zh', 'export', '--month', '2026-11', '--out-dir', dir], { env: { QA_NOW: '2026-11-24T12:00:00+08:00' } }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'qa-2026-11', 'rectifications.csv'), 'utf8')).toMatch(/,2026-11-23 12:00,2026-11-30,待分析,/);
  }, 60_000);
});

describe('Chinese names and texts', () => {
  it('rectify update --to 已分析 and --state with Chinese names; rectify list shows the check text; errors in Chinese', () => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list'])).find((i) => i.kind === 'records')!.item_id;
    expect(runQa(['--db', db, 'finding', 'add', '--item', item, '--check', 'polite', '--result', 'fail', '--note', 'rude']).code).toBe(0);
    const bad = runQa(['--db', db, '--lang', 'zh', 'rectify', 'update', '1', '--to', '已整改', '--note', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('qa: error: 整改 #1：整改不能从「待分析」转到「已整改」\nhint: 「待分析」之后可以转到：已分析原因\n');
    const ok = runQa(['--db', db, '--lang', 'zh', 'rectify', 'update', '1', '--to', '已分析', '--note', '新员工']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('整改 #1 → 已分析原因');
    const list = runQa(['--db', db, '--lang', 'zh', 'rectify', 'list', '--state', '已分析原因']);
    expect(list.stdout).toContain('服务语言礼貌、规范');
    expect(list.stdout).not.toContain('polite');
    expect(runQa(['--db', db, '--lang', 'zh', 'rectify', 'show', 'x']).stderr).toContain('整改编号必须是数字');
    expect(runQa(['--db', db, '--json', 'checklist', 'show', '维修']).code).toBe(0);
  }, 60_000);
});

describe('tables fit the terminal width (SPEC §1)', () => {
  it.each([80, 100])('at %i columns every table line fits, long text clipped with …; --json, csv and --out are never clipped', (cols) => {
    const db = freshDb();
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const item = json<{ item_id: string; kind: string }[]>(runQa(['--db', db, '--json', 'sample', 'list'])).find((i) => i.kind === 'records')!.item_id;
    expect(runQa(['--db', db, 'finding', 'add', '--item', item, '--check', 'polite', '--result', 'fail', '--note', 'x'.repeat(150)]).code).toBe(0);
    const env = { COLUMNS: String(cols) };
    const tableLine = /^[┌│├└]/;
    for (const lang of ['en', 'zh']) {
      for (const args of [['report', '--month', '2026-10'], ['imports'], ['log'], ['sample', 'list', '--pending'], ['rectify', 'list']]) {
        const r = runQa(['--db', db, '--lang', lang, ...args], { env });
        expect(r.code, r.stderr).toBe(0);
        const lines = r.stdout.split('\n').filter((l) => tableLine.test(l));
        expect(lines.length, args.join(' ')).toBeGreaterThan(0);
        for (const l of lines) expect(stringWidth(l), `${lang} ${args.join(' ')}: ${l}`).toBeLessThanOrEqual(cols);
      }
    }
    // Clipped on the terminal, whole elsewhere.
    const log = runQa(['--db', db, 'log'], { env });
    expect(log.stdout).toContain('…');
    expect(runQa(['--db', db, '--json', 'log'], { env }).stdout).toContain('x'.repeat(150));
    const out = path.join(tmpDir(), 'report.txt');
    expect(runQa(['--db', db, 'report', '--month', '2026-10', '--out', out], { env }).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('Reviewed items that passed');
    expect(runQa(['--db', db, 'sample', 'list', '--format', 'csv'], { env }).stdout).not.toContain('…');
    // Piped without COLUMNS: the natural width (nothing clipped).
    expect(runQa(['--db', db, 'report', '--month', '2026-10']).stdout).toContain('Service records sampled');
  }, 60_000);
});

describe('config review.player', () => {
  it('is validated like every key', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'qa.config.json');
    fs.writeFileSync(f, JSON.stringify({ review: { plyer: 'mpv' } }));
    const r = runQa(['--config', f, 'config', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('review.plyer');
    expect(r.stderr).toContain('player');
    fs.writeFileSync(f, JSON.stringify({ review: { player: 'mpv --no-video' } }));
    expect(json<{ review: { player: string } }>(runQa(['--json', '--config', f, 'config', 'show'])).review.player).toBe('mpv --no-video');
  });
});
