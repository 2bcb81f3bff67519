import { describe, expect, it } from 'vitest';
import { addDays, isoWeekMonday, isoWeekOfDate, isValidDate, isValidMonth, isValidWeek, previousMonth, weekdayOf, Zone } from '../../src/core/time.js';

const sh = new Zone('Asia/Shanghai');

describe('Zone (Asia/Shanghai)', () => {
  it('month ranges are local midnights', () => {
    const [a, b] = sh.monthRange('2026-10');
    expect(new Date(a).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(new Date(b).toISOString()).toBe('2026-10-31T16:00:00.000Z');
    const [c, d] = sh.monthRange('2026-12');
    expect(new Date(c).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(new Date(d).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('formats and splits instants in local time', () => {
    const t = Date.parse('2026-09-30T17:15:00Z');
    expect(sh.format(t)).toBe('2026-10-01 01:15');
    expect(sh.iso(t)).toBe('2026-10-01T01:15:00+08:00');
    expect(sh.dateOf(t)).toBe('2026-10-01');
    expect(sh.monthOf(t)).toBe('2026-10');
    expect(sh.parts(t).weekday).toBe(4);
  });

  it('ISO weeks run Monday to Monday, local', () => {
    const [a, b] = sh.weekRange('2026-W42');
    expect(sh.format(a)).toBe('2026-10-12 00:00');
    expect(sh.format(b)).toBe('2026-10-19 00:00');
    expect(sh.weekOf(Date.parse('2026-10-18T15:59:59Z'))).toBe('2026-W42');
    expect(sh.weekOf(Date.parse('2026-10-18T16:00:00Z'))).toBe('2026-W43');
  });

  it('handles a zone with daylight saving time', () => {
    const ny = new Zone('America/New_York');
    const [a, b] = ny.monthRange('2026-11');
    expect(new Date(a).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(b).toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });
});

describe('calendar helpers', () => {
  it('ISO week numbers across year ends', () => {
    expect(isoWeekOfDate('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOfDate('2027-01-03')).toBe('2026-W53');
    expect(isoWeekOfDate('2024-12-30')).toBe('2025-W01');
    expect(isoWeekMonday('2026-W53')).toBe('2026-12-28');
    expect(isoWeekMonday('2025-W01')).toBe('2024-12-30');
  });
  it('validates dates, months and weeks', () => {
    expect(isValidDate('2026-02-28')).toBe(true);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-2-28')).toBe(false);
    expect(isValidMonth('2026-13')).toBe(false);
    expect(isValidWeek('2026-W53')).toBe(true);
    expect(isValidWeek('2025-W53')).toBe(false);
  });
  it('day and month arithmetic', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(weekdayOf('2026-10-10')).toBe(6);
  });
});
