/**
 * The p-chart (Shewhart control chart for a proportion nonconforming) with
 * 3-sigma limits from each subgroup's own size (SPEC §8 control charts):
 *
 *   p̄ = Σ d_i / Σ n_i                      (centre line)
 *   UCL_i = p̄ + 3·√(p̄(1 − p̄) / n_i)
 *   LCL_i = max(0, p̄ − 3·√(p̄(1 − p̄) / n_i))
 *
 * A point above UCL_i or below LCL_i (when LCL_i > 0) signals a special
 * cause. Reference: D. C. Montgomery, Introduction to Statistical Quality
 * Control, ch. 7 ("Control charts for attributes": fraction nonconforming,
 * variable sample size). Pure; subgroups without items have no point.
 */

export interface Subgroup {
  /** A label for the subgroup (here a month YYYY-MM). */
  label: string;
  /** Items inspected (reviewed). */
  n: number;
  /** Of those, nonconforming (failed). */
  d: number;
}

export interface ChartPoint extends Subgroup {
  /** d / n; null when n = 0. */
  p: number | null;
  ucl: number | null;
  lcl: number | null;
  /** 'above' UCL, 'below' LCL, or null inside the limits (or no point). */
  signal: 'above' | 'below' | null;
}

export interface PChart {
  /** p̄; null when no subgroup has items. */
  center: number | null;
  total_n: number;
  total_d: number;
  points: ChartPoint[];
}

/** Tolerance for points that sit exactly on a limit (they are inside). */
const EPS = 1e-12;

export function pChart(groups: readonly Subgroup[]): PChart {
  let N = 0;
  let D = 0;
  for (const g of groups) {
    if (!Number.isInteger(g.n) || !Number.isInteger(g.d) || g.n < 0 || g.d < 0 || g.d > g.n) {
      throw new Error(`pChart: subgroup ${g.label} needs whole numbers 0 <= d <= n (got d=${g.d}, n=${g.n})`);
    }
    N += g.n;
    D += g.d;
  }
  const center = N === 0 ? null : D / N;
  const points = groups.map((g): ChartPoint => {
    if (g.n === 0 || center === null) return { ...g, p: null, ucl: null, lcl: null, signal: null };
    const p = g.d / g.n;
    const sigma = Math.sqrt((center * (1 - center)) / g.n);
    const ucl = Math.min(1, center + 3 * sigma);
    const lcl = Math.max(0, center - 3 * sigma);
    const signal = p > ucl + EPS ? 'above' : lcl > 0 && p < lcl - EPS ? 'below' : null;
    return { ...g, p, ucl, lcl, signal };
  });
  return { center, total_n: N, total_d: D, points };
}

/** The median of a list of numbers (mean of the middle two for an even count); null for an empty list. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
