/**
 * The callback plan (SPEC §6; 001 第六条): hand-computed due dates over the
 * National Day holiday, the adjusted working Saturday (调休), a deadline that
 * crosses into a year without calendar data (warned, Mon–Fri); the quarter
 * and churn rules; and the property that the worklist depends only on the
 * data and the seed, never on the order the candidates come in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  churnPeriodOf,
  churnRank,
  lastWorkdayOfQuarter,
  minusMonths,
  planCallbacks,
  quarterDates,
  quarterOf,
  quartersDue,
  type CustomerSpan,
  type PlanInput,
} from '../../src/core/callback.js';
import { WorkCalendar } from '../../src/core/calendar.js';
import { Zone } from '../../src/core/time.js';

const zone = new Zone('Asia/Shanghai');
const calendar = WorkCalendar.load();
const at = (s: string): number => Date.parse(`${s}+08:00`);

function input(p: Partial<PlanInput>): PlanInput {
  return { date: '2026-11-03', seed: 's', zone, calendar, lookbackDays: 35, complaintDays: 7, churnRate: 0.1, ended: [], complaints: [], quarterly: [], churn: null, ...p };
}

describe('ended rentals: due by the 3rd working day after completed_at', () => {
  it('over National Day (1–7 Oct holiday) and the adjusted working Saturday 10 Oct', () => {
    const plan = planCallbacks(
      input({
        ended: [
          { record_id: 'R1', customer_id: 'K1', completed_at: at('2026-09-30T15:00:00'), surveyed: false }, // 8, 9, 10 (Sat 调休) → 10-10
          { record_id: 'R2', customer_id: 'K2', completed_at: at('2026-10-09T10:00:00'), surveyed: false }, // 10 (Sat 调休), 12, 13 → 10-13
          { record_id: 'R3', customer_id: 'K3', completed_at: at('2026-10-16T23:59:59'), surveyed: false }, // Fri → 19, 20, 21
          { record_id: 'R4', customer_id: 'K4', completed_at: at('2026-10-20T10:00:00'), surveyed: true }, // already surveyed: no entry
        ],
      }),
    );
    expect(plan.entries.map((e) => [e.source_id, e.due_date, e.contact_record_id])).toEqual([
      ['R1', '2026-10-10', 'R1'],
      ['R2', '2026-10-13', 'R2'],
      ['R3', '2026-10-21', 'R3'],
    ]);
    expect(plan.population.ended).toBe(4);
    expect(plan.guessedYears).toEqual([]);
  });

  it('a deadline crossing into a year without calendar data is computed Mon–Fri and reported', () => {
    const plan = planCallbacks(input({ date: '2027-01-05', ended: [{ record_id: 'R9', customer_id: 'K9', completed_at: at('2026-12-30T12:00:00'), surveyed: false }] }));
    // 31 Dec (Thu, 2026 known), then 2027 guessed Mon–Fri: 1 Jan (Fri), 4 Jan (Mon).
    expect(plan.entries[0]!.due_date).toBe('2027-01-04');
    expect(plan.guessedYears).toEqual([2027]);
  });
});

describe('complainants: due complaintDays calendar days after the resolution date', () => {
  it('resolved 2026-10-06 23:56 → due 2026-10-13; already surveyed → none', () => {
    const plan = planCallbacks(
      input({
        complaints: [
          { complaint_id: 'TS-1', customer_id: 'K1', resolved_at: at('2026-10-06T23:56:00'), surveyed: false, related_record_id: 'SR-1' },
          { complaint_id: 'TS-2', customer_id: 'K2', resolved_at: at('2026-10-07T10:00:00'), surveyed: true, related_record_id: null },
        ],
      }),
    );
    expect(plan.entries).toEqual([{ reason: 'complaint', source_id: 'TS-1', customer_id: 'K1', trigger_at: at('2026-10-06T23:56:00'), due_date: '2026-10-13', rank: null, contact_record_id: 'SR-1' }]);
  });
});

describe('quarters', () => {
  it('quarter names, dates and last working days (a quarter ending in a holiday)', () => {
    expect(quarterOf('2026-09-30')).toBe('2026-Q3');
    expect(quarterOf('2026-10-01')).toBe('2026-Q4');
    expect(quarterDates('2026-Q4')).toEqual(['2026-10-01', '2026-12-31']);
    expect(lastWorkdayOfQuarter(calendar, '2026-Q3')).toBe('2026-09-30');
    // 2023: 29 Sep – 6 Oct off (中秋 + 国庆): the last working day of Q3 was Thursday 28 Sep.
    expect(lastWorkdayOfQuarter(calendar, '2023-Q3')).toBe('2023-09-28');
  });

  it('a run handles the quarter from its last working day on, and catches up within the lookback', () => {
    expect(quartersDue(calendar, '2026-09-29', 35)).toEqual([]); // Q3 not over; Q2 ended 91 days ago
    expect(quartersDue(calendar, '2026-09-30', 35)).toEqual([{ quarter: '2026-Q3', last_workday: '2026-09-30' }]);
    expect(quartersDue(calendar, '2026-10-20', 35)).toEqual([{ quarter: '2026-Q3', last_workday: '2026-09-30' }]);
    expect(quartersDue(calendar, '2026-11-20', 35)).toEqual([]);
  });

  it('long-term customers: first record 3+ months before the last working day and a record in the quarter; due 7 working days after', () => {
    const span = (id: string, first: string, last: string): CustomerSpan => ({ customer_id: id, first_at: at(`${first}T10:00:00`), last_at: at(`${last}T10:00:00`), last_record_id: `SR-${id}` });
    const plan = planCallbacks(
      input({
        date: '2026-09-30',
        quarterly: [
          {
            quarter: '2026-Q3',
            last_workday: '2026-09-30',
            start: zone.dayStart('2026-07-01'),
            customers: [span('K1', '2026-06-29', '2026-09-10'), span('K2', '2026-07-01', '2026-09-10'), span('K3', '2026-01-10', '2026-06-20')],
          },
        ],
      }),
    );
    // K1: since 29 June (3 months before 30 Sep: 30 June) and active; K2 too new; K3 no record in Q3.
    // Due: 8, 9, 10 (调休), 12, 13, 14, 15 Oct.
    expect(plan.entries.map((e) => [e.customer_id, e.source_id, e.due_date, e.contact_record_id])).toEqual([['K1', '2026-Q3', '2026-10-15', 'SR-K1']]);
  });
});

describe('churn-risk interviews (June and December, 10 % by rank)', () => {
  it('periods, month arithmetic', () => {
    expect(churnPeriodOf('2026-06-01')).toBe('2026-06');
    expect(churnPeriodOf('2026-12-31')).toBe('2026-12');
    expect(churnPeriodOf('2026-11-30')).toBeNull();
    expect(minusMonths('2026-08-31', 6)).toBe('2026-02-28');
    expect(minusMonths('2026-03-15', 6)).toBe('2025-09-15');
  });

  it('draws ceil(10 % × N) of the customers idle for 6 months, lowest ranks first, due in 15 working days', () => {
    const customers: CustomerSpan[] = Array.from({ length: 26 }, (_, i) => ({
      customer_id: `K${i}`,
      first_at: at('2025-01-10T10:00:00'),
      last_at: at(i < 25 ? '2026-05-31T10:00:00' : '2026-06-20T10:00:00'), // K25 is still active
      last_record_id: `SR-${i}`,
    }));
    const plan = planCallbacks(input({ date: '2026-12-01', seed: 'x', churn: { period: '2026-12', customers } }));
    const expected = customers
      .slice(0, 25)
      .map((c) => ({ id: c.customer_id, rank: churnRank('x', c.customer_id) }))
      .sort((a, b) => a.rank - b.rank)
      .slice(0, 3)
      .map((c) => c.id);
    expect(plan.entries.map((e) => e.customer_id).sort()).toEqual(expected.sort());
    expect(plan.population.churn).toBe(25);
    // 15 working days after Tue 1 Dec 2026: 2–4, 7–11, 14–18, 21–22 → 22 Dec.
    expect(new Set(plan.entries.map((e) => e.due_date))).toEqual(new Set(['2026-12-22']));
  });
});

describe('reproducible: same data and seed, same worklist, whatever the order', () => {
  const candidate = fc.record({
    id: fc.integer({ min: 0, max: 400 }),
    customer: fc.integer({ min: 0, max: 30 }),
    day: fc.integer({ min: 0, max: 60 }),
    surveyed: fc.boolean(),
  });
  it('permuting every candidate list changes nothing (digest included)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(candidate, { selector: (c) => c.id, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), (cands, seed, shuffleSeed) => {
        const base = at('2026-09-25T09:00:00');
        const ended = cands.map((c) => ({ record_id: `R${c.id}`, customer_id: `K${c.customer}`, completed_at: base + c.day * 86_400_000, surveyed: c.surveyed }));
        const complaints = cands.filter((c) => c.id % 3 === 0).map((c) => ({ complaint_id: `TS${c.id}`, customer_id: `K${c.customer}`, resolved_at: base + c.day * 3_600_000, surveyed: c.surveyed, related_record_id: null }));
        const spans = [...new Set(cands.map((c) => c.customer))].map((k) => ({ customer_id: `K${k}`, first_at: at('2025-01-01T00:00:00') + k * 86_400_000, last_at: at('2025-12-01T00:00:00') - k * 86_400_000, last_record_id: `SR${k}` }));
        const shuffle = <T>(xs: readonly T[]): T[] => {
          let s = shuffleSeed;
          return xs
            .map((x) => {
              s = (Math.imul(s, 1103515245) + 12345) | 0;
              return { x, k: s };
            })
            .sort((a, b) => a.k - b.k)
            .map((p) => p.x);
        };
        const a = planCallbacks(input({ date: '2026-12-01', seed, ended, complaints, churn: { period: '2026-12', customers: spans } }));
        const b = planCallbacks(input({ date: '2026-12-01', seed, ended: shuffle(ended), complaints: shuffle(complaints), churn: { period: '2026-12', customers: shuffle(spans) } }));
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('the churn draw depends on the seed (and only the seed changes it)', () => {
    const customers: CustomerSpan[] = Array.from({ length: 200 }, (_, i) => ({ customer_id: `K${i}`, first_at: 0, last_at: at('2025-01-01T00:00:00'), last_record_id: `R${i}` }));
    const draw = (seed: string): string[] => planCallbacks(input({ date: '2026-06-02', seed, churn: { period: '2026-06', customers } })).entries.map((e) => e.customer_id);
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).toHaveLength(20);
    expect(draw('a')).not.toEqual(draw('b'));
  });
});
