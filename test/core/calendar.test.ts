import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkCalendar, workdayDeadline } from '../../src/core/calendar.js';
import { Zone } from '../../src/core/time.js';

const sh = new Zone('Asia/Shanghai');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-calendar-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

/** A holiday-cn style file for 2027 (invented dates: 2027 is not published in chinese-days 1.5.7). */
const HOLIDAY_CN_2027 = {
  $schema: 'https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json',
  $id: 'https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2027.json',
  year: 2027,
  papers: ['https://www.gov.cn/example'],
  days: [
    { name: '元旦', date: '2027-01-01', isOffDay: true },
    { name: '春节', date: '2027-02-05', isOffDay: true },
    { name: '春节', date: '2027-02-06', isOffDay: true },
    { name: '春节', date: '2027-02-07', isOffDay: true },
    { name: '春节', date: '2027-02-08', isOffDay: true },
    { name: '春节', date: '2027-02-09', isOffDay: true },
    { name: '春节', date: '2027-02-10', isOffDay: true },
    { name: '春节', date: '2027-02-11', isOffDay: true },
    { name: '春节', date: '2027-02-20', isOffDay: false },
  ],
};

describe('WorkCalendar with chinese-days', () => {
  const cal = WorkCalendar.load();

  it('knows 2004–2026 but not 2027', () => {
    expect(cal.knows(2004)).toBe(true);
    expect(cal.knows(2026)).toBe(true);
    expect(cal.knows(2027)).toBe(false);
    expect(cal.knows(2003)).toBe(false);
    expect(cal.sources[0]!.name).toMatch(/^chinese-days /);
    expect(cal.sources[0]!.years).toContain(2026);
  });

  it('2026 National Day is 10-01..10-07; 09-20 (Sun) and 10-10 (Sat) are adjusted working days', () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkday(`2026-10-0${d}`)).toBe(false);
    expect(cal.isWorkday('2026-10-08')).toBe(true);
    expect(cal.isWorkday('2026-10-09')).toBe(true);
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false);
    expect(cal.guessedYears.size).toBe(0);
  });

  it('counts a plain week Mon–Fri', () => {
    // 2026-11-09 is a Monday with no holiday around it.
    expect(cal.nthWorkdayAfter('2026-11-09', 1)).toEqual({ date: '2026-11-10', guessedYears: [] });
    expect(cal.nthWorkdayAfter('2026-11-09', 4)).toEqual({ date: '2026-11-13', guessedYears: [] });
    // Friday + 1 skips the weekend; Saturday + 1 is Monday.
    expect(cal.nthWorkdayAfter('2026-11-13', 1).date).toBe('2026-11-16');
    expect(cal.nthWorkdayAfter('2026-11-14', 1).date).toBe('2026-11-16');
    expect(cal.nthWorkdayAfter('2026-11-09', 5).date).toBe('2026-11-16');
    expect(cal.nthWorkdayAfter('2026-11-09', 0).date).toBe('2026-11-09');
  });

  it('crosses the National Day holiday', () => {
    // 09-30, then 10-01..07 off, then 10-08, 10-09.
    expect(cal.nthWorkdayAfter('2026-09-29', 3)).toEqual({ date: '2026-10-09', guessedYears: [] });
    // The adjusted Saturday counts.
    expect(cal.nthWorkdayAfter('2026-10-09', 1).date).toBe('2026-10-10');
    // A day inside the holiday counts from 10-08.
    expect(cal.nthWorkdayAfter('2026-10-03', 1).date).toBe('2026-10-08');
  });

  it('deadline is the end of the 3rd working day, local', () => {
    const t = Date.parse('2026-09-29T10:00:00+08:00');
    const { deadline, guessedYears } = workdayDeadline(cal, sh, t, 3);
    // Exclusive bound: 2026-10-10 00:00 Shanghai = 2026-10-09T16:00Z.
    expect(deadline).toBe(Date.parse('2026-10-09T16:00:00.000Z'));
    expect(guessedYears).toEqual([]);
    const lastMoment = Date.parse('2026-10-09T23:59:59.999+08:00');
    expect(lastMoment < deadline).toBe(true);
    expect(lastMoment + 1).toBe(deadline);
    // T's local date decides, not its UTC date: 2026-09-29T16:30Z is 09-30 00:30 local.
    const late = workdayDeadline(cal, sh, Date.parse('2026-09-29T16:30:00Z'), 1);
    expect(late.deadline).toBe(Date.parse('2026-10-08T16:00:00.000Z'));
  });

  it('reaching into 2027 reports the guessed year', () => {
    const fresh = WorkCalendar.load();
    // 2026-12-30 (Wed): 12-31 (Thu), then 2027-01-01 (Fri, guessed working), 2027-01-04 (Mon).
    const r = fresh.nthWorkdayAfter('2026-12-30', 3);
    expect(r).toEqual({ date: '2027-01-04', guessedYears: [2027] });
    expect([...fresh.guessedYears]).toEqual([2027]);
    const d = workdayDeadline(fresh, sh, Date.parse('2026-12-30T09:00:00+08:00'), 3);
    expect(d.guessedYears).toEqual([2027]);
    expect(d.deadline).toBe(Date.parse('2027-01-05T00:00:00+08:00'));
  });
});

describe('holiday-cn year files', () => {
  it('a 2027 file makes 2027 known and its days respected', () => {
    const file = writeJson('2027.json', HOLIDAY_CN_2027);
    const cal = WorkCalendar.load([file]);
    expect(cal.knows(2027)).toBe(true);
    expect(cal.isWorkday('2027-01-01')).toBe(false);
    const r = cal.nthWorkdayAfter('2026-12-30', 3);
    // 12-31, (01-01 off, weekend), 01-04, 01-05.
    expect(r).toEqual({ date: '2027-01-05', guessedYears: [] });
    // Spring Festival 02-05..11 off, Saturday 02-20 is an adjusted working day.
    expect(cal.nthWorkdayAfter('2027-02-04', 1).date).toBe('2027-02-12');
    expect(cal.isWorkday('2027-02-20')).toBe(true);
    expect(cal.isWorkday('2027-02-21')).toBe(false);
    expect(cal.guessedYears.size).toBe(0);
    expect(cal.sources).toEqual([
      { name: expect.stringMatching(/^chinese-days /), years: expect.arrayContaining([2004, 2026]) },
      { name: file, years: [2027] },
    ]);
  });

  it('a file wins over chinese-days for its whole year', () => {
    const file = writeJson('2026.json', {
      year: 2026,
      papers: [],
      days: [
        { name: '国庆节', date: '2026-10-01', isOffDay: true },
        { name: '国庆节', date: '2026-10-08', isOffDay: true },
      ],
    });
    const cal = WorkCalendar.load([file]);
    expect(cal.isWorkday('2026-10-08')).toBe(false);
    expect(cal.isWorkday('2026-10-01')).toBe(false);
    // Not in the file, so the package's 10-02..07 holiday and 10-10 working
    // Saturday no longer apply: plain Mon–Fri for the rest of 2026.
    expect(cal.isWorkday('2026-10-02')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(false);
    expect(cal.nthWorkdayAfter('2026-10-07', 1).date).toBe('2026-10-09');
    expect(cal.knows(2026)).toBe(true);
    expect(cal.guessedYears.size).toBe(0);
    // Other years still come from the package.
    expect(cal.isWorkday('2025-10-01')).toBe(false);
    expect(cal.sources[0]!.years).not.toContain(2026);
  });

  it('days a file lists for the next or previous year are taken as listed', () => {
    const cal = WorkCalendar.fromData(
      { holidays: { '2026-01-01': 'x' }, workdays: {} },
      [{ year: 2027, days: [{ date: '2026-12-31', isOffDay: true }] }],
    );
    expect(cal.isWorkday('2026-12-31')).toBe(false);
    expect(cal.isWorkday('2026-12-30')).toBe(true);
  });

  it('an invalid file gives an error naming it', () => {
    const broken = writeJson('broken.json', '{"year": 2027, "days": [');
    expect(() => WorkCalendar.load([broken])).toThrow(new RegExp(`calendar file ${escape(broken)}: not valid JSON`));
    const badDay = writeJson('bad-day.json', { year: 2027, days: [{ name: 'x', date: '2027-02-30', isOffDay: true }] });
    expect(() => WorkCalendar.load([badDay])).toThrow(new RegExp(`${escape(badDay)}: days\\[0\\]\\.date`));
    const badFlag = writeJson('bad-flag.json', { year: 2027, days: [{ name: 'x', date: '2027-01-01', isOffDay: 'yes' }] });
    expect(() => WorkCalendar.load([badFlag])).toThrow(/bad-flag\.json: days\[0\]\.isOffDay/);
    const noYear = writeJson('no-year.json', { days: [] });
    expect(() => WorkCalendar.load([noYear])).toThrow(/no-year\.json: "year"/);
    const missing = path.join(dir, 'missing.json');
    expect(() => WorkCalendar.load([missing])).toThrow(/missing\.json: cannot read it/);
    const good = writeJson('2027-a.json', HOLIDAY_CN_2027);
    const twin = writeJson('2027-b.json', HOLIDAY_CN_2027);
    expect(() => WorkCalendar.load([good, twin])).toThrow(/2027-b\.json: year 2027 is already covered by .*2027-a\.json/);
  });

  it('fromData checks its year files too', () => {
    expect(() => WorkCalendar.fromData({ holidays: {}, workdays: {} }, [{ year: 2027, days: [{ date: 'soon', isOffDay: true }] }])).toThrow(
      /yearFiles\[0\]: days\[0\]\.date/,
    );
  });
});

describe('unknown years', () => {
  it('fall back to Mon–Fri and are recorded as guessed, never silently', () => {
    const cal = WorkCalendar.fromData({ holidays: { '2026-10-01': 'National Day' }, workdays: { '2026-10-10': 'National Day' } });
    expect(cal.knows(2026)).toBe(true);
    expect(cal.knows(2030)).toBe(false);
    expect(cal.isWorkday('2026-10-01')).toBe(false);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.guessedYears.size).toBe(0);
    expect(cal.isWorkday('2030-01-01')).toBe(true); // a Tuesday
    expect(cal.isWorkday('2030-01-05')).toBe(false); // a Saturday
    expect([...cal.guessedYears]).toEqual([2030]);
    expect(cal.nthWorkdayAfter('2030-01-04', 1)).toEqual({ date: '2030-01-07', guessedYears: [2030] });
  });

  it('rejects bad input', () => {
    const cal = WorkCalendar.fromData({ holidays: {}, workdays: {} });
    expect(() => cal.isWorkday('2026-13-01')).toThrow(RangeError);
    expect(() => cal.nthWorkdayAfter('2026-01-01', -1)).toThrow(RangeError);
    expect(() => cal.nthWorkdayAfter('2026-01-01', 1.5)).toThrow(RangeError);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
