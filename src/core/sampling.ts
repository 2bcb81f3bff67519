/**
 * The sampling rule (SPEC §3, seed 000 §三(二)), as pure functions.
 *
 * Records: every month at least `rate` of the records of each record_type
 * stratum are sampled. Each daily run tops a stratum up to ceil(rate × N)
 * with the lowest-ranked records not sampled yet.
 *
 * Calls: each complete ISO week gets one draw of min(quota, N) eligible
 * calls, spread over agents as evenly as the population allows (water
 * filling: every agent gets the same number, or all its calls if it has
 * fewer; places left over go to the agents whose next call ranks lowest).
 *
 * Rank = core/rank.ts: a hash of (seed, kind, id), so the same data and seed
 * give the same sample whatever order rows were imported in.
 */
import crypto from 'node:crypto';
import { addDays, isoWeekMonday, isoWeekOfDate, monthOfDate } from './time.js';

export const ALGORITHM =
  'qa-sample/1: rank = first 48 bits of sha256("<seed>:<kind>:<id>"); lowest (rank, id) win; ' +
  'records: top up each record_type stratum to ceil(rate*N); calls: min(quota, N) per ISO week, water-filled over agents';

export interface Ranked {
  id: string;
  rank: number;
}

/** Total order: rank, then id. */
export function byRank(a: Ranked, b: Ranked): number {
  return a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * ceil(rate × n), immune to binary floating point (0.2 × 15 is
 * 3.0000000000000004 in IEEE doubles, which must still give 3).
 */
export function quotaOf(rate: number, n: number): number {
  return Math.ceil(Math.round(rate * n * 1e9) / 1e9);
}

export interface StratumCounts {
  stratum: string;
  population: number;
  /** Already sampled before this run (and still in this stratum's population). */
  before: number;
}

export interface StratumPlan extends StratumCounts {
  target: number;
  need: number;
}

export function planStrata(strata: readonly StratumCounts[], rate: number): StratumPlan[] {
  return strata.map((s) => {
    const target = quotaOf(rate, s.population);
    return { ...s, target, need: Math.max(0, target - s.before) };
  });
}

/** The `need` lowest-ranked items not in `exclude`. */
export function lowest(items: Iterable<Ranked>, need: number, exclude?: ReadonlySet<string>): Ranked[] {
  if (need <= 0) return [];
  const pool: Ranked[] = [];
  for (const it of items) if (!exclude?.has(it.id)) pool.push(it);
  pool.sort(byRank);
  return pool.slice(0, need);
}

/**
 * The rank of the `need`-th lowest of `ranks` (in any order), when exactly
 * `need` of them are at or below it; null when there are fewer than `need`
 * or the next rank ties with it (then only the id can break the tie).
 */
export function cutRank(ranks: readonly number[], need: number): number | null {
  if (need <= 0 || ranks.length < need) return null;
  const sorted = Float64Array.from(ranks).sort();
  const cut = sorted[need - 1]!;
  return need < sorted.length && sorted[need] === cut ? null : cut;
}

export interface AgentPlan {
  agent: string;
  population: number;
  drawn: Ranked[];
}

/**
 * Spread `quota` draws over agents as evenly as the population allows.
 * Each agent's candidates must be sorted by rank (byRank).
 */
export function allocateCalls(byAgent: ReadonlyMap<string, readonly Ranked[]>, quota: number): AgentPlan[] {
  const agents = [...byAgent.keys()].sort();
  const total = agents.reduce((n, a) => n + byAgent.get(a)!.length, 0);
  let left = Math.min(quota, total);
  const take = new Map<string, number>(agents.map((a) => [a, 0]));
  // Water filling: raise every agent's level together until the quota is spent.
  let open = agents.filter((a) => byAgent.get(a)!.length > 0);
  while (left > 0 && open.length > 0) {
    const level = Math.floor(left / open.length);
    if (level === 0) {
      // Fewer places than agents: the agents whose next call ranks lowest get one more.
      const next = open
        .map((a) => ({ agent: a, call: byAgent.get(a)![take.get(a)!]! }))
        .sort((x, y) => byRank(x.call, y.call))
        .slice(0, left);
      for (const n of next) take.set(n.agent, take.get(n.agent)! + 1);
      left = 0;
      break;
    }
    for (const a of open) {
      const room = byAgent.get(a)!.length - take.get(a)!;
      const add = Math.min(level, room);
      take.set(a, take.get(a)! + add);
      left -= add;
    }
    open = open.filter((a) => take.get(a)! < byAgent.get(a)!.length);
  }
  return agents.map((a) => ({ agent: a, population: byAgent.get(a)!.length, drawn: byAgent.get(a)!.slice(0, take.get(a)!) }));
}

// ------------------------------------------------------------------ digest

export interface DigestPart {
  stratum: string;
  n: number;
  /** Σ of the high 32 bits of each item's 48-bit database-seed rank, in decimal (it can pass 2^53). */
  sum: string;
}

/** The high 32 bits of a 48-bit rank: what the digest sums (one SQL sum(rank >> 16), exact in 64 bits). */
const DIGEST_SHIFT = 2 ** 16;

export function digestPart(stratum: string, ranks: Iterable<number>): DigestPart {
  let n = 0;
  let acc = 0; // exact below 2^53: flushed into `big` past 2^52
  let big = 0n;
  for (const r of ranks) {
    n++;
    acc += Math.floor(r / DIGEST_SHIFT);
    if (acc >= 2 ** 52) {
      big += BigInt(acc);
      acc = 0;
    }
  }
  return { stratum, n, sum: (big + BigInt(acc)).toString() };
}

/**
 * The population digest of a receipt: per stratum the count and the sum of
 * the high 32 bits of each item's rank under the database seed (which is
 * itself sha256 of the id), hashed in stratum order. Order-independent, so
 * SQLite computes it in the same index scan that counts the population.
 */
export function populationDigest(parts: readonly DigestPart[]): string {
  const lines = [...parts]
    .filter((p) => p.n > 0)
    .sort((a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : 0))
    .map((p) => `${p.stratum}\t${p.n}\t${p.sum}`);
  return crypto.createHash('sha256').update(`qa-population/2\n${lines.join('\n')}`).digest('hex');
}

// ------------------------------------------------------------------ periods

/** The month a run on date D works on: the month of D − 1 (the run on the 1st closes the previous month). */
export function recordMonthFor(date: string): string {
  return monthOfDate(addDays(date, -1));
}

/**
 * Complete ISO weeks (Mon–Sun) that end before D and overlap the 35 days
 * before D, oldest first.
 */
export function callWeeksFor(date: string, lookbackDays = 35): string[] {
  const weeks: string[] = [];
  const first = addDays(date, -lookbackDays);
  let week = isoWeekOfDate(addDays(date, -1));
  for (;;) {
    const monday = isoWeekMonday(week);
    const nextMonday = addDays(monday, 7);
    if (nextMonday <= date) {
      if (nextMonday <= first) break; // ends on or before the lookback window opens
      weeks.push(week);
    }
    week = isoWeekOfDate(addDays(monday, -1));
  }
  return weeks.reverse();
}
