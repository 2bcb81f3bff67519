/**
 * SPEC §7 end to end through bin/qa: on-site inspections, special campaigns,
 * partners — and how each reaches the monthly report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { Pty } from '../helpers/pty.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

/** October's records (with their partner column) imported, and the sample that closes October: built once, copied per test. */
let base = '';
let baseDir = '';
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-fieldwork-base-'));
  base = path.join(baseDir, 'base.sqlite');
  for (const args of [
    ['import', 'records', path.join(EXPORTS, 'records-2026-10.csv'), path.join(EXPORTS, 'records-2026-10-reexport.csv')],
    ['import', 'complaints', path.join(EXPORTS, 'complaints.csv')],
    ['sample', '--date', '2026-11-01', '--seed', 'fieldwork'],
  ]) {
    const r = runQa(['--db', base, ...args]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
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

function q<T = Record<string, unknown>>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

const qa = (db: string, args: string[], env: Record<string, string> = {}) => runQa(['--db', db, ...args], { env: { QA_USER: 'supervisor.zhang', ...env } });

type Kpi = { id: string; value: number | null; numerator: number | null; denominator: number | null; met: boolean | null };
type ReportJson = {
  kpis: Kpi[];
  coverage: { records: { sampled: number; population: number } };
  findings: { reviewed: number; unsampled: unknown[] };
  bounds: { record_type: string; n: number; k: number }[];
  inspections: { count: number; list: { id: string; failed: number; rectifications: number[] }[] };
  campaigns: { name: string; drawn: number; reviewed: number; failed: number; runs: { verified: boolean }[] }[];
  partners: { quarter: string; files: { partner: string; records: number; kpis: Kpi[]; evaluation: { recommendation: string } | null }[] };
};
const report = (db: string): ReportJson => json<ReportJson>(qa(db, ['--json', 'report', '--month', '2026-10']));
const kpi = (r: ReportJson, id: string): Kpi => r.kpis.find((k) => k.id === id)!;

const INSPECT = ['inspection', 'add', '--date', '2026-10-12', '--site', '北京朝阳店', '--type', 'store', '--inspector', 'supervisor.zhang', '--dept', '仓储部', '--staff', 'CC03'];

describe('qa inspection (SPEC §7 现场检查)', () => {
  it('records an inspection from flags; a failed check opens a rectification owned by the inspected dept/staff', () => {
    const db = freshDb();
    const r = qa(db, ['--json', ...INSPECT, '--fail', 'dress=未穿工服', '--na', 'repair_procedure', '--pass-rest']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toEqual({ id: 'INS-1', date: '2026-10-12', passed: 7, failed: 1, na: 1, rectifications: [1] });
    const rects = json<{ id: number; item: { kind: string; id: string; checklist: string }; check: { code: string }; owner_department: string; owner_person: string; due_date: string; finding_note: string }[]>(qa(db, ['--json', 'rectify', 'list']));
    expect(rects).toEqual([
      expect.objectContaining({ id: 1, item: { kind: 'inspections', id: 'INS-1', checklist: 'inspection' }, check: expect.objectContaining({ code: 'dress' }), owner_department: '仓储部', owner_person: 'CC03', due_date: '2026-10-19', finding_note: '未穿工服' }),
    ]);
    // The rectification goes round the same closed loop as a finding's.
    expect(qa(db, ['rectify', 'update', '1', '--to', 'analysed', '--note', '工服送洗未及时更换'], { QA_USER: 'CC03' }).code).toBe(0);
    expect(qa(db, ['rectify', 'show', '1']).stdout).toContain('INS-1 · dress');
    const list = json<{ id: string; fails: { check: string; note: string }[] }[]>(qa(db, ['--json', 'inspection', 'list', '--month', '2026-10']));
    expect(list.map((i) => [i.id, i.fails])).toEqual([['INS-1', [{ check: 'dress', severity: 'minor', note: '未穿工服' }]]]);
    expect(json<unknown[]>(qa(db, ['--json', 'inspection', 'list', '--month', '2026-09']))).toEqual([]);
  });

  it('bad input is a usage error naming the fix: a future date, missing flags without a terminal, an unknown check, a fail without a note', () => {
    const db = freshDb();
    const future = qa(db, [...INSPECT.slice(0, 2), '--date', '2026-11-24', ...INSPECT.slice(4), '--pass-rest']);
    expect(future.code).toBe(2);
    expect(future.stderr).toBe('qa: error: the inspection date 2026-11-24 is in the future (today is 2026-11-23)\nhint: record an inspection on or after the day it took place: pass --date with that day\n');
    const bare = qa(db, ['inspection', 'add', '--site', 'x']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('qa inspection add needs --type, --inspector, an answer for dress, polite, no_forbidden');
    expect(bare.stderr).toContain('--pass-rest');
    const unknown = qa(db, [...INSPECT, '--fail', 'uniform=x', '--pass-rest']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('not a check of the inspection checklist: uniform');
    const noNote = qa(db, [...INSPECT, '--fail', 'dress=', '--pass-rest']);
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain('a failed check needs a note saying what was wrong: dress');
    const badType = qa(db, [...INSPECT.slice(0, 6), '--type', 'shop', ...INSPECT.slice(8), '--pass-rest']);
    expect(badType.stderr).toContain('--type must be store or onsite');
    expect(q(db, 'SELECT count(*) AS n FROM inspections')).toEqual([{ n: 0 }]);
  });

  it('imports a sheet, all or nothing, and the count is the onsite_inspections KPI in every report format', () => {
    const db = freshDb();
    const checks = json<{ inspection: { code: string }[] }>(qa(db, ['--json', 'checklist', 'show'])).inspection.map((c) => c.code);
    const row = (ref: string, date: string, code: string, result: string, note = '') => [ref, date, '上海徐汇店', '门店', '检查员王', '技术部', 'JS02', code, result, note].join(',');
    const file = path.join(tmpDir(), 'inspections.csv');
    const bad = ['检查编号,日期,地点,类型,检查人,部门,员工,检查项,结果,说明', ...checks.map((c) => row('a', '2026-10-05', c, 'pass')), ...checks.slice(1).map((c) => row('b', '2026-10-20', c, c === 'handover' ? 'fail' : 'pass', c === 'handover' ? '未演示' : ''))];
    fs.writeFileSync(file, `${bad.join('\n')}\n`);
    const refused = qa(db, ['inspection', 'import', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${file}:${checks.length + 2}: no answer for 1 check: dress`);
    expect(q(db, 'SELECT count(*) AS n FROM inspections')).toEqual([{ n: 0 }]);

    fs.writeFileSync(file, `${[...bad, row('b', '2026-10-20', 'dress', 'na')].join('\n')}\n`);
    const ok = qa(db, ['--json', 'inspection', 'import', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(json<{ inspections: { id: string; failed: number; rectifications: number[] }[] }>(ok).inspections.map((i) => [i.id, i.failed, i.rectifications])).toEqual([
      ['INS-1', 0, []],
      ['INS-2', 1, [1]],
    ]);
    const r = report(db);
    expect(kpi(r, 'onsite_inspections')).toMatchObject({ value: 2, met: true });
    expect(r.inspections.count).toBe(2);
    const md = qa(db, ['report', '--month', '2026-10', '--format', 'md']).stdout;
    expect(md).toMatch(/\| On-site inspections \| 2 \| ≥ 2 \| ✓ met/);
    expect(md).toContain('## On-site inspections');
    expect(qa(db, ['report', '--month', '2026-10', '--format', 'html']).stdout).toContain('<h2>On-site inspections</h2>');
    expect(qa(db, ['report', '--month', '2026-10', '--format', 'csv']).stdout).toMatch(/\nonsite_inspections,On-site inspections,2,2,>=,yes,2,/);
    const table = qa(db, ['report', '--month', '2026-10']).stdout;
    expect(table).toContain('2 on-site inspections this month (at least 2 required): met.');
    // September had none: a count of 0 misses the target.
    expect(json<ReportJson>(qa(db, ['--json', 'report', '--month', '2026-09'])).kpis.find((k) => k.id === 'onsite_inspections')).toMatchObject({ value: 0, met: false });
  });

  it('on a terminal, asks for the site, type, inspector and each check', async () => {
    const db = freshDb();
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'inspection', 'add', '--date', '2026-10-12', '--dept', '仓储部', '--staff', 'CC03'], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', QA_USER: 'supervisor.zhang', QA_NOW: '2026-11-23T12:00:00+08:00' }, REPO);
    await p.expect('Site (store or customer site):');
    p.send('北京朝阳店\r');
    await p.expect('Type (store / onsite):');
    p.send('shop\r');
    await p.expect('the type is store or onsite (门店 / 上门), not "shop"');
    await p.expectCount('Type (store / onsite):', 2);
    p.send('门店\r');
    await p.expect('Inspector:');
    p.send('zhang\r');
    const checks = ['dress', 'polite', 'no_forbidden', 'patience', 'equipment_knowledge', 'handover', 'repair_procedure', 'price_display', 'customer_info'];
    for (const code of checks) {
      await p.expect(`[${code}]`);
      p.send(code === 'handover' ? 'f\r' : code === 'repair_procedure' ? 'n\r' : 'p\r');
      if (code === 'handover') {
        await p.expect('What was wrong:');
        p.send('no demonstration\r');
      }
    }
    expect(await p.exited).toBe(0);
    expect(p.text).toContain('inspection INS-1 (2026-10-12) recorded: 7 passed, 1 failed, 1 n.a.; rectification #1 opened');
    expect(q(db, 'SELECT site, type, inspector, department, staff FROM inspections')).toEqual([{ site: '北京朝阳店', type: 'store', inspector: 'zhang', department: '仓储部', staff: 'CC03' }]);
  }, 60_000);
});

describe('qa campaign and qa sample --campaign (SPEC §7 专项监督)', () => {
  it('a campaign without a focus, or an unknown one, is a usage error naming the fix', () => {
    const db = freshDb();
    const none = qa(db, ['campaign', 'start', '国庆维修', '--from', '2026-10-01', '--to', '2026-10-07']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'qa: error: a campaign needs a focus\nhint: name what the campaign looks at: --focus record_type=repair, --focus department=技术部 or --focus check=response_time (several narrow it)\n',
    );
    expect(qa(db, ['campaign', 'start', 'x', '--from', '2026-10-01', '--to', '2026-10-07', '--focus', 'record_type=repair', '--focus', 'check=identity_check']).stderr).toContain('leaves nothing to sample');
    const unknown = qa(db, ['sample', '--campaign', 'nosuch', '--rate', '0.3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no campaign "nosuch"');
    expect(qa(db, ['sample', '--rate', '0.3']).stderr).toContain('--rate goes with --campaign');
    expect(qa(db, ['sample', '--campaign', 'x']).stderr).toContain('--rate is required with --campaign');
  });

  it('draws a seeded, receipted, verifiable sample within the focus, and tops up without drawing twice', () => {
    const db = freshDb();
    expect(qa(db, ['campaign', 'start', '国庆维修', '--from', '2026-10-01', '--to', '2026-10-07', '--focus', 'record_type=维修', '--seed', 'c1']).code).toBe(0);
    const inFocus = q<{ record_id: string }>(db, `SELECT record_id FROM records WHERE record_type = 'repair' AND occurred_at >= ? AND occurred_at < ?`, Date.parse('2026-10-01T00:00:00+08:00'), Date.parse('2026-10-08T00:00:00+08:00')).map((r) => r.record_id);
    const first = json<{ population: number; target: number; drawn: string[]; run: number; seed: string }>(qa(db, ['--json', 'sample', '--campaign', '国庆维修', '--rate', '0.3']));
    expect(first.population).toBe(inFocus.length);
    expect(first.drawn).toHaveLength(Math.ceil(0.3 * inFocus.length));
    expect(first.drawn.every((id) => inFocus.includes(id))).toBe(true);
    expect(first.seed).toBe('c1');
    const again = json<{ drawn: string[]; run: number | null }>(qa(db, ['--json', 'sample', '--campaign', '国庆维修', '--rate', '0.3']));
    expect(again).toMatchObject({ drawn: [], run: null });
    const more = json<{ drawn: string[] }>(qa(db, ['--json', 'sample', '--campaign', '国庆维修', '--rate', '0.5']));
    expect(more.drawn).toHaveLength(Math.ceil(0.5 * inFocus.length) - first.drawn.length);
    expect(more.drawn.some((id) => first.drawn.includes(id))).toBe(false);
    const rep = qa(db, ['--json', 'campaign', 'report', '国庆维修']);
    expect(rep.code).toBe(0);
    expect(json<{ runs: { verified: boolean }[] }>(rep).runs.map((r) => r.verified)).toEqual([true, true]);
    // A drawn item slipped into a receipt's run is caught.
    const raw = new Database(db);
    const other = inFocus.find((id) => !first.drawn.includes(id) && !more.drawn.includes(id))!;
    raw.prepare(`INSERT INTO campaign_items (campaign_id, kind, item_id, run_id, rank) VALUES (1, 'records', ?, ?, 0)`).run(other, first.run);
    raw.close();
    const tampered = qa(db, ['campaign', 'report', '国庆维修']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`DOES NOT VERIFY: drew records:${other} that the rule does not give`);
  });

  it('honours the seed on every path: varying only the seed changes the draw, the same seed repeats it', () => {
    const draw = (startSeed: string, sampleSeed?: string): string[] => {
      const db = freshDb();
      expect(qa(db, ['campaign', 'start', 'c', '--from', '2026-10-01', '--to', '2026-10-31', '--focus', 'check=response_time', '--seed', startSeed]).code).toBe(0);
      return json<{ drawn: string[] }>(qa(db, ['--json', 'sample', '--campaign', 'c', '--rate', '0.1', ...(sampleSeed ? ['--seed', sampleSeed] : [])])).drawn;
    };
    const a = draw('seed-a');
    expect(a.length).toBeGreaterThan(50);
    expect(draw('seed-a')).toEqual(a);
    const b = draw('seed-b');
    expect(b).toHaveLength(a.length);
    expect(b).not.toEqual(a);
    // --seed on the draw wins over the campaign's, and is what the receipt records.
    expect(draw('seed-a', 'seed-b')).toEqual(b);
  });

  it('campaign items are reviewed like any item but never count in audit_pass_rate, coverage or the bounds', () => {
    const db = freshDb();
    // One random-sample item reviewed (a pass), so the random figures exist.
    const sampled = json<{ kind: string; item_id: string; stratum: string }[]>(qa(db, ['--json', 'sample', 'list', '--month', '2026-10'])).filter((i) => i.stratum === 'repair');
    const lists = json<Record<string, { code: string }[]>>(qa(db, ['--json', 'checklist', 'show']));
    const answer = (item: string, result: (code: string) => string): void => {
      const file = path.join(tmpDir(), 'answers.csv');
      fs.writeFileSync(file, ['item,check,result,note', ...lists.repair!.map((c) => `${item},${c.code},${result(c.code)},${result(c.code) === 'fail' ? 'slow' : ''}`)].join('\n') + '\n');
      const r = qa(db, ['finding', 'import', file]);
      expect(r.code, r.stderr).toBe(0);
    };
    answer(sampled[0]!.item_id, () => 'pass');
    const before = report(db);
    expect(qa(db, ['campaign', 'start', '国庆维修', '--from', '2026-10-01', '--to', '2026-10-31', '--focus', 'record_type=repair', '--seed', 's']).code).toBe(0);
    const drawn = json<{ drawn: string[] }>(qa(db, ['--json', 'sample', '--campaign', '国庆维修', '--rate', '0.2'])).drawn;
    const sampledIds = new Set(sampled.map((s) => s.item_id));
    const own = drawn.filter((id) => !sampledIds.has(id)).slice(0, 3);
    expect(own).toHaveLength(3);
    // No --unsampled needed: the campaign drew them. All three fail response_time.
    for (const id of own) answer(id, (code) => (code === 'response_time' ? 'fail' : 'pass'));
    expect(q(db, `SELECT count(*) AS n FROM reviews WHERE campaign = '国庆维修' AND sampled = 0`)).toEqual([{ n: 3 }]);
    const after = report(db);
    for (const id of ['audit_pass_rate', 'record_sample_coverage']) expect(kpi(after, id)).toEqual(kpi(before, id));
    expect(after.coverage).toEqual(before.coverage);
    expect(after.bounds).toEqual(before.bounds);
    expect(after.findings).toEqual(before.findings);
    // The campaign section counts its own three, and the random-sample item if the campaign drew it too.
    const shared = drawn.includes(sampled[0]!.item_id) ? 1 : 0;
    expect(after.campaigns).toEqual([expect.objectContaining({ name: '国庆维修', drawn: drawn.length, reviewed: 3 + shared, failed: 3, also_in_random_sample: drawn.filter((id) => sampledIds.has(id)).length })]);
    expect(qa(db, ['report', '--month', '2026-10', '--format', 'md']).stdout).toMatch(/## Special campaigns \(not part of the random-sample figures\)[\s\S]*\| 国庆维修 \| 2026-10-01 – 2026-10-31 \| record_type=repair \|/);
    // The failed checks opened rectifications like any finding.
    expect(q(db, `SELECT count(*) AS n FROM rectifications`)).toEqual([{ n: 3 }]);
  });

  it('qa review walks campaign items after the random sample, marked as such', async () => {
    const db = freshDb();
    qa(db, ['campaign', 'start', 'c', '--from', '2026-10-01', '--to', '2026-10-31', '--focus', 'record_type=repair', '--seed', 's']);
    const drawn = json<{ drawn: string[] }>(qa(db, ['--json', 'sample', '--campaign', 'c', '--rate', '0.2'])).drawn;
    const sampledIds = new Set(json<{ item_id: string }[]>(qa(db, ['--json', 'sample', 'list', '--month', '2026-10'])).map((s) => s.item_id));
    const own = drawn.find((id) => !sampledIds.has(id))!;
    const p = new Pty(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'review', '--item', own], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LANG: 'en_US.UTF-8', TERM: 'xterm-256color', QA_USER: 'auditor.li', QA_NOW: '2026-11-23T12:00:00+08:00' }, REPO);
    // The worklist lists them too, on their own and as a pointer under the random sample's.
    const list = json<{ item_id: string; period: string; status: string; in_random_sample: boolean }[]>(qa(db, ['--json', 'sample', 'list', '--campaign', 'c', '--pending']));
    expect(list.map((i) => i.item_id).sort()).toEqual([...drawn].sort());
    expect(list.every((i) => i.period === 'campaign:c' && i.status === 'pending')).toBe(true);
    expect(list.filter((i) => !i.in_random_sample).map((i) => i.item_id)).toContain(own);
    // (Those also in the random sample are on its list already.)
    const ownPending = list.filter((i) => !i.in_random_sample).length;
    expect(qa(db, ['sample', 'list', '--month', '2026-10', '--pending']).stdout).toContain(`campaign c: ${ownPending} more pending — qa sample list --campaign c`);
    await p.expect('[campaign c · not counted in the random-sample figures]');
    await p.expect('[polite');
    p.send('s\r');
    expect(await p.exited).toBe(0);
  }, 60_000);
});

describe('qa partner (SPEC §7 合作方)', () => {
  it('evaluating an unknown partner, or without a quarter, is a usage error naming the fix', () => {
    const db = freshDb();
    const r = qa(db, ['partner', 'evaluate', '速运通', '--quarter', '2026-Q4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: unknown partner "速运通"\nhint: register it first: qa partner add "速运通" --kind logistics|repair\n');
    expect(qa(db, ['partner', 'add', '速运通', '--kind', 'truck']).stderr).toContain('--kind must be logistics or repair');
    qa(db, ['partner', 'add', '速运通', '--kind', '物流']);
    expect(qa(db, ['partner', 'evaluate', '速运通']).stderr).toContain('--quarter is required');
    expect(qa(db, ['partner', 'evaluate', '速运通', '--quarter', '2026-4']).stderr).toContain('--quarter must look like 2026-Q4');
    expect(qa(db, ['partner', 'evaluate', '顺达', '--quarter', '2026-Q4']).stderr).toContain('or use one of: 速运通');
  });

  it("builds each partner's file from its records; the partners' deliveries add up to the company KPI", () => {
    const db = freshDb();
    qa(db, ['partner', 'add', '顺达物流', '--kind', 'logistics']);
    const file = json<{ partners: { partner: string; kind: string | null; records: number; kpis: Kpi[] }[] }>(qa(db, ['--json', 'partner', 'report', '--month', '2026-10']));
    expect(file.partners.map((p) => [p.partner, p.kind])).toEqual([
      ['顺达物流', 'logistics'],
      ['城配快线', null],
      ['安维服务', null],
      ['快修科技', null],
      ['速运通', null],
    ]);
    const sum = (id: string, k: 'numerator' | 'denominator') => file.partners.reduce((n, p) => n + (p.kpis.find((x) => x.id === id)![k] ?? 0), 0);
    const company = report(db);
    for (const id of ['delivery_on_time', 'repair_response_on_time', 'first_time_fix_rate', 'equipment_intact_rate']) {
      expect([sum(id, 'numerator'), sum(id, 'denominator')], id).toEqual([kpi(company, id).numerator, kpi(company, id).denominator]);
    }
    expect(qa(db, ['partner', 'list']).stdout).toContain('On records but not registered: 城配快线');
  });

  it('evaluate appends to the file; rectify opens a rectification owned by the partner; the history is never rewritten', () => {
    const db = freshDb();
    qa(db, ['partner', 'add', '速运通', '--kind', 'logistics']);
    const r = qa(db, ['--json', 'partner', 'evaluate', '速运通', '--quarter', '2026-Q4', '--note', '约谈']);
    expect(r.code, r.stderr).toBe(0);
    const ev = json<{ id: number; rating: number; recommendation: string; missed: string[]; rectification: number }>(r);
    expect(ev).toMatchObject({ id: 1, recommendation: 'rectify', missed: ['delivery_on_time'], rectification: 1 });
    expect(ev.rating).toBeGreaterThanOrEqual(90);
    expect(ev.rating).toBeLessThan(100);
    const rect = json<{ owner_department: string; item: { kind: string; id: string }; check: { code: string; text: string } }>(qa(db, ['--json', 'rectify', 'show', '1']));
    expect(rect).toMatchObject({ owner_department: '速运通', item: { kind: 'partners', id: '速运通' }, check: { code: 'evaluation' } });
    expect(rect.check.text).toContain('missed delivery_on_time');
    // A stricter config terminates instead; both evaluations stay in the file.
    const cfg = path.join(tmpDir(), 'qa.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ partners: { terminateBelow: 99 } }));
    expect(json<{ recommendation: string; rectification: number | null }>(qa(db, ['--config', cfg, '--json', 'partner', 'evaluate', '速运通', '--quarter', '2026-Q4']))).toMatchObject({ recommendation: 'terminate', rectification: null });
    const hist = json<{ history: { id: number; recommendation: string }[] }>(qa(db, ['--json', 'partner', 'report', '--quarter', '2026-Q4', '--partner', '速运通'])).history;
    expect(hist.map((h) => [h.id, h.recommendation])).toEqual([
      [1, 'rectify'],
      [2, 'terminate'],
    ]);
    const raw = new Database(db);
    expect(() => raw.prepare(`UPDATE partner_evaluations SET recommendation = 'keep'`).run()).toThrow('never rewritten');
    expect(() => raw.prepare(`DELETE FROM partner_evaluations`).run()).toThrow('never rewritten');
    raw.close();
    expect(report(db).partners.files.find((f) => f.partner === '速运通')!.evaluation).toMatchObject({ recommendation: 'terminate' });
    const bad = path.join(tmpDir(), 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ partners: { keepAt: 80, terminateBelow: 90 } }));
    expect(qa(db, ['--config', bad, 'partner', 'report']).stderr).toContain('config key partners.terminateBelow: must not be above partners.keepAt (80), got 90');
  });

  it("the report's partner figures follow a later import (the month cache is invalidated)", () => {
    const db = freshDb();
    const before = report(db).partners.files;
    expect(before.some((f) => f.partner === '新达快运')).toBe(false);
    const file = path.join(tmpDir(), 'late.csv');
    fs.writeFileSync(file, 'record_id,record_type,occurred_at,promised_at,completed_at,partner\nLATE-1,delivery,2026-10-30 10:00,2026-10-31 10:00,2026-10-31 12:00,新达快运\n');
    expect(qa(db, ['import', 'records', file]).code).toBe(0);
    const after = report(db).partners.files.find((f) => f.partner === '新达快运')!;
    expect(after.records).toBe(1);
    expect(after.kpis.find((k) => k.id === 'delivery_on_time')).toMatchObject({ numerator: 0, denominator: 1, met: false });
  });
});
