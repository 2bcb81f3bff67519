/**
 * Wall-clock arithmetic in the configured time zone (default Asia/Shanghai).
 * Timestamps are stored as UTC epoch milliseconds; months, days and ISO weeks
 * are local to the zone (SPEC §1). Offsets come from @date-fns/tz and are
 * cached per hour, so the import hot loop does not call Intl for every row.
 */
import { tzOffset } from '@date-fns/tz/tzOffset';
// Per-function imports: the date-fns index loads hundreds of modules (~180 ms of start-up).
import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import { setISOWeek } from 'date-fns/setISOWeek';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';

const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
}

export class Zone {
  readonly name: string;
  private readonly utcHourOffset = new Map<number, number>();
  private readonly localHourOffset = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
  }

  /** Offset in minutes east of UTC at the given instant. */
  offsetAt(epochMs: number): number {
    const key = Math.floor(epochMs / HOUR);
    let off = this.utcHourOffset.get(key);
    if (off === undefined) {
      off = tzOffset(this.name, new Date(key * HOUR));
      if (Number.isNaN(off)) throw new Error(`unknown time zone ${this.name}`);
      this.utcHourOffset.set(key, off);
    }
    return off;
  }

  /**
   * Epoch ms of a local wall-clock time. For a time skipped by a DST jump the
   * result is shifted forward; for a repeated hour the earlier instant wins.
   */
  fromLocal(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const key = Math.floor(wall / HOUR);
    let off = this.localHourOffset.get(key);
    if (off === undefined) {
      const wallHour = key * HOUR;
      const first = this.offsetAt(wallHour);
      off = this.offsetAt(wallHour - first * 60_000);
      this.localHourOffset.set(key, off);
    }
    return wall - off * 60_000;
  }

  parts(epochMs: number): LocalParts {
    const d = new Date(epochMs + this.offsetAt(epochMs) * 60_000);
    const wd = d.getUTCDay();
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
      weekday: wd === 0 ? 7 : wd,
    };
  }

  /** Local date `YYYY-MM-DD`. */
  dateOf(epochMs: number): string {
    const p = this.parts(epochMs);
    return ymd(p.year, p.month, p.day);
  }

  /** Local month `YYYY-MM`. */
  monthOf(epochMs: number): string {
    const p = this.parts(epochMs);
    return `${p.year}-${pad2(p.month)}`;
  }

  /** `YYYY-MM-DD HH:mm` local, or with seconds when they are not zero. */
  format(epochMs: number, withSeconds = false): string {
    const p = this.parts(epochMs);
    const base = `${ymd(p.year, p.month, p.day)} ${pad2(p.hour)}:${pad2(p.minute)}`;
    return withSeconds || p.second || p.ms ? `${base}:${pad2(p.second)}` : base;
  }

  /** ISO 8601 with the zone's offset, e.g. 2026-10-21T09:30:00+08:00. */
  iso(epochMs: number): string {
    const p = this.parts(epochMs);
    const off = this.offsetAt(epochMs);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${ymd(p.year, p.month, p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
  }

  /** Start of a local day given as `YYYY-MM-DD`. */
  dayStart(date: string): number {
    const [y, m, d] = splitDate(date);
    return this.fromLocal(y, m, d);
  }

  /** [start, end) of a local month `YYYY-MM`. */
  monthRange(month: string): [number, number] {
    const [y, m] = splitMonth(month);
    const next = m === 12 ? [y + 1, 1] : [y, m + 1];
    return [this.fromLocal(y, m, 1), this.fromLocal(next[0]!, next[1]!, 1)];
  }

  /** [start, end) of an ISO week `YYYY-Www` (Monday 00:00 to next Monday 00:00 local). */
  weekRange(week: string): [number, number] {
    const monday = isoWeekMonday(week);
    const next = addDays(monday, 7);
    return [this.dayStart(monday), this.dayStart(next)];
  }

  /** ISO week `YYYY-Www` of the local date of an instant. */
  weekOf(epochMs: number): string {
    return isoWeekOfDate(this.dateOf(epochMs));
  }
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function ymd(y: number, m: number, d: number): string {
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return MONTH_DAYS[month - 1] ?? 0;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const WEEK_RE = /^(\d{4})-W(\d{2})$/;

export function isValidDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function isValidMonth(s: string): boolean {
  const m = MONTH_RE.exec(s);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

export function isValidWeek(s: string): boolean {
  const m = WEEK_RE.exec(s);
  if (!m) return false;
  const w = Number(m[2]);
  return w >= 1 && w <= isoWeeksInYear(Number(m[1]));
}

function splitDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function splitMonth(month: string): [number, number] {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  return [Number(m[1]), Number(m[2])];
}

/** Calendar arithmetic on `YYYY-MM-DD` strings (no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = splitDate(date);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** ISO weekday of a `YYYY-MM-DD` date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = splitDate(date);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function previousMonth(month: string): string {
  const [y, m] = splitMonth(month);
  return m === 1 ? `${y - 1}-12` : `${y}-${pad2(m - 1)}`;
}

export function nextMonth(month: string): string {
  const [y, m] = splitMonth(month);
  return m === 12 ? `${y + 1}-01` : `${y}-${pad2(m + 1)}`;
}

export function monthOfDate(date: string): string {
  return date.slice(0, 7);
}

function isoWeeksInYear(year: number): number {
  // A year has 53 ISO weeks when Dec 28 falls in week 53.
  return isoWeekOfDate(`${year}-12-28`).endsWith('53') ? 53 : 52;
}

/** ISO week `YYYY-Www` of a calendar date (date-fns, on a local noon to dodge DST). */
export function isoWeekOfDate(date: string): string {
  const [y, m, d] = splitDate(date);
  const t = new Date(y, m - 1, d, 12);
  return `${getISOWeekYear(t)}-W${pad2(getISOWeek(t))}`;
}

/** Monday `YYYY-MM-DD` of an ISO week `YYYY-Www`. */
export function isoWeekMonday(week: string): string {
  const m = WEEK_RE.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const t = startOfISOWeek(setISOWeek(new Date(Number(m[1]), 0, 4, 12), Number(m[2])));
  return ymd(t.getFullYear(), t.getMonth() + 1, t.getDate());
}
