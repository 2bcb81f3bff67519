/**
 * SPEC §4 corrections and §8 people, through the real services on real
 * SQLite files with pinned clocks: amending answers (rectifications
 * withdrawn, opened, reopened, kept), disputes (window, who decides, an
 * overturn amends), blind calibration with kappa, staff scorecards from the
 * snapshots the auditors saw, and the report's dispute rates and p-charts.
 */
import { describe, expect, it } from 'vitest';
import { answerCalibration, calibrationReport, startCalibration } from '../../src/app/calibration.js';
import { amendFinding, decideDispute, openDispute } from '../../src/app/corrections.js';
import { buildReport } from '../../src/app/report.js';
import { recordFinding, resolveItem, updateRectification } from '../../src/app/review.js';
import { drawSample } from '../../src/app/sample.js';
import { buildScorecard, parsePeriod } from '../../src/app/scorecard.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { cohenKappa, countsByCategory, fleissKappa } from '../../src/core/agreement.js';
import { WorkCalendar } from '../../src/core/calendar.js';
import type { Result } from '../../src/core/scoring.js';
import { Zone } from '../../src/core/time.js';
import type { Db } from '../../src/db/open.js';
import { ReviewStore } from '../../src/db/review.js';
import { SampleStore } from '../../src/db/sampling.js';
import { importCalls, importRecords, makeDb } from '../helpers/store.js';

const zone = new Zone('Asia/Shanghai');
const calendar = WorkCalendar.load();
const config = structuredClone(DEFAULT_CONFIG);
const at = (s: string): number => Date.parse(s.includes('T') ? s : `${s}T10:00:00+08:00`);
const codes = (kind: 'consult' | 'repair' | 'call'): string[] => config.checklists[kind].map((c) => c.code);

/** Answer every check of an item (fails as listed), as `auditor`, at `when`; returns the rectifications opened. */
function review(db: Db, id: string, fails: string[], when: string, auditor = 'aud.li', unsampled?: string): number[] {
  const store = new ReviewStore(db);
  const item = resolveItem(store, id);
  const list = item.kind === 'calls' ? codes('call') : codes(item.row.record_type as 'consult');
  const opened: number[] = [];
  for (const code of list) {
    const fail = fails.includes(code);
    const o = recordFinding(store, config, zone, { item, check: code, result: fail ? 'fail' : 'pass', note: fail ? 'bad' : undefined, auditor, at: at(when), unsampledReason: unsampled });
    if (o.rectificationId !== null) opened.push(o.rectificationId);
  }
  return opened;
}

function audit(db: Db): string[] {
  return db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];
}

function basic(): Db {
  const db = makeDb('people-seed');
  importRecords(db, [
    { id: 'C1', type: 'consult', at: at('2026-10-05'), department: '客服部', staff: 'KF01', customer: 'K1' },
    { id: 'C2', type: 'consult', at: at('2026-10-06'), department: '客服部', staff: 'KF02', customer: 'K2' },
    { id: 'C3', type: 'consult', at: at('2026-10-07'), department: '客服部', staff: 'KF03', customer: 'K3' },
  ]);
  return db;
}

describe('corrections (SPEC §4)', () => {
  it('fail → pass withdraws the open rectification; the original answer stays in the history and the audit log', () => {
    const db = basic();
    const store = new ReviewStore(db);
    const [rect] = review(db, 'C1', ['polite'], '2026-11-03', 'aud.li', 'test');
    const item = resolveItem(store, 'C1');
    const o = amendFinding(store, config, zone, { item, check: 'polite', result: 'pass', reason: 'misheard', by: 'sup.zhang', at: at('2026-11-04') });
    expect(o).toMatchObject({ from: 'fail', to: 'pass', rectification: { id: rect, action: 'withdrawn', state: 'withdrawn' } });
    expect(o.state.score.passed).toBe(true);
    expect(store.rectification(rect!)!.state).toBe('withdrawn');
    expect(store.steps(rect!).map((s) => `${s.from_state}>${s.to_state}`)).toEqual(['null>open', 'open>withdrawn']);
    expect(db.prepare('SELECT old_result, old_note, new_result, reason, actor FROM finding_amendments').all()).toEqual([{ old_result: 'fail', old_note: 'bad', new_result: 'pass', reason: 'misheard', actor: 'sup.zhang' }]);
    const entry = db.prepare(`SELECT detail FROM audit_log WHERE action = 'finding.amend'`).pluck().get() as string;
    expect(JSON.parse(entry)).toMatchObject({ from: 'fail', to: 'pass', original: { result: 'fail', note: 'bad', auditor: 'aud.li' }, rectification: rect, rectification_action: 'withdrawn' });
    expect(audit(db)).toContain('rectification.withdrawn');
    // A withdrawn rectification is not overdue and not due: the report leaves it out of both.
    const r = buildReport({ db, config, zone, calendar, now: at('2026-11-30T12:00:00+08:00') }, '2026-11');
    expect(r.rectifications.overdue).toEqual([]);
    expect(r.rectifications.by_state.withdrawn).toBe(1);
    expect(r.kpis.find((k) => k.id === 'rectification_on_time')!.denominator).toBe(0);
    // Its state machine is closed.
    expect(() => updateRectification(store, { id: rect!, to: 'analysed', note: 'x', by: 'KF01', at: at('2026-11-05') })).toThrow('a rectification cannot go from withdrawn to analysed');
  });

  it('pass → fail opens a rectification; fail → pass → fail reopens the withdrawn one; a done one is kept', () => {
    const db = basic();
    const store = new ReviewStore(db);
    review(db, 'C1', [], '2026-11-03', 'aud.li', 'test');
    const item = resolveItem(store, 'C1');
    const a = amendFinding(store, config, zone, { item, check: 'attitude', result: 'fail', reason: 'interrupted the customer twice', by: 'sup.zhang', at: at('2026-11-04') });
    expect(a.rectification).toMatchObject({ action: 'opened', state: 'open' });
    const id = a.rectification!.id;
    expect(store.rectification(id)).toMatchObject({ owner_department: '客服部', owner_person: 'KF01', due_date: '2026-11-11', finding_note: 'interrupted the customer twice' });
    const b = amendFinding(store, config, zone, { item, check: 'attitude', result: 'na', reason: 'no customer on the line', by: 'sup.zhang', at: at('2026-11-05') });
    expect(b.rectification).toMatchObject({ id, action: 'withdrawn' });
    const c = amendFinding(store, config, zone, { item, check: 'attitude', result: 'fail', reason: 'recording found', by: 'sup.zhang', at: at('2026-11-06') });
    expect(c.rectification).toMatchObject({ id, action: 'reopened', state: 'open' });
    expect(store.rectification(id)!.due_date).toBe('2026-11-13');
    // Done work stays on file when the answer is corrected afterwards.
    for (const [to, by] of [['analysed', 'KF01'], ['planned', 'KF01'], ['done', 'KF01']] as const) updateRectification(store, { id, to, note: `${to} text`, by, at: at('2026-11-07') });
    const d = amendFinding(store, config, zone, { item, check: 'attitude', result: 'pass', reason: 'second opinion', by: 'sup.wu', at: at('2026-11-08') });
    expect(d.rectification).toMatchObject({ id, action: 'kept', state: 'done' });
    expect(db.prepare('SELECT count(*) FROM finding_amendments').pluck().get()).toBe(4);
  });

  it('refuses a correction that changes nothing, one without a reason, and one of an unanswered check', () => {
    const db = basic();
    const store = new ReviewStore(db);
    review(db, 'C1', [], '2026-11-03', 'aud.li', 'test');
    const item = resolveItem(store, 'C1');
    expect(() => amendFinding(store, config, zone, { item, check: 'polite', result: 'pass', reason: 'x', by: 's', at: at('2026-11-04') })).toThrow('C1 polite is already pass: nothing to amend');
    expect(() => amendFinding(store, config, zone, { item, check: 'polite', result: 'fail', reason: '  ', by: 's', at: at('2026-11-04') })).toThrow('a correction needs a reason');
    expect(() => amendFinding(store, config, zone, { item, check: 'nope', result: 'fail', reason: 'x', by: 's', at: at('2026-11-04') })).toThrow('"nope" is not a check of the consult checklist');
    const c2 = resolveItem(store, 'C2');
    expect(() => amendFinding(store, config, zone, { item: c2, check: 'polite', result: 'fail', reason: 'x', by: 's', at: at('2026-11-04') })).toThrow('C2 has no answer for polite yet');
  });
});

describe('disputes (SPEC §8)', () => {
  it('open within the window; decided by someone other than the auditor and the disputer; an overturn amends and withdraws', () => {
    const db = basic();
    const store = new ReviewStore(db);
    const [rect] = review(db, 'C1', ['polite'], '2026-11-03T17:00:00+08:00', 'aud.li', 'test');
    const item = resolveItem(store, 'C1');
    // Day 8 after the answer's day is outside a 7-day window; day 7 is inside.
    expect(() => openDispute(store, config, zone, { item, check: 'polite', by: 'KF01', reason: 'r', at: at('2026-11-11T09:00:00+08:00') })).toThrow('the dispute window for this answer closed on 2026-11-10 (7 days after it was given on 2026-11-03)');
    expect(() => openDispute(store, config, zone, { item, check: 'attitude', by: 'KF01', reason: 'r', at: at('2026-11-05') })).toThrow('C1 attitude is pass: only a failed check can be disputed');
    expect(() => openDispute(store, config, zone, { item, check: 'polite', by: 'aud.li', reason: 'r', at: at('2026-11-05') })).toThrow('aud.li gave this answer');
    const d = openDispute(store, config, zone, { item, check: 'polite', by: 'KF01', reason: 'greeting at 00:04', at: at('2026-11-10T23:00:00+08:00') });
    expect(d).toMatchObject({ state: 'open', answer_auditor: 'aud.li', opened_by: 'KF01', check_code: 'polite' });
    expect(() => openDispute(store, config, zone, { item, check: 'polite', by: 'KF01', reason: 'again', at: at('2026-11-10T23:30:00+08:00') })).toThrow(`this answer is already disputed (dispute #${d.id}`);
    for (const who of ['aud.li', 'KF01']) {
      expect(() => decideDispute(store, config, zone, { id: d.id, decision: 'overturn', by: who, note: 'n', at: at('2026-11-12') })).toThrow(/the decider must be someone else/);
    }
    const { dispute, amendment } = decideDispute(store, config, zone, { id: d.id, decision: 'overturn', by: 'sup.zhang', note: 'confirmed', at: at('2026-11-12') });
    expect(dispute).toMatchObject({ state: 'overturned', decided_by: 'sup.zhang', new_result: 'pass', current_result: 'pass' });
    expect(amendment).toMatchObject({ from: 'fail', to: 'pass', rectification: { id: rect, action: 'withdrawn' } });
    expect(db.prepare('SELECT dispute_id FROM finding_amendments').pluck().get()).toBe(d.id);
    expect(() => decideDispute(store, config, zone, { id: d.id, decision: 'uphold', by: 'sup.wu', note: 'n', at: at('2026-11-13') })).toThrow(`dispute ${d.id} was decided already (overturned by sup.zhang)`);
    expect(audit(db).filter((a) => a.startsWith('dispute.') || a === 'finding.amend')).toEqual(['dispute.open', 'finding.amend', 'dispute.overturned']);
  });

  it('an upheld dispute leaves the answer and its rectification; the window follows disputes.windowDays', () => {
    const db = basic();
    const store = new ReviewStore(db);
    const [rect] = review(db, 'C2', ['attitude'], '2026-11-03', 'aud.wang', 'test');
    const item = resolveItem(store, 'C2');
    const narrow = { ...config, disputes: { windowDays: 1 } };
    expect(() => openDispute(store, narrow, zone, { item, check: 'attitude', by: 'KF02', reason: 'r', at: at('2026-11-05') })).toThrow('closed on 2026-11-04 (1 days after');
    const d = openDispute(store, narrow, zone, { item, check: 'attitude', by: 'KF02', reason: 'r', at: at('2026-11-04') });
    const out = decideDispute(store, config, zone, { id: d.id, decision: 'uphold', by: 'sup.zhang', note: 'the recording confirms it', at: at('2026-11-05') });
    expect(out.amendment).toBeNull();
    expect(out.dispute).toMatchObject({ state: 'upheld', current_result: 'fail' });
    expect(store.rectification(rect!)!.state).toBe('open');
    // A decided answer is not disputed again.
    expect(() => openDispute(store, config, zone, { item, check: 'attitude', by: 'KF02', reason: 'again', at: at('2026-11-06') })).toThrow('this answer was disputed already');
  });
});

function sampledCalls(): Db {
  const db = makeDb('cal-seed');
  importCalls(
    db,
    Array.from({ length: 30 }, (_, i) => ({ id: `CALL${String(i).padStart(2, '0')}`, agent: `A${i % 3}`, at: at('2026-10-05T09:00:00+08:00') + i * 3_600_000, duration: 120 })),
  );
  drawSample(new SampleStore(db), { date: '2026-10-13', seed: 'cal-seed', dbSeed: 'cal-seed', config, zone, now: at('2026-10-13T08:00:00+08:00') });
  return db;
}

describe('calibration (SPEC §8)', () => {
  it('draws N sampled items by its seed; answers are blind until everyone has answered; Fleiss kappa over item × check', () => {
    const db = sampledCalls();
    const auditors = ['li', 'wang', 'zhao'];
    const a = startCalibration(db, config, { items: 4, kind: 'call', auditors, seed: 's1', by: 'sup', at: at('2026-10-20') });
    const again = startCalibration(db, config, { items: 4, kind: 'call', auditors, seed: 's1', by: 'sup', at: at('2026-10-20') });
    const other = startCalibration(db, config, { items: 4, kind: 'call', auditors, seed: 's2', by: 'sup', at: at('2026-10-20') });
    expect(a.population).toBe(30);
    expect(again.items.map((i) => i.item_id)).toEqual(a.items.map((i) => i.item_id));
    expect(other.items.map((i) => i.item_id)).not.toEqual(a.items.map((i) => i.item_id));
    expect(() => startCalibration(db, config, { items: 40, kind: 'call', auditors, by: 'sup', at: 0 })).toThrow('only 30 sampled items of kind call to draw from; 40 asked for');
    expect(() => startCalibration(db, config, { items: 1, kind: 'repair', auditors, by: 'sup', at: 0 })).toThrow('only 0 sampled items of kind repair');

    const findingsBefore = db.prepare('SELECT count(*) FROM findings').pluck().get();
    // Answers: li and wang agree everywhere; zhao fails every greeting.
    const answer = (auditor: string, item: string, check: string): Result => (auditor === 'zhao' && check === 'greeting' ? 'fail' : check === 'closing' && item === a.items[0]!.item_id ? 'fail' : 'pass');
    const rows: Result[][] = [];
    for (const it of a.items) for (const check of codes('call')) rows.push(auditors.map((au) => answer(au, it.item_id, check)));
    auditors.forEach((au, n) => {
      for (const it of a.items) {
        for (const check of codes('call')) {
          answerCalibration(db, config, { id: a.id, item: it.item_id, check, result: answer(au, it.item_id, check), auditor: au, at: at('2026-10-21') });
        }
      }
      const r = calibrationReport(db, config, a.id);
      // Blind: nothing but progress until the last auditor has answered.
      if (n < 2) expect(r).toMatchObject({ complete: false, agreement: null });
    });
    expect(() => answerCalibration(db, config, { id: a.id, item: a.items[0]!.item_id, check: 'greeting', result: 'pass', auditor: 'li', at: 0 })).toThrow('calibration answers are final');
    expect(() => answerCalibration(db, config, { id: a.id, item: a.items[0]!.item_id, check: 'greeting', result: 'pass', auditor: 'wu', at: 0 })).toThrow('wu is not an auditor of calibration');
    const r = calibrationReport(db, config, a.id);
    expect(r.complete).toBe(true);
    expect(r.agreement!.method).toBe('fleiss');
    expect(r.agreement!.kappa).toBeCloseTo(fleissKappa(countsByCategory(rows, ['pass', 'fail', 'na'])).kappa!, 12);
    const greeting = r.agreement!.by_check.find((c) => c.check === 'greeting')!;
    expect(greeting).toMatchObject({ items: 4, unanimous: 0, agreement: 0 });
    expect(r.agreement!.by_auditor.map((x) => [x.auditor, x.deviations])).toEqual([
      ['li', 0],
      ['wang', 0],
      ['zhao', 4],
    ]);
    // Calibration answers never count elsewhere, and the audit log does not give them away.
    expect(db.prepare('SELECT count(*) FROM findings').pluck().get()).toBe(findingsBefore);
    const logged = db.prepare(`SELECT detail FROM audit_log WHERE action = 'calibration.answer'`).pluck().all() as string[];
    expect(logged.length).toBe(3 * 4 * codes('call').length);
    expect(logged.every((d) => !/pass|fail|"na"/.test(d))).toBe(true);
  });

  it("two auditors: Cohen's kappa", () => {
    const db = sampledCalls();
    const c = startCalibration(db, config, { items: 2, kind: 'calls', auditors: ['li', 'wang'], seed: 'x', by: 'sup', at: 0 });
    const a: Result[] = [];
    const b: Result[] = [];
    let k = 0;
    for (const it of c.items) {
      for (const check of codes('call')) {
        const ra: Result = k % 3 === 0 ? 'fail' : 'pass';
        const rb: Result = k % 4 === 0 ? 'fail' : 'pass';
        a.push(ra);
        b.push(rb);
        answerCalibration(db, config, { id: c.id, item: it.item_id, check, result: ra, auditor: 'li', at: 0 });
        answerCalibration(db, config, { id: c.id, item: it.item_id, check, result: rb, auditor: 'wang', at: 0 });
        k++;
      }
    }
    const r = calibrationReport(db, config, c.id);
    expect(r.agreement!.method).toBe('cohen');
    expect(r.agreement!.kappa).toBeCloseTo(cohenKappa(a, b).kappa!, 12);
  });
});

describe('scorecards (SPEC §8)', () => {
  it('from the snapshot the auditor saw, answers as corrected; "no reviews" rather than 0 %; department medians', () => {
    const db = basic();
    const store = new ReviewStore(db);
    review(db, 'C1', ['polite'], '2026-11-03', 'aud.li', 'test');
    review(db, 'C2', [], '2026-11-03', 'aud.li', 'test');
    // A later export moves C1 to another department and person: the scorecard keeps what the auditor saw.
    importRecords(db, [{ id: 'C1', type: 'consult', at: at('2026-10-05'), department: '技术部', staff: 'JS09', customer: 'K1' }], 'later.csv');
    const period = parsePeriod('2026-10', undefined, '2026-10');
    let s = buildScorecard({ db, config, zone, calendar, now: at('2026-11-20') }, period);
    const kf01 = s.people.find((p) => p.person === 'KF01')!;
    expect(kf01).toMatchObject({ department: '客服部', reviews: { status: 'reviewed', reviewed: 1, passed: 0, pass_rate: 0, failed_checks: 1, fails_by_category: { conduct: 1 } } });
    // The rectification of the October item is KF01's in October's scorecard; opened 11-03, due 11-10: overdue on 11-20.
    expect(kf01.rectifications).toEqual({ owned: 1, overdue: 1 });
    const kf03 = s.people.find((p) => p.person === 'KF03')!;
    expect(kf03.records).toBe(1);
    expect(kf03.reviews).toMatchObject({ status: 'no reviews', reviewed: 0, pass_rate: null, qa_score: null });
    // JS09 has the record now (own KPIs follow the record), but no review: the review stays with KF01.
    expect(s.people.find((p) => p.person === 'JS09')!.reviews.status).toBe('no reviews');
    // Medians over 客服部: pass rates of KF01 (0) and KF02 (1); KF03 has none.
    expect(kf01.department_median.pass_rate).toBe(0.5);
    expect(kf01.department_median.reviewed).toBe(1);
    // Corrected answers count as corrected.
    amendFinding(store, config, zone, { item: resolveItem(store, 'C1'), check: 'polite', result: 'pass', reason: 'misheard', by: 'sup', at: at('2026-11-21') });
    s = buildScorecard({ db, config, zone, calendar, now: at('2026-11-22') }, parsePeriod(undefined, '2026-Q4', '2026-10'), { dept: '客服部' });
    expect(s.period).toMatchObject({ kind: 'quarter', label: '2026-Q4', months: ['2026-10', '2026-11', '2026-12'], from: '2026-10-01', to: '2026-12-31' });
    expect(s.people.map((p) => p.person)).toEqual(['KF01', 'KF02', 'KF03']);
    expect(s.people[0]!.reviews).toMatchObject({ passed: 1, pass_rate: 1 });
    // Withdrawn by the correction: still on file as owned, no longer overdue.
    expect(s.people[0]!.rectifications).toEqual({ owned: 1, overdue: 0 });
    expect(() => parsePeriod('2026-10', '2026-Q4', 'x')).toThrow('pass --month or --quarter, not both');
    expect(() => parsePeriod(undefined, '2026-Q5', 'x')).toThrow('--quarter must look like 2026-Q4');
  });
});

describe('report: dispute rates per auditor and control charts (SPEC §8)', () => {
  it('a month far above the others is flagged on its department and type charts; rates per auditor', () => {
    const db = makeDb('chart-seed');
    // 12 months of 20 repairs each; every month 1 fails, except 2026-08 with 12.
    const months = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
    const recs = months.flatMap((m) => Array.from({ length: 20 }, (_, i) => ({ id: `R${m}-${i}`, type: 'repair', at: at(`${m}-10T10:00:00+08:00`) + i * 60_000, department: '技术部', staff: `JS0${i % 3}` })));
    importRecords(db, recs);
    for (const m of months) {
      for (let i = 0; i < 20; i++) review(db, `R${m}-${i}`, i < (m === '2026-08' ? 12 : 1) ? ['skill'] : [], `${m}-20`, i % 2 ? 'aud.wang' : 'aud.li', 'chart test');
    }
    const store = new ReviewStore(db);
    const item = resolveItem(store, 'R2026-10-0');
    const d = openDispute(store, config, zone, { item, check: 'skill', by: 'JS00', reason: 'r', at: at('2026-10-21') });
    decideDispute(store, config, zone, { id: d.id, decision: 'overturn', by: 'sup', note: 'n', at: at('2026-10-22') });
    const r = buildReport({ db, config, zone, calendar, now: at('2026-11-20') }, '2026-10');
    const charts = r.people.control_charts;
    expect(charts.months).toEqual(months);
    const dept = charts.charts.find((c) => c.dimension === 'department' && c.key === '技术部')!;
    const type = charts.charts.find((c) => c.dimension === 'type' && c.key === 'repair')!;
    // p̄ = (10 × 1 + 12 + 0 (October's fail was overturned)) / 240
    expect(dept.chart.center).toBeCloseTo(22 / 240, 12);
    expect(dept.flagged).toEqual(['2026-08']);
    expect(type.flagged).toEqual(['2026-08']);
    expect(dept.chart.points.find((p) => p.label === '2026-08')).toMatchObject({ n: 20, d: 12, signal: 'above' });
    // October: li gave the one fail (item 0), and it was disputed and overturned.
    expect(r.people.disputes_by_auditor).toEqual([
      { auditor: 'aud.li', answers: 70, fails: 1, disputes: 1, decided: 1, overturned: 1, dispute_rate: 1, overturn_rate: 1 },
      { auditor: 'aud.wang', answers: 70, fails: 0, disputes: 0, decided: 0, overturned: 0, dispute_rate: null, overturn_rate: null },
    ]);
  });
});
