/**
 * The effective configuration: defaults, overridden by a JSON file
 * (`--config PATH` > `QA_CONFIG` > `./qa.config.json` if present).
 * Every key is validated; an unknown or bad key is a usage error that names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { KINDS, KIND_SCHEMAS, type Kind } from './core/kinds.js';
import { DEFAULT_CHECKLISTS, resolveChecklists, type Checklists } from './core/checklists.js';
import { readYearFile } from './core/calendar.js';
import { parseKpiOverrides } from './core/kpis.js';
import { DEFAULT_THRESHOLDS, type EvaluationThresholds } from './core/partner.js';
import { normalizeHeader } from './io/rows.js';

export interface SamplingConfig {
  /** Share of each month's records, per record_type stratum (000 §三(二): ≥ 20 %). */
  recordRate: number;
  /** Hotline calls drawn per complete ISO week (000 §三(二): 50). */
  callsPerWeek: number;
  /** Calls shorter than this are not eligible for listening. */
  minCallSeconds: number;
}

export interface RectificationConfig {
  /** Due date = found + days (seed 000 闭环管理: a deadline for every problem). */
  days: number;
  /** Owner department of a call's rectification (calls carry no department). */
  callDepartment: string;
}

/** The callback programme (SPEC §6; 001 第六条, 002 三(四)3). */
export interface CallbackConfig {
  /** How far back a plan run looks for ended rentals and resolved complaints (days). */
  lookbackDays: number;
  /** A complainant is called back within this many days after resolved_at (complaint_callback). */
  complaintDays: number;
  /** Share of churn-risk customers drawn for a deep interview in June and December (001 第六条: 10 %). */
  churnRate: number;
  /** Owner of a survey follow-up whose survey names no record with a department (001 第五条: 客服部 leads). */
  followUpDepartment: string;
}

export interface Config {
  timezone: string;
  callback: CallbackConfig;
  sampling: SamplingConfig;
  rectification: RectificationConfig;
  /** Extra header aliases: columns.<kind>.<canonical> = ["别名", ...]. */
  columns: Partial<Record<Kind, Record<string, string[]>>>;
  calendar: { files: string[] };
  /** The checklists in force: defaults with the config's replacements applied. */
  checklists: Checklists;
  /** KPI target overrides (validated by the report). */
  kpis?: unknown;
  /** Disputes of findings (SPEC §8): opened within windowDays days of the answer. */
  disputes: { windowDays: number };
  /** Partner evaluation thresholds (SPEC §7): rating to keep, rating below which to terminate, thin-data mark. */
  partners: EvaluationThresholds;
  /**
   * `qa review` (SPEC §4): `player` is the command that opens a call's
   * recording_ref (key o), run as `<player> <recording_ref>` without a shell;
   * null prints where the recording is instead.
   */
  review: { player: string | null };
}

export const DEFAULT_CONFIG: Config = Object.freeze({
  timezone: 'Asia/Shanghai',
  sampling: { recordRate: 0.2, callsPerWeek: 50, minCallSeconds: 30 },
  rectification: { days: 7, callDepartment: '客服部' },
  columns: {},
  calendar: { files: [] },
  checklists: DEFAULT_CHECKLISTS,
  disputes: { windowDays: 7 },
  callback: { lookbackDays: 35, complaintDays: 7, churnRate: 0.1, followUpDepartment: '客服部' },
  partners: DEFAULT_THRESHOLDS,
  review: { player: null },
}) as Config;

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or null when only defaults apply. */
  source: string | null;
}

/** `--config PATH` > env `QA_CONFIG` > `./qa.config.json` if present. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { file: string | null; explicit: boolean } {
  if (flag) return { file: path.resolve(cwd, flag), explicit: true };
  if (env.QA_CONFIG) return { file: path.resolve(cwd, env.QA_CONFIG), explicit: true };
  const local = path.join(cwd, 'qa.config.json');
  return { file: fs.existsSync(local) ? local : null, explicit: false };
}

export function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const { file } = resolveConfigPath(flag, env, cwd);
  if (!file) return { config: structuredClone(DEFAULT_CONFIG), source: null };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      where: file,
      hint: 'pass --config PATH to a readable JSON file, or unset QA_CONFIG',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // Node quotes part of the file in its message: keep that on one line.
    const message = (e as Error).message.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
    throw new UsageError(`the config file is not valid JSON: ${message}`, { where: file });
  }
  return { config: validateConfig(raw, file), source: file };
}

type Check = (value: unknown, key: string) => unknown;

/**
 * The check of a section's key, or undefined for an unknown key. Own keys
 * only: a key `constructor`, `toString` or `__proto__` would otherwise find
 * Object.prototype's function and be accepted, or fail with a TypeError's
 * text, instead of being an unknown key (see core/lookup.ts).
 */
function ownCheck(checks: Readonly<Record<string, Check>>, key: string): Check | undefined {
  return Object.hasOwn(checks, key) ? checks[key] : undefined;
}

function fail(key: string, problem: string, file: string | undefined): never {
  throw new UsageError(`config key ${key}: ${problem}`, file ? { where: file } : {});
}

function num(min: number, max: number, opts: { integer?: boolean; minExclusive?: boolean } = {}): Check {
  return (v, key) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`must be a number, got ${JSON.stringify(v)}`);
    if (opts.integer && !Number.isInteger(v)) throw new Error(`must be a whole number, got ${v}`);
    if (opts.minExclusive ? v <= min : v < min) throw new Error(`must be ${opts.minExclusive ? 'greater than' : 'at least'} ${min}, got ${v}`);
    if (v > max) throw new Error(`must be at most ${max}, got ${v}`);
    void key;
    return v;
  };
}

function timezone(v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new Error('must be an IANA time zone name such as "Asia/Shanghai"');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    throw new Error(`"${v}" is not a time zone this Node.js knows (try "Asia/Shanghai")`);
  }
  return v;
}

function nonEmpty(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new Error('must be a non-empty string');
  return v.trim();
}

function stringList(v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.trim() !== '')) {
    throw new Error('must be a list of non-empty strings');
  }
  return list.map((s: string) => s.trim());
}

/** Closest known key, for "did you mean". */
function suggest(key: string, known: string[]): string {
  const lower = key.toLowerCase();
  const hit = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => k.toLowerCase().startsWith(lower.slice(0, 4)));
  return hit ? ` (did you mean ${hit}?)` : ` (known keys: ${known.join(', ')})`;
}

function object(v: unknown, key: string, file: string | undefined): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(key, 'must be an object', file);
  return v as Record<string, unknown>;
}

/**
 * An alias must not be another column's name or alias (built-in or
 * configured): the header would silently map to one of them only.
 */
function checkAliasClashes(kind: Kind, aliases: Record<string, string[]>, file: string | undefined): void {
  const owner = new Map<string, { column: string; configured: boolean }>();
  for (const fd of KIND_SCHEMAS[kind].fields) {
    for (const n of [fd.name, ...fd.aliases]) owner.set(normalizeHeader(n), { column: fd.name, configured: false });
  }
  for (const [canonical, list] of Object.entries(aliases)) {
    for (const a of list) {
      const key = normalizeHeader(a);
      const o = owner.get(key);
      if (o && o.column !== canonical) {
        fail(
          `columns.${kind}.${canonical}`,
          o.configured
            ? `"${a}" is already an alias of ${o.column} (columns.${kind}.${o.column}); a header can mean one column only`
            : `"${a}" is already the name or a built-in alias of ${o.column}; a header can mean one column only`,
          file,
        );
      }
      if (!o) owner.set(key, { column: canonical, configured: true });
    }
  }
}

export function validateConfig(raw: unknown, file?: string): Config {
  const out: Config = structuredClone(DEFAULT_CONFIG);
  const top = object(raw, '(top level)', file);
  const topKeys = ['timezone', 'sampling', 'rectification', 'callback', 'columns', 'calendar', 'checklists', 'kpis', 'disputes', 'partners', 'review', '$schema'];
  const run = <T>(key: string, check: Check, v: unknown): T => {
    try {
      return check(v, key) as T;
    } catch (e) {
      return fail(key, (e as Error).message, file);
    }
  };
  for (const [k, v] of Object.entries(top)) {
    switch (k) {
      case '$schema':
        break;
      case 'timezone':
        out.timezone = run('timezone', timezone, v);
        break;
      case 'sampling': {
        const s = object(v, 'sampling', file);
        const checks: Record<keyof SamplingConfig, Check> = {
          recordRate: num(0, 1, { minExclusive: true }),
          callsPerWeek: num(0, 100000, { integer: true }),
          minCallSeconds: num(0, 86400, { integer: true }),
        };
        for (const [sk, sv] of Object.entries(s)) {
          const check = ownCheck(checks, sk);
          if (!check) fail(`sampling.${sk}`, `unknown key${suggest(sk, Object.keys(checks))}`, file);
          (out.sampling as unknown as Record<string, unknown>)[sk] = run(`sampling.${sk}`, check, sv);
        }
        break;
      }
      case 'rectification': {
        const r = object(v, 'rectification', file);
        for (const [rk, rv] of Object.entries(r)) {
          if (rk === 'days') out.rectification.days = run('rectification.days', num(1, 365, { integer: true }), rv);
          else if (rk === 'callDepartment') out.rectification.callDepartment = run('rectification.callDepartment', nonEmpty, rv);
          else fail(`rectification.${rk}`, `unknown key${suggest(rk, ['days', 'callDepartment'])}`, file);
        }
        break;
      }
      case 'callback': {
        const c = object(v, 'callback', file);
        const checks: Record<keyof CallbackConfig, Check> = {
          lookbackDays: num(1, 366, { integer: true }),
          complaintDays: num(1, 365, { integer: true }),
          churnRate: num(0, 1, { minExclusive: true }),
          followUpDepartment: nonEmpty,
        };
        for (const [ck, cv] of Object.entries(c)) {
          const check = ownCheck(checks, ck);
          if (!check) fail(`callback.${ck}`, `unknown key${suggest(ck, Object.keys(checks))}`, file);
          (out.callback as unknown as Record<string, unknown>)[ck] = run(`callback.${ck}`, check, cv);
        }
        break;
      }
      case 'columns': {
        const c = object(v, 'columns', file);
        for (const [kind, map] of Object.entries(c)) {
          if (!(KINDS as readonly string[]).includes(kind)) fail(`columns.${kind}`, `unknown kind${suggest(kind, [...KINDS])}`, file);
          const fields = KIND_SCHEMAS[kind as Kind].fields.map((f) => f.name);
          const aliases: Record<string, string[]> = {};
          for (const [canonical, list] of Object.entries(object(map, `columns.${kind}`, file))) {
            if (!fields.includes(canonical)) fail(`columns.${kind}.${canonical}`, `unknown column${suggest(canonical, fields)}`, file);
            aliases[canonical] = run(`columns.${kind}.${canonical}`, stringList, list);
          }
          checkAliasClashes(kind as Kind, aliases, file);
          out.columns[kind as Kind] = aliases;
        }
        break;
      }
      case 'calendar': {
        const c = object(v, 'calendar', file);
        for (const [ck, cv] of Object.entries(c)) {
          if (ck !== 'files') fail(`calendar.${ck}`, `unknown key${suggest(ck, ['files'])}`, file);
          const base = file ? path.dirname(file) : process.cwd();
          out.calendar.files = run<string[]>('calendar.files', stringList, cv).map((f) => path.resolve(base, f));
          // Read them now: a bad year file should stop tonight's import, not next month's report.
          for (const f of out.calendar.files) run('calendar.files', () => readYearFile(f), null);
        }
        break;
      }
      case 'checklists':
        try {
          out.checklists = resolveChecklists(v);
        } catch (e) {
          throw new UsageError(`config key ${(e as Error).message}`, file ? { where: file } : {});
        }
        break;
      case 'kpis':
        try {
          parseKpiOverrides(v);
        } catch (e) {
          throw new UsageError(`config key ${(e as Error).message}`, file ? { where: file } : {});
        }
        out.kpis = v;
        break;
      case 'disputes': {
        const d = object(v, 'disputes', file);
        for (const [dk, dv] of Object.entries(d)) {
          if (dk === 'windowDays') out.disputes.windowDays = run('disputes.windowDays', num(0, 365, { integer: true }), dv);
          else fail(`disputes.${dk}`, `unknown key${suggest(dk, ['windowDays'])}`, file);
        }
        break;
      }
      case 'partners': {
        const p = object(v, 'partners', file);
        const checks: Record<keyof EvaluationThresholds, Check> = {
          keepAt: num(0, 100),
          terminateBelow: num(0, 100),
          minRecords: num(0, 1_000_000, { integer: true }),
        };
        for (const [pk, pv] of Object.entries(p)) {
          const check = ownCheck(checks, pk);
          if (!check) fail(`partners.${pk}`, `unknown key${suggest(pk, Object.keys(checks))}`, file);
          (out.partners as unknown as Record<string, unknown>)[pk] = run(`partners.${pk}`, check, pv);
        }
        if (out.partners.terminateBelow > out.partners.keepAt) {
          fail('partners.terminateBelow', `must not be above partners.keepAt (${out.partners.keepAt}), got ${out.partners.terminateBelow}`, file);
        }
        break;
      }
      case 'review': {
        const r = object(v, 'review', file);
        for (const [rk, rv] of Object.entries(r)) {
          if (rk === 'player') out.review.player = rv === null ? null : run<string>('review.player', nonEmpty, rv);
          else fail(`review.${rk}`, `unknown key${suggest(rk, ['player'])}`, file);
        }
        break;
      }
      default:
        fail(k, `unknown key${suggest(k, topKeys.filter((t) => t !== '$schema'))}`, file);
    }
  }
  return out;
}
