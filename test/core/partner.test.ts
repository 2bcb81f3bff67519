import { describe, expect, it } from 'vitest';
import { attainment, DEFAULT_THRESHOLDS, evaluatePartner, partnerKpis, quarterMonths, quarterOf, type PartnerKpi, type Targets } from '../../src/core/partner.js';

const targets: Targets = {
  delivery_on_time: { target: 0.98, op: '>=' },
  repair_response_on_time: { target: 0.95, op: '>=' },
  first_time_fix_rate: { target: 0.9, op: '>=' },
  equipment_intact_rate: { target: 0.9, op: '>=' },
  complaint_rate: { target: 0.02, op: '<=' },
};

const sums = (over: Partial<Parameters<typeof partnerKpis>[0]> = {}) => ({
  partner: 'P',
  records: 100,
  byType: { delivery: 100 },
  deliveryBoth: 0,
  deliveryOnTime: 0,
  repairAnswered: 0,
  repairOnTime: 0,
  ftfKnown: 0,
  ftf: 0,
  intactKnown: 0,
  intact: 0,
  ...over,
});
const links = (over = {}) => ({ complaints: 0, complainants: 0, customers: 0, reviewed: 0, failedItems: 0, failedChecks: 0, ...over });

describe('partner KPIs and evaluation (SPEC §7)', () => {
  it('computes only the KPIs with data; met against the company targets', () => {
    const k = partnerKpis(sums({ deliveryBoth: 87, deliveryOnTime: 77, intactKnown: 146, intact: 134 }), links({ customers: 135 }), targets);
    const by = Object.fromEntries(k.map((x) => [x.id, x]));
    expect(by.delivery_on_time).toMatchObject({ numerator: 77, denominator: 87, met: false });
    expect(by.equipment_intact_rate!.met).toBe(true);
    expect(by.repair_response_on_time).toMatchObject({ value: null, met: null });
    expect(by.complaint_rate).toMatchObject({ value: 0, met: true });
  });

  it('attainment: 1 when met, value/target for >=, target/value for <=, null without data', () => {
    const k = (value: number | null, target: number, op: PartnerKpi['op'], met: boolean | null) => ({ value, target, op, met });
    expect(attainment(k(0.99, 0.98, '>=', true))).toBe(1);
    expect(attainment(k(0.958, 0.98, '>=', false))).toBeCloseTo(0.9776, 4);
    expect(attainment(k(0.03, 0.02, '<=', false))).toBeCloseTo(2 / 3, 6);
    expect(attainment(k(null, 0.98, '>=', null))).toBeNull();
  });

  it('keep at the keepAt rating, terminate below terminateBelow, rectify between; thin data marked', () => {
    const kpi = (id: PartnerKpi['id'], value: number, target: number): PartnerKpi => ({ id, value, numerator: 0, denominator: 1, target, op: '>=', met: value >= target });
    expect(evaluatePartner([kpi('delivery_on_time', 0.99, 0.98)], 100, DEFAULT_THRESHOLDS)).toEqual({ rating: 100, recommendation: 'keep', missed: [], thinData: false });
    // (0.885/0.98 + 1) / 2 = 0.9515 → 95.2: rectify
    expect(evaluatePartner([kpi('delivery_on_time', 0.885, 0.98), kpi('equipment_intact_rate', 0.95, 0.9)], 100, DEFAULT_THRESHOLDS)).toMatchObject({ rating: 95.2, recommendation: 'rectify', missed: ['delivery_on_time'] });
    expect(evaluatePartner([kpi('delivery_on_time', 0.7, 0.98)], 5, DEFAULT_THRESHOLDS)).toMatchObject({ rating: 71.4, recommendation: 'terminate', thinData: true });
    // A more tolerant config keeps a partner that missed narrowly.
    expect(evaluatePartner([kpi('delivery_on_time', 0.97, 0.98)], 100, { keepAt: 98, terminateBelow: 80, minRecords: 0 }).recommendation).toBe('keep');
    expect(evaluatePartner([], 0, DEFAULT_THRESHOLDS)).toMatchObject({ rating: null, recommendation: null });
  });

  it('quarters', () => {
    expect(quarterMonths('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(quarterMonths('2026-Q5')).toBeNull();
    expect(quarterMonths('2026Q1')).toBeNull();
    expect(quarterOf('2026-10')).toBe('2026-Q4');
    expect(quarterOf('2026-03')).toBe('2026-Q1');
  });
});
