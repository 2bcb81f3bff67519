/**
 * decode.ts (SPEC §2 "Decoding"): the one place bytes become text. Unit cases
 * for each kind of real-export fault, and properties over random bytes and
 * random chunk boundaries: no input ever yields U+FFFD, chunking never changes
 * or loses a line, a file mixing UTF-8 and GBK lines is always refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, explainDecodeError, normalizeEncoding, StrictDecoder, type EncodingName } from '../../src/io/decode.js';
import { readCsv } from '../../src/io/csv.js';
import { tmpDir } from '../helpers/tmp.js';

const gbk = (s: string): Buffer => gbkEncode(s);
// GBK bytes of the few characters the tests use (checked against iconv -t gbk).
function gbkEncode(s: string): Buffer {
  const table: Record<string, number[]> = {
    客: [0xbf, 0xcd], 服: [0xb7, 0xfe], 部: [0xb2, 0xbf], 技: [0xbc, 0xbc], 术: [0xca, 0xf5], 维: [0xce, 0xac], 修: [0xd0, 0xde],
    中: [0xd6, 0xd0], 同: [0xcd, 0xac], 一: [0xd2, 0xbb], 袁: [0xd4, 0xac], 泉: [0xc8, 0xaa], 文: [0xce, 0xc4], 记: [0xbc, 0xc7], 录: [0xc2, 0xbc],
  };
  const out: number[] = [];
  for (const ch of s) {
    const b = table[ch];
    if (b) out.push(...b);
    else if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else throw new Error(`no GBK bytes for ${ch} in the test table`);
  }
  return Buffer.from(out);
}

/** Decode `bytes` pushed in the given chunk sizes. */
function decode(bytes: Buffer, cuts: number[] = [], forced: EncodingName | null = null): { text: string; encoding: EncodingName | null } {
  const d = new StrictDecoder(forced);
  let text = '';
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    const end = Math.min(bytes.length, Math.max(at, c));
    text += d.push(bytes.subarray(at, end));
    at = end;
  }
  text += d.end();
  return { text, encoding: d.encoding };
}

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.problem;
    throw e;
  }
  return 'none';
}

describe('StrictDecoder: encodings', () => {
  it('UTF-8 with and without BOM, GBK detected from the first non-ASCII line', () => {
    expect(decode(Buffer.from('a,b\n客服部\n'))).toEqual({ text: 'a,b\n客服部\n', encoding: 'utf8' });
    expect(decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\n技术部\n')]))).toEqual({ text: 'a\n技术部\n', encoding: 'utf8' });
    expect(decode(Buffer.concat([Buffer.from('id,dept\n1,'), gbk('技术部'), Buffer.from('\n')]))).toEqual({ text: 'id,dept\n1,技术部\n', encoding: 'gb18030' });
  });

  it('UTF-16LE and UTF-16BE by their byte-order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id\tdept\r\n1\t客服部\r\n', 'utf16le')]);
    expect(decode(le, [3, 7])).toEqual({ text: 'id\tdept\n1\t客服部\n', encoding: 'utf16le' });
    const be = Buffer.from('id\n客\n', 'utf16le').swap16();
    expect(decode(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text: 'id\n客\n', encoding: 'utf16be' });
  });

  it('the issue example: a UTF-8 file with one GBK row is refused as mixed, naming lines of each', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'm1.csv');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('record_id,record_type,occurred_at,department\r\nSR-1,repair,2026/10/5 10:00,技术部\r\n'), gbk('SR-2,consult,2026/10/6 11:30,客服部'), Buffer.from('\r\n')]),
    );
    let err: DecodeError | null = null;
    try {
      decode(fs.readFileSync(file));
    } catch (e) {
      err = e as DecodeError;
    }
    expect(['invalid', 'mixed']).toContain(err?.problem);
    const x = explainDecodeError(file, err!, false);
    expect(x.message).toBe('the file mixes encodings: line 2 looks like UTF-8, line 3 like GBK/GB18030');
    expect(x.line).toBe(3);
    expect(x.offset).toBe(Buffer.byteLength('record_id,record_type,occurred_at,department\r\nSR-1,repair,2026/10/5 10:00,技术部\r\nSR-2,consult,2026/10/6 11:30,'));
  });

  it('a GBK file with one UTF-8 row is refused as mixed too (it would decode as mojibake)', () => {
    const bytes = Buffer.concat([Buffer.from('id,dept\n1,'), gbk('客服部'), Buffer.from('\n2,'), Buffer.from('技术部'), Buffer.from('\n')]);
    expect(problem(() => decode(bytes))).toBe('mixed');
    // … but forcing GB18030 is the user's word: no mixed check.
    expect(decode(bytes, [], 'gb18030').encoding).toBe('gb18030');
  });

  it('a stray invalid byte is refused with its offset; NUL and U+FFFD are refused', () => {
    const bytes = Buffer.concat([Buffer.from('a\n技术'), Buffer.from([0xff]), Buffer.from('部\n')]);
    let err: DecodeError | null = null;
    try {
      decode(bytes);
    } catch (e) {
      err = e as DecodeError;
    }
    expect(err).toMatchObject({ problem: 'invalid', encoding: 'utf8', offset: 8 });
    expect(problem(() => decode(Buffer.from('a,b\n1,\0\n')))).toBe('nul');
    expect(problem(() => decode(Buffer.from('a,b\n1,x\uFFFDy\n')))).toBe('replacement');
  });

  it('line ends: CRLF, LF and bare CR, mixed, all become LF — also across chunk boundaries', () => {
    const bytes = Buffer.from('h1,h2\rA,1\r\nB,2\nC,3\r');
    for (let cut = 0; cut <= bytes.length; cut++) expect(decode(bytes, [cut]).text).toBe('h1,h2\nA,1\nB,2\nC,3\n');
  });

  it('invisible characters are removed (a zero-width space in a header, a BOM mid-file)', () => {
    expect(decode(Buffer.from('call_id\u200b,agent\uFEFF_id\n1,\u2060A\n')).text).toBe('call_id,agent_id\n1,A\n');
  });

  it('--encoding names', () => {
    expect(normalizeEncoding('GBK')).toBe('gb18030');
    expect(normalizeEncoding('utf-16')).toBe('utf16le');
    expect(normalizeEncoding('UTF-16BE')).toBe('utf16be');
    expect(() => normalizeEncoding('latin9')).toThrow(/unknown encoding/);
  });
});

describe('StrictDecoder: properties', () => {
  const chunking = fc.array(fc.nat(400), { maxLength: 6 }).map((a) => a.sort((x, y) => x - y));

  it('no byte string ever decodes to text holding U+FFFD, with any chunking and any forced encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), chunking, fc.constantFrom<EncodingName | null>(null, 'utf8', 'gb18030', 'utf16le', 'utf16be'), (bytes, cuts, forced) => {
        let text: string;
        try {
          text = decode(Buffer.from(bytes), cuts, forced).text;
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        expect(text).not.toContain('\uFFFD');
        expect(text).not.toContain('\0');
        expect(text).not.toContain('\r');
      }),
      { numRuns: 2000 },
    );
  });

  const cell = fc.oneof(
    fc.constantFrom('客服部', '技术部', '维修', '中文记录', '同一', 'SR-1', '2026-10-05 10:00', ''),
    fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '客', '部'), maxLength: 8 }),
  );
  const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((c) => c.join(','));
  const eol = fc.constantFrom('\n', '\r\n', '\r');

  it('bytes valid as both UTF-8 and GBK without a 3-byte sequence are refused as ambiguous, never guessed', () => {
    // GBK 同一 = CD AC D2 BB, which is also valid UTF-8 ("ͬһ").
    const both = Buffer.concat([Buffer.from('id,dept\n1,'), gbkEncode('同一'), Buffer.from('\n')]);
    expect(problem(() => decode(both))).toBe('ambiguous');
    expect(decode(both, [], 'gb18030').text).toBe('id,dept\n1,同一\n');
    expect(decode(both, [], 'utf8').text).toBe('id,dept\n1,ͬһ\n');
    // With other Chinese in the sample the GBK reading is certain; UTF-8 Chinese is never ambiguous.
    expect(decode(Buffer.concat([both, Buffer.from('2,'), gbkEncode('客服部'), Buffer.from('\n')])).text).toBe('id,dept\n1,同一\n2,客服部\n');
    expect(decode(Buffer.from('id,dept\n1,维修\n')).encoding).toBe('utf8');
  });

  it('chunking never changes the outcome or loses a line; every line end style reads as LF', () => {
    const outcome = (bytes: Buffer, cuts: number[] = []): string => {
      try {
        return `text:${decode(bytes, cuts).text}`;
      } catch (e) {
        if (e instanceof DecodeError) return `refused:${e.problem}`;
        throw e;
      }
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 12 }), chunking, fc.constantFrom('utf8', 'utf16le', 'gbk'), (lines, cuts, enc) => {
        const source = lines.map(([l, e]) => l + e).join('');
        const bytes =
          enc === 'utf8'
            ? Buffer.from(source)
            : enc === 'utf16le'
              ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source, 'utf16le')])
              : gbkEncode(source);
        const whole = outcome(bytes);
        // The same outcome whatever the chunk boundaries (the encoding is never decided on a fragment).
        expect(outcome(bytes, cuts)).toBe(whole);
        // A CR line end followed by an empty LF line is one CRLF: the expectation reads it so too.
        const expected = `text:${source.replace(/\r\n?/g, '\n')}`;
        // GBK text whose bytes are all also valid UTF-8 (同一 alone) is refused as ambiguous: tested above.
        if (whole === 'refused:ambiguous') expect(enc).toBe('gbk');
        else expect(whole).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('a file mixing UTF-8 Chinese lines and GBK Chinese lines is always refused (never mojibake)', () => {
    // 同一 and 袁泉 in GBK are valid UTF-8 too (their UTF-8 reading is implausible: combining marks, Cyrillic).
    const zh = fc.constantFrom('客服部', '技术部', '维修', '中文记录', '同一', '袁泉');
    fc.assert(
      fc.property(fc.array(fc.tuple(zh, fc.boolean()), { minLength: 2, maxLength: 10 }), chunking, (rows, cuts) => {
        fc.pre(rows.some(([, g]) => g) && rows.some(([, g]) => !g));
        const bytes = Buffer.concat([Buffer.from('id,dept\n'), ...rows.map(([t, g], i) => Buffer.concat([Buffer.from(`${i},`), g ? gbkEncode(t) : Buffer.from(t), Buffer.from('\n')]))]);
        // Refused (mixed or invalid), never text — and never merely "ambiguous": the UTF-8 Chinese settles it.
        expect(['mixed', 'invalid']).toContain(problem(() => decode(bytes, cuts)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readCsv', () => {
  const read = async (content: Buffer | string, opts: { delimiter?: string | null; max?: number } = {}) => {
    const dir = tmpDir();
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, content);
    const records: [number, string[]][] = [];
    const res = await readCsv({
      file,
      display: 'x.csv',
      encoding: null,
      delimiter: opts.delimiter ?? null,
      ...(opts.max ? { maxRecordBytes: opts.max } : {}),
      onRecord: (f, l) => records.push([l, f]),
      onMalformed: () => {},
    });
    return { records, res };
  };

  it("honours Excel's sep= first line (not a header), and the line numbers stay the file's", async () => {
    const { records, res } = await read('sep=;\r\nid;name\r\n1;a,b\r\n');
    expect(res).toMatchObject({ delimiter: ';', sepLine: true });
    expect(records).toEqual([
      [2, ['id', 'name']],
      [3, ['1', 'a,b']],
    ]);
  });

  it('a sep= line that contradicts --delimiter is a usage error', async () => {
    await expect(read('sep=;\nid;name\n', { delimiter: ',' })).rejects.toThrow(/declares the delimiter ";"/);
  });

  it('a header with tabs and no commas is tab-separated (Excel "Unicode Text")', async () => {
    const { records, res } = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id\tname\r\n1\tA, B\r\n', 'utf16le')]));
    expect(res).toMatchObject({ delimiter: '\t', encoding: 'utf16le' });
    expect(records[1]).toEqual([2, ['1', 'A, B']]);
  });

  it('bare-CR files: each CR ends a line, quoted line breaks are kept (as LF)', async () => {
    const { records } = await read('a,b\r1,"x\ry"\r2,z\r');
    expect(records).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'x\ny']],
      [4, ['2', 'z']],
    ]);
  });

  it('a record over --max-record-bytes names the limit and the flag', async () => {
    await expect(read(`a,b\n1,${'x'.repeat(3000)}\n`, { max: 2048 })).rejects.toMatchObject({
      message: 'a record is longer than 2 KiB (the --max-record-bytes limit)',
      where: 'x.csv line 2',
    });
  });
});
