/**
 * CSV for people who open it in Excel (SPEC §5): UTF-8 with BOM, CRLF
 * between rows, and two defences:
 *
 * - quoting: every cell holding CR, LF, a quote or the delimiter is quoted,
 *   so a line break inside a note can never end the row;
 * - CSV injection: a cell starting (after any whitespace) with = + - @,
 *   their full-width forms ＝ ＋ － ＠, a tab or a CR is neutralised with a
 *   leading apostrophe, so Excel shows it as text instead of running it.
 *   A plain number (-12, -0.5) is left as it is: Excel reads it as the number.
 */
import { stringify } from 'csv-stringify/sync';

export const BOM = '\uFEFF';

/** Starts like a formula: optional whitespace, then = + - @ (ASCII or full-width), or a tab / CR at once. */
const FORMULA_START = /^(?:[\t\r]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/** One cell as text, with a leading ' when Excel would run it as a formula. null/undefined → ''. */
export function neutralise(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  const s = typeof cell === 'string' ? cell : String(cell);
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** Rows as CSV text (CRLF after each), every cell neutralised and quoted when it holds CR, LF, " or the delimiter. */
export function excelCsvRows(rows: readonly (readonly unknown[])[], delimiter = ','): string {
  return stringify(
    rows.map((r) => r.map(neutralise)),
    {
      delimiter,
      record_delimiter: 'windows',
      // csv-stringify quotes the delimiter, quotes and the record delimiter (CRLF) but not a lone CR or LF.
      quoted_match: /[\r\n]/,
    },
  );
}

/** A whole CSV document (header + rows) for Excel. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return BOM + excelCsvRows([header, ...rows]);
}
