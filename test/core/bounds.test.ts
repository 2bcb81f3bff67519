import { describe, expect, it } from 'vitest';
import { hypergeometricCdf, hypergeometricUpper, lnFactorial } from '../../src/core/bounds.js';

// Independent exact reference: binomials as BigInt, P(X <= k) as an exact
// rational compared with alpha = 1/20.

const chooseCache = new Map<string, bigint>();
function choose(a: number, b: number): bigint {
  if (b < 0 || b > a) return 0n;
  const r = Math.min(b, a - b);
  const key = `${a}:${r}`;
  let c = chooseCache.get(key);
  if (c === undefined) {
    c = 1n;
    for (let i = 1; i <= r; i++) c = (c * BigInt(a - r + i)) / BigInt(i);
    chooseCache.set(key, c);
  }
  return c;
}

/** Numerator of P(X <= k | N, D, n) over the denominator C(N, n). */
function exactCdfNumerator(k: number, N: number, D: number, n: number): bigint {
  let s = 0n;
  for (let x = 0; x <= k; x++) s += choose(D, x) * choose(N - D, n - x);
  return s;
}

/** P(X <= k) > 1/20, exactly. */
function exactAbove(k: number, N: number, D: number, n: number): boolean {
  return exactCdfNumerator(k, N, D, n) * 20n > choose(N, n);
}

/** Largest D in [k, N-(n-k)] with P(X <= k) > 0.05, by a plain linear scan. */
function exactUpper(N: number, n: number, k: number): number {
  let best = k;
  for (let D = k; D <= N - (n - k); D++) {
    if (exactAbove(k, N, D, n)) best = D;
  }
  return best;
}

describe('hypergeometricUpper against exact rationals', () => {
  const cases: [number, number, number][] = [
    [100, 20, 0],
    [100, 20, 2],
    [500, 100, 5],
    [1000, 200, 0],
    [1000, 200, 10],
    [60, 12, 1],
    [20, 20, 3],
    [10, 1, 0],
    [10, 5, 0],
    [50, 10, 0],
    [200, 40, 0],
    [37, 7, 3],
    [30, 10, 10],
    [1, 1, 0],
    [1, 1, 1],
  ];
  it.each(cases)('N=%i n=%i k=%i', (N, n, k) => {
    const b = hypergeometricUpper(N, n, k);
    expect(b.upper).toBe(exactUpper(N, n, k));
    // The defining property, exactly, at the answer and just past it.
    expect(exactAbove(k, N, b.upper, n)).toBe(true);
    if (b.upper < N - (n - k)) expect(exactAbove(k, N, b.upper + 1, n)).toBe(false);
    expect(b.rate).toBe(b.upper / N);
    expect(b.observed).toBe(k / n);
    expect({ N: b.N, n: b.n, k: b.k }).toEqual({ N, n, k });
  });

  it('exact ties at alpha are not "above" (P must exceed 0.05)', () => {
    // N=20, n=1, k=0: P(X=0 | D) = (20-D)/20, exactly 0.05 at D = 19.
    expect(hypergeometricUpper(20, 1, 0).upper).toBe(18);
    // N=20, n=19, k=0: P(X=0 | D=1) = 1/20 exactly.
    expect(hypergeometricUpper(20, 19, 0).upper).toBe(0);
    // N=16, n=4, k=2: P(X<=2 | D=14) = 91/1820 = 0.05 exactly; P(X<=2 | D=13) = 247/1820.
    expect(hypergeometricUpper(16, 4, 2).upper).toBe(13);
    expect(exactUpper(16, 4, 2)).toBe(13);
  });

  it('agrees with the exact answer for every (N, n, k) with N <= 40', () => {
    for (let N = 0; N <= 40; N++) {
      for (let n = 0; n <= N; n++) {
        for (let k = 0; k <= n; k++) expect(hypergeometricUpper(N, n, k).upper, `N=${N} n=${n} k=${k}`).toBe(exactUpper(N, n, k));
      }
    }
  });

  it('a full census knows the count exactly', () => {
    expect(hypergeometricUpper(20, 20, 3).upper).toBe(3);
    expect(hypergeometricUpper(20, 20, 0).upper).toBe(0);
  });

  it('all sampled items failed: nothing rules out every unsampled record failing', () => {
    expect(hypergeometricUpper(100, 10, 10).upper).toBe(100);
  });

  it('n = 0 knows nothing', () => {
    expect(hypergeometricUpper(100, 0, 0)).toEqual({ N: 100, n: 0, k: 0, upper: 100, rate: 1, observed: null });
    expect(hypergeometricUpper(0, 0, 0)).toEqual({ N: 0, n: 0, k: 0, upper: 0, rate: null, observed: null });
  });

  it('rejects impossible counts', () => {
    expect(() => hypergeometricUpper(10, 11, 0)).toThrow(RangeError);
    expect(() => hypergeometricUpper(10, 5, 6)).toThrow(RangeError);
    expect(() => hypergeometricUpper(10, 5, -1)).toThrow(RangeError);
    expect(() => hypergeometricUpper(10.5, 5, 1)).toThrow(RangeError);
    expect(() => hypergeometricUpper(10, 5, 1, 0)).toThrow(RangeError);
    expect(() => hypergeometricUpper(10, 5, 1, 1)).toThrow(RangeError);
  });

  it('honours another alpha', () => {
    // Exact check for alpha = 0.10 on one case.
    const b = hypergeometricUpper(100, 20, 2, 0.1);
    const above = (D: number): boolean => exactCdfNumerator(2, 100, D, 20) * 10n > choose(100, 20);
    expect(above(b.upper)).toBe(true);
    expect(above(b.upper + 1)).toBe(false);
    expect(b.upper).toBeLessThan(hypergeometricUpper(100, 20, 2).upper);
  });
});

describe('hypergeometricCdf', () => {
  it('matches exact values', () => {
    for (const [x, N, D, n] of [
      [0, 100, 10, 20],
      [2, 100, 10, 20],
      [5, 500, 40, 100],
      [1, 60, 15, 12],
    ] as const) {
      const num = exactCdfNumerator(x, N, D, n);
      const den = choose(N, n);
      // Scale to 1e15 to compare as doubles.
      const exact = Number((num * 10n ** 15n) / den) / 1e15;
      expect(hypergeometricCdf(x, N, D, n)).toBeCloseTo(exact, 12);
    }
  });

  it('is 0 below and 1 at the top of the support', () => {
    expect(hypergeometricCdf(0, 10, 8, 5)).toBe(0); // at least 3 of 5 draws fail
    expect(hypergeometricCdf(5, 10, 8, 5)).toBe(1);
    expect(hypergeometricCdf(0, 10, 0, 5)).toBe(1);
  });

  it('does not underflow when the first term is tiny', () => {
    // Support starts at 0 with pmf(0) ≈ e^-1500; the mass is near 500.
    const p = hypergeometricCdf(600, 10_000, 5_000, 1_000);
    expect(p).toBeGreaterThan(0.999);
    expect(p).toBeLessThanOrEqual(1);
    expect(hypergeometricCdf(500, 10_000, 5_000, 1_000)).toBeCloseTo(0.5, 1);
  });

  it('lnFactorial is accurate on both sides of the table edge', () => {
    // Exact factorials as BigInt, compared through their logarithms.
    const lnBig = (v: bigint): number => {
      const digits = v.toString();
      const head = Number(digits.slice(0, 17));
      return Math.log(head) + (digits.length - 17) * Math.LN10;
    };
    let f = 1n;
    for (let i = 1; i <= 400; i++) {
      f *= BigInt(i);
      const want = i < 19 ? Math.log(Number(f)) : lnBig(f);
      expect(Math.abs(lnFactorial(i) - want)).toBeLessThan(1e-12 * Math.max(1, want));
    }
    expect(lnFactorial(0)).toBe(0);
    expect(lnFactorial(1)).toBe(0);
    expect(lnFactorial(20) - lnFactorial(19)).toBeCloseTo(Math.log(20), 12);
  });
});

describe('large strata', () => {
  it('zero failures in 100: about 3/n (rule of three)', () => {
    const b = hypergeometricUpper(1_000_000, 100, 0);
    expect(b.rate!).toBeGreaterThan(0.028);
    expect(b.rate!).toBeLessThan(0.031);
  });

  it('N = 1,000,000, n = 200,000, k = 50', () => {
    const b = hypergeometricUpper(1_000_000, 200_000, 50);
    const observed = 50 / 200_000;
    expect(b.observed).toBe(observed);
    // A little above the observed rate: roughly k + 1.645·sqrt(k·(1 - n/N)) failures per n.
    expect(b.rate!).toBeGreaterThan(observed * 1.15);
    expect(b.rate!).toBeLessThan(observed * 1.4);
    // The defining property holds at the answer and fails just past it.
    expect(hypergeometricCdf(50, 1_000_000, b.upper, 200_000)).toBeGreaterThan(0.05);
    expect(hypergeometricCdf(50, 1_000_000, b.upper + 1, 200_000)).toBeLessThanOrEqual(0.05);
  });
});
