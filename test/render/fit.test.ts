import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { clip, fitColumns, renderTable } from '../../src/render/term.js';

describe('fitColumns', () => {
  it('never widens, never goes below a clippable column’s minimum, keeps unclippable ones, and fits whenever the minimums allow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 80 }), clip: fc.boolean(), min: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 20, max: 240 }),
        (cols, width) => {
          const natural = cols.map((c) => c.n);
          const w = fitColumns(
            natural,
            width,
            cols.map((c) => c.clip),
            cols.map((c) => c.min),
          );
          const floor = cols.map((c, i) => (c.clip ? Math.min(c.n, Math.max(1, c.min ?? 4)) : natural[i]!));
          w.forEach((x, i) => {
            expect(x).toBeLessThanOrEqual(natural[i]!);
            expect(x).toBeGreaterThanOrEqual(floor[i]!);
          });
          const total = (xs: number[]): number => xs.reduce((a, b) => a + b + 3, 1);
          if (total(floor) <= width) expect(total(w)).toBeLessThanOrEqual(width);
          if (total(natural) <= width) expect(w).toEqual(natural);
        },
      ),
    );
  });
});

describe('renderTable with a width', () => {
  it('clips CJK and coloured text with …, drops the spare columns first, and fits', () => {
    const t = renderTable({
      head: ['编号', '说明', '备注', 'n'],
      rows: [['SR-202610-00042', '客户咨询直播补光灯与声卡搭配，要求当天送达并现场调试', 'remark that is long enough to drop', 12]],
      right: [3],
      min: [Number.POSITIVE_INFINITY, 8, 4, undefined],
      drop: [2],
      width: 40,
    });
    for (const l of t.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(40);
    expect(t).toContain('SR-202610-00042');
    expect(t).not.toContain('remark');
    expect(t).toContain('…');
    expect(clip('\u001b[31m红色的文字\u001b[39m', 5)).toBe('\u001b[31m红色…\u001b[0m');
  });
});

describe('the audit log at 80 and 100 columns with long ids, names and details', () => {
  it.each([80, 100])('fits %i columns', async (width) => {
    const { renderAudit } = await import('../../src/render/review.js');
    const { Zone } = await import('../../src/core/time.js');
    const { Chalk } = await import('chalk');
    const { setTableWidth } = await import('../../src/render/term.js');
    setTableWidth(width);
    try {
      const rows = [123456, 7].map((id) => ({ id, at: Date.UTC(2026, 10, 11, 8), actor: 'supervisor.zhang.wei', action: 'rectification.verification_failed', entity: 'rectification', entity_id: '12345', detail: JSON.stringify({ note: 'x'.repeat(200) }), os_user: 'auditor-workstation-07' }));
      for (const L of ['en', 'zh'] as const) {
        const text = renderAudit(rows, new Zone('Asia/Shanghai'), L, new Chalk({ level: 0 }));
        for (const l of text.split('\n').filter((x) => /^[┌│├└]/.test(x))) expect(stringWidth(l)).toBeLessThanOrEqual(width);
        expect(text).toContain('123456');
      }
    } finally {
      setTableWidth(undefined);
    }
  });
});
