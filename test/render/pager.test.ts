import { describe, expect, it } from 'vitest';
import { wantsPager } from '../../src/render/pager.js';

describe('wantsPager', () => {
  const long = 'x\n'.repeat(100);
  it('pages a long text on a terminal, never when piped, never with QA_PAGER=cat or empty', () => {
    expect(wantsPager(long, { isTTY: true, rows: 40 }, {})).toBe(true);
    expect(wantsPager('x\n'.repeat(10), { isTTY: true, rows: 40 }, {})).toBe(false);
    expect(wantsPager(long, { isTTY: false, rows: 40 }, {})).toBe(false);
    expect(wantsPager(long, {}, { PAGER: 'less' })).toBe(false);
    expect(wantsPager(long, { isTTY: true, rows: 40 }, { QA_PAGER: 'cat' })).toBe(false);
    expect(wantsPager(long, { isTTY: true, rows: 40 }, { QA_PAGER: '', PAGER: 'less' })).toBe(false);
  });
});
