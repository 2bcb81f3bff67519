/**
 * Drawing a day's sample (SPEC §3): read the populations from the store, plan
 * with core/sampling, write the receipts — all in one write transaction, so
 * two runs at once never draw twice.
 */
import type { Config } from '../config.js';
import { rankOf } from '../core/rank.js';
import {
  ALGORITHM,
  allocateCalls,
  byRank,
  callWeeksFor,
  cutRank,
  digestPart,
  lowest,
  planStrata,
  populationDigest,
  recordMonthFor,
  type Ranked,
} from '../core/sampling.js';
import type { Zone } from '../core/time.js';
import { checklistKindOf, type Checklists } from '../core/checklists.js';
import type { SampleStore, WorkItem } from '../db/sampling.js';

export interface SampleParams {
  /** The run date D, YYYY-MM-DD (local). */
  date: string;
  /** Seed for ranks; the database seed unless --seed. */
  seed: string;
  dbSeed: string;
  /** --month M: top up the whole month M (records only). */
  month?: string;
  config: Config;
  zone: Zone;
  now: number;
}

export interface StratumResult {
  record_type: string;
  population: number;
  target: number;
  sampled: number;
  drawn: number;
}

export interface RecordsResult {
  month: string;
  /** Population bound: records before this instant (ISO, local offset). */
  until: string;
  population: number;
  sampled: number;
  coverage: number | null;
  strata: StratumResult[];
  drawn: string[];
  run: number | null;
}

export interface CallsResult {
  week: string;
  population: number;
  drawn: string[];
  agents: { agent_id: string; population: number; drawn: number }[];
  run: number;
}

export interface SampleResult {
  date: string;
  seed: string;
  records: RecordsResult;
  calls: CallsResult[];
  runs: number[];
}

export function drawSample(store: SampleStore, p: SampleParams): SampleResult {
  return store.transaction(() => {
    const watermark = store.watermark();
    const runs: number[] = [];
    const records = drawRecords(store, p, watermark);
    if (records.run !== null) runs.push(records.run);
    const calls = p.month ? [] : drawCalls(store, p, watermark);
    runs.push(...calls.map((c) => c.run));
    return { date: p.date, seed: p.seed, records, calls, runs };
  });
}

const MAX_RANK = 2 ** 48 - 1;

/**
 * A rank bound under which the `window` lowest of `n` uniform ranks almost
 * surely lie (mean + 6 standard deviations): sorting only those is much
 * cheaper than sorting the stratum. If it was too tight the stratum comes up
 * short and is drawn again without it.
 */
function rankBound(window: number, n: number): number {
  const q = (window + 6 * Math.sqrt(window) + 16) / Math.max(1, n);
  return q >= 1 ? MAX_RANK + 1 : Math.ceil(q * 2 ** 48);
}

function drawRecords(store: SampleStore, p: SampleParams, watermark: number): RecordsResult {
  const { zone } = p;
  const rate = p.config.sampling.recordRate;
  const month = p.month ?? recordMonthFor(p.date);
  const [start, monthEnd] = zone.monthRange(month);
  // Daily runs see the month up to the start of D; --month sees all of it.
  const cutoff = p.month ? monthEnd : Math.min(monthEnd, zone.dayStart(p.date));
  const counts = store.recordStrata(start, cutoff);
  const before = store.recordsDrawnBefore(month, start, cutoff);
  const plan = planStrata(
    counts.map((c) => ({ stratum: c.stratum, population: c.n, before: before.get(c.stratum) ?? 0 })),
    rate,
  );
  const runId = store.nextRunId();
  const drawnBy = new Map<string, number>();
  const todo = plan.filter((s) => s.need > 0);
  if (p.seed === p.dbSeed) {
    // A population nothing was drawn from yet (the month's first run): the
    // need-th lowest rank under a bound is each stratum's cut, and the draw is
    // every record ranked at or below it — the same records as ORDER BY rank,
    // id LIMIT need, without the sort and without looking up sample_items.
    let pass = todo.map((s) => ({ s, window: s.need + s.before, below: rankBound(s.need + s.before, s.population) }));
    if (!store.mayHoldDrawnRecords(plan.reduce((n, s) => n + s.before, 0))) {
      const cuts: { type: string; upTo: number; need: number }[] = [];
      const rest: typeof pass = [];
      for (const x of pass) {
        const cut = cutRank(store.rankWindow(x.s.stratum, start, cutoff, x.below), x.s.need);
        if (cut === null) rest.push(x);
        else cuts.push({ type: x.s.stratum, upTo: cut, need: x.s.need });
      }
      const written = store.drawRecordsUpTo(runId, month, start, cutoff, cuts);
      if (written !== null) {
        const expected = cuts.reduce((n, c) => n + c.need, 0);
        if (written !== expected) throw new Error(`internal: the first draw wrote ${written} records, expected ${expected}`);
        for (const c of cuts) drawnBy.set(c.type, c.need);
        pass = rest;
      }
    }
    // Otherwise, and for strata the cut could not settle: per stratum the
    // lowest need + before ranks under the bound, skipping drawn records.
    // They hold `need` never-drawn records unless the bound was too tight or
    // records drawn for another period moved into this one; a stratum left
    // short gets another pass without the bound and with a wider window.
    while (pass.length > 0) {
      const got = store.drawRecords(
        runId,
        month,
        start,
        cutoff,
        pass.map(({ s, window, below }) => ({ type: s.stratum, window, need: s.need - (drawnBy.get(s.stratum) ?? 0), below })),
      );
      for (const [k, v] of got) drawnBy.set(k, v);
      pass = pass
        .filter(({ s, window, below }) => (drawnBy.get(s.stratum) ?? 0) < s.need && (window < s.population || below <= MAX_RANK))
        .map(({ s, window, below }) => ({ s, window: below <= MAX_RANK ? window : Math.min(s.population, window * 2), below: MAX_RANK + 1 }));
    }
  } else {
    for (const s of todo) {
      const ids = store.undrawnRecordIds(s.stratum, start, cutoff);
      const picks = lowest(
        ids.map((id) => ({ id, rank: rankOf(p.seed, 'records', id) })),
        s.need,
      );
      store.insertItems(runId, 'records', month, picks.map((x) => ({ id: x.id, stratum: s.stratum, rank: x.rank })));
      drawnBy.set(s.stratum, picks.length);
    }
  }
  const population = plan.reduce((n, s) => n + s.population, 0);
  const strata: StratumResult[] = plan.map((s) => ({
    record_type: s.stratum,
    population: s.population,
    target: s.target,
    sampled: s.before + (drawnBy.get(s.stratum) ?? 0),
    drawn: drawnBy.get(s.stratum) ?? 0,
  }));
  const total = strata.reduce((n, s) => n + s.drawn, 0);
  let run: number | null = null;
  let drawnIds: string[] = [];
  if (total > 0) {
    store.saveReceipt(runId, {
      kind: 'records',
      period: month,
      runDate: p.date,
      cutoff,
      watermark,
      seed: p.seed,
      algorithm: ALGORITHM,
      params: { rate, timezone: zone.name, start, mode: p.month ? 'month' : 'daily' },
      population,
      digest: populationDigest(counts),
      strata: strata.map((s) => ({ stratum: s.record_type, population: s.population, target: s.target, before: s.sampled - s.drawn, drawn: s.drawn })),
      drawn: total,
      now: p.now,
    });
    run = runId;
    drawnIds = store.runItemIds({ id: runId, kind: 'records', period: month });
  }
  const sampled = strata.reduce((n, s) => n + s.sampled, 0);
  return {
    month,
    until: zone.iso(cutoff),
    population,
    sampled,
    coverage: population === 0 ? null : Math.round((sampled / population) * 10000) / 10000,
    strata,
    drawn: drawnIds,
    run,
  };
}

function drawCalls(store: SampleStore, p: SampleParams, watermark: number): CallsResult[] {
  const { zone } = p;
  const { callsPerWeek: quota, minCallSeconds } = p.config.sampling;
  const weeks = callWeeksFor(p.date);
  const done = store.drawnWeeks(weeks);
  const out: CallsResult[] = [];
  for (const week of weeks) {
    if (done.has(week)) continue;
    const [start, end] = zone.weekRange(week);
    if (end > p.now) continue; // not over yet (a run dated ahead): its draw would be partial and final
    const population = store.callPopulation(start, end, minCallSeconds);
    if (population.length === 0) continue;
    // A call already drawn (its time was changed into this week later) cannot be drawn again.
    const candidates = population.filter((c) => !store.isDrawn('calls', c.id));
    const byAgent = new Map<string, Ranked[]>();
    for (const c of candidates) {
      const rank = p.seed === p.dbSeed ? c.rank : rankOf(p.seed, 'calls', c.id);
      let list = byAgent.get(c.stratum);
      if (!list) byAgent.set(c.stratum, (list = []));
      list.push({ id: c.id, rank });
    }
    for (const list of byAgent.values()) list.sort(byRank);
    const plan = allocateCalls(byAgent, Math.min(quota, population.length));
    const items = plan.flatMap((a) => a.drawn.map((d) => ({ id: d.id, stratum: a.agent, rank: d.rank })));
    const groups = new Map<string, number[]>();
    for (const c of population) {
      let g = groups.get(c.stratum);
      if (!g) groups.set(c.stratum, (g = []));
      g.push(c.rank);
    }
    const agentPop = new Map([...groups].map(([a, r]) => [a, r.length]));
    const agents = [...agentPop.keys()].sort().map((a) => ({
      agent_id: a,
      population: agentPop.get(a)!,
      drawn: plan.find((x) => x.agent === a)?.drawn.length ?? 0,
    }));
    const run = store.nextRunId();
    store.insertItems(run, 'calls', week, items);
    store.saveReceipt(run, {
      kind: 'calls',
      period: week,
      runDate: p.date,
      cutoff: end,
      watermark,
      seed: p.seed,
      algorithm: ALGORITHM,
      params: { quota, minCallSeconds, timezone: zone.name, start },
      population: population.length,
      digest: populationDigest([...groups].map(([a, r]) => digestPart(a, r))),
      strata: agents.map((a) => ({ stratum: a.agent_id, population: a.population, drawn: a.drawn })),
      drawn: items.length,
      now: p.now,
    });
    out.push({ week, population: population.length, drawn: items.map((i) => i.id), agents, run });
  }
  return out;
}

/**
 * Worklist items with the size of their checklist: a review fixes its list of
 * checks when it starts; an item not started yet counts the checks of the
 * checklist in force for it (its record_type, or the call checklist).
 */
export function withChecklistSizes(items: readonly WorkItem[], checklists: Checklists): WorkItem[] {
  return items.map((i) => {
    if (i.checks_total > 0) return i;
    const checks = checklists[checklistKindOf(i.kind, i.record_type)] as Checklists[keyof Checklists] | undefined;
    return checks ? { ...i, checks_total: checks.length } : i;
  });
}
