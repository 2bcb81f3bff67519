/**
 * Special campaigns (SPEC §7): start one, draw its targeted sample (seeded,
 * receipted, verifiable), verify a draw, and summarise it for
 * `qa campaign report` and the monthly report's campaign section.
 */
import type { Config } from '../config.js';
import {
  CAMPAIGN_ALGORITHM,
  campaignDigest,
  drawCampaign,
  focusFilter,
  keyOf,
  newSeed,
  parseFocus,
  type Candidate,
  type Focus,
} from '../core/campaign.js';
import { addDays, isValidDate, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import {
  campaignByName,
  campaignDrawn,
  campaignFailsByCheck,
  campaignItems,
  campaignPopulation,
  campaignRectifications,
  campaignRuns,
  insertCampaign,
  insertCampaignItems,
  insertCampaignRun,
  runItemKeys,
  type CampaignRow,
  type CampaignRunRow,
} from '../db/campaign.js';
import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';

export interface StartInput {
  name: string;
  from?: string | undefined;
  to?: string | undefined;
  focus: readonly string[];
  seed?: string | undefined;
  by: string;
  at: number;
}

const HINT_START = 'qa campaign start 国庆维修 --from 2026-10-01 --to 2026-10-07 --focus record_type=repair';

export function startCampaign(db: Db, config: Config, input: StartInput): CampaignRow {
  const name = input.name.trim();
  if (!name) throw new UsageError('a campaign needs a name', { hint: HINT_START });
  if (!input.from || !input.to) throw new UsageError(`${!input.from ? '--from' : '--to'} is required: a campaign covers a date range`, { hint: HINT_START });
  for (const [flag, v] of [['--from', input.from], ['--to', input.to]] as const) {
    if (!isValidDate(v)) throw new UsageError(`${flag} must be a date like 2026-10-01, got "${v}"`);
  }
  if (input.to < input.from) throw new UsageError(`--to ${input.to} is before --from ${input.from}`);
  let focus: Focus[];
  try {
    focus = parseFocus(input.focus.filter((f) => f.trim() !== ''), config.checklists);
  } catch (e) {
    throw new UsageError((e as Error).message, { hint: 'name what the campaign looks at: --focus record_type=repair, --focus department=技术部 or --focus check=response_time (several narrow it)' });
  }
  const f = focusFilter(focus, config.checklists, config.rectification.callDepartment);
  if (f.recordTypes.length === 0 && !f.calls) {
    throw new UsageError(`the focus ${focus.map((x) => `${x.field}=${x.value}`).join(' and ')} leaves nothing to sample`, { hint: 'a check focus must be a check of the chosen record type (qa checklist show)' });
  }
  if (campaignByName(db, name)) throw new UsageError(`there is already a campaign "${name}"`, { hint: 'choose another name; qa campaign list shows them' });
  if (input.seed !== undefined && input.seed.trim() === '') throw new UsageError('--seed must not be empty');
  const row: Omit<CampaignRow, 'id'> = { name, from_date: input.from, to_date: input.to, focus: JSON.stringify(focus), seed: input.seed ?? newSeed(), created_at: input.at, created_by: input.by };
  const id = db.transaction(() => {
    const id = insertCampaign(db, row);
    appendAudit(db, { actor: input.by, action: 'campaign.start', entity: 'campaign', entityId: name, detail: { from: row.from_date, to: row.to_date, focus, seed: row.seed }, at: input.at });
    return id;
  }).immediate();
  return { id, ...row };
}

export function getCampaign(db: Db, name: string): CampaignRow {
  const c = campaignByName(db, name);
  if (!c) throw new UsageError(`there is no campaign "${name}"`, { hint: 'qa campaign list shows them; qa campaign start creates one' });
  return c;
}

export const focusOf = (c: CampaignRow): Focus[] => JSON.parse(c.focus) as Focus[];

/** The campaign's population now: its focus within [from, to] (local days, inclusive). */
export function populationNow(db: Db, config: Config, zone: Zone, c: CampaignRow): Candidate[] {
  const f = focusFilter(focusOf(c), config.checklists, config.rectification.callDepartment);
  return campaignPopulation(db, f, zone.dayStart(c.from_date), zone.dayStart(addDays(c.to_date, 1)), config.sampling.minCallSeconds);
}

export interface DrawResult {
  campaign: string;
  run: number | null;
  seed: string;
  rate: number;
  population: number;
  target: number;
  before: number;
  drawn: { kind: string; id: string; rank: number }[];
}

/**
 * `qa sample --campaign NAME --rate R [--seed S]`: top the campaign up to
 * ceil(R × population) with the lowest ranks under the seed (--seed, else
 * the campaign's). A run that draws nothing writes no receipt.
 */
export function drawCampaignSample(db: Db, config: Config, zone: Zone, p: { name: string; rate: number; seed?: string | undefined; date: string; by: string; at: number }): DrawResult {
  if (!(p.rate > 0 && p.rate <= 1)) throw new UsageError(`--rate must be a share above 0 and at most 1 (0.3 = 30 %), got ${p.rate}`);
  return db.transaction(() => {
    const c = getCampaign(db, p.name);
    const seed = p.seed ?? c.seed;
    const population = populationNow(db, config, zone, c);
    const drawn = campaignDrawn(db, c.id);
    const plan = drawCampaign(population, drawn, seed, p.rate);
    let run: number | null = null;
    if (plan.picks.length) {
      run = insertCampaignRun(db, {
        campaign_id: c.id,
        run_date: p.date,
        seed,
        rate: p.rate,
        algorithm: CAMPAIGN_ALGORITHM,
        population: population.length,
        population_digest: campaignDigest(population),
        population_ids: JSON.stringify(population.map(keyOf).sort()),
        target: plan.target,
        drawn: plan.picks.length,
        created_at: p.at,
        user: p.by,
      });
      insertCampaignItems(db, c.id, run, plan.picks);
      appendAudit(db, { actor: p.by, action: 'campaign.sample', entity: 'campaign', entityId: c.name, detail: { run, seed, rate: p.rate, population: population.length, drawn: plan.picks.length }, at: p.at });
    }
    return { campaign: c.name, run, seed, rate: p.rate, population: population.length, target: plan.target, before: plan.before, drawn: plan.picks.map((x) => ({ kind: x.kind, id: x.id, rank: x.rank })) };
  }).immediate();
}

export interface RunCheck {
  run: number;
  date: string;
  seed: string;
  rate: number;
  population: number;
  drawn: number;
  /** The stored population hashes to the receipt's digest, and the draw recomputed from it is the one stored. */
  verified: boolean;
  problems: string[];
  /** Items that joined / left the focus since the draw (later imports): informational. */
  population_now: { added: number; removed: number };
}

/** Recompute a run from its receipt: the population it saw, the campaign's earlier draws, its seed and rate. */
export function verifyRun(db: Db, r: CampaignRunRow, now: Candidate[]): RunCheck {
  const keys = JSON.parse(r.population_ids) as string[];
  const population: Candidate[] = keys.map((k) => {
    const i = k.indexOf(':');
    return { kind: k.slice(0, i) as Candidate['kind'], id: k.slice(i + 1) };
  });
  const problems: string[] = [];
  if (campaignDigest(population) !== r.population_digest) problems.push('the stored population does not match its digest');
  const plan = drawCampaign(population, campaignDrawn(db, r.campaign_id, r.id), r.seed, r.rate);
  const expected = plan.picks.map(keyOf).sort();
  const stored = runItemKeys(db, r.id).sort();
  const missing = expected.filter((k) => !stored.includes(k));
  const extra = stored.filter((k) => !expected.includes(k));
  if (missing.length) problems.push(`should have drawn ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  if (extra.length) problems.push(`drew ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''} that the rule does not give`);
  const nowKeys = new Set(now.map(keyOf));
  const then = new Set(keys);
  return {
    run: r.id,
    date: r.run_date,
    seed: r.seed,
    rate: r.rate,
    population: r.population,
    drawn: r.drawn,
    verified: problems.length === 0,
    problems,
    population_now: { added: [...nowKeys].filter((k) => !then.has(k)).length, removed: keys.filter((k) => !nowKeys.has(k)).length },
  };
}

export interface CampaignSummary {
  name: string;
  from: string;
  to: string;
  focus: Focus[];
  seed: string;
  population: number;
  drawn: number;
  reviewed: number;
  passed: number;
  failed: number;
  in_progress: number;
  pass_rate: number | null;
  /** Items that are in the random sample too (their review counts there as well). */
  also_in_random_sample: number;
  fails_by_check: { check: string; text: string; severity: string; failed: number }[];
  rectifications: { total: number; open: number };
  runs: RunCheck[];
}

export function summarizeCampaign(db: Db, config: Config, zone: Zone, c: CampaignRow, withItems = false): CampaignSummary & { items?: ReturnType<typeof campaignItems> } {
  const items = campaignItems(db, c.id);
  const done = items.filter((i) => i.checks_total > 0 && i.answered >= i.checks_total);
  const failed = done.filter((i) => i.failed > 0).length;
  const now = populationNow(db, config, zone, c);
  return {
    name: c.name,
    from: c.from_date,
    to: c.to_date,
    focus: focusOf(c),
    seed: c.seed,
    population: now.length,
    drawn: items.length,
    reviewed: done.length,
    passed: done.length - failed,
    failed,
    in_progress: items.length - done.length,
    pass_rate: done.length ? (done.length - failed) / done.length : null,
    also_in_random_sample: items.filter((i) => i.sampled).length,
    fails_by_check: campaignFailsByCheck(db, c.id).map((x) => ({ check: x.check_code, text: x.check_text, severity: x.severity, failed: x.failed })),
    rectifications: campaignRectifications(db, c.id),
    runs: campaignRuns(db, c.id).map((r) => verifyRun(db, r, now)),
    ...(withItems ? { items } : {}),
  };
}
