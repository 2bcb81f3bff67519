/**
 * CSV for people who open it in Excel: UTF-8 with BOM, CRLF, and cells that
 * start with = + - @ (or tab / carriage return) neutralised with a leading
 * apostrophe, so a crafted cell cannot run as a formula (CSV injection).
 */
import { stringify } from 'csv-stringify/sync';

export const BOM = '\uFEFF';

export function neutralise(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  const s = typeof cell === 'string' ? cell : String(cell);
  return /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
}

/** A whole CSV document (header + rows) for Excel. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return BOM + stringify([header.map(neutralise), ...rows.map((r) => r.map(neutralise))], { record_delimiter: 'windows' });
}
