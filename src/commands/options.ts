/**
 * Option parsers shared by the commands: each returns the value or throws a
 * usage error that names the flag and an example.
 */
import { isValidDate, isValidMonth, type Zone } from '../core/time.js';
import { Bad, parseTimestamp } from '../io/values.js';
import { UsageError } from '../errors.js';
import { msg } from '../i18n.js';

const WHAT_ZH: Record<string, string> = { 'run id': '抽样批次编号', 'rectification id': '整改编号', 'dispute id': '申诉编号', 'calibration id': '校准编号' };

export function parseDateOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isValidDate(v)) throw new UsageError(msg(`${flag} 必须是 2026-10-21 这样的日期，收到 "${v}"`, `${flag} must be a date like 2026-10-21, got "${v}"`));
  return v;
}

export function parseMonthOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isValidMonth(v)) throw new UsageError(msg(`${flag} 必须是 2026-10 这样的月份，收到 "${v}"`, `${flag} must be a month like 2026-10, got "${v}"`));
  return v;
}

/** The largest whole number an option or id may be: beyond it numbers lose precision (and SQLite's integers overflow). */
export const MAX_WHOLE = Number.MAX_SAFE_INTEGER;

function wholeNumber(v: string): number | null {
  if (!/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= MAX_WHOLE ? n : null;
}

export function positiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = wholeNumber(v);
  if (n === null) throw new UsageError(msg(`${flag} 必须是 1 到 ${MAX_WHOLE} 之间的整数，收到 "${v}"`, `${flag} must be a whole number from 1 to ${MAX_WHOLE}, got "${v}"`));
  return n;
}

/** An id argument (a sample run, a rectification): a whole number from 1 up. `what` names it: "run id". */
export function idArgument(what: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(msg(`${WHAT_ZH[what] ?? what}必须是数字，收到 "${v}"`, `the ${what} must be a number, got "${v}"`));
  const n = wholeNumber(v);
  if (n === null) throw new UsageError(msg(`${WHAT_ZH[what] ?? what}必须是 1 到 ${MAX_WHOLE} 之间的整数，收到 "${v}"`, `the ${what} must be a whole number from 1 to ${MAX_WHOLE}, got "${v}"`));
  return n;
}

/**
 * A --since/--until style timestamp: every form the import accepts (SPEC §2
 * "Values"): a bare date is midnight; an offset is honoured; without one the
 * time is local to `zone`.
 */
export function parseTimestampOption(flag: string, v: string | undefined, zone: Zone): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v.trim(), zone);
  if (t instanceof Bad) {
    throw new UsageError(msg(`${flag} 必须是 2026-10-01 这样的日期或 "2026-10-01 17:00"、2026-10-01T17:00:00+08:00 这样的时间，收到 "${v}"`, `${flag} must be a date like 2026-10-01 or a timestamp like "2026-10-01 17:00" or 2026-10-01T17:00:00+08:00, got "${v}"`));
  }
  return t;
}
