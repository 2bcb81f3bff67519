import { describe, expect, it } from 'vitest';
import { Zone } from '../../src/core/time.js';
import { Bad, parseBool, parseDuration, parseRecordType, parseScore, parseTimestamp, problemText } from '../../src/io/values.js';

const sh = new Zone('Asia/Shanghai');
const iso = (v: number | Bad): string => (v instanceof Bad ? `Bad(${v.code})` : new Date(v).toISOString());

describe('parseTimestamp (SPEC §2 forms, local = Asia/Shanghai)', () => {
  it.each([
    ['2026-10-21 09:30', '2026-10-21T01:30:00.000Z'],
    ['2026-10-21 09:30:15', '2026-10-21T01:30:15.000Z'],
    ['2026-10-21T09:30:15', '2026-10-21T01:30:15.000Z'],
    ['2026/10/21 9:30', '2026-10-21T01:30:00.000Z'],
    ['2026/1/5 9:05:07', '2026-01-05T01:05:07.000Z'],
    ['2026-10-21T09:30:00+08:00', '2026-10-21T01:30:00.000Z'],
    ['2026-10-21T09:30:00+0800', '2026-10-21T01:30:00.000Z'],
    ['2026-10-21T09:30:00-05:00', '2026-10-21T14:30:00.000Z'],
    ['2026-09-30T17:15:00Z', '2026-09-30T17:15:00.000Z'],
    ['2026-10-21T09:30:00.250Z', '2026-10-21T09:30:00.250Z'],
    ['2026-10-21T09:30:00.5+08:00', '2026-10-21T01:30:00.500Z'],
    ['2026-10-21', '2026-10-20T16:00:00.000Z'],
    ['2028-02-29 12:00', '2028-02-29T04:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(iso(parseTimestamp(input, sh))).toBe(expected);
  });

  it.each([
    ['2026-02-30 10:00', 'impossible_date'],
    ['2026-02-29 10:00', 'impossible_date'],
    ['2026-13-01 10:00', 'impossible_date'],
    ['2026-10-21 24:00', 'impossible_date'],
    ['2026-10-21 09:60', 'impossible_date'],
    ['2026-10-21 09:30:61', 'impossible_date'],
    ['21/10/2026 09:30', 'bad_timestamp'],
    ['2026.10.21 09:30', 'bad_timestamp'],
    ['yesterday', 'bad_timestamp'],
    ['2026-10-21 9', 'bad_timestamp'],
    ['2026-10-21T09:30:00+8', 'bad_timestamp'],
    ['2026-10-21 09:30 extra', 'bad_timestamp'],
    ['2026-10/21 09:30', 'bad_timestamp'],
  ])('%s is rejected (%s)', (input, code) => {
    const r = parseTimestamp(input, sh);
    expect(r).toBeInstanceOf(Bad);
    expect((r as Bad).code).toBe(code);
  });

  it('a UTC offset can move a record into the next local month', () => {
    const v = parseTimestamp('2026-09-30T17:15:00Z', sh) as number;
    expect(sh.monthOf(v)).toBe('2026-10');
  });

  it('uses the configured zone for local times', () => {
    const ny = new Zone('America/New_York');
    expect(iso(parseTimestamp('2026-07-01 12:00', ny))).toBe('2026-07-01T16:00:00.000Z');
    expect(iso(parseTimestamp('2026-12-01 12:00', ny))).toBe('2026-12-01T17:00:00.000Z');
  });
});

describe('parseBool', () => {
  it.each(['yes', 'YES', 'true', 'True', '1', 'Y', 'y', '是'])('%s → 1', (v) => expect(parseBool(v)).toBe(1));
  it.each(['no', 'No', 'false', 'FALSE', '0', 'N', 'n', '否'])('%s → 0', (v) => expect(parseBool(v)).toBe(0));
  it.each(['maybe', '2', 'yess', '对'])('%s is rejected', (v) => expect(parseBool(v)).toBeInstanceOf(Bad));
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['125', 125],
    ['125.0', 125],
    ['2:05', 125],
    ['1:02:05', 3725],
    ['00:00:30', 30],
  ])('%s → %i', (v, n) => expect(parseDuration(v)).toBe(n));
  it('a negative duration is its own problem', () => {
    expect((parseDuration('-5') as Bad).code).toBe('negative_duration');
  });
  it.each(['12.5', 'abc', '1:75', '5s'])('%s is rejected', (v) => expect((parseDuration(v) as Bad).code).toBe('bad_duration'));
});

describe('parseScore and parseRecordType', () => {
  it('scores are 1–5', () => {
    expect(parseScore('4')).toBe(4);
    expect(parseScore('4.5')).toBe(4.5);
    expect(parseScore('0')).toBeInstanceOf(Bad);
    expect(parseScore('6')).toBeInstanceOf(Bad);
    expect(parseScore('good')).toBeInstanceOf(Bad);
  });
  it('record types accept English and Chinese names', () => {
    expect(parseRecordType('consult')).toBe('consult');
    expect(parseRecordType('Repair')).toBe('repair');
    expect(parseRecordType('退租')).toBe('return');
    expect(parseRecordType('维修服务单')).toBe('repair');
    expect((parseRecordType('rental') as Bad).code).toBe('bad_record_type');
  });
});

describe('problemText', () => {
  it('names what arrived and what was expected, in both languages', () => {
    const b = parseTimestamp('2026-02-30 10:00', sh) as Bad;
    expect(problemText(b)).toBe('"2026-02-30 10:00" is not a real date');
    expect(problemText(b, 'zh')).toBe('"2026-02-30 10:00" 不是真实存在的日期');
  });
});
