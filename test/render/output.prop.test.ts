/**
 * Issue 11: the output guard (src/render/output.ts) is the one place every
 * output passes. Property: any phone, in any SPEC §1 form, in any field of a
 * row, never appears in any output format written through it (JSON, CSV for
 * Excel, a terminal table, key/value pairs, Markdown); ids, dates and
 * amounts in the same row come out unchanged. With --unmask the guard lets
 * the number through and counts it.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardStream, Privacy, setLayoutUnmask } from '../../src/render/output.js';
import { toExcelCsv } from '../../src/render/csv.js';
import { renderPairs, renderTable } from '../../src/render/term.js';
import stringWidth from 'string-width';
import { phoneSample } from '../helpers/phones.js';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  return { stream, text: () => out };
}

const FIELDS = ['notes', 'status', 'recording_ref', 'finding_note', 'cause', 'reason', '备用电话'] as const;
const ascii = (s: string): string => s.replace(/[\uFF10-\uFF19]/g, (c) => String(c.charCodeAt(0) - 0xff10));

const formats: Record<string, (row: Record<string, string>) => string> = {
  json: (row) => `${JSON.stringify([row], null, 2)}\n`,
  csv: (row) => toExcelCsv(Object.keys(row), [Object.values(row)]),
  table: (row) => `${renderTable({ head: Object.keys(row), rows: [Object.values(row)] })}\n`,
  pairs: (row) => `${renderPairs(Object.entries(row))}\n`,
  md: (row) => `| ${Object.keys(row).join(' | ')} |\n|${Object.keys(row).map(() => '---').join('|')}|\n| ${Object.values(row).map((v) => v.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |\n`,
};

describe('the output guard (property)', () => {
  it('any phone in any field never appears in any format; ids, dates and amounts do', () => {
    setLayoutUnmask(false);
    fc.assert(
      fc.property(
        phoneSample,
        fc.constantFrom(...FIELDS),
        fc.string({ maxLength: 8 }),
        fc.constantFrom(' ', '：', '/', '\n', '"', ','),
        fc.constantFrom(...Object.keys(formats)),
        fc.boolean(),
        (phone, field, prefix, join, format, buffer) => {
          const row: Record<string, string> = { id: 'SR-202610-00074', at: '2026-10-21 09:30', amount: '1288.00', notes: '', status: 'done', recording_ref: 'rec/x.mp3', finding_note: '', cause: '', reason: '', 备用电话: '' };
          row[field] = `${prefix.replace(/[0-9]+$/, '')}${join}${phone.text}${join}尾`;
          const privacy = new Privacy(false);
          const out = sink();
          const guarded = guardStream(out.stream as NodeJS.WritableStream, privacy);
          const text = formats[format]!(row);
          guarded.write(buffer ? Buffer.from(text) : text);
          const shown = ascii(out.text());
          expect(shown).not.toContain(phone.national.slice(0, 7));
          expect(shown.replace(/[\s\-.()（）"│|]/g, '')).not.toContain(phone.national);
          for (const keep of ['SR-202610-00074', '2026-10-21 09:30', '1288.00']) expect(shown).toContain(keep);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('with --unmask the numbers go out as they are, and are counted', () => {
    setLayoutUnmask(true);
    try {
      const privacy = new Privacy(true);
      const out = sink();
      const guarded = guardStream(out.stream as NodeJS.WritableStream, privacy);
      guarded.write('回电 02155556633 或 １３８１２３４５６３４\n');
      guarded.write(renderTable({ head: ['id', 'notes'], rows: [['SR-1', '(021) 6555-1234']] }));
      expect(out.text()).toContain('02155556633');
      expect(out.text()).toContain('(021) 6555-1234');
      expect(privacy.phones).toBe(3);
      privacy.rows([{ id: 'SR-1', notes: '(021) 6555-1234' }, { id: 'SR-2', notes: 'none' }], (r) => r.id);
      expect(privacy.shownRows()).toEqual(['SR-1']);
    } finally {
      setLayoutUnmask(false);
    }
  });

  it('a table is measured on the masked text: borders line up', () => {
    setLayoutUnmask(false);
    const privacy = new Privacy(false);
    const out = sink();
    guardStream(out.stream as NodeJS.WritableStream, privacy).write(renderTable({ head: ['id', 'notes'], rows: [['SR-1', '客户 １３８１２３４５６３４ 和 (021) 6555-1234']] }));
    const widths = new Set(out.text().trim().split('\n').map((l) => stringWidth(l)));
    expect(widths.size).toBe(1);
  });
});
