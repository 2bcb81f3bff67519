/**
 * Special supervision campaigns (SPEC §7; seed 000 §三(二) 专项监督: "针对服务质量薄弱环节
 * （如售后维修响应慢、退租验收争议多）或重大服务活动（如节假日高峰期服务），开展专项监督").
 *
 * A campaign has a date range and a focus — record_type, department and/or
 * a check code — and draws a targeted sample inside it, with the rule of
 * SPEC §3: rank = sha256("<seed>:<kind>:<id>"), lowest ranks win, top-up to
 * ceil(rate × population). Its seed is the campaign's own (random when it
 * starts, or --seed), never the database seed, so a campaign never simply
 * repeats the monthly random sample. Pure: no SQL, no clock.
 */
import crypto from 'node:crypto';
import { RECORD_TYPES, RECORD_TYPE_ALIASES, type RecordType } from './kinds.js';
import type { Checklists } from './checklists.js';
import { rankOf, type RankKind } from './rank.js';
import { byRank, quotaOf } from './sampling.js';

export const CAMPAIGN_ALGORITHM =
  'qa-campaign/1: population = records/calls in [from, to] inside the focus; rank = first 48 bits of sha256("<seed>:<kind>:<id>"); ' +
  'top up to ceil(rate*N) with the lowest (rank, kind, id) not drawn by an earlier run of the campaign';

export const FOCUS_FIELDS = ['record_type', 'department', 'check'] as const;
export type FocusField = (typeof FOCUS_FIELDS)[number];

export interface Focus {
  field: FocusField;
  value: string;
}

/**
 * `--focus field=value` (repeatable; several narrow the focus, all must
 * hold). Throws an Error saying what is wrong; the command makes it a usage
 * error. record_type accepts the Chinese names (维修 → repair).
 */
export function parseFocus(specs: readonly string[], checklists: Checklists): Focus[] {
  if (specs.length === 0) throw new Error('a campaign needs a focus');
  const out: Focus[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const field = (eq < 0 ? spec : spec.slice(0, eq)).trim();
    const value = eq < 0 ? '' : spec.slice(eq + 1).trim();
    if (!(FOCUS_FIELDS as readonly string[]).includes(field)) throw new Error(`--focus "${spec}": the focus is record_type=…, department=… or check=…`);
    if (value === '') throw new Error(`--focus "${spec}" has an empty value`);
    if (field === 'record_type') {
      const t = RECORD_TYPE_ALIASES[value.toLowerCase()];
      if (!t) throw new Error(`--focus record_type must be one of ${RECORD_TYPES.join(', ')}, got "${value}"`);
      out.push({ field, value: t });
    } else if (field === 'check') {
      if (!Object.values(checklists).some((list) => list.some((c) => c.code === value))) {
        throw new Error(`--focus check=${value}: no checklist has a check "${value}" (qa checklist show lists them)`);
      }
      out.push({ field, value });
    } else out.push({ field: 'department', value });
  }
  return out;
}

/** The population filter a focus means: which record types, departments, and whether calls are in it. */
export interface FocusFilter {
  /** Record types in the focus (all when no record_type or check narrows it). */
  recordTypes: RecordType[];
  /** Departments the records must belong to (null: any). */
  departments: string[] | null;
  /** Hotline calls are in: no record_type focus, a department focus naming the hotline's department (if any), the check (if any) is a call check. */
  calls: boolean;
}

export function focusFilter(focus: readonly Focus[], checklists: Checklists, callDepartment: string): FocusFilter {
  let types: RecordType[] = [...RECORD_TYPES];
  let calls = true;
  let departments: string[] | null = null;
  for (const f of focus) {
    if (f.field === 'record_type') {
      types = types.filter((t) => t === f.value);
      calls = false;
    } else if (f.field === 'check') {
      types = types.filter((t) => checklists[t].some((c) => c.code === f.value));
      calls &&= checklists.call.some((c) => c.code === f.value);
    } else {
      departments = departments === null ? [f.value] : departments.filter((d) => d === f.value);
      calls &&= f.value === callDepartment;
    }
  }
  return { recordTypes: types, departments, calls };
}

export interface Candidate {
  kind: RankKind;
  id: string;
}

/** `kind:id`, the key a campaign draws and verifies by. */
export const keyOf = (c: Candidate): string => `${c.kind}:${c.id}`;

/** sha256 over the sorted population keys: the receipt's population digest. */
export function campaignDigest(population: readonly Candidate[]): string {
  const keys = population.map(keyOf).sort();
  return crypto.createHash('sha256').update(`qa-campaign-population/1\n${keys.join('\n')}`).digest('hex');
}

export interface CampaignDraw {
  /** ceil(rate × population). */
  target: number;
  /** Drawn by earlier runs and still in the population. */
  before: number;
  picks: (Candidate & { rank: number })[];
}

/**
 * Top the campaign up to ceil(rate × N): the lowest-ranked candidates under
 * `seed` that earlier runs did not draw. Deterministic in (population as a
 * set, drawn, seed, rate): the input order does not matter.
 */
export function drawCampaign(population: readonly Candidate[], drawn: ReadonlySet<string>, seed: string, rate: number): CampaignDraw {
  const target = quotaOf(rate, population.length);
  const before = population.filter((c) => drawn.has(keyOf(c))).length;
  const need = Math.max(0, target - before);
  const pool = population
    .filter((c) => !drawn.has(keyOf(c)))
    .map((c) => ({ ...c, rank: rankOf(seed, c.kind, c.id) }))
    // (rank, kind:id): a total order even if a record and a call share an id.
    .sort((a, b) => byRank({ rank: a.rank, id: keyOf(a) }, { rank: b.rank, id: keyOf(b) }));
  return { target, before, picks: pool.slice(0, need) };
}

/** A fresh campaign seed (16 random bytes, hex), recorded with the campaign. */
export function newSeed(): string {
  return crypto.randomBytes(16).toString('hex');
}
