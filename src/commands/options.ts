/**
 * Option parsers shared by the commands: each returns the value or throws a
 * usage error that names the flag and an example.
 */
import { isValidDate, isValidMonth } from '../core/time.js';
import { UsageError } from '../errors.js';

export function parseDateOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isValidDate(v)) throw new UsageError(`${flag} must be a date like 2026-10-21, got "${v}"`);
  return v;
}

export function parseMonthOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isValidMonth(v)) throw new UsageError(`${flag} must be a month like 2026-10, got "${v}"`);
  return v;
}

export function positiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got "${v}"`);
  return Number(v);
}
