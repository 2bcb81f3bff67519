/**
 * Phone numbers are personal data (PIPL; seed 000 §三(一) 客户信息保护):
 * every output shows them masked, `138****5678`, unless --unmask.
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined || phone === '') return phone ?? null;
  let digits = phone.replace(/\D/g, '');
  let prefix = '';
  if (digits.length === 13 && digits.startsWith('86')) {
    prefix = '+86 ';
    digits = digits.slice(2);
  }
  if (digits.length >= 7) return `${prefix}${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  if (digits.length >= 3) return `${prefix}${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(Math.max(phone.length, 3));
}

/** Mask the phone fields of a row-like object (returns a copy). */
export function maskRow<T extends Record<string, unknown>>(row: T, fields: readonly string[] = ['customer_phone']): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) if (typeof out[f] === 'string') out[f] = maskPhone(out[f] as string);
  return out as T;
}

// Mainland mobile numbers (optionally +86 / 86 and separators); landlines
// with an area code (010-87654321, (010)87654321, （010）87654321); numbers
// written internationally (+1 415 555 0100, 00852 9123 4567). Dates, ids
// like SR-202610-00074 and amounts do not have these shapes.
const PHONE_IN_TEXT = new RegExp(
  [
    String.raw`(?<![\d])(?:(?:\+?86)[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)`,
    String.raw`(?<![\d])(?:0\d{2,3}-|[(（]0\d{2,3}[)）]\s?)\d{7,8}(?!\d)`,
    String.raw`(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s-]?\d){7,13}(?!\d)`,
  ].join('|'),
  'g',
);

/**
 * Mask phone numbers inside free text (notes, extra columns, reasons, raw
 * rows): auditors and exports write them there too.
 */
export function maskPhonesInText<T extends string | null | undefined>(text: T): T {
  if (typeof text !== 'string') return text;
  return text.replace(PHONE_IN_TEXT, (m) => maskPhone(m) ?? m) as T;
}
