/**
 * `qa sample verify <run>` (SPEC §3): recompute a run from the database and
 * compare it with its receipt.
 *
 * 1. Rebuild the population the run saw (rows imported by then, with the
 *    values they had then) and check it against the receipt's size and digest.
 * 2. Redraw from that population with the receipt's seed and parameters, on
 *    top of what earlier runs had drawn, and compare with the drawn ids.
 * 3. Compare that population with today's: ids that appeared or vanished
 *    since (late imports, changed timestamps) make the receipt out of date.
 */
import { QaError, UsageError } from '../errors.js';
import { rankOf } from '../core/rank.js';
import { allocateCalls, byRank, digestPart, lowest, planStrata, populationDigest, type Ranked } from '../core/sampling.js';
import { Zone } from '../core/time.js';
import type { PopulationMember, RunRow, SampleStore } from '../db/sampling.js';

export interface Check {
  check: 'population' | 'draw' | 'unchanged';
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  run: {
    id: number;
    kind: string;
    period: string;
    run_date: string;
    until: string;
    seed: string;
    algorithm: string;
    population: number;
    drawn: number;
  };
  /** Everything matched, including an unchanged population. */
  ok: boolean;
  /** The draw matched its receipt for the population the run saw (late records aside). */
  draw_ok: boolean;
  checks: Check[];
  population: { at_run: number; now: number; appeared: string[]; vanished: string[]; moved: { id: string; from: string; to: string }[] };
  draw: { receipt: number; recomputed: number; missing: string[]; unexpected: string[] };
}

interface Params {
  rate?: number;
  quota?: number;
  minCallSeconds?: number;
  timezone: string;
  start: number;
}

export function verifyRun(store: SampleStore, runId: number, dbSeed: string): VerifyResult {
  const run = store.run(runId);
  if (!run) throw new UsageError(`there is no sample run ${runId}`, { hint: 'run ids are printed by qa sample (and in its --json "runs")' });
  const params = JSON.parse(run.params) as Params;
  const zone = new Zone(params.timezone);
  const kind = run.kind;

  const then = kind === 'records'
    ? store.recordPopulationAsOf(params.start, run.cutoff, run.watermark)
    : store.callPopulationAsOf(params.start, run.cutoff, params.minCallSeconds ?? 0, run.watermark);
  const now = kind === 'records' ? store.recordPopulation(params.start, run.cutoff) : store.callPopulation(params.start, run.cutoff, params.minCallSeconds ?? 0);

  const checks: Check[] = [];

  // 1. The population then, against the receipt. Ranks are recomputed from
  //    the ids, so a tampered rank column is caught as well.
  const groups = new Map<string, number[]>();
  let badRanks = 0;
  for (const m of then) {
    const r = rankOf(dbSeed, kind, m.id);
    if (r !== m.rank) badRanks++;
    let g = groups.get(m.stratum);
    if (!g) groups.set(m.stratum, (g = []));
    g.push(r);
  }
  const digest = populationDigest([...groups].map(([s, r]) => digestPart(s, r)));
  const popOk = digest === run.population_digest && then.length === run.population && badRanks === 0;
  checks.push({
    check: 'population',
    ok: popOk,
    detail: popOk
      ? `the population at the time was rebuilt: ${then.length} ${kind}, digest matches the receipt`
      : badRanks > 0
        ? `${badRanks} stored ranks do not match their ids: the database was changed outside qa`
        : `the rebuilt population (${then.length}) does not match the receipt (${run.population}, digest ${run.population_digest.slice(0, 12)}…): the database was changed outside qa`,
  });

  // 2. Redraw.
  const prior = store.drawnBefore(kind, run.id);
  const recomputed = kind === 'records' ? redrawRecords(then, prior, run, params) : redrawCalls(then, prior, run, params);
  const receipt = store.runItems(run).map((i) => i.item_id);
  const want = new Set(recomputed);
  const have = new Set(receipt);
  const missing = receipt.filter((id) => !want.has(id));
  const unexpected = recomputed.filter((id) => !have.has(id));
  const drawOk = missing.length === 0 && unexpected.length === 0;
  checks.push({
    check: 'draw',
    ok: drawOk,
    detail: drawOk
      ? `the draw was recomputed: the same ${receipt.length} ${kind}`
      : `the recomputed draw differs: ${missing.length} in the receipt but not recomputed${list(missing)}, ${unexpected.length} recomputed but not in the receipt${list(unexpected)}`,
  });

  // 3. Then against now.
  const thenMap = new Map(then.map((m) => [m.id, m.stratum]));
  const nowMap = new Map(now.map((m: PopulationMember) => [m.id, m.stratum]));
  const appeared = [...nowMap.keys()].filter((id) => !thenMap.has(id)).sort();
  const vanished = [...thenMap.keys()].filter((id) => !nowMap.has(id)).sort();
  const moved = [...thenMap]
    .filter(([id, s]) => nowMap.has(id) && nowMap.get(id) !== s)
    .map(([id, s]) => ({ id, from: s, to: nowMap.get(id)! }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const sameOk = appeared.length === 0 && vanished.length === 0 && moved.length === 0;
  checks.push({
    check: 'unchanged',
    ok: sameOk,
    detail: sameOk
      ? 'the population has not changed since the draw'
      : `the population changed after the draw: ${appeared.length} appeared${list(appeared)}, ${vanished.length} vanished${list(vanished)}` +
        (moved.length ? `, ${moved.length} moved to another stratum${list(moved.map((m) => `${m.id} ${m.from}→${m.to}`))}` : '') +
        (popOk && drawOk ? ' — the draw matched what the run saw; rows imported later join the next qa sample' : ''),
  });

  return {
    run: {
      id: run.id,
      kind,
      period: run.period,
      run_date: run.run_date,
      until: zone.iso(run.cutoff),
      seed: run.seed,
      algorithm: run.algorithm,
      population: run.population,
      drawn: run.drawn,
    },
    ok: checks.every((c) => c.ok),
    draw_ok: popOk && drawOk,
    checks,
    population: { at_run: then.length, now: now.length, appeared, vanished, moved },
    draw: { receipt: receipt.length, recomputed: recomputed.length, missing, unexpected },
  };
}

function list(ids: string[]): string {
  if (ids.length === 0) return '';
  const shown = ids.slice(0, 10).join(', ');
  return ` (${shown}${ids.length > 10 ? `, … ${ids.length - 10} more` : ''})`;
}

/** Same rule as app/sample.ts: `before` counts this period's earlier draws; nothing drawn before is drawn again. */
function redrawRecords(pop: PopulationMember[], prior: ReadonlyMap<string, string>, run: RunRow, params: Params): string[] {
  if (params.rate === undefined) throw new QaError(`run ${run.id} has no sampling rate in its receipt`);
  const byStratum = new Map<string, PopulationMember[]>();
  for (const m of pop) {
    let g = byStratum.get(m.stratum);
    if (!g) byStratum.set(m.stratum, (g = []));
    g.push(m);
  }
  const plan = planStrata(
    [...byStratum].map(([stratum, ms]) => ({ stratum, population: ms.length, before: ms.filter((m) => prior.get(m.id) === run.period).length })),
    params.rate,
  );
  const out: string[] = [];
  for (const s of plan) {
    const ranked: Ranked[] = byStratum.get(s.stratum)!.map((m) => ({ id: m.id, rank: rankOf(run.seed, 'records', m.id) }));
    out.push(...lowest(ranked, s.need, new Set(prior.keys())).map((x) => x.id));
  }
  return out;
}

function redrawCalls(pop: PopulationMember[], prior: ReadonlyMap<string, string>, run: RunRow, params: Params): string[] {
  const byAgent = new Map<string, Ranked[]>();
  for (const m of pop) {
    if (prior.has(m.id)) continue;
    let g = byAgent.get(m.stratum);
    if (!g) byAgent.set(m.stratum, (g = []));
    g.push({ id: m.id, rank: rankOf(run.seed, 'calls', m.id) });
  }
  for (const g of byAgent.values()) g.sort(byRank);
  const quota = Math.min(params.quota ?? pop.length, pop.length);
  return allocateCalls(byAgent, quota).flatMap((a) => a.drawn.map((d) => d.id));
}
