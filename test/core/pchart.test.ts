/**
 * p-chart limits against published worked examples, and against an exact
 * integer computation on random data (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, pChart } from '../../src/core/pchart.js';

describe('p-chart', () => {
  it('Montgomery, Introduction to Statistical Quality Control, Example 7.1 (orange-juice cans, 30 samples of 50): p̄ 0.2313, UCL 0.4102, LCL 0.0524, samples 15 and 23 out', () => {
    const d = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6];
    const c = pChart(d.map((x, i) => ({ label: String(i + 1), n: 50, d: x })));
    expect(c.total_d).toBe(347);
    expect(c.center).toBeCloseTo(0.2313, 4);
    expect(c.points[0]!.ucl).toBeCloseTo(0.4102, 4);
    expect(c.points[0]!.lcl).toBeCloseTo(0.0524, 4);
    expect(c.points.filter((p) => p.signal).map((p) => [p.label, p.signal])).toEqual([
      ['15', 'above'],
      ['23', 'above'],
    ]);
  });

  it('variable subgroup sizes: Pyzdek, The Handbook for Quality Management, Table 9.6 (bruised peaches, crates of 250 or 500): p̄ = 1544/8000, limits narrower for 500, no point out', () => {
    const crates = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2];
    const bruised = [47, 42, 55, 51, 46, 61, 39, 44, 41, 51, 88, 101, 101, 40, 48, 47, 50, 48, 57, 45, 43, 105, 98, 100, 96];
    const c = pChart(crates.map((k, i) => ({ label: String(i + 1), n: 250 * k, d: bruised[i]! })));
    expect(c.total_n).toBe(8000);
    expect(c.total_d).toBe(1544);
    expect(c.center).toBeCloseTo(0.193, 4);
    const one = c.points[0]!;
    const two = c.points[10]!;
    expect(one.ucl).toBeCloseTo(0.193 + 3 * Math.sqrt((0.193 * 0.807) / 250), 6); // 0.2679
    expect(one.lcl).toBeCloseTo(0.193 - 3 * Math.sqrt((0.193 * 0.807) / 250), 6); // 0.1181
    expect(two.ucl).toBeCloseTo(0.2460, 3);
    expect(two.ucl! - two.lcl!).toBeLessThan(one.ucl! - one.lcl!);
    expect(c.points.every((p) => p.signal === null)).toBe(true);
  });

  it('a month without reviewed items has no point; no items at all has no centre line; bad counts are refused', () => {
    const c = pChart([
      { label: '2026-09', n: 0, d: 0 },
      { label: '2026-10', n: 10, d: 1 },
    ]);
    expect(c.points[0]).toMatchObject({ p: null, ucl: null, lcl: null, signal: null });
    expect(c.center).toBe(0.1);
    expect(pChart([{ label: 'x', n: 0, d: 0 }]).center).toBeNull();
    expect(() => pChart([{ label: 'x', n: 2, d: 3 }])).toThrow(/0 <= d <= n/);
  });

  it('flags exactly the points an exact integer test puts outside p̄ ± 3σ_i', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: 0, max: 400 }).chain((n) => fc.record({ n: fc.constant(n), d: fc.integer({ min: 0, max: n }) })),
          { minLength: 1, maxLength: 12 },
        ),
        (groups) => {
          const c = pChart(groups.map((g, i) => ({ label: String(i), ...g })));
          const N = BigInt(groups.reduce((s, g) => s + g.n, 0));
          const D = BigInt(groups.reduce((s, g) => s + g.d, 0));
          groups.forEach((g, i) => {
            const pt = c.points[i]!;
            if (g.n === 0) return expect(pt.signal).toBeNull();
            const n = BigInt(g.n);
            const d = BigInt(g.d);
            // p − p̄ = (dN − Dn) / (nN); |p − p̄| > 3σ  ⇔  (dN − Dn)² > 9·D·(N − D)·n
            const diff = d * N - D * n;
            const lhs = diff * diff;
            const rhs = 9n * D * (N - D) * n;
            if (lhs === rhs) return; // exactly on a limit: either answer is a rounding matter
            // LCL > 0 ⇔ p̄ > 3σ ⇔ D·n > 9·(N − D)
            const lclPositive = D * n > 9n * (N - D);
            const expected = lhs > rhs ? (diff > 0n ? 'above' : lclPositive ? 'below' : null) : null;
            expect(pt.signal).toBe(expected);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('median', () => {
  it('middle value, or the mean of the middle two; null for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
