/**
 * Phone numbers in every form SPEC §1 lists (issue 11), for property tests:
 * mobiles with or without +86/0086/86 and 3-4-4 separators, landlines with
 * or without separators and parentheses, +86 landlines, any of them in
 * full-width digits.
 */
import fc from 'fast-check';

const FULL = '０１２３４５６７８９';
const toFull = (s: string): string => s.replace(/[0-9]/g, (d) => FULL[Number(d)]!).replace(/\+/g, '＋');
const digitsOf = (n: number, len: number): string => String(n).padStart(len, '0').slice(-len);

/** A phone number in one of the SPEC §1 forms, with its national digits (what must never show). */
export interface PhoneSample {
  text: string;
  /** The digits a reader must not see: the number without country code. */
  national: string;
}

const sep = fc.constantFrom('', ' ', '-', '.');
const mobile = fc.record({ second: fc.integer({ min: 3, max: 9 }), rest: fc.integer({ min: 0, max: 999_999_999 }), prefix: fc.constantFrom('', '+86', '+86 ', '+86-', '0086', '0086 ', '0086-', '86'), s: sep });
const landline = fc.record({
  area: fc.oneof(fc.integer({ min: 10, max: 99 }).map((n) => `0${n}`), fc.integer({ min: 100, max: 999 }).map((n) => `0${n}`)),
  local: fc.oneof(fc.integer({ min: 2_000_000, max: 9_999_999 }).map(String), fc.integer({ min: 20_000_000, max: 99_999_999 }).map(String)),
  form: fc.constantFrom('plain', 'dash', 'space', 'paren', 'paren-space', 'fullparen', 'split', '+86', '0086'),
});

export const phoneSample: fc.Arbitrary<PhoneSample> = fc
  .tuple(
    fc.oneof(
      mobile.map((m): PhoneSample => {
        const n = `1${m.second}${digitsOf(m.rest, 9)}`;
        // 3-4-4 with the same separator twice (138 1234 5678, 138.1234.5678) or none.
        return { text: `${m.prefix}${n.slice(0, 3)}${m.s}${n.slice(3, 7)}${m.s}${n.slice(7)}`, national: n };
      }),
      landline.map((l): PhoneSample => {
        const { area, local } = l;
        const split = `${local.slice(0, local.length - 4)}-${local.slice(-4)}`;
        const text = {
          plain: `${area}${local}`,
          dash: `${area}-${local}`,
          space: `${area} ${local}`,
          paren: `(${area})${local}`,
          'paren-space': `(${area}) ${split}`,
          fullparen: `（${area}）${local}`,
          split: `${area}-${split}`,
          '+86': `+86 ${area.slice(1)} ${local}`,
          '0086': `0086-${area.slice(1)}-${local}`,
        }[l.form];
        return { text, national: `${area}${local}` };
      }),
    ),
    fc.boolean(),
  )
  .map(([p, full]) => (full ? { ...p, text: toFull(p.text) } : p));

