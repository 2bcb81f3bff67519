import { describe, expect, it } from 'vitest';
import { allocateCalls, byRank, callWeeksFor, cutRank, digestPart, lowest, planStrata, populationDigest, quotaOf, recordMonthFor, type Ranked } from '../../src/core/sampling.js';
import { rankOf } from '../../src/core/rank.js';
import crypto from 'node:crypto';
import fc from 'fast-check';

describe('quotaOf: ceil(rate × N) without floating-point surprises', () => {
  it.each([
    [0.2, 0, 0],
    [0.2, 1, 1],
    [0.2, 5, 1],
    [0.2, 6, 2],
    [0.2, 15, 3], // 0.2 * 15 = 3.0000000000000004 in IEEE doubles
    [0.2, 35, 7],
    [0.3, 10, 3],
    [0.1, 30, 3],
    [1, 7, 7],
  ])('rate %f of %i → %i', (rate, n, q) => expect(quotaOf(rate, n)).toBe(q));
});

describe('rank', () => {
  it('is the first 48 bits of sha256("<seed>:<kind>:<id>") — recomputable by anyone', () => {
    const hex = crypto.createHash('sha256').update('abc:records:SR-1').digest('hex');
    expect(rankOf('abc', 'records', 'SR-1')).toBe(parseInt(hex.slice(0, 12), 16));
  });
  it('equals the first 12 hex digits of the digest for any seed and id (unicode, empty, long)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('records' as const, 'calls' as const), (seed, id, kind) => {
        const hex = crypto.createHash('sha256').update(`${seed}:${kind}:${id}`).digest('hex');
        return rankOf(seed, kind, id) === parseInt(hex.slice(0, 12), 16);
      }),
      { numRuns: 3000 },
    );
  });
  it('depends on seed, kind and id', () => {
    const r = rankOf('s', 'records', 'X');
    expect(rankOf('t', 'records', 'X')).not.toBe(r);
    expect(rankOf('s', 'calls', 'X')).not.toBe(r);
    expect(rankOf('s', 'records', 'Y')).not.toBe(r);
  });
});

describe('planStrata and lowest', () => {
  it('tops each stratum up to its quota, never below what was drawn', () => {
    expect(planStrata([{ stratum: 'a', population: 15, before: 1 }, { stratum: 'b', population: 10, before: 5 }], 0.2)).toEqual([
      { stratum: 'a', population: 15, before: 1, target: 3, need: 2 },
      { stratum: 'b', population: 10, before: 5, target: 2, need: 0 },
    ]);
  });
  it('takes the lowest (rank, id), skipping excluded ids', () => {
    const items: Ranked[] = [
      { id: 'c', rank: 5 },
      { id: 'a', rank: 1 },
      { id: 'b', rank: 1 },
      { id: 'd', rank: 0 },
    ];
    expect(lowest(items, 2).map((x) => x.id)).toEqual(['d', 'a']);
    expect(lowest(items, 2, new Set(['d'])).map((x) => x.id)).toEqual(['a', 'b']);
    expect(lowest(items, 0)).toEqual([]);
  });
});

describe('cutRank: the first draw of a population as "rank <= cut"', () => {
  it('is the need-th lowest rank, whatever the order', () => {
    expect(cutRank([50, 10, 40, 20, 30], 2)).toBe(20);
    expect(cutRank([50, 10, 40, 20, 30], 5)).toBe(50);
    expect(cutRank([2 ** 48 - 1, 2 ** 48 - 2], 1)).toBe(2 ** 48 - 2); // 48-bit ranks are exact in a double
  });
  it('gives up when the window is short, empty or ties at the cut (only the id breaks a tie)', () => {
    expect(cutRank([10, 20], 3)).toBeNull();
    expect(cutRank([], 1)).toBeNull();
    expect(cutRank([10, 20], 0)).toBeNull();
    expect(cutRank([10, 20, 20, 30], 2)).toBeNull();
    expect(cutRank([10, 20, 20, 30], 3)).toBe(20);
  });
});

describe('allocateCalls (water filling over agents)', () => {
  const calls = (agent: string, n: number): Ranked[] => Array.from({ length: n }, (_, i) => ({ id: `${agent}-${i}`, rank: rankOf('seed', 'calls', `${agent}-${i}`) })).sort(byRank);
  const count = (plan: ReturnType<typeof allocateCalls>): Record<string, number> => Object.fromEntries(plan.map((p) => [p.agent, p.drawn.length]));

  it('splits evenly; the remainder goes to agents whose next call ranks lowest', () => {
    const by = new Map([['A', calls('A', 40)], ['B', calls('B', 40)], ['C', calls('C', 40)]]);
    const c = count(allocateCalls(by, 50));
    expect(Object.values(c).reduce((a, b) => a + b)).toBe(50);
    expect(Object.values(c).sort()).toEqual([16, 17, 17]);
  });

  it('an agent with few calls gives all of them; the rest share its places', () => {
    const by = new Map([['A', calls('A', 3)], ['B', calls('B', 40)], ['C', calls('C', 40)]]);
    expect(count(allocateCalls(by, 50))).toEqual({ A: 3, B: expect.any(Number), C: expect.any(Number) });
    const c = count(allocateCalls(by, 50));
    expect(c.B! + c.C!).toBe(47);
    expect(Math.abs(c.B! - c.C!)).toBeLessThanOrEqual(1);
  });

  it('takes the whole population when it is smaller than the quota', () => {
    const by = new Map([['A', calls('A', 10)], ['B', calls('B', 5)]]);
    expect(count(allocateCalls(by, 50))).toEqual({ A: 10, B: 5 });
  });

  it('each agent gets its lowest-ranked calls', () => {
    const by = new Map([['A', calls('A', 10)]]);
    expect(allocateCalls(by, 3)[0]!.drawn).toEqual(by.get('A')!.slice(0, 3));
  });
});

describe('periods', () => {
  it('the run on D works on the month of D − 1', () => {
    expect(recordMonthFor('2026-10-21')).toBe('2026-10');
    expect(recordMonthFor('2026-11-01')).toBe('2026-10');
    expect(recordMonthFor('2027-01-01')).toBe('2026-12');
  });
  it('call weeks: complete ISO weeks before D overlapping the last 35 days', () => {
    // 2026-10-21 is a Wednesday: W42 (Oct 12–18) is the last complete week.
    expect(callWeeksFor('2026-10-21')).toEqual(['2026-W38', '2026-W39', '2026-W40', '2026-W41', '2026-W42']);
    // On a Monday the week that ended yesterday is complete.
    expect(callWeeksFor('2026-10-19').at(-1)).toBe('2026-W42');
    // On a Sunday the current week is not complete yet.
    expect(callWeeksFor('2026-10-18').at(-1)).toBe('2026-W41');
  });
});

describe('population digest', () => {
  it('does not depend on order and changes with any member or stratum', () => {
    const r = (id: string) => rankOf('db-seed', 'records', id);
    const a = populationDigest([digestPart('consult', [r('A'), r('B'), r('C')]), digestPart('repair', [r('D')])]);
    expect(populationDigest([digestPart('repair', [r('D')]), digestPart('consult', [r('C'), r('A'), r('B')])])).toBe(a);
    expect(populationDigest([digestPart('consult', [r('A'), r('B'), r('E')]), digestPart('repair', [r('D')])])).not.toBe(a);
    expect(populationDigest([digestPart('consult', [r('A'), r('B')]), digestPart('repair', [r('D'), r('C')])])).not.toBe(a);
  });

  it('sums exactly past 2^53 (SQLite sums in 64 bits; test/app/sample.test.ts compares the two)', () => {
    const max = 2 ** 48 - 1;
    const n = 2 ** 22; // 4M ranks of 2^32 - 1 each: the sum needs 54 bits
    const ranks = { *[Symbol.iterator]() { for (let i = 0; i < n; i++) yield max; } };
    expect(digestPart('consult', ranks)).toEqual({ stratum: 'consult', n, sum: (BigInt(n) * (2n ** 32n - 1n)).toString() });
  });
});
