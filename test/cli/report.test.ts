import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { REPO, tmpDir } from '../helpers/tmp.js';

/** The demo's database: the fixture month imported, sampled, reviewed and rectified (npm run demo). */
let dir = '';
let db = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-report-'));
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'fixtures', 'demo.js')], { env: { ...process.env, QA_DEMO_DIR: dir, NO_COLOR: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  db = path.join(dir, 'qa.sqlite');
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NOW = { QA_NOW: '2026-11-23T09:00:00+08:00' };
const KPI_IDS = [
  'record_sample_coverage', 'weekly_calls_sampled', 'callback_coverage', 'audit_pass_rate', 'complaint_rate', 'complaint_ack_24h',
  'complaint_verification_24h', 'complaint_investigation_48h', 'complaint_resolution_3wd',
  'complaint_verified', 'complaint_feedback', 'complaint_callback', 'complaint_handling_on_time', 'survey_within_3wd', 'satisfaction_rate', 'delivery_on_time',
  'consult_response_on_time', 'repair_response_on_time', 'first_time_fix_rate', 'recommendation_fit_rate', 'equipment_intact_rate',
  'contract_within_3wd', 'rectification_on_time', 'rectification_overdue', 'onsite_inspections',
];

describe('qa report on the fixture month', () => {
  it('--json has the SPEC §5 shape: every KPI id with value, target, op, met, numerator, denominator, previous', () => {
    const r = runQa(['--db', db, 'report', '--month', '2026-10', '--json'], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Record<string, unknown> & { kpis: Record<string, unknown>[] }>(r);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['month', 'generated_at', 'kpis', 'coverage', 'findings', 'rectifications', 'bounds']));
    expect(doc.month).toBe('2026-10');
    expect(doc.generated_at).toBe('2026-11-23T09:00:00+08:00');
    expect(doc.kpis.map((k) => k.id)).toEqual(KPI_IDS);
    for (const k of doc.kpis) {
      expect(Object.keys(k)).toEqual(expect.arrayContaining(['id', 'value', 'target', 'op', 'met', 'numerator', 'denominator', 'previous']));
      expect(['>=', '<=', '=']).toContain(k.op);
      expect(k.met === null || typeof k.met === 'boolean').toBe(true);
      if (k.kind === 'rate' && k.value !== null) {
        expect(k.value as number).toBeGreaterThanOrEqual(0);
        expect(k.value as number).toBeLessThanOrEqual(1);
        expect(k.value).toBeCloseTo((k.numerator as number) / (k.denominator as number), 12);
      }
    }
    const cov = doc.kpis.find((k) => k.id === 'record_sample_coverage')!;
    expect(cov).toMatchObject({ numerator: 303, denominator: 1504, met: true });
    expect((doc.coverage as { weeks: { week: string; drawn: number }[] }).weeks.map((w) => w.week)).toEqual(['2026-W41', '2026-W42', '2026-W43', '2026-W44']);
    expect((doc.bounds as unknown[]).length).toBe(5);
  });

  it('renders in all five formats', () => {
    const out = (format: string) => {
      const r = runQa(['--db', db, 'report', '--month', '2026-10', '--format', format], { env: NOW });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const table = out('table');
    expect(table).toContain('Service quality supervision report 2026-10');
    expect(table).toMatch(/│ Service records sampled\s+│\s+20\.1 % │ ≥ 20 %/);
    const md = out('md');
    expect(md).toContain('# Service quality supervision report 2026-10');
    expect(md).toContain('| KPI | Value | Target | Result | n/N | vs prev | 6 months |');
    const csv = out('csv');
    expect(csv.startsWith('\uFEFFid,name,value,target,op,met,numerator,denominator,missing,previous,change,2026-05,')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(26);
    expect(csv).toMatch(/\r\ncomplaint_verified,Complaints with a verification report,0\.8888\d*,1,>=,no,16,18,0,0,/);
    // SPEC §6 sections in every human format.
    for (const text of [table, md]) {
      expect(text).toContain('Complaint analysis');
      expect(text).toContain('18 complaints received (previous month 14, +4), 6 of them major; founded 11, unfounded 5, not verified yet 2');
      expect(text).toContain('Survey questions');
    }
    expect(md).toContain('| 信息泄露 | 8 | 2 | +6 |');
    const html = out('html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<table class="kpis">');
    expect(html).toContain('<svg class="spark"');
    expect(html).not.toMatch(/<script|<link|https?:\/\//); // self-contained, no network
    expect(html).toContain('<h2>Complaint analysis</h2>');
    const jsonOut = JSON.parse(out('json')) as { month: string; complaints: { by_category: unknown[] }; surveys: { questions: { id: string }[] } };
    expect(jsonOut.month).toBe('2026-10');
    expect(jsonOut.complaints.by_category[0]).toEqual({ key: '信息泄露', count: 8, previous: 2 });
    expect(jsonOut.surveys.questions.map((q) => q.id)).toContain('hidden_fee');
  });

  it('Chinese labels with --lang zh, CJK columns aligned', () => {
    const r = runQa(['--db', db, '--lang', 'zh', 'report', '--month', '2026-10'], { env: NOW });
    expect(r.stdout).toContain('服务质量监督报告 2026-10');
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('│ 服务记录抽查覆盖率') || l.startsWith('│ KPI'));
    const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
    expect(lines).toHaveLength(2);
    expect(width(lines[0]!)).toBe(width(lines[1]!));
  });

  it('--check exits 3 when a KPI missed its target and names them; --out writes the file atomically', () => {
    const out = path.join(tmpDir(), 'r.html');
    const r = runQa(['--db', db, 'report', '--month', '2026-10', '--out', out, '--check'], { env: NOW });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^report written to .*r\.html\nqa: \d+ KPIs missed the target: .*audit_pass_rate/);
    expect(fs.readFileSync(out, 'utf8')).toContain('<table class="kpis">');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['r.html']);
  });

  it('a value is never rounded onto the other side of its target; --out files carry no colour even with FORCE_COLOR', () => {
    const r = runQa(['--db', db, 'report', '--month', '2026-10'], { env: NOW });
    // repair_response_on_time is 207/218 = 94.954 %: "95.0 %" beside "✗ missed" would contradict itself.
    expect(r.stdout).toMatch(/│ Repairs responded to in time\s+│\s+94\.95 % │ ≥ 95 %\s+│ ✗ missed/);
    const out = path.join(tmpDir(), 'r.txt');
    const c = runQa(['--db', db, 'report', '--month', '2026-10', '--out', out], { env: { ...NOW, FORCE_COLOR: '3', NO_COLOR: '' } });
    expect(c.code, c.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('Repairs responded to in time');
    expect(text).not.toContain('\u001b[');
  });

  it('a calendar warning reaches stderr when the output itself cannot show it (csv, --out, --json)', () => {
    const env = { QA_NOW: '2027-02-05T09:00:00+08:00' };
    const csv = runQa(['--db', db, 'report', '--month', '2027-01', '--format', 'csv'], { env });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stderr).toContain('qa: warning: no holiday calendar for 2027');
    const table = runQa(['--db', db, 'report', '--month', '2027-01'], { env });
    expect(table.stdout).toContain('warning: no holiday calendar for 2027');
    expect(table.stderr).toBe('');
  });

  it('usage errors: a bad month, a bad format', () => {
    expect(runQa(['--db', db, 'report', '--month', '2026-13']).stderr).toBe('qa: error: --month must be a month like 2026-10, got "2026-13"\n');
    const r = runQa(['--db', db, 'report', '--month', '2026-10', '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('qa: error: --format must be one of table, json, csv, md, html, got "pdf"\n');
  });
});

describe('qa export for cron', () => {
  it('writes the six files into DIR/qa-YYYY-MM/, Excel-ready CSV, injection neutralised, phones masked; --quiet prints nothing', () => {
    const out = tmpDir();
    const r = runQa(['--db', db, 'export', '--month', '2026-10', '--out-dir', out, '--quiet'], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const d = path.join(out, 'qa-2026-10');
    expect(fs.readdirSync(d).sort()).toEqual(['findings.csv', 'kpis.csv', 'rectifications.csv', 'report.html', 'report.json', 'report.md']);
    for (const f of ['findings.csv', 'kpis.csv', 'rectifications.csv']) {
      const text = fs.readFileSync(path.join(d, f), 'utf8');
      expect(text.startsWith('\uFEFF'), f).toBe(true);
      if (f !== 'kpis.csv') expect(text).not.toMatch(/(?<![\d.])1[3-9]\d{9}(?!\d)/); // no unmasked mobile number
    }
    const findings = fs.readFileSync(path.join(d, 'findings.csv'), 'utf8');
    expect(findings).toContain('kind,item_id,checklist,department,staff_or_agent,sampled,unsampled_reason,changed_after_review,check,category,severity,result,note,auditor,found_at');
    expect(JSON.parse(fs.readFileSync(path.join(d, 'report.json'), 'utf8')).month).toBe('2026-10');
  });

  it('a failed export leaves no folder behind', () => {
    const out = tmpDir();
    const r = runQa(['--db', path.join(out, 'none.sqlite'), 'export', '--month', '2026-10', '--out-dir', out], { env: NOW });
    expect(r.code).toBe(1);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('--check exits 3 and still writes the files', () => {
    const out = tmpDir();
    const r = runQa(['--db', db, 'export', '--month', '2026-10', '--out-dir', out, '--check'], { env: NOW });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('exported the 2026-10 report to');
    expect(fs.existsSync(path.join(out, 'qa-2026-10', 'report.html'))).toBe(true);
  });

  it('neutralises cells that start with = + - @ (CSV injection)', async () => {
    const { neutralise } = await import('../../src/render/csv.js');
    expect(['=cmd|x', '+1+1', '-2+3', '@SUM(A1)', '\tx', 'plain', '-5', '3.5'].map(neutralise)).toEqual(["'=cmd|x", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", 'plain', '-5', '3.5']);
  });
});
