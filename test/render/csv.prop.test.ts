/**
 * Issue 11 (SPEC §5 CSV for Excel): any cell — line breaks, quotes,
 * delimiters, formula starts in ASCII or full-width, after whitespace —
 * round-trips through a CSV parser to one row with the same field count, and
 * no parsed cell is an active formula.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOM, excelCsvRows, neutralise, toExcelCsv } from '../../src/render/csv.js';

/** What Excel would run: a cell starting (after whitespace) with = + - @ or their full-width forms, or a tab/CR. */
const ACTIVE = /^(?:[\t\r]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc
    .tuple(
      fc.constantFrom('', ' ', '  ', '\t', '\u3000', '\r', '\n', '\r\n'),
      fc.constantFrom('=', '+', '-', '@', '＝', '＋', '－', '＠', '"', ',', ';', ''),
      fc.string(),
      fc.constantFrom('', '\n=SUM(1+1)', '\r\n@cmd', '"', '""', ',', '\r', '\n', '\n-2+3'),
    )
    .map((p) => p.join('')),
  fc.constantFrom('态度差\n=SUM(1+1)', '=HYPERLINK("http://x","y")', '  +cmd|calc', '－1+1', '\t=1', '\r=1', '-12.5', '12', '"quoted"'),
);

describe('CSV for Excel (property)', () => {
  it('any row of hostile cells parses back to one row, same field count, no active formula', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 6 }), (row) => {
        const text = excelCsvRows([row]);
        const parsed = parse(text, { relax_column_count: false, record_delimiter: '\r\n' }) as string[][];
        expect(parsed).toHaveLength(1);
        expect(parsed[0]).toHaveLength(row.length);
        parsed[0]!.forEach((cell, i) => {
          // The cell is the original, or the original behind one apostrophe.
          expect([row[i], `'${row[i]}`]).toContain(cell);
          if (ACTIVE.test(cell)) expect(PLAIN_NUMBER.test(cell)).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('a document keeps its header, BOM and row count whatever the cells hold', () => {
    fc.assert(
      fc.property(fc.array(fc.array(hostile, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const doc = toExcelCsv(['a', 'b', 'c'], rows);
        expect(doc.startsWith(BOM)).toBe(true);
        const parsed = parse(doc.slice(1), { record_delimiter: '\r\n' }) as string[][];
        expect(parsed).toHaveLength(rows.length + 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('the cases from the issue', () => {
    // A note with a line break: quoted, so the row does not split, and the second line is inside the cell.
    expect(excelCsvRows([['1', '态度差\n=SUM(1+1)', 'x']])).toBe('1,"态度差\n=SUM(1+1)",x\r\n');
    for (const s of ['=1+1', ' =1+1', '\u3000=1', '＝1+1', '＋1', '－1', '＠x', '\t1', '\r1', '@SUM(A1)', '+86 138****5678']) expect(neutralise(s)).toBe(`'${s}`);
    for (const s of ['-12', '-0.5', '12', 'text', '']) expect(neutralise(s)).toBe(s);
  });
});
