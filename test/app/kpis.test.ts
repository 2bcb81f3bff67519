/**
 * Each KPI of SPEC §5 on a hand-computed case, through the real pipeline:
 * CSV text → import into SQLite → buildReport. Edge cases: denominator 0,
 * missing values, the exact 24 h / 48 h / 15 min / 1 h / 3rd-working-day
 * boundaries, the National Day holiday and its adjusted Saturday workday,
 * and UTC offsets that move a row across a month boundary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/app/report.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { WorkCalendar } from '../../src/core/calendar.js';
import type { Kind } from '../../src/core/kinds.js';
import { Zone } from '../../src/core/time.js';
import type { Db } from '../../src/db/open.js';
import { importFile } from '../../src/io/importFile.js';
import { makeDb } from '../helpers/store.js';
import { tmpDir } from '../helpers/tmp.js';

const zone = new Zone('Asia/Shanghai');
const calendar = WorkCalendar.load();

async function load(db: Db, kind: Kind, csv: string): Promise<void> {
  const f = path.join(tmpDir(), `${kind}.csv`);
  fs.writeFileSync(f, csv);
  const s = await importFile(db, { kind, input: f, delimiter: ',', skipInvalid: false, timezone: 'Asia/Shanghai', aliases: {}, worker: 'never', lang: 'en' });
  if (!s.committed) throw new Error(JSON.stringify(s.errors));
}

function report(db: Db, month = '2026-10', now = '2026-11-15T12:00:00+08:00', config: Config = structuredClone(DEFAULT_CONFIG)): Report {
  return buildReport({ db, config, zone, calendar, now: Date.parse(now) }, month);
}

const kpi = (r: Report, id: string) => {
  const k = r.kpis.find((x) => x.id === id);
  if (!k) throw new Error(`no KPI ${id}`);
  return k;
};

const REC = 'record_id,record_type,occurred_at,customer_id,remote,first_response_at,promised_at,completed_at,first_time_fix,recommendation_fit,device_intact';

describe('KPIs on an empty month: no data, never a made-up number', () => {
  it('every rate is null with met null; counts are 0', () => {
    const r = report(makeDb());
    for (const k of r.kpis) {
      if (k.kind === 'rate') expect([k.id, k.value, k.met]).toEqual([k.id, null, null]);
    }
    expect(kpi(r, 'rectification_overdue')).toMatchObject({ value: 0, met: true });
  });
});

describe('records KPIs', () => {
  it('delivery_on_time: completed_at <= promised_at; rows missing either are left out (and counted as missing)', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}
D1,delivery,2026-10-08 10:00,K1,,,2026-10-09 10:00,2026-10-09 10:00,,,
D2,delivery,2026-10-08 10:00,K2,,,2026-10-09 10:00,2026-10-09 10:00:01,,,
D3,delivery,2026-10-08 10:00,K3,,,2026-10-09 10:00,,,,
D4,delivery,2026-10-08 10:00,K4,,,,,,,
`);
    expect(kpi(report(db), 'delivery_on_time')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, missing: 2, met: false, target: 0.98, op: '>=' });
  });

  it('consult_response_on_time: 15 min on a working day 09:00–18:00, else 30 min; holidays and the adjusted Saturday', async () => {
    const db = makeDb();
    // 2026-10-08 Thursday (working day); 2026-10-02 National Day holiday; 2026-10-10 Saturday, an adjusted working day (调休).
    await load(db, 'records', `${REC}
C1,consult,2026-10-08 09:00,K1,,2026-10-08 09:15,,,,,
C2,consult,2026-10-08 09:00,K2,,2026-10-08 09:15:01,,,,,
C3,consult,2026-10-08 17:59,K3,,2026-10-08 18:14,,,,,
C4,consult,2026-10-08 18:00,K4,,2026-10-08 18:30,,,,,
C5,consult,2026-10-08 08:59,K5,,2026-10-08 09:29,,,,,
C6,consult,2026-10-02 10:00,K6,,2026-10-02 10:25,,,,,
C7,consult,2026-10-10 10:00,K7,,2026-10-10 10:25,,,,,
C8,consult,2026-10-11 10:00,K8,,2026-10-11 10:25,,,,,
C9,consult,2026-10-08 10:00,K9,,,,,,,
`);
    // On time: C1 (15:00), C3, C4 (outside hours: 30), C5 (before 09:00: 30), C6 (holiday: 30), C8 (Sunday: 30).
    // Late: C2 (15 min + 1 s), C7 (adjusted working Saturday: 15 min limit). C9 has no response: missing.
    expect(kpi(report(db), 'consult_response_on_time')).toMatchObject({ numerator: 6, denominator: 8, missing: 1 });
  });

  it('repair_response_on_time: 1 h, or 4 h when remote; remote unknown counts as not remote', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}
R1,repair,2026-10-08 10:00,K1,否,2026-10-08 11:00,,,是,,
R2,repair,2026-10-08 10:00,K2,否,2026-10-08 11:00:01,,,否,,
R3,repair,2026-10-08 10:00,K3,是,2026-10-08 14:00,,,,,
R4,repair,2026-10-08 10:00,K4,是,2026-10-08 14:00:01,,,是,,
R5,repair,2026-10-08 10:00,K5,,2026-10-08 11:30,,,,,
`);
    const r = report(db);
    expect(kpi(r, 'repair_response_on_time')).toMatchObject({ numerator: 2, denominator: 5 });
    expect(kpi(r, 'first_time_fix_rate')).toMatchObject({ numerator: 2, denominator: 3, missing: 2, value: 2 / 3 });
  });

  it('recommendation_fit_rate and equipment_intact_rate count only rows with a value', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}
C1,consult,2026-10-08 10:00,K1,,,,,,yes,
C2,consult,2026-10-08 10:00,K2,,,,,,no,
C3,consult,2026-10-08 10:00,K3,,,,,,,
D1,delivery,2026-10-08 10:00,K4,,,,,,,Y
R1,return,2026-10-08 10:00,K5,,,,,,,N
R2,return,2026-10-08 10:00,K6,,,,,,,1
R3,return,2026-10-08 10:00,K7,,,,,,,
`);
    const r = report(db);
    expect(kpi(r, 'recommendation_fit_rate')).toMatchObject({ numerator: 1, denominator: 2, missing: 1 });
    expect(kpi(r, 'equipment_intact_rate')).toMatchObject({ numerator: 2, denominator: 3, missing: 1 });
  });

  it('contract_within_3wd: the end of the 3rd working day, across National Day to the adjusted Saturday', async () => {
    const db = makeDb();
    // 2026-09-29 (Tue) → working days after it: 09-30, then 10-08, 10-09 (the holiday 10-01…10-07 skipped): deadline end of 10-09.
    // 2026-09-30 (Wed) → 10-08, 10-09, 10-10 (adjusted working Saturday): deadline end of 10-10.
    await load(db, 'records', `${REC}
K1,contract,2026-09-29 10:00,A,,,,2026-10-09 23:59:59,,,
K2,contract,2026-09-29 10:00,B,,,,2026-10-10 00:00,,,
K3,contract,2026-09-30 10:00,C,,,,2026-10-10 23:59:59,,,
K4,contract,2026-09-30 10:00,D,,,,2026-10-11 00:00,,,
K5,contract,2026-09-30 10:00,E,,,,,,,
`);
    expect(kpi(report(db, '2026-09'), 'contract_within_3wd')).toMatchObject({ numerator: 2, denominator: 4, missing: 1 });
  });

  it('a UTC offset decides the month: 2026-09-30T17:00Z is October in Shanghai, 2026-10-31T16:30Z is November', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}
X1,delivery,2026-09-30T17:00:00Z,K1,,,2026-10-02T10:00:00+08:00,2026-10-02T09:00:00+08:00,,,
X2,delivery,2026-09-30T15:59:59Z,K2,,,2026-10-02T10:00:00+08:00,2026-10-02T11:00:00+08:00,,,
X3,delivery,2026-10-31T16:30:00Z,K3,,,2026-11-02T10:00:00+08:00,2026-11-02T11:00:00+08:00,,,
X4,delivery,2026-10-31 23:59,K4,,,2026-11-02 10:00,2026-11-02 09:00,,,
`);
    const oct = report(db);
    expect(kpi(oct, 'delivery_on_time')).toMatchObject({ numerator: 2, denominator: 2 });
    expect(oct.coverage.records.population).toBe(2);
    expect(kpi(report(db, '2026-09', '2026-11-15T00:00:00+08:00'), 'delivery_on_time')).toMatchObject({ numerator: 0, denominator: 1 });
  });
});

describe('complaint KPIs (elapsed hours; working days after the agreed solution)', () => {
  const HEAD = 'complaint_id,received_at,customer_id,acknowledged_at,verification_started_at,investigated_at,solution_confirmed_at,resolved_at';

  it('24 h and 48 h are inclusive to the millisecond; missing timestamps are left out', async () => {
    const db = makeDb();
    await load(db, 'complaints', `${HEAD}
T1,2026-10-08 10:00,A,2026-10-09 10:00,2026-10-09 10:00,2026-10-10 10:00,,
T2,2026-10-08 10:00,B,2026-10-09 10:00:01,2026-10-09 10:00:00.001,2026-10-10 10:00:01,,
T3,2026-10-08 10:00,C,,,,,
`);
    const r = report(db);
    expect(kpi(r, 'complaint_ack_24h')).toMatchObject({ numerator: 1, denominator: 2, missing: 1, met: false, target: 1 });
    expect(kpi(r, 'complaint_verification_24h')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(kpi(r, 'complaint_investigation_48h')).toMatchObject({ numerator: 1, denominator: 2 });
  });

  it('complaint_resolution_3wd across National Day and its adjusted Saturday', async () => {
    const db = makeDb();
    // Confirmed 2026-09-30 15:00 → 10-08, 10-09, 10-10 (调休 Saturday): on time until the end of 10-10.
    await load(db, 'complaints', `${HEAD}
T1,2026-09-29 10:00,A,,,,2026-09-30 15:00,2026-10-10 23:59:59
T2,2026-09-29 11:00,B,,,,2026-09-30 15:00,2026-10-11 00:00
T3,2026-09-29 12:00,C,,,,2026-09-30 15:00,
`);
    const r = report(db, '2026-09');
    expect(kpi(r, 'complaint_resolution_3wd')).toMatchObject({ numerator: 1, denominator: 2, missing: 1 });
    expect(r.warnings).toEqual([]);
  });

  it('a solution confirmed on 2026-12-30 reaches into 2027, which the calendar does not know: a visible warning', async () => {
    const db = makeDb();
    await load(db, 'complaints', `${HEAD}
T1,2026-12-28 10:00,A,,,,2026-12-30 15:00,2027-01-04 10:00
`);
    const r = report(db, '2026-12', '2027-01-10T00:00:00+08:00');
    expect(kpi(r, 'complaint_resolution_3wd')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(r.warnings.join('\n')).toContain('no holiday calendar for 2027: working days there were taken as Monday–Friday');
  });

  it('complaint_rate and callback_coverage: distinct customers over distinct customers served in the month', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}
C1,consult,2026-10-08 10:00,K1,,,,,,,
C2,consult,2026-10-09 10:00,K1,,,,,,,
C3,consult,2026-10-09 10:00,K2,,,,,,,
C4,consult,2026-10-09 10:00,K3,,,,,,,
C5,consult,2026-10-09 10:00,K4,,,,,,,
`);
    await load(db, 'complaints', `${HEAD}
T1,2026-10-10 10:00,K1,,,,,
T2,2026-10-11 10:00,K1,,,,,
`);
    await load(db, 'surveys', `survey_id,customer_id,surveyed_at,overall,channel
S1,K1,2026-10-20 10:00,5,phone
S2,K1,2026-10-21 10:00,4,online
S3,K2,2026-10-21 10:00,3.5,短信
S4,K3,2026-10-21 10:00,,online
S5,K9,2026-09-21 10:00,5,phone
S6,K7,2026-10-21 10:00,5,phone
`);
    const r = report(db);
    expect(kpi(r, 'complaint_rate')).toMatchObject({ numerator: 1, denominator: 4, value: 0.25, op: '<=', target: 0.02, met: false });
    // SPEC §6 (changes §5): distinct customers served in October surveyed in October by phone or
    // SMS: K1 and K2 — not K3 (online only), K7 (not served in October), K9 (September).
    expect(kpi(r, 'callback_coverage')).toMatchObject({ numerator: 2, denominator: 4, value: 0.5, met: true });
    expect(kpi(r, 'satisfaction_rate')).toMatchObject({ numerator: 3, denominator: 4, missing: 1, stretch: 0.96 });
  });
});

describe('targets from the config', () => {
  it('kpis.<id>.target and .op override the defaults; a bad key is a usage error naming it', async () => {
    const db = makeDb();
    await load(db, 'records', `${REC}\nD1,delivery,2026-10-08 10:00,K1,,,2026-10-09 10:00,2026-10-09 11:00,,,\nD2,delivery,2026-10-08 10:00,K1,,,2026-10-09 10:00,2026-10-09 09:00,,,\n`);
    const config = structuredClone(DEFAULT_CONFIG);
    config.kpis = { delivery_on_time: { target: 0.5 } };
    expect(kpi(report(db, '2026-10', '2026-11-15T12:00:00+08:00', config), 'delivery_on_time')).toMatchObject({ value: 0.5, target: 0.5, met: true });
    config.kpis = { delivery_ontime: { target: 0.5 } };
    expect(() => report(db, '2026-10', '2026-11-15T12:00:00+08:00', config)).toThrow(/config key kpis\.delivery_ontime: unknown KPI/);
  });
});
