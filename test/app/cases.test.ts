/**
 * SPEC §6 through the real pipeline (CSV text → import into SQLite →
 * verify / plan / buildReport): each new KPI on a hand-computed case, the
 * verification rules, the survey follow-ups, the per-line refusal of bad
 * values in the new columns, and that cached report figures follow new
 * surveys and verifications.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSurveyFollowUps, runCallbackPlan } from '../../src/app/callback.js';
import { verifyComplaint } from '../../src/app/complaint.js';
import { buildReport, type Report } from '../../src/app/report.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { WorkCalendar } from '../../src/core/calendar.js';
import type { Kind } from '../../src/core/kinds.js';
import { Zone } from '../../src/core/time.js';
import { listEntries } from '../../src/db/callback.js';
import type { Db } from '../../src/db/open.js';
import { ReviewStore } from '../../src/db/review.js';
import { UsageError } from '../../src/errors.js';
import { importFile } from '../../src/io/importFile.js';
import { makeDb } from '../helpers/store.js';
import { tmpDir } from '../helpers/tmp.js';

const zone = new Zone('Asia/Shanghai');
const calendar = WorkCalendar.load();
const config = (): Config => structuredClone(DEFAULT_CONFIG);
const at = (s: string): number => Date.parse(`${s}+08:00`);

async function load(db: Db, kind: Kind, csv: string) {
  const f = path.join(tmpDir(), `${kind}.csv`);
  fs.writeFileSync(f, csv);
  return importFile(db, { kind, input: f, delimiter: ',', skipInvalid: false, timezone: 'Asia/Shanghai', aliases: {}, worker: 'never', lang: 'en' });
}

async function loadOk(db: Db, kind: Kind, csv: string): Promise<void> {
  const s = await load(db, kind, csv);
  if (!s.committed) throw new Error(JSON.stringify(s.errors));
}

function report(db: Db, now = '2026-11-15T12:00:00', cfg: Config = config()): Report {
  return buildReport({ db, config: cfg, zone, calendar, now: at(now) }, '2026-10');
}

const kpi = (r: Report, id: string) => r.kpis.find((k) => k.id === id)!;

const RECORDS = `record_id,record_type,occurred_at,customer_id,customer_phone,department,staff_id,completed_at
S1,consult,2026-10-02 10:00,K1,13800001111,客服部,KF01,
S2,consult,2026-10-05 10:00,K2,13800002222,客服部,KF02,
S3,repair,2026-10-06 10:00,K3,,技术部,JS01,
R1,return,2026-09-30 20:00,K1,13800001111,仓储部,CC01,2026-09-30 23:00
R2,return,2026-10-09 09:00,K5,13900005555,仓储部,CC01,2026-10-09 10:00
R3,return,2026-10-30 09:00,K6,13900006666,仓储部,CC02,2026-10-30 10:00
R4,return,2026-10-12 09:00,,,仓储部,CC02,2026-10-12 10:00
`;

// T1 all on time (solution agreed on the adjusted working Saturday 10 Oct: 12, 13, 14 Oct);
// T2 acknowledged 1 s late, not resolved; T3 is September's; T4 has no investigation time
// and no feedback; T5 received at the end of October, resolved in November.
const COMPLAINTS = `complaint_id,received_at,customer_id,acknowledged_at,verification_started_at,investigated_at,solution_confirmed_at,resolved_at,feedback_at,severity,category,department,staff_id,description
T1,2026-10-08 10:00,K1,2026-10-09 10:00,2026-10-09 10:00,2026-10-10 10:00,2026-10-10 12:00,2026-10-13 12:00,2026-10-13 18:00,重大,信息泄露,客服部,KF01,截图含电话 138 1234 5678
T2,2026-10-08 10:00,K2,2026-10-09 10:00:01,2026-10-08 12:00,,,,,一般,收费争议,业务部,,
T3,2026-09-30 10:00,K2,2026-09-30 11:00,2026-09-30 11:00,2026-09-30 12:00,2026-09-30 13:00,2026-10-01 10:00,,normal,服务态度,客服部,KF02,
T4,2026-10-20 10:00,K3,2026-10-20 11:00,2026-10-20 11:00,,2026-10-22 10:00,2026-10-25 10:00,,,设备故障,技术部,JS01,
T5,2026-10-31 23:30,K6,2026-11-01 09:00,2026-11-01 09:00,2026-11-02 09:00,2026-11-02 12:00,2026-11-03 12:00,2026-11-04 09:00,major,信息泄露,仓储部,CC02,
`;

// K1 called back exactly 7 days after T1's resolution (in time); K5 by SMS on the 3rd working day after R2;
// K2 online (not a callback channel by default); K9 was not served in October.
const SURVEYS = `survey_id,customer_id,surveyed_at,overall,channel,record_id,hidden_fee,attitude_ok,consult_score
H1,K1,2026-10-20 12:00,5,电话,S1,否,是,5
H2,K5,2026-10-13 23:59,4,sms,R2,否,是,
H3,K2,2026-10-15 10:00,2,线上,S2,,否,2
H4,K9,2026-10-16 10:00,4,phone,,是,,4
`;

async function fixture(): Promise<Db> {
  const db = makeDb('seed-cases');
  await loadOk(db, 'records', RECORDS);
  await loadOk(db, 'complaints', COMPLAINTS);
  await loadOk(db, 'surveys', SURVEYS);
  return db;
}

const verify = (db: Db, input: Partial<Parameters<typeof verifyComplaint>[3]> & { id: string }, when = '2026-11-02T10:00:00') =>
  verifyComplaint(db, config(), zone, { founded: true, by: 'supervisor.zhang', at: at(when), ...input });

describe('SPEC §6 complaint KPIs, hand-computed', () => {
  it('complaint_handling_on_time: a missed limit fails, all four met passes, a missing value otherwise is missing', async () => {
    const db = await fixture();
    // Passed: T1, T5. Failed: T2 (ack 24 h + 1 s). Missing: T4 (no investigation time, none late).
    expect(kpi(report(db), 'complaint_handling_on_time')).toMatchObject({ numerator: 2, denominator: 3, missing: 1, met: false });
  });

  it('complaint_feedback: resolved complaints of the month with feedback_at; unresolved are shown as missing', async () => {
    const db = await fixture();
    expect(kpi(report(db), 'complaint_feedback')).toMatchObject({ numerator: 2, denominator: 3, missing: 1 });
  });

  it('complaint_verified counts verification reports recorded by the report time', async () => {
    const db = await fixture();
    expect(kpi(report(db), 'complaint_verified')).toMatchObject({ numerator: 0, denominator: 4, value: 0 });
    verify(db, { id: 'T1', cause: '外发截图', responsibility: '客服部/KF01' });
    verify(db, { id: 'T2', founded: false, cause: '收费符合合同' });
    verify(db, { id: 'T3', founded: false }); // September's: not in October's figure
    expect(kpi(report(db), 'complaint_verified')).toMatchObject({ numerator: 2, denominator: 4, value: 0.5 });
    // A report generated before the verifications does not count them.
    expect(kpi(report(db, '2026-11-01T12:00:00'), 'complaint_verified')).toMatchObject({ numerator: 0, denominator: 4 });
    const c = report(db).complaints;
    expect([c.received, c.previous, c.founded, c.unfounded, c.unverified, c.previous_unfounded, c.major]).toEqual([4, 1, 1, 1, 2, 1, 2]);
    expect(c.by_category[0]).toEqual({ key: '信息泄露', count: 2, previous: 0 });
    expect(c.by_department.find((x) => x.key === '客服部')).toEqual({ key: '客服部', count: 1, previous: 1 });
    // K2 complained on 30 Sep and 8 Oct: a repeat complainant.
    expect(c.repeat_complainants).toEqual([{ customer_id: 'K2', complaints: ['T3', 'T2'] }]);
  });

  it('complaint_callback: complainants resolved in the month, surveyed within 7 days (7 × 24 h exactly is in time)', async () => {
    const db = await fixture();
    // Resolved in October: K1 (T1, called back 7 days later: in time), K2 (September's T3, resolved
    // 1 Oct, surveyed 15 Oct: late) and K3 (T4, never called back; window closed).
    expect(kpi(report(db), 'complaint_callback')).toMatchObject({ numerator: 1, denominator: 3 });
    // On 28 Oct K3's window (25 Oct + 7 days) is still open: not judged yet.
    expect(kpi(report(db, '2026-10-28T12:00:00'), 'complaint_callback')).toMatchObject({ numerator: 1, denominator: 2 });
  });

  it('survey_within_3wd: rentals ended in the month, the customer surveyed by the end of the 3rd working day', async () => {
    const db = await fixture();
    // R2 ended Fri 9 Oct; 10 Oct (Sat 调休), 12, 13 → K5 surveyed 13 Oct 23:59: in time.
    // R3 ended 30 Oct, no survey, window closed by 15 Nov. R4 has no customer: missing. R1 ended in September.
    expect(kpi(report(db), 'survey_within_3wd')).toMatchObject({ numerator: 1, denominator: 2, missing: 1 });
    // On 3 Nov R3's window (2, 3, 4 Nov) is open: not judged.
    expect(kpi(report(db, '2026-11-03T12:00:00'), 'survey_within_3wd')).toMatchObject({ numerator: 1, denominator: 1, missing: 1 });
  });

  it('survey_within_3wd over National Day, the adjusted Saturday, and into a year without calendar data (warned)', async () => {
    const db = makeDb();
    await loadOk(
      db,
      'records',
      `record_id,record_type,occurred_at,customer_id,completed_at
A,return,2026-09-30 18:00,KA,2026-09-30 20:00
B,return,2026-09-30 18:00,KB,2026-09-30 20:00
C,return,2026-12-30 09:00,KC,2026-12-30 10:00
`,
    );
    // 1–7 Oct off; 8, 9 Oct and Saturday 10 Oct (调休) are the three working days: KA on the 10th is in time, KB on the 11th late.
    // 30 Dec 2026 → 31 Dec, then 2027 (no calendar data: Mon–Fri) 1 Jan, 4 Jan: KC on 4 Jan is in time.
    await loadOk(db, 'surveys', 'survey_id,customer_id,surveyed_at,channel\nS1,KA,2026-10-10 23:00,phone\nS2,KB,2026-10-11 09:00,phone\nS3,KC,2027-01-04 18:00,phone\n');
    const sep = buildReport({ db, config: config(), zone, calendar, now: at('2026-11-15T12:00:00') }, '2026-09');
    expect(kpi(sep, 'survey_within_3wd')).toMatchObject({ numerator: 1, denominator: 2 });
    const dec = buildReport({ db, config: config(), zone, calendar, now: at('2027-01-15T12:00:00') }, '2026-12');
    expect(kpi(dec, 'survey_within_3wd')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(dec.warnings.join('\n')).toContain('no holiday calendar for 2027');
    // The second report reads the month's rentals from the cache: same figure, same warning.
    const again = buildReport({ db, config: config(), zone, calendar, now: at('2027-01-15T12:00:00') }, '2026-12');
    expect(db.prepare(`SELECT count(*) FROM month_cache WHERE part = 'rentals_ended' AND month = '2026-12'`).pluck().get()).toBe(1);
    expect(kpi(again, 'survey_within_3wd')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(again.warnings.join('\n')).toContain('no holiday calendar for 2027');
  });

  it('survey_within_3wd from the cache follows new surveys, and a record of another month completed in this one', async () => {
    const db = await fixture();
    const before = kpi(report(db), 'survey_within_3wd');
    expect(before).toMatchObject({ numerator: 1, denominator: 2, missing: 1 });
    // R3 (ended 30 Oct, customer K6) is surveyed on 2 Nov: in time.
    await loadOk(db, 'surveys', 'survey_id,customer_id,surveyed_at,channel\nW1,K6,2026-11-02 10:00,phone\n');
    expect(kpi(report(db), 'survey_within_3wd')).toMatchObject({ numerator: 2, denominator: 2, missing: 1 });
    // A September file whose return was completed on 20 October: October's figure counts it (not surveyed: late).
    await loadOk(db, 'records', 'record_id,record_type,occurred_at,customer_id,completed_at\nLATE,return,2026-09-30 23:00,KZ,2026-10-20 10:00\n');
    expect(kpi(report(db), 'survey_within_3wd')).toMatchObject({ numerator: 2, denominator: 3, missing: 1 });
  });

  it('callback_coverage: served customers surveyed by phone or SMS (config channels), and the cached figure follows new surveys', async () => {
    const db = await fixture();
    // Served in October: K1, K2, K3, K5, K6 (R4 has no customer). Phone/SMS: K1, K5. K9 was not served.
    expect(kpi(report(db), 'callback_coverage')).toMatchObject({ numerator: 2, denominator: 5 });
    const cfg = config();
    cfg.kpis = { callback_coverage: { channels: ['phone', 'sms', 'online'] } };
    expect(kpi(report(db, undefined, cfg), 'callback_coverage')).toMatchObject({ numerator: 3, denominator: 5 });
    await loadOk(db, 'surveys', 'survey_id,customer_id,surveyed_at,channel\nH5,K3,2026-10-28 10:00,phone\n');
    expect(kpi(report(db), 'callback_coverage')).toMatchObject({ numerator: 3, denominator: 5 });
  });

  it('the survey questions: means and shares of the month', async () => {
    const db = await fixture();
    const q = new Map(report(db).surveys.questions.map((x) => [x.id, x]));
    expect(q.get('overall')).toMatchObject({ n: 4, value: 3.75 });
    expect(q.get('hidden_fee')).toMatchObject({ n: 3, value: 1 / 3 });
    expect(q.get('attitude_ok')).toMatchObject({ n: 3, value: 2 / 3 });
    expect(q.get('consult_score')).toMatchObject({ n: 3, value: 11 / 3 });
  });
});

describe('qa complaint verify rules', () => {
  it('an unknown complaint, a second verification without --amend, --amend without one: usage errors', async () => {
    const db = await fixture();
    expect(() => verify(db, { id: 'NOPE', cause: 'x', responsibility: '客服部' })).toThrow(UsageError);
    verify(db, { id: 'T2', founded: false });
    expect(() => verify(db, { id: 'T2', founded: false })).toThrow(/complaint T2 was already verified \(unfounded, by supervisor.zhang on 2026-11-02 10:00\)/);
    try {
      verify(db, { id: 'T2', founded: false });
    } catch (e) {
      expect((e as UsageError).hint).toMatch(/--amend --reason/);
    }
    expect(() => verify(db, { id: 'T4', founded: false, amend: true, reason: 'x' })).toThrow(/no verification to amend/);
    expect(() => verify(db, { id: 'T2', founded: false, amend: true })).toThrow(/--reason/);
    expect(() => verify(db, { id: 'T4', cause: 'x' })).toThrow(/--responsibility/);
    expect(() => verify(db, { id: 'T4', responsibility: '/KF01', cause: 'x' })).toThrow(/needs a department/);
  });

  it('founded opens one rectification linked to the complaint, for a person with no record too; amendments move, withdraw, reopen', async () => {
    const db = await fixture();
    const store = new ReviewStore(db);
    const r1 = verify(db, { id: 'T1', cause: '外发截图', responsibility: '客服部/KF99' }); // KF99 has no record: accepted
    expect(r1.action).toBe('opened');
    expect(r1.rectification).toMatchObject({ source: 'complaint', source_id: 'T1', item_id: 'T1', kind: 'complaints', owner_department: '客服部', owner_person: 'KF99', due_date: '2026-11-09', state: 'open', finding_note: '外发截图' });
    const id = r1.rectification!.id;
    const r2 = verify(db, { id: 'T1', cause: '外发截图', responsibility: '仓储部/CC01', amend: true, reason: '复核' });
    expect([r2.action, r2.rectification!.id, r2.rectification!.owner_department]).toEqual(['moved', id, '仓储部']);
    const r3 = verify(db, { id: 'T1', founded: false, cause: '并非本公司泄露', amend: true, reason: '公安通报' });
    expect([r3.action, store.rectification(id)!.state]).toEqual(['withdrawn', 'withdrawn']);
    // Withdrawn counts nowhere in the report.
    expect(report(db).rectifications.by_state).toMatchObject({ open: 0 });
    const r4 = verify(db, { id: 'T1', cause: '确认泄露', responsibility: '客服部', amend: true, reason: '再次复核' });
    expect(r4.action).toBe('opened');
    expect(r4.rectification!.id).not.toBe(id);
    // Everything is in the audit log; the verification history keeps all four reports.
    const actions = (db.prepare(`SELECT action FROM audit_log WHERE action LIKE 'complaint.%' OR action LIKE 'rectification.%' ORDER BY id`).pluck().all() as string[]);
    expect(actions).toEqual(['complaint.verify', 'rectification.open', 'complaint.amend', 'rectification.owner', 'complaint.amend', 'rectification.withdrawn', 'complaint.amend', 'rectification.open']);
    expect(db.prepare('SELECT count(*) FROM complaint_verifications').pluck().get()).toBe(4);
  });

  it('a done rectification is kept when the complaint is re-verified as unfounded', async () => {
    const db = await fixture();
    const r = verify(db, { id: 'T1', cause: 'c', responsibility: '客服部' });
    db.prepare(`UPDATE rectifications SET state = 'done' WHERE id = ?`).run(r.rectification!.id);
    const again = verify(db, { id: 'T1', founded: false, amend: true, reason: 'x' });
    expect(again.action).toBe('kept');
    expect(again.notes[0]).toMatch(/already done/);
  });
});

describe('survey follow-ups (hidden fee or overall <= 2)', () => {
  it("open one rectification per survey for its record's department, else callback.followUpDepartment; never twice", async () => {
    const db = await fixture();
    const ids = openSurveyFollowUps(db, config(), zone, 'qa', at('2026-11-02T08:00:00'));
    const store = new ReviewStore(db);
    const rows = ids.map((i) => store.rectification(i)!).map((x) => [x.source_id, x.owner_department, x.due_date]);
    // H3 overall 2 (record S2, 客服部); H4 hidden fee (no record: the default department).
    expect(rows).toEqual([
      ['H3', '客服部', '2026-11-09'],
      ['H4', '客服部', '2026-11-09'],
    ]);
    expect(openSurveyFollowUps(db, config(), zone, 'qa', at('2026-11-03T08:00:00'))).toEqual([]);
  });
});

describe('callback plan on the database', () => {
  it('adds ended rentals and complainants, closes entries by survey import, never adds twice, keeps a receipt', async () => {
    const db = await fixture();
    const cfg = config();
    const run = runCallbackPlan(db, cfg, zone, calendar, { date: '2026-11-03', by: 'qa', at: at('2026-11-03T08:00:00') });
    // Ended in [29 Sep, 3 Nov): R1 (K1 surveyed since), R2 (K5 surveyed since), R3 (K6: entry). R4 has no customer.
    // Resolved: T1 (K1 surveyed since), T4 (K3: entry), T3 resolved 1 Oct (K2 surveyed 15 Oct: none).
    expect(run.added.map((e) => [e.reason, e.source_id, e.customer_id, e.due_date])).toEqual([
      ['complaint', 'T4', 'K3', '2026-11-01'],
      ['ended', 'R3', 'K6', '2026-11-04'],
    ]);
    // Quarterly: Q3 ended 30 Sep (within the 35-day lookback); K1 is the only customer by then, and too new.
    expect(run.population).toEqual({ ended: 3, complaint: 3, quarterly: 1, churn: 0 });
    const receipt = db.prepare('SELECT * FROM callback_runs WHERE id = ?').get(run.run) as { added: number; seed: string; population_digest: string };
    expect(receipt).toMatchObject({ added: 2, seed: 'seed-cases', population_digest: run.digest });
    // The phone comes from the contact record; the list is open entries.
    expect(listEntries(db, {}).map((e) => [e.source_id, e.customer_phone])).toEqual([
      ['T4', null],
      ['R3', '13900006666'],
    ]);
    // Re-running adds nothing; a survey import closes R3's entry.
    const rerun = runCallbackPlan(db, cfg, zone, calendar, { date: '2026-11-03', by: 'qa', at: at('2026-11-03T09:00:00') });
    expect(rerun.added).toEqual([]);
    // Q3 was handled by the first run: its customers are not scanned again.
    expect([rerun.quarters, rerun.population.quarterly, run.quarters]).toEqual([[], 0, ['2026-Q3']]);
    await loadOk(db, 'surveys', 'survey_id,customer_id,surveyed_at,channel\nH9,K6,2026-11-03 15:00,phone\n');
    expect(listEntries(db, {}).map((e) => e.source_id)).toEqual(['T4']);
    expect(listEntries(db, { all: true }).find((e) => e.source_id === 'R3')).toMatchObject({ answered_by: 'H9' });
    expect(listEntries(db, { dueBefore: '2026-11-03' }).map((e) => e.source_id)).toEqual(['T4']);
    expect(listEntries(db, { reasons: ['ended'], all: true }).map((e) => e.source_id)).toEqual(['R3']);
  });
});

describe('bad values in the new columns are refused per line', () => {
  it('severity, channel, booleans and scores', async () => {
    const db = makeDb();
    const c = await load(db, 'complaints', 'complaint_id,received_at,customer_id,severity,feedback_at\nA1,2026-10-01 10:00,K1,urgent,\nA2,2026-10-01 10:00,K1,重大,yesterday\n');
    expect(c.committed).toBe(false);
    expect(c.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'severity'],
      [3, 'feedback_at'],
    ]);
    expect(c.errors[0]!.message).toMatch(/"urgent" is not one of normal 一般, major 重大/);
    const s = await load(db, 'surveys', '回访编号,客户编号,回访时间,方式,存在隐藏收费,咨询对接\nH1,K1,2026-10-01 10:00,传真,是,5\nH2,K1,2026-10-01 10:00,短信,maybe,6\n');
    expect(s.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'channel'],
      [3, 'hidden_fee'],
      [3, 'consult_score'],
    ]);
    const ok = await load(db, 'surveys', '回访编号,客户编号,回访时间,方式\nH1,K1,2026-10-01 10:00,电话回访\n');
    expect(ok.committed).toBe(true);
    expect(db.prepare(`SELECT channel FROM surveys WHERE survey_id = 'H1'`).pluck().get()).toBe('phone');
  });
});

describe('callback plans do not depend on the import order (property)', () => {
  it('the same rows imported in different orders and files give the same worklist and digest', async () => {
    const fc = (await import('fast-check')).default;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 500 }), customer: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 30 }), surveyed: fc.boolean() }), { selector: (r) => r.id, minLength: 1, maxLength: 25 }),
        fc.integer(),
        async (rows, shuffleSeed) => {
          const recs = rows.map((r) => `R${r.id},return,2026-10-${String(r.day).padStart(2, '0')} 09:00,K${r.customer},1390000${String(r.customer).padStart(4, '0')},2026-10-${String(r.day).padStart(2, '0')} 10:00`);
          const survs = rows.filter((r) => r.surveyed).map((r) => `H${r.id},K${r.customer},2026-10-${String(r.day).padStart(2, '0')} 12:00,phone`);
          let s = shuffleSeed;
          const shuffled = <T>(xs: T[]): T[] =>
            xs
              .map((x) => ({ x, k: (s = (Math.imul(s, 1103515245) + 12345) | 0) }))
              .sort((a, b) => a.k - b.k)
              .map((p) => p.x);
          const plan = async (records: string[][], surveys: string[], surveysFirst: boolean) => {
            const db = makeDb('same-seed');
            const loadSurveys = async () => {
              if (surveys.length) await loadOk(db, 'surveys', `survey_id,customer_id,surveyed_at,channel\n${surveys.join('\n')}\n`);
            };
            // Surveys first in one database, last in the other; records in one file or two, shuffled.
            if (surveysFirst) await loadSurveys();
            for (const part of records) if (part.length) await loadOk(db, 'records', `record_id,record_type,occurred_at,customer_id,customer_phone,completed_at\n${part.join('\n')}\n`);
            if (!surveysFirst) await loadSurveys();
            const r = runCallbackPlan(db, config(), zone, calendar, { date: '2026-11-03', by: 'qa', at: at('2026-11-03T08:00:00') });
            const list = listEntries(db, { all: true }).map(({ id: _id, ...e }) => e);
            db.close();
            return { list, digest: r.digest, population: r.population };
          };
          const a = await plan([recs], survs, false);
          const mixed = shuffled(recs);
          const b = await plan([mixed.slice(0, mixed.length >> 1), mixed.slice(mixed.length >> 1)], shuffled(survs), true);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
