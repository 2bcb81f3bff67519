/**
 * Issue 11 (SPEC §1 masking): every form a phone number takes in the exports
 * is masked wherever it sits in a text, showing its own last four digits;
 * ids, dates, amounts, durations and hashes are never changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countPhones, maskDeep, maskPhone, maskPhonesInText } from '../../src/core/mask.js';
import { phoneSample } from '../helpers/phones.js';

/** Text around a phone: anything, joined to it by a character that is not a digit (else it is a longer number). */
const around = fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom(' ', '，', '：', '/', '_', '\n', '\t', '"', ',', 'x', 'tel', '客户', '电话', '(', '[', '#', '=', "'"));

function noDigitEdge(s: string): string {
  return s.replace(/[0-9\uFF10-\uFF19]+$/, '').replace(/^[0-9\uFF10-\uFF19]+/, '');
}

const ascii = (s: string): string => s.replace(/[\uFF10-\uFF19]/g, (c) => String(c.charCodeAt(0) - 0xff10));

describe('maskPhonesInText (property)', () => {
  it('any phone in any listed form, anywhere in a text, is masked and shows only its own last four digits', () => {
    fc.assert(
      fc.property(phoneSample, around, around, (phone, [pre, preJoin], [post, postJoin]) => {
        const text = `${noDigitEdge(pre)}${preJoin}${phone.text}${postJoin}${noDigitEdge(post)}`;
        const out = ascii(maskPhonesInText(text));
        // The number is gone: neither as written nor as digits (separators dropped).
        expect(out).not.toContain(ascii(phone.text));
        expect(out.replace(/[ .\-()（）]/g, '')).not.toContain(phone.national);
        expect(out).not.toContain(phone.national.slice(0, 7));
        // It shows its own last four digits.
        expect(out).toContain(`*${phone.national.slice(-4)}`);
        expect(countPhones(text)).toBeGreaterThanOrEqual(1);
        // Masking is idempotent.
        expect(maskPhonesInText(maskPhonesInText(text))).toBe(maskPhonesInText(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('a phone column value is masked as a whole, whatever its form', () => {
    fc.assert(
      fc.property(phoneSample, (phone) => {
        const out = ascii(maskPhone(phone.text)!);
        expect(out).not.toContain(phone.national.slice(0, 7));
        expect(out.endsWith(phone.national.slice(-4))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  // Everything qa prints that is not a phone: ids, dates, times, amounts, durations, counts, hashes.
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const notPhone = fc.oneof(
    fc.tuple(fc.constantFrom('SR', 'C', 'CP', 'SV'), fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99_999 })).map(([p, y, m, n]) => `${p}-${y}${pad(m, 2)}-${pad(n, 5)}`),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16).replace('T', ' ')),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => `${d.toISOString().slice(0, 19)}+08:00`),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replace(/-/g, '/')),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().replace(/\D/g, '').slice(0, 14)),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => String(d.getTime())),
    fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99 })).map(([a, c]) => `${a}.${pad(c, 2)}`),
    fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`),
    fc.integer({ min: 0, max: 2 ** 31 }).map(String),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    fc.uuid(),
    fc.double({ min: 0, max: 1, noNaN: true }).map((v) => v.toFixed(4)),
  );

  it('ids, dates, amounts, durations, counts and hashes are never changed, alone or in a sentence', () => {
    fc.assert(
      fc.property(fc.array(notPhone, { minLength: 1, maxLength: 6 }), fc.constantFrom(' ', ', ', '\n', ' · ', '","', '|'), (parts, join) => {
        const text = parts.join(join);
        expect(maskPhonesInText(text)).toBe(text);
        expect(countPhones(text)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('maskDeep masks every string of a nested value and keeps numbers, booleans and null', () => {
    const v = { id: 'SR-202610-00074', n: 13812345678, ok: true, none: null, notes: ['回电 02155556633', { deep: '１３８１２３４５６３４' }] };
    expect(maskDeep(v)).toEqual({ id: 'SR-202610-00074', n: 13812345678, ok: true, none: null, notes: ['回电 021****6633', { deep: '138****5634' }] });
  });
});

describe('the forms the issue found unmasked', () => {
  const cases: [string, string][] = [
    ['座机 02155556633', '座机 021****6633'],
    ['（021）6555-1234 / (021) 6555-1234', '021****1234 / 021****1234'],
    ['(010)87654321', '010****4321'],
    ['全角 １３８１２３４５６３４', '全角 138****5634'],
    ['点 138.1234.5609', '点 138****5609'],
    ['rec/2026/13812345621.mp3', 'rec/2026/138****5621.mp3'],
    ['+86 138 1234 5678 / 0086-138-1234-5678 / ＋８６ １３８ １２３４ ５６７８', '+86 138****5678 / +86 138****5678 / +86 138****5678'],
    ['0755-8888-9999', '075*****9999'],
    ['"a\\f13812345678"', '"a\\f138****5678"'], // a JSON escape before it is no hex
    ['tel13812345678', 'tel138****5678'],
  ];
  for (const [text, masked] of cases) {
    it(JSON.stringify(text), () => expect(maskPhonesInText(text)).toBe(masked));
  }
});
