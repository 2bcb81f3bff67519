import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesInText } from '../../src/core/mask.js';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('+86 138****5678');
    expect(maskPhone('010-87654321')).toBe('010****4321');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe(null);
  });
});

describe('maskPhonesInText', () => {
  const cases: [string, string][] = [
    ['客户手机 13912345678 回电', '客户手机 139****5678 回电'],
    ['call +86 139-1234-5678 later', 'call +86 139****5678 later'],
    ['座机 010-87654321', '座机 010****4321'],
    ['P2,consult,not-a-date,(010)87654321', 'P2,consult,not-a-date,010****4321'],
    ['电话（021）12345678', '电话021****5678'],
    ['HK 0085291234567', 'HK 008******4567'],
    ['US +1 415 555 0100', 'US 141****0100'],
  ];
  for (const [text, masked] of cases) {
    it(`masks ${JSON.stringify(text)}`, () => {
      const out = maskPhonesInText(text);
      expect(out).toBe(masked);
      expect(out).not.toMatch(/\d{7,}/);
    });
  }

  it('leaves dates, ids, amounts and times alone', () => {
    for (const text of ['SR-202610-00074', '2026-10-21 09:30:00', 'order_amount 1288.00', 'C-202610-00130', '订单 20261021093000', '+5 days', 'rank 281474976710655']) {
      expect(maskPhonesInText(text)).toBe(text);
    }
  });

  it('passes null and undefined through', () => {
    expect(maskPhonesInText(null)).toBe(null);
    expect(maskPhonesInText(undefined)).toBe(undefined);
  });
});
