/**
 * Property (issue "Imports that never misread a real export"): a file in any
 * shape real exports come in — UTF-8 with or without BOM, GBK, UTF-16LE/BE
 * with BOM; CRLF, LF, bare CR, mixed; an Excel `sep=` line or another
 * delimiter; Chinese or English headers with invisible characters; quoted
 * cells with line breaks, quotes and delimiters; `="…"` text guards; a
 * repeated header from concatenated exports — stores exactly the values that were written, or is refused. Never a
 * changed value, never a lost row.
 */
import path from 'node:path';
import fs from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { importFile } from '../../src/io/importFile.js';
import { tmpDir } from '../helpers/tmp.js';

interface Row {
  id: string;
  type: string;
  dept: string;
  phone: string;
  notes: string;
}

const DEPTS = ['客服部', '技术部', '物流部', '销售部', 'Ops', ''];
const NOTE_PARTS = ['态度好', '设备完好', 'ok', ' ', ',', '"', '\n', '\r\n', ';', '\t', '|', '备注', 'é', '１２', '=1+1'];

const row = (i: number): fc.Arbitrary<Row> =>
  fc.record({
    id: fc.constant(`SR-${i}`),
    type: fc.constantFrom('consult', 'repair', '维修', '交付'),
    dept: fc.constantFrom(...DEPTS),
    phone: fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 99_999_999 }).map((n) => `139${String(n).padStart(8, '0')}`)),
    notes: fc.array(fc.constantFrom(...NOTE_PARTS), { maxLength: 5 }).map((a) => a.join('').trim()),
  });

const shape = fc.record({
  encoding: fc.constantFrom('utf8', 'utf8bom', 'gbk', 'utf16le', 'utf16be'),
  eol: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  sepLine: fc.boolean(),
  chinese: fc.boolean(),
  invisible: fc.boolean(),
  guardPhones: fc.boolean(),
  repeatHeader: fc.boolean(),
});

const TYPE: Record<string, string> = { consult: 'consult', repair: 'repair', 维修: 'repair', 交付: 'delivery' };

function cell(v: string, d: string): string {
  return /[",\r\n;\t|]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v;
}

describe('import: any shape of a real export reads back exactly', () => {
  it('stores exactly the written values, or refuses — never a changed value or a lost row', async () => {
    await fc.assert(
      fc.asyncProperty(
        shape,
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => row(i + 1)))),
        async (sh, rows) => {
          const d = sh.delimiter;
          const head = sh.chinese ? ['记录编号', '记录类型', '发生时间', '部门', '客户电话', '备注'] : ['record_id', 'record_type', 'occurred_at', 'department', 'customer_phone', 'notes'];
          const header = head.map((h, i) => (sh.invisible && i === 0 ? `${h}\u200b` : sh.invisible && i === 3 ? ` ${h}\u00a0` : h)).join(d);
          const lines = rows.map((r, i) =>
            [r.id, r.type, `2026-10-${String((i % 28) + 1).padStart(2, '0')} 10:00`, r.dept, r.phone && sh.guardPhones ? `="${r.phone}"` : r.phone, r.notes].map((v) => cell(v, d)).join(d),
          );
          if (sh.repeatHeader && lines.length > 1) lines.splice(Math.floor(lines.length / 2), 0, header);
          const all = [...(sh.sepLine ? [`sep=${d}`] : []), header, ...lines];
          const eols = ['\n', '\r\n', '\r'];
          const text = all.map((l, i) => l + (sh.eol === 'mixed' ? eols[i % 3]! : sh.eol)).join('');
          // A bare-CR file whose note ends in a quoted LF is fine; a note's own CRLF stays a line break inside quotes.
          const bytes =
            sh.encoding === 'utf8'
              ? Buffer.from(text)
              : sh.encoding === 'utf8bom'
                ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
                : sh.encoding === 'gbk'
                  ? iconv.encode(text, 'gb18030')
                  : sh.encoding === 'utf16le'
                    ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
                    : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
          const dir = tmpDir();
          const file = path.join(dir, 'x.csv');
          fs.writeFileSync(file, bytes);
          const db = openDb(path.join(dir, 'qa.sqlite'));
          try {
            let s;
            try {
              s = await importFile(db, {
                kind: 'records',
                input: file,
                // A tab-separated file needs no flag; sep= needs none; others name it.
                delimiter: sh.sepLine || d === ',' || d === '\t' ? null : d,
                skipInvalid: false,
                timezone: 'Asia/Shanghai',
                aliases: {},
                // The worker thread runs compiled code: test/cli/import-trust.test.ts covers it through bin/qa.
                worker: 'never',
                lang: 'en',
              });
            } catch (e) {
              // The only refusal allowed: GBK bytes that also read as UTF-8 with nothing Chinese to tell (see decode.test.ts).
              expect(String((e as Error).message)).toMatch(/cannot tell the encoding/);
              expect(sh.encoding).toBe('gbk');
              return;
            }
            expect(s.errors).toEqual([]);
            expect(s.rows).toBe(rows.length);
            const got = db.prepare('SELECT record_id, record_type, department, customer_phone, notes FROM records ORDER BY line').all();
            expect(got).toEqual(
              rows.map((r) => ({
                record_id: r.id,
                record_type: TYPE[r.type],
                department: r.dept === '' ? null : r.dept,
                customer_phone: r.phone === '' ? null : r.phone.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48)),
                // Line breaks inside quoted cells are stored as LF, whatever the file used.
                notes: r.notes === '' ? null : r.notes.replace(/\r\n?/g, '\n'),
              })),
            );
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
