/**
 * The report's sampling, review and rectification KPIs and sections on a
 * small scenario built through the real services (import, sample, finding,
 * rectify) with pinned clocks.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/app/report.js';
import { recordFinding, resolveItem, updateRectification } from '../../src/app/review.js';
import { drawSample } from '../../src/app/sample.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { WorkCalendar } from '../../src/core/calendar.js';
import { hypergeometricUpper } from '../../src/core/bounds.js';
import { Zone } from '../../src/core/time.js';
import type { Db } from '../../src/db/open.js';
import { ReviewStore } from '../../src/db/review.js';
import { SampleStore } from '../../src/db/sampling.js';
import { importCalls, importRecords, makeDb } from '../helpers/store.js';

const zone = new Zone('Asia/Shanghai');
const calendar = WorkCalendar.load();
const config = structuredClone(DEFAULT_CONFIG);
const at = (s: string): number => Date.parse(s);

/** 10 consults and 5 repairs in October, 60 calls in W41 (Oct 5–11) over 3 agents, sampled on 11-01. */
function scenario(): Db {
  const db = makeDb('report-seed');
  importRecords(db, [
    ...Array.from({ length: 10 }, (_, i) => ({ id: `C${i}`, type: 'consult', at: at(`2026-10-${String(10 + i).padStart(2, '0')}T10:00:00+08:00`), department: '客服部', staff: `KF0${i % 3}`, customer: `K${i}` })),
    ...Array.from({ length: 5 }, (_, i) => ({ id: `R${i}`, type: 'repair', at: at(`2026-10-${String(10 + i).padStart(2, '0')}T11:00:00+08:00`), department: '技术部', staff: 'JS01', customer: `K${i}` })),
  ]);
  importCalls(
    db,
    Array.from({ length: 60 }, (_, i) => ({ id: `CALL${i}`, agent: `A${i % 3}`, at: at('2026-10-05T09:00:00+08:00') + i * 3_600_000, duration: i < 5 ? 10 : 120 })),
  );
  drawSample(new SampleStore(db), { date: '2026-11-01', seed: 'report-seed', dbSeed: 'report-seed', config, zone, now: at('2026-11-01T08:00:00+08:00') });
  return db;
}

function review(db: Db, id: string, fails: string[], when: string): number[] {
  const store = new ReviewStore(db);
  const item = resolveItem(store, id);
  const codes = (item.kind === 'calls' ? config.checklists.call : config.checklists[item.row.record_type as 'consult']).map((c) => c.code);
  const opened: number[] = [];
  for (const code of codes) {
    const fail = fails.includes(code);
    const o = recordFinding(store, config, zone, { item, check: code, result: fail ? 'fail' : 'pass', note: fail ? 'bad' : undefined, auditor: 'aud', at: at(when) });
    if (o.rectificationId !== null) opened.push(o.rectificationId);
  }
  return opened;
}

describe('report: sampling, review and rectification figures', () => {
  it('coverage, weekly calls, pass rate, findings breakdowns, bounds, rectifications on time and overdue at month end', () => {
    const db = scenario();
    const sampled = db.prepare(`SELECT item_id FROM sample_items WHERE kind = 'records' ORDER BY item_id`).pluck().all() as string[];
    // 20 % of 10 consults and of 5 repairs.
    expect(sampled.filter((s) => s.startsWith('C'))).toHaveLength(2);
    expect(sampled.filter((s) => s.startsWith('R'))).toHaveLength(1);
    const [c1, c2] = sampled.filter((s) => s.startsWith('C'));
    const [r1] = sampled.filter((s) => s.startsWith('R'));
    // Review: c1 passes; c2 fails 'polite' (found 10-05 → due 10-12); r1 fails 'first_time_fix' and 'skill' (found 10-20 → due 10-27).
    review(db, c1!, [], '2026-10-05T10:00:00+08:00');
    const [x1] = review(db, c2!, ['polite'], '2026-10-05T10:00:00+08:00');
    const [x2, x3] = review(db, r1!, ['first_time_fix', 'skill'], '2026-10-20T10:00:00+08:00');
    const rs = new ReviewStore(db);
    const step = (id: number, to: string, by: string, when: string, due?: string) => updateRectification(rs, { id, to, note: `${to} text`, by, at: at(when), ...(due ? { due } : {}) });
    // x1: done on time (10-11 < end of 10-12) and verified.
    step(x1!, 'analysed', 'KF0', '2026-10-06T10:00:00+08:00');
    step(x1!, 'planned', 'KF0', '2026-10-07T10:00:00+08:00');
    step(x1!, 'done', 'KF0', '2026-10-11T10:00:00+08:00');
    step(x1!, 'verified', 'sup', '2026-10-12T10:00:00+08:00');
    // x2 (skill, opened first: checklist order): done late (10-28 > end of 10-27). x3 (first_time_fix): never done → overdue at month end by 4 days.
    step(x2!, 'analysed', 'JS01', '2026-10-21T10:00:00+08:00');
    step(x2!, 'planned', 'JS01', '2026-10-22T10:00:00+08:00');
    step(x2!, 'done', 'JS01', '2026-10-28T10:00:00+08:00');

    const r = buildReport({ db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') }, '2026-10');
    const k = (id: string) => r.kpis.find((x) => x.id === id)!;
    expect(k('record_sample_coverage')).toMatchObject({ numerator: 3, denominator: 15, value: 0.2, met: true });
    expect(r.coverage.records.strata).toEqual([
      { record_type: 'consult', population: 10, sampled: 2, rate: 0.2 },
      { record_type: 'repair', population: 5, sampled: 1, rate: 0.2 },
    ]);
    // W41: 55 eligible calls (5 are under 30 s) → 50 drawn; W42–W44 had no calls.
    expect(r.coverage.weeks.find((w) => w.week === '2026-W41')).toEqual({ week: '2026-W41', population: 55, drawn: 50, target: 50, met: true });
    expect(k('weekly_calls_sampled')).toMatchObject({ value: 0, met: true }); // the empty weeks need 0
    expect(k('audit_pass_rate')).toMatchObject({ numerator: 1, denominator: 3, met: false });
    expect(r.findings).toMatchObject({ reviewed: 3, passed: 1, failed: 2, in_progress: 0 });
    expect(r.findings.by_category).toEqual([
      { category: 'conduct', failed: 2 },
      { category: 'result', failed: 1 },
    ]);
    expect(r.findings.by_department).toEqual([
      { department: '技术部', reviewed: 1, failed: 1, failed_checks: 2 },
      { department: '客服部', reviewed: 2, failed: 1, failed_checks: 1 },
    ]);
    expect(r.findings.by_check.map((c) => [c.check, c.failed])).toEqual([
      ['first_time_fix', 1],
      ['polite', 1],
      ['skill', 1],
    ]);
    // Rectifications due in October: x1 (10-12, done 10-11: on time), x2 and x3 (10-27: late / not done).
    expect(k('rectification_on_time')).toMatchObject({ numerator: 1, denominator: 3 });
    expect(k('rectification_overdue')).toMatchObject({ value: 1, met: false });
    expect(r.rectifications.overdue).toEqual([
      { id: x3, item_id: r1, check: 'first_time_fix', severity: 'major', owner_department: '技术部', owner_person: 'JS01', due_date: '2026-10-27', days_overdue: 4, state: 'open' },
    ]);
    expect(r.rectifications.by_state).toEqual({ open: 1, analysed: 0, planned: 0, done: 1, verified: 1, withdrawn: 0 });
    // Bounds: consult N=10, n=2, k=1; repair N=5, n=1, k=1.
    expect(r.bounds).toEqual([
      { record_type: 'consult', N: 10, n: 2, k: 1, observed: 0.5, upper: hypergeometricUpper(10, 2, 1).upper, rate: hypergeometricUpper(10, 2, 1).upper / 10 },
      { record_type: 'repair', N: 5, n: 1, k: 1, observed: 1, upper: 5, rate: 1 },
    ]);
  });

  it('the overdue count is judged at the month end, not today', () => {
    const db = scenario();
    const sampled = db.prepare(`SELECT item_id FROM sample_items WHERE kind = 'records' AND item_id LIKE 'R%'`).pluck().get() as string;
    const [x] = review(db, sampled, ['skill'], '2026-10-28T10:00:00+08:00'); // due 11-04: not overdue at the end of October
    const oct = buildReport({ db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') }, '2026-10');
    expect(oct.kpis.find((k) => k.id === 'rectification_overdue')!.value).toBe(0);
    const nov = buildReport({ db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') }, '2026-11');
    expect(nov.rectifications.overdue.map((o) => [o.id, o.days_overdue])).toEqual([[x, 16]]); // judged on 11-20
  });

  it('a due date extended after the month ended does not rewrite that month: state and due are taken as of its end', () => {
    const db = scenario();
    const sampled = db.prepare(`SELECT item_id FROM sample_items WHERE kind = 'records' AND item_id LIKE 'R%'`).pluck().get() as string;
    const [x] = review(db, sampled, ['skill'], '2026-10-05T10:00:00+08:00'); // due 10-12, never done in October
    const rc = { db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') };
    const before = buildReport(rc, '2026-10');
    const rs = new ReviewStore(db);
    updateRectification(rs, { id: x!, to: 'analysed', note: 'cause', by: 'JS01', at: at('2026-11-18T10:00:00+08:00') });
    updateRectification(rs, { id: x!, to: 'planned', note: 'plan', by: 'sup', at: at('2026-11-18T11:00:00+08:00'), due: '2026-12-01', reason: 'parts on order' });
    const after = buildReport(rc, '2026-10');
    for (const id of ['rectification_on_time', 'rectification_overdue']) {
      expect(after.kpis.find((k) => k.id === id)).toEqual(before.kpis.find((k) => k.id === id));
    }
    expect(after.rectifications.overdue).toEqual(before.rectifications.overdue);
    expect(after.rectifications.overdue.find((o) => o.id === x)).toMatchObject({ due_date: '2026-10-12', days_overdue: 19, state: 'open' });
    expect(after.rectifications.as_of_date).toBe('2026-10-31');
    // November sees the new due date and state.
    const nov = buildReport(rc, '2026-11');
    expect(nov.rectifications.overdue.find((o) => o.id === x)).toBeUndefined();
    expect(nov.rectifications.as_of_date).toBe('2026-11-20');
  });

  it('a month without any call data has no weekly_calls_sampled value (null, not "0, met")', () => {
    const db = scenario();
    const r = buildReport({ db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') }, '2026-08');
    expect(r.kpis.find((k) => k.id === 'weekly_calls_sampled')).toMatchObject({ value: null, met: null });
  });

  it('the month figures are cached and recomputed when an import touches the month; a draw recomputes only the sampled counts', () => {
    const db = scenario();
    const rc = { db, config, zone, calendar, now: at('2026-11-20T09:00:00+08:00') };
    const fp = (part: string) => db.prepare(`SELECT fingerprint FROM month_cache WHERE month = '2026-10' AND part = ?`).pluck().get(part);
    const first = buildReport(rc, '2026-10');
    const scan = fp('records');
    const sampled = fp('sampled');
    expect(scan).toBeTypeOf('string');
    expect(sampled).toBeTypeOf('string');
    buildReport(rc, '2026-10');
    expect([fp('records'), fp('sampled')]).toEqual([scan, sampled]);

    importRecords(db, [{ id: 'LATE', type: 'consult', at: at('2026-10-30T10:00:00+08:00') }]);
    const r = buildReport(rc, '2026-10');
    expect(r.coverage.records.population).toBe(16);
    expect(fp('records')).not.toBe(scan);
    const scan2 = fp('records');
    const sampled2 = fp('sampled');
    expect(sampled2).not.toBe(sampled);

    // The late consult tips consult's quota (ceil(20 % of 11) = 3): a top-up of October takes one more.
    drawSample(new SampleStore(db), { date: '2026-11-02', month: '2026-10', seed: 'report-seed', dbSeed: 'report-seed', config, zone, now: at('2026-11-02T08:00:00+08:00') });
    const after = buildReport(rc, '2026-10');
    expect(fp('records')).toBe(scan2);
    expect(fp('sampled')).not.toBe(sampled2);
    const sampledConsults = (x: typeof first) => x.coverage.records.strata.find((s) => s.record_type === 'consult')!.sampled;
    expect(sampledConsults(r)).toBe(2);
    expect(sampledConsults(after)).toBe(3);
  });
});
