/**
 * Masking in two passes (src/core/mask.ts): a number at home right after a
 * number abroad is masked on its own — in one pass the free-form digit groups
 * of "+1 415 555 0100" swallowed the landline's area code and left the rest of
 * it in clear (found by an adversarial test of every output).
 */
import { describe, expect, it } from 'vitest';
import { countPhones, maskPhonesInText } from '../../src/core/mask.js';

describe('maskPhonesInText: numbers abroad next to numbers at home', () => {
  it.each([
    ['+1 415 555 0100 021-5555-6633', ['5555-6633', '55556633', '415 555']],
    ['+1 415 555 0100 ０２１－５５５５－６６３４', ['５５５５－６６３４', '415 555']],
    ['+852 9123 4567 13812345678', ['9123 4567', '13812345678']],
    ['tel +44 20 7946 0958 / 010-8765-4321', ['7946', '8765-4321']],
  ])('%s shows no digits beyond each number\'s last four', (text, leaks) => {
    const out = maskPhonesInText(text);
    for (const leak of leaks) expect(out).not.toContain(leak);
    expect(countPhones(text)).toBe(2);
  });

  it('leaves ids, dates and amounts alone', () => {
    const text = 'SR-202610-00074 2026-10-05 10:00 1288.00 0.0016666666667 +1 415 555 0100';
    expect(maskPhonesInText(text)).toBe('SR-202610-00074 2026-10-05 10:00 1288.00 0.0016666666667 141****0100');
  });
});
