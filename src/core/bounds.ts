/**
 * One-sided upper confidence bound on the failures of a whole stratum from
 * its audit sample (SPEC §5 "Bounds"). The sample is drawn without
 * replacement, so the count of failures X in a sample of n from N records,
 * D of which fail, is hypergeometric. The bound is the largest D still
 * compatible with seeing only k failures: the largest D with
 * P(X <= k | N, D, n) > alpha (alpha = 0.05 for 95 %).
 *
 * Strata reach N ≈ 10^6 and samples n ≈ 2·10^5 (20 % of a month), so the
 * CDF is computed from log-factorials (a table of exact factorials for
 * small arguments, Stirling's series above) plus the pmf ratio recurrence
 * from the lower end of the support, with rescaling so no term under- or
 * overflows; D is found by binary search, as P(X <= k) decreases as D
 * grows. Exact ties with alpha are settled with BigInt (see cdfAbove).
 */

export interface Bound {
  N: number;
  n: number;
  k: number;
  /** Upper bound on the number of failing records in the stratum. */
  upper: number;
  /** upper / N; null when N = 0. */
  rate: number | null;
  /** k / n; null when n = 0. */
  observed: number | null;
}

const TABLE_SIZE = 20;

/**
 * ln(i!) for i < 20, as the log of the factorial itself: up to 18! the
 * product is exact in a double, and 19! is off by one rounding at most.
 */
const LN_FACT: Float64Array = (() => {
  const t = new Float64Array(TABLE_SIZE);
  let f = 1;
  for (let i = 2; i < TABLE_SIZE; i++) {
    f *= i;
    t[i] = Math.log(f);
  }
  return t;
})();

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln(n!) for a whole n >= 0. From 20 on, Stirling's series with five
 * correction terms (1/12n − 1/360n³ + 1/1260n⁵ − 1/1680n⁷ + 1/1188n⁹): the
 * truncation error is below 1e-17 there, so what remains is the rounding of
 * n·ln n (relative 1e-16, i.e. ~1e-9 absolute at n = 10⁶ — far below what
 * the comparison with alpha can notice).
 */
export function lnFactorial(n: number): number {
  if (n < TABLE_SIZE) return LN_FACT[n]!;
  const inv = 1 / n;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return (n + 0.5) * Math.log(n) - n + HALF_LN_2PI + series;
}

/** ln C(a, b), 0 <= b <= a. */
function lnChoose(a: number, b: number): number {
  return lnFactorial(a) - lnFactorial(b) - lnFactorial(a - b);
}

function checkCounts(N: number, n: number, k: number, kName: string, nName: string): void {
  for (const [name, v] of [['N', N], [nName, n], [kName, k]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${v}`);
  }
  if (n > N) throw new RangeError(`${nName} (${n}) cannot exceed N (${N})`);
  if (k > n) throw new RangeError(`${kName} (${k}) cannot exceed ${nName} (${n})`);
}

/**
 * P(X <= x) for X ~ Hypergeometric(population N, D successes, n draws).
 * x outside the support gives 0 or 1.
 */
export function hypergeometricCdf(x: number, N: number, D: number, n: number): number {
  checkCounts(N, n, 0, 'x', 'n');
  checkCounts(N, D, 0, 'x', 'D');
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  const lo = Math.max(0, n - (N - D));
  const hi = Math.min(n, D);
  const top = Math.floor(x);
  if (top < lo) return 0;
  if (top >= hi) return 1;
  // pmf(lo) in log space; later terms by the ratio
  // pmf(j+1)/pmf(j) = (D-j)(n-j) / ((j+1)(N-D-n+j+1)),
  // kept relative to a running scale so that a tiny pmf(lo) does not
  // underflow to 0 before the terms that matter.
  const lnFirst = lnChoose(D, lo) + lnChoose(N - D, n - lo) - lnChoose(N, n);
  let lnScale = lnFirst;
  let term = 1;
  let sum = 1;
  for (let j = lo; j < top; j++) {
    term *= ((D - j) * (n - j)) / ((j + 1) * (N - D - n + j + 1));
    sum += term;
    if (sum > 1e280) {
      lnScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
  }
  const p = Math.exp(lnScale + Math.log(sum));
  return p > 1 ? 1 : p;
}

/**
 * Near alpha, doubles cannot tell P = alpha from P just above it, and
 * exact ties are common in small strata (N = 20, n = 1, D = 19 gives
 * P(X = 0) = 1/20 exactly). There the comparison is redone exactly with
 * BigInt, when the binomials stay small enough to be cheap; the float error
 * is ~1e-12 relative for small N and ~1e-8 at N = 10^6, well inside TIE.
 */
const TIE = 1e-6;
const EXACT_LIMIT = 5_000;

/** alpha as the exact decimal fraction it was written as (0.05 → 5/100). */
function decimalFraction(x: number): [bigint, bigint] {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`alpha must be a plain decimal number, got ${x}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  const digits = BigInt(`${m[1]}${frac}`);
  return exp >= 0 ? [digits * 10n ** BigInt(exp), 1n] : [digits, 10n ** BigInt(-exp)];
}

function chooseBig(a: number, b: number): bigint {
  const r = Math.min(b, a - b);
  let c = 1n;
  for (let i = 1; i <= r; i++) c = (c * BigInt(a - r + i)) / BigInt(i);
  return c;
}

/**
 * Exactly: P(X <= k | N, D, n) > num/den, i.e.
 * den · Σ_{x<=k} C(D,x)·C(N−D,n−x) > num · C(N,n). Every binomial here has
 * a lower index of at most min(n, N − n), so the cost is bounded by it.
 */
function exactAbove(k: number, N: number, D: number, n: number, num: bigint, den: bigint): boolean {
  const lo = Math.max(0, n - (N - D));
  const hi = Math.min(n, D);
  if (k < lo) return false;
  if (k >= hi) return den > num;
  let term = chooseBig(D, lo) * chooseBig(N - D, n - lo);
  let sum = term;
  for (let j = lo; j < k; j++) {
    term = (term * BigInt((D - j) * (n - j))) / BigInt((j + 1) * (N - D - n + j + 1));
    sum += term;
  }
  return sum * den > num * chooseBig(N, n);
}

/** P(X <= k | N, D, n) > alpha, exact at ties when affordable. */
function cdfAbove(k: number, N: number, D: number, n: number, alpha: number, exact: [bigint, bigint] | null): boolean {
  const p = hypergeometricCdf(k, N, D, n);
  if (exact && Math.abs(p - alpha) <= TIE * alpha) return exactAbove(k, N, D, n, exact[0], exact[1]);
  return p > alpha;
}

/**
 * One-sided (1 - alpha) upper bound on the failing records of a stratum of
 * N records, of which n were reviewed and k failed. n = 0 → upper = N
 * (nothing is known); n = N (a census) → upper = k.
 */
export function hypergeometricUpper(N: number, n: number, k: number, alpha = 0.05): Bound {
  checkCounts(N, n, k, 'k', 'n');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie strictly between 0 and 1, got ${alpha}`);
  const exact = Math.min(n, N - n) <= EXACT_LIMIT ? decimalFraction(alpha) : null;
  // D can be no less than the k failures seen and no more than N minus the
  // n - k passes seen. At D = k, P(X <= k) = 1 > alpha, so lo always holds.
  let lo = k;
  let hi = N - (n - k);
  if (cdfAbove(k, N, hi, n, alpha, exact)) {
    lo = hi;
  } else {
    // Invariant: cdf(lo) > alpha >= cdf(hi).
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (cdfAbove(k, N, mid, n, alpha, exact)) lo = mid;
      else hi = mid;
    }
  }
  return { N, n, k, upper: lo, rate: N === 0 ? null : lo / N, observed: n === 0 ? null : k / n };
}
