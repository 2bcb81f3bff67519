/**
 * qa review through the prompt wrapper (in-process, scripted keys): pass the
 * rest stops at a check the data says failed; the data verdicts agree with the
 * KPI the report computes for every record of the month.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayRules, loadCalendar } from '../../src/app/report.js';
import { runReview } from '../../src/commands/review.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { makeContext } from '../../src/context.js';
import { recordVerdict, type VerdictRecord } from '../../src/core/kpis.js';
import { Zone } from '../../src/core/time.js';
import type { KeyChoice, Prompts } from '../../src/io/prompts.js';
import { json, runQa } from '../helpers/run.js';
import { EXPORTS, tmpDir } from '../helpers/tmp.js';

let base = '';
let baseDir = '';
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-keys-'));
  base = path.join(baseDir, 'qa.sqlite');
  for (const [k, f] of [
    ['records', 'records-2026-10.csv'],
    ['calls', 'calls-2026-10.csv'],
  ] as const) {
    const r = runQa(['--db', base, 'import', k, path.join(EXPORTS, f)]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const r = runQa(['--db', base, 'sample', '--date', '2026-11-01']);
  if (r.code !== 0) throw new Error(r.stderr);
  const db = new Database(base);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

const zone = new Zone('Asia/Shanghai');
const days = dayRules('2026-10', zone, loadCalendar(DEFAULT_CONFIG), new Set());
const dayOf = (t: number) => days[Number(zone.dateOf(t).slice(8, 10)) - 1]!;

function records(db: string, type: string): (VerdictRecord & { record_id: string })[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT * FROM records WHERE record_type = ?').all(type) as (VerdictRecord & { record_id: string })[];
  } finally {
    d.close();
  }
}

describe('data verdicts agree with the report', () => {
  it.each([
    ['consult', 'response_time', 'consult_response_on_time'],
    ['repair', 'response_time', 'repair_response_on_time'],
    ['delivery', 'on_time', 'delivery_on_time'],
    ['contract', 'on_time', 'contract_within_3wd'],
    ['repair', 'first_time_fix', 'first_time_fix_rate'],
    ['consult', 'fit_recommendation', 'recommendation_fit_rate'],
  ])('%s %s: passes = the numerator of %s, verdicts = its denominator', (type, check, kpi) => {
    const vs = records(base, type).map((r) => recordVerdict(check, r, dayOf(r.occurred_at)));
    const k = json<{ kpis: { id: string; numerator: number; denominator: number }[] }>(runQa(['--db', base, '--json', 'report', '--month', '2026-10'])).kpis.find((x) => x.id === kpi)!;
    expect(vs.filter((v) => v?.result === 'pass').length).toBe(k.numerator);
    expect(vs.filter((v) => v !== null).length).toBe(k.denominator);
  });
});

/** Scripted prompts: each question takes the next key; records what was asked and offered. */
function scripted(keys: string[]): Prompts & { asked: { message: string; keys: string[] }[] } {
  const asked: { message: string; keys: string[] }[] = [];
  const p = {
    asked,
    async key<T extends string>(message: string, choices: readonly KeyChoice<T>[]): Promise<T> {
      asked.push({ message, keys: choices.map((c) => c.key) });
      const k = keys.shift();
      const c = choices.find((x) => x.key === k);
      if (!c) throw new Error(`key ${k} not offered for: ${message} (offered ${choices.map((x) => x.key).join('')})`);
      return c.value;
    },
    answer: () => Promise.reject(new Error('not used')),
    async text() {
      return keys.shift() ?? '';
    },
    async choose<T extends string>(_m: string, choices: readonly { name: string; value: T }[]): Promise<T> {
      return choices[Number(keys.shift())]!.value;
    },
  };
  return p as Prompts & { asked: typeof asked };
}

function context(db: string) {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const ctx = makeContext({ db, lang: 'en' }, { stdout, stderr: new PassThrough(), stdin }, { QA_USER: 'li', NO_COLOR: '1', QA_NOW: '2026-11-23T12:00:00+08:00' }, tmpDir());
  return { ctx, out: () => text };
}

describe('qa review keys (prompt wrapper)', () => {
  it('a passes the rest but stops at a check the data says failed; the auditor answers that one', async () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    fs.copyFileSync(base, db);
    const sampled = json<{ item_id: string; stratum: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    const late = records(db, 'consult').find((r) => sampled.some((s) => s.item_id === r.record_id) && recordVerdict('response_time', r, dayOf(r.occurred_at))?.result === 'fail')!;
    expect(late).toBeDefined();
    const prompts = scripted(['a', 'f', 'answered after 40 min', 'a']);
    const { ctx, out } = context(db);
    expect(await runReview(ctx, { item: late.record_id }, prompts)).toBe(0);
    // Asked: polite (a), then response_time (the data says fail), then the next one (a).
    expect(prompts.asked.map((a) => /\[(\w+)/.exec(a.message)?.[1])).toEqual(['polite', 'response_time', 'fit_recommendation']);
    expect(prompts.asked[1]!.message).toMatch(/the data says ✘ fail: answered in \d+ min, limit (15|30) min/);
    expect(prompts.asked[0]!.keys).toEqual(['p', 'f', 'n', 'a', 'k', 's']); // no c before an answer, no o for a record
    expect(prompts.asked[1]!.keys).toContain('c');
    const d = new Database(db, { readonly: true });
    const rows = d.prepare('SELECT check_code, result FROM findings ORDER BY id').all() as { check_code: string; result: string }[];
    d.close();
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.result === 'fail').map((r) => r.check_code)).toEqual(['response_time']);
    expect(out()).toContain('rectification #1 opened');
  });
});
