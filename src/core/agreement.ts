/**
 * Inter-rater agreement for calibration (SPEC §8, seed 003 考核): Cohen's
 * kappa for two auditors, Fleiss' kappa for three or more, and each
 * auditor's deviation from the majority. Pure functions over answers.
 *
 * Kappa is (P̄ − P̄e) / (1 − P̄e): observed agreement corrected for the
 * agreement expected by chance. When chance agreement is already total
 * (P̄e = 1: every answer in one category, e.g. everyone passed every check)
 * kappa is undefined and returned as null — the raw agreement (1) still says
 * that everyone agreed.
 *
 * References: J. Cohen, "A coefficient of agreement for nominal scales",
 * Educational and Psychological Measurement 20 (1960) 37–46;
 * J. L. Fleiss, "Measuring nominal scale agreement among many raters",
 * Psychological Bulletin 76 (1971) 378–382.
 */

export interface KappaResult {
  /** Observed agreement P̄ in [0,1] (Cohen: share of subjects both rated alike; Fleiss: mean pairwise agreement per subject). */
  observed: number;
  /** Agreement expected by chance P̄e in [0,1]. */
  expected: number;
  /** Kappa in [-1,1]; null when P̄e = 1 (undefined). */
  kappa: number | null;
  /** Subjects counted. */
  subjects: number;
}

const EPS = 1e-12;

function kappaOf(observed: number, expected: number, subjects: number): KappaResult {
  const kappa = 1 - expected < EPS ? null : (observed - expected) / (1 - expected);
  return { observed, expected, kappa, subjects };
}

/**
 * Cohen's kappa for two raters who each rated the same subjects.
 * `a[i]` and `b[i]` are the two ratings of subject i (any comparable
 * category labels). Throws when the lists differ in length or are empty.
 */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): KappaResult {
  if (a.length !== b.length) throw new Error(`cohenKappa: ${a.length} ratings against ${b.length}`);
  const n = a.length;
  if (n === 0) throw new Error('cohenKappa: no subjects');
  let agree = 0;
  const ca = new Map<T, number>();
  const cb = new Map<T, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    ca.set(a[i]!, (ca.get(a[i]!) ?? 0) + 1);
    cb.set(b[i]!, (cb.get(b[i]!) ?? 0) + 1);
  }
  let expected = 0;
  for (const [k, x] of ca) expected += (x / n) * ((cb.get(k) ?? 0) / n);
  return kappaOf(agree / n, expected, n);
}

/**
 * Cohen's kappa from a square confusion table: `table[i][j]` = subjects rater
 * A put in category i and rater B in category j.
 */
export function cohenKappaFromTable(table: readonly (readonly number[])[]): KappaResult {
  const k = table.length;
  if (k === 0 || table.some((r) => r.length !== k)) throw new Error('cohenKappaFromTable: the table must be square and non-empty');
  let n = 0;
  let diag = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const x = table[i]![j]!;
      if (!(x >= 0)) throw new Error('cohenKappaFromTable: counts must be >= 0');
      n += x;
      rows[i]! += x;
      cols[j]! += x;
      if (i === j) diag += x;
    }
  }
  if (n === 0) throw new Error('cohenKappaFromTable: no subjects');
  let expected = 0;
  for (let i = 0; i < k; i++) expected += (rows[i]! / n) * (cols[i]! / n);
  return kappaOf(diag / n, expected, n);
}

/**
 * Fleiss' kappa. `counts[i][j]` = how many raters put subject i in category
 * j; every subject must have the same number of raters m >= 2.
 *   P_i = (Σ_j n_ij² − m) / (m(m − 1)),  P̄ = mean P_i,
 *   p_j = Σ_i n_ij / (N m),              P̄e = Σ_j p_j².
 */
export function fleissKappa(counts: readonly (readonly number[])[]): KappaResult {
  const N = counts.length;
  if (N === 0) throw new Error('fleissKappa: no subjects');
  const k = counts[0]!.length;
  const m = counts[0]!.reduce((s, x) => s + x, 0);
  if (m < 2) throw new Error('fleissKappa: each subject needs at least two ratings');
  const totals = new Array<number>(k).fill(0);
  let sumP = 0;
  for (const row of counts) {
    if (row.length !== k) throw new Error('fleissKappa: every subject needs a count for every category');
    if (row.reduce((s, x) => s + x, 0) !== m) throw new Error('fleissKappa: every subject needs the same number of ratings');
    let sq = 0;
    row.forEach((x, j) => {
      sq += x * x;
      totals[j]! += x;
    });
    sumP += (sq - m) / (m * (m - 1));
  }
  const expected = totals.reduce((s, t) => s + (t / (N * m)) ** 2, 0);
  return kappaOf(sumP / N, expected, N);
}

/** Category counts per subject from raw ratings (`ratings[i]` = the answers given to subject i), in the order of `categories`. */
export function countsByCategory<T>(ratings: readonly (readonly T[])[], categories: readonly T[]): number[][] {
  return ratings.map((r) => categories.map((c) => r.filter((x) => x === c).length));
}

/**
 * The majority answer of one subject: the answer given by more than half of
 * the raters, or null when none has a strict majority (a 1–1 split of two
 * raters, or 1–1–1 of three).
 */
export function majorityOf<T>(answers: readonly T[]): T | null {
  const c = new Map<T, number>();
  for (const a of answers) c.set(a, (c.get(a) ?? 0) + 1);
  for (const [k, n] of c) if (n * 2 > answers.length) return k;
  return null;
}

export interface Deviation {
  rater: number;
  /** Subjects that have a majority answer. */
  compared: number;
  /** Of those, where this rater answered otherwise. */
  deviations: number;
  /** deviations / compared; null when no subject had a majority. */
  rate: number | null;
}

/**
 * Each rater's deviation from the majority: `ratings[i][r]` is rater r's
 * answer on subject i (every subject rated by every rater).
 */
export function deviationsFromMajority<T>(ratings: readonly (readonly T[])[], raters: number): Deviation[] {
  const out: Deviation[] = Array.from({ length: raters }, (_, r) => ({ rater: r, compared: 0, deviations: 0, rate: null }));
  for (const row of ratings) {
    if (row.length !== raters) throw new Error('deviationsFromMajority: every subject needs an answer from every rater');
    const maj = majorityOf(row);
    if (maj === null) continue;
    row.forEach((a, r) => {
      out[r]!.compared++;
      if (a !== maj) out[r]!.deviations++;
    });
  }
  for (const d of out) d.rate = d.compared ? d.deviations / d.compared : null;
  return out;
}
