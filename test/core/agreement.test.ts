/**
 * Cohen's and Fleiss' kappa against published worked examples, and against
 * an independent computation on random data (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohenKappa, cohenKappaFromTable, countsByCategory, deviationsFromMajority, fleissKappa, majorityOf } from '../../src/core/agreement.js';

describe("Cohen's kappa", () => {
  it('the Wikipedia worked example (50 grant proposals, two readers): po 0.7, pe 0.5, kappa 0.4', () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example — A yes/B yes 20, A yes/B no 5, A no/B yes 10, A no/B no 15.
    const r = cohenKappaFromTable([
      [20, 5],
      [10, 15],
    ]);
    expect(r.observed).toBeCloseTo(0.7, 12);
    expect(r.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
    // The same data as two lists of ratings.
    const a = [...Array(20).fill('yes'), ...Array(5).fill('yes'), ...Array(10).fill('no'), ...Array(15).fill('no')];
    const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
    expect(cohenKappa(a, b).kappa).toBeCloseTo(0.4, 12);
  });

  it('the Wikipedia second example (same 60 % agreement, different marginals): kappa 0.1304 and 0.2593', () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Same_percentages_but_different_numbers
    expect(cohenKappaFromTable([[45, 15], [25, 15]]).kappa).toBeCloseTo(0.1304, 4);
    expect(cohenKappaFromTable([[25, 35], [5, 35]]).kappa).toBeCloseTo(0.2593, 4);
  });

  it('perfect agreement is 1; agreement only by chance is undefined when everyone answers the same', () => {
    expect(cohenKappa(['p', 'f', 'n'], ['p', 'f', 'n']).kappa).toBe(1);
    const same = cohenKappa(['pass', 'pass'], ['pass', 'pass']);
    expect(same.observed).toBe(1);
    expect(same.kappa).toBeNull();
    expect(() => cohenKappa(['a'], [])).toThrow(/1 ratings against 0/);
  });

  it('equals an independent computation (expected agreement as the chance that a random rating of A matches a random rating of B)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('pass', 'fail', 'na'), fc.constantFrom('pass', 'fail', 'na')), { minLength: 1, maxLength: 60 }), (pairs) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const n = pairs.length;
        let po = 0;
        let pe = 0;
        for (let i = 0; i < n; i++) {
          if (a[i] === b[i]) po++;
          for (let j = 0; j < n; j++) if (a[i] === b[j]) pe++;
        }
        po /= n;
        pe /= n * n;
        const r = cohenKappa(a, b);
        expect(r.observed).toBeCloseTo(po, 12);
        expect(r.expected).toBeCloseTo(pe, 12);
        if (pe > 1 - 1e-12) expect(r.kappa).toBeNull();
        else {
          expect(r.kappa).toBeCloseTo((po - pe) / (1 - pe), 9);
          expect(r.kappa!).toBeLessThanOrEqual(1 + 1e-12);
          expect(r.kappa!).toBeGreaterThanOrEqual(-1 - 1e-12);
        }
      }),
    );
  });
});

describe("Fleiss' kappa", () => {
  it('the Wikipedia worked example (10 subjects, 14 raters, 5 categories): P̄ 0.378, P̄e 0.213, kappa 0.210', () => {
    // https://en.wikipedia.org/wiki/Fleiss%27_kappa#Worked_example
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const r = fleissKappa(table);
    expect(r.observed).toBeCloseTo(0.378, 3);
    expect(r.expected).toBeCloseTo(0.213, 3);
    expect(r.kappa).toBeCloseTo(0.21, 2);
    expect(r.subjects).toBe(10);
  });

  it('refuses subjects with different numbers of raters', () => {
    expect(() => fleissKappa([[1, 2], [2, 2]])).toThrow(/same number of ratings/);
    expect(() => fleissKappa([[1, 0]])).toThrow(/at least two/);
  });

  it('equals an independent computation: agreeing rater pairs per subject, chance from the pooled marginals', () => {
    const answers = fc.constantFrom('pass', 'fail', 'na');
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((m) => fc.array(fc.array(answers, { minLength: m, maxLength: m }), { minLength: 1, maxLength: 40 })),
        (ratings) => {
          const m = ratings[0]!.length;
          // Observed: for each subject the share of the m(m-1)/2 rater pairs that agree.
          let agreeing = 0;
          for (const row of ratings) {
            let pairs = 0;
            for (let x = 0; x < m; x++) for (let y = x + 1; y < m; y++) if (row[x] === row[y]) pairs++;
            agreeing += pairs / ((m * (m - 1)) / 2);
          }
          const po = agreeing / ratings.length;
          const all = ratings.flat();
          const pe = ['pass', 'fail', 'na'].reduce((s, c) => s + (all.filter((a) => a === c).length / all.length) ** 2, 0);
          const r = fleissKappa(countsByCategory(ratings, ['pass', 'fail', 'na']));
          expect(r.observed).toBeCloseTo(po, 12);
          expect(r.expected).toBeCloseTo(pe, 12);
          if (pe > 1 - 1e-12) expect(r.kappa).toBeNull();
          else expect(r.kappa).toBeCloseTo((po - pe) / (1 - pe), 9);
        },
      ),
    );
  });
});

describe('deviation from the majority', () => {
  it('counts, per rater, the subjects with a strict majority where the rater answered otherwise', () => {
    expect(majorityOf(['pass', 'fail', 'pass'])).toBe('pass');
    expect(majorityOf(['pass', 'fail'])).toBeNull();
    expect(majorityOf(['pass', 'fail', 'na'])).toBeNull();
    const d = deviationsFromMajority(
      [
        ['pass', 'pass', 'fail'],
        ['pass', 'pass', 'pass'],
        ['fail', 'pass', 'na'], // no majority: not counted
        ['fail', 'pass', 'fail'],
      ],
      3,
    );
    expect(d.map((x) => [x.compared, x.deviations])).toEqual([
      [3, 0],
      [3, 1],
      [3, 1],
    ]);
    expect(d[1]!.rate).toBeCloseTo(1 / 3, 12);
  });
});
