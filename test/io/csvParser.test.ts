import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError } from '../../src/io/csvParser.js';

interface Out {
  records: { fields: string[]; line: number }[];
  malformed: { line: number; raw: string }[];
}

function run(chunks: string[], delimiter = ','): Out {
  const out: Out = { records: [], malformed: [] };
  const p = new CsvParser(delimiter, {
    record: (fields, line) => out.records.push({ fields, line }),
    malformed: (line, raw) => out.malformed.push({ line, raw }),
  });
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

describe('CsvParser', () => {
  it('splits plain lines and reports their line numbers', () => {
    const { records } = run(['a,b,c\n1,2,3\r\n4,5,6']);
    expect(records).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2', '3'], line: 2 },
      { fields: ['4', '5', '6'], line: 3 },
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines, and counts lines exactly', () => {
    const { records } = run(['h1,h2\r\n"a,b","say ""hi"""\r\n"multi\r\nline",x\r\nlast,row\r\n']);
    expect(records).toEqual([
      { fields: ['h1', 'h2'], line: 1 },
      { fields: ['a,b', 'say "hi"'], line: 2 },
      { fields: ['multi\r\nline', 'x'], line: 3 },
      { fields: ['last', 'row'], line: 5 },
    ]);
  });

  it('treats a quote inside an unquoted field as an ordinary character', () => {
    expect(run(['a,12" monitor,b\n']).records[0]!.fields).toEqual(['a', '12" monitor', 'b']);
  });

  it('an empty line is a record with one empty field', () => {
    expect(run(['a\n\nb\n']).records.map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
  });

  it('reports text after a closing quote with its line and raw text, then goes on', () => {
    const out = run(['h\n"ok"\n"bad"x,1\nnext\n']);
    expect(out.records.map((r) => [r.fields, r.line])).toEqual([
      [['h'], 1],
      [['ok'], 2],
      [['next'], 4],
    ]);
    expect(out.malformed).toEqual([{ line: 3, raw: '"bad"x,1' }]);
  });

  it('an unclosed quote is a syntax error naming the line where the record starts', () => {
    expect(() => run(['h\nx\n"never closed\nmore\n'])).toThrow(CsvSyntaxError);
    try {
      run(['h\nx\n"never closed\nmore\n']);
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(3);
      expect((e as CsvSyntaxError).code).toBe('unclosed_quote');
    }
  });

  it('refuses a record longer than the limit (binary or wrong file)', () => {
    const p = new CsvParser(',', { record: () => {}, malformed: () => {} }, 1000);
    expect(() => p.push('x'.repeat(2000))).toThrow(/longer than/);
  });

  it('honours other delimiters', () => {
    expect(run(['a;"b;c";d\n'], ';').records[0]!.fields).toEqual(['a', 'b;c', 'd']);
    expect(run(['a\tb\n'], '\t').records[0]!.fields).toEqual(['a', 'b']);
  });
});

// ------------------------------------------------------------ property test

const ALPHABET = ['a', 'b', '1', ' ', '中', '文', ',', ';', '"', '\n', '\r\n', '\t', 'é'];

const fieldArb = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 6 }).map((cs) => cs.join(''));

/** Serialize like a real exporter: quote when needed, sometimes when not. */
function serialize(rows: string[][], delimiter: string, eol: string, quoteAll: boolean[]): string {
  let i = 0;
  return rows
    .map((r) =>
      r
        .map((f) => {
          const must = f.includes(delimiter) || f.includes('\n') || f.includes('\r') || f.startsWith('"');
          return must || quoteAll[i++ % quoteAll.length] ? `"${f.replace(/"/g, '""')}"` : f;
        })
        .join(delimiter),
    )
    .join(eol);
}

describe('CsvParser agrees with csv-parse (the reference) on random documents', () => {
  it('same records, whatever the chunking; line numbers match the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fieldArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 8 }),
        fc.boolean(),
        (rows, delimiter, eol, quoteAll, cuts, trailingEol) => {
          const text = serialize(rows, delimiter, eol, quoteAll) + (trailingEol ? eol : '');
          const expected = parse(text, { delimiter, relax_column_count: true, relax_quotes: true }) as string[][];
          // Cut the text into chunks at arbitrary places.
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let prev = 0;
          for (const p of points) {
            chunks.push(text.slice(prev, p));
            prev = p;
          }
          chunks.push(text.slice(prev));
          const out = run(chunks, delimiter);
          expect(out.malformed).toEqual([]);
          expect(out.records.map((r) => r.fields)).toEqual(expected);
          // Line numbers: each record starts after the newlines of those before it.
          let line = 1;
          out.records.forEach((r) => {
            expect(r.line).toBe(line);
            line += 1 + r.fields.join('').split('\n').length - 1;
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
