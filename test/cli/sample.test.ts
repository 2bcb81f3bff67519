import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/time.js';
import { json, runQa } from '../helpers/run.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

interface SampleJson {
  date: string;
  seed: string;
  records: { month: string; population: number; sampled: number; coverage: number; strata: { record_type: string; population: number; sampled: number; target: number }[]; drawn: string[] };
  calls: { week: string; population: number; drawn: string[] }[];
  runs: number[];
}

/** A database with the fixture exports imported (copied per test from one built once). */
let base = '';
let baseDir = '';
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-sample-base-'));
  base = path.join(baseDir, 'base.sqlite');
  const imp = (kind: string, ...files: string[]): void => {
    const r = runQa(['--db', base, 'import', kind, ...files.map((f) => path.join(EXPORTS, f))]);
    if (r.code !== 0) throw new Error(r.stderr);
  };
  imp('records', 'records-2026-09.csv', 'records-2026-10.csv');
  imp('calls', 'calls-2026-09.csv', 'calls-2026-10.csv');
  const db = new Database(base);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 60_000);

function freshDb(): string {
  const f = path.join(tmpDir(), 'qa.sqlite');
  fs.copyFileSync(base, f);
  return f;
}

function sample(db: string, ...args: string[]): SampleJson {
  const r = runQa(['--db', db, '--json', 'sample', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return json<SampleJson>(r);
}

describe('qa sample: every day of October 2026 from the fixtures', () => {
  it('keeps every stratum at ceil(20 %) of the month so far, the 1st of November closes October, and calls follow the weeks', () => {
    const db = freshDb();
    const seen = new Set<string>();
    const weeks = new Set<string>();
    let last: SampleJson | null = null;
    for (let d = '2026-10-01'; d <= '2026-11-01'; d = addDays(d, 1)) {
      const s = sample(db, '--date', d);
      expect(s.date).toBe(d);
      expect(s.records.month).toBe(d === '2026-10-01' ? '2026-09' : '2026-10');
      for (const st of s.records.strata) {
        expect(st.sampled).toBeGreaterThanOrEqual(Math.ceil(Math.round(0.2 * st.population * 1e9) / 1e9));
      }
      for (const id of s.records.drawn) {
        expect(seen.has(id), `${id} drawn twice`).toBe(false);
        seen.add(id);
      }
      for (const c of s.calls) {
        expect(weeks.has(c.week), `${c.week} drawn twice`).toBe(false);
        weeks.add(c.week);
        expect(c.drawn.length).toBe(Math.min(50, c.population));
      }
      last = s;
    }
    // The run on 11-01 saw the whole of October: the fixture's 1500 October records
    // plus the 4 September-file rows whose UTC timestamps fall on 1 October in Shanghai.
    expect(last!.records.month).toBe('2026-10');
    expect(last!.records.population).toBe(1504);
    expect(last!.records.coverage).toBeGreaterThanOrEqual(0.2);
    // The run on 10-01 closed September without those four rows.
    const dbh = new Database(db, { readonly: true });
    const sepPop = dbh.prepare(`SELECT population FROM sample_runs WHERE kind = 'records' AND period = '2026-09'`).pluck().all() as number[];
    expect(sepPop).toEqual([1200]);
    const xPeriods = dbh.prepare(`SELECT DISTINCT period FROM sample_items WHERE item_id LIKE 'SR-202609-X%'`).pluck().all();
    expect(xPeriods.every((p) => p === '2026-10')).toBe(true);
    dbh.close();
    // Complete weeks only: W44 (Oct 26 – Nov 1) is not complete on Nov 1.
    expect([...weeks].sort().at(-1)).toBe('2026-W43');
  }, 120_000);

  it('re-running the same date draws nothing new and prints the same worklist; new late records are topped up', () => {
    const db = freshDb();
    const first = sample(db, '--date', '2026-10-21');
    expect(first.runs.length).toBeGreaterThan(0);
    const again = sample(db, '--date', '2026-10-21');
    expect(again.runs).toEqual([]);
    expect(again.records.drawn).toEqual([]);
    expect(again.records.sampled).toBe(first.records.sampled);
    const human1 = runQa(['--db', db, 'sample', '--date', '2026-10-21']).stdout;
    const human2 = runQa(['--db', db, 'sample', '--date', '2026-10-21']).stdout;
    expect(human2).toBe(human1);
    expect(human1).toMatch(/Worklist: \d+ items pending review — qa sample list --pending/);
    // The day's worklist itself: its first 20 items, as qa sample list --pending orders them, then how many more.
    const pending = json<{ item_id: string; customer_phone: string | null }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--pending'], { env: { QA_NOW: '2026-10-21T09:00:00+08:00' } }));
    expect(pending.length).toBeGreaterThan(20);
    const listed = [...human1.matchAll(/^│ (\S+)\s+│/gm)].map((m) => m[1]).filter((id) => id !== 'item' && id !== 'type' && !/^(consult|contract|delivery|repair|return|total)$/.test(id!));
    expect(listed).toEqual(pending.slice(0, 20).map((p) => p.item_id));
    expect(human1).toContain(`… and ${pending.length - 20} more pending — qa sample list --pending`);
    expect(human1).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // phones masked
    // A late export for 10 October arrives: the next run tops the month up.
    const late = path.join(tmpDir(), 'late.csv');
    fs.writeFileSync(late, 'record_id,record_type,occurred_at\n' + Array.from({ length: 30 }, (_, i) => `LATE-${i},repair,2026-10-10 10:${String(i).padStart(2, '0')}`).join('\n') + '\n');
    expect(runQa(['--db', db, 'import', 'records', late]).code).toBe(0);
    const top = sample(db, '--date', '2026-10-21');
    expect(top.records.population).toBe(first.records.population + 30);
    const repair = top.records.strata.find((s) => s.record_type === 'repair')!;
    expect(repair.sampled).toBe(repair.target);
    expect(top.records.drawn.length).toBeGreaterThan(0);
  });

  it('--seed is used and recorded; the same seed on another copy gives the same draw', () => {
    const a = sample(freshDb(), '--date', '2026-10-15', '--seed', 'audit-2026');
    const b = sample(freshDb(), '--date', '2026-10-15', '--seed', 'audit-2026');
    const c = sample(freshDb(), '--date', '2026-10-15');
    expect(a.seed).toBe('audit-2026');
    expect(b.records.drawn).toEqual(a.records.drawn);
    expect(c.records.drawn).not.toEqual(a.records.drawn);
  });

  it('--month tops up a whole month', () => {
    const db = freshDb();
    const s = sample(db, '--month', '2026-09');
    expect(s.records.month).toBe('2026-09');
    expect(s.records.population).toBe(1200);
    expect(s.calls).toEqual([]);
  });
});

describe('qa sample verify', () => {
  it('passes on untouched data and fails naming the ids after the population changed', () => {
    const db = freshDb();
    const s = sample(db, '--date', '2026-10-21');
    const recRun = s.runs[0]!;
    const ok = runQa(['--db', db, 'sample', 'verify', String(recRun)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('✓ the population at the time was rebuilt: 972 records, digest matches the receipt');
    expect(ok.stdout).toContain('result: MATCH');
    for (const run of s.runs.slice(1)) expect(runQa(['--db', db, 'sample', 'verify', String(run)]).code).toBe(0);

    // A late record for 10-05 appears, and a re-export moves SR-202610-00007 to November.
    const f = path.join(tmpDir(), 'changes.csv');
    fs.writeFileSync(f, 'record_id,record_type,occurred_at\nLATE-1,consult,2026-10-05 09:00\nSR-202610-00007,consult,2026-11-02 09:00\n');
    const imp = runQa(['--db', db, '--json', 'import', 'records', f, '--allow-clear']);
    expect(json(imp)).toMatchObject({ inserted: 1, updated: 1 });
    const bad = runQa(['--db', db, 'sample', 'verify', String(recRun)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✓ the population at the time was rebuilt: 972 records');
    expect(bad.stdout).toContain('✓ the draw was recomputed');
    expect(bad.stdout).toContain('✗ the population changed after the draw: 1 appeared (LATE-1), 1 vanished (SR-202610-00007)');
    expect(bad.stdout).toContain('result: MISMATCH');
    const j = json<{ ok: boolean; population: { appeared: string[]; vanished: string[] } }>(runQa(['--db', db, '--json', 'sample', 'verify', String(recRun)]));
    expect(j).toMatchObject({ ok: false, population: { appeared: ['LATE-1'], vanished: ['SR-202610-00007'] } });
  });

  it('detects a receipt that no longer matches its draw (items changed outside qa)', () => {
    const db = freshDb();
    const s = sample(db, '--date', '2026-10-21');
    const raw = new Database(db);
    raw.exec('DROP TRIGGER sample_items_no_update');
    raw.prepare(`UPDATE sample_items SET item_id = 'SR-202610-00001-x' WHERE item_id = ?`).run(s.records.drawn[0]);
    raw.close();
    const r = runQa(['--db', db, 'sample', 'verify', String(s.runs[0])]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ the recomputed draw differs: 1 in the receipt but not recomputed \(SR-202610-00001-x\), 1 recomputed but not in the receipt/);
  });

  it('an unknown run is a usage error', () => {
    const r = runQa(['--db', freshDb(), 'sample', 'verify', '999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('qa: error: there is no sample run 999');
  });
});

describe('qa sample list', () => {
  it('prints the worklist as JSON, CSV or a table, phones masked', () => {
    const db = freshDb();
    sample(db, '--date', '2026-10-21');
    const items = json<{ kind: string; item_id: string; customer_phone: string | null; status: string }[]>(runQa(['--db', db, '--json', 'sample', 'list', '--month', '2026-10']));
    expect(items.filter((i) => i.kind === 'records').length).toBe(198);
    expect(items.some((i) => i.kind === 'calls')).toBe(true);
    for (const i of items) if (i.customer_phone) expect(i.customer_phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(items.every((i) => i.status === 'pending')).toBe(true);
    const csv = runQa(['--db', db, 'sample', 'list', '--month', '2026-10', '--format', 'csv']).stdout;
    expect(csv.startsWith('\uFEFFkind,item_id,period,stratum,run_id,drawn_on,at,')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean).length).toBe(items.length + 1);
    const table = runQa(['--db', db, 'sample', 'list', '--month', '2026-10', '--pending']).stdout;
    expect(table).toMatch(/\d+ items, \d+ pending/);
    const unmasked = json<{ customer_phone: string | null }[]>(runQa(['--db', db, '--json', '--unmask', 'sample', 'list', '--month', '2026-10']));
    expect(unmasked.some((i) => i.customer_phone && /^\d{11}$/.test(i.customer_phone))).toBe(true);
    const log = new Database(db, { readonly: true }).prepare(`SELECT action, entity_id FROM audit_log`).all();
    expect(log).toEqual([{ action: 'unmask', entity_id: 'sample list --month 2026-10' }]);
  });
});

describe('concurrency', () => {
  it('two qa sample processes started together never draw twice and neither fails', async () => {
    const db = freshDb();
    const run = (): Promise<{ code: number; out: string; err: string }> =>
      new Promise((resolve) => {
        const p = spawn(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, '--json', 'sample', '--date', '2026-11-01'], { env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const ja = JSON.parse(a.out) as SampleJson;
    const jb = JSON.parse(b.out) as SampleJson;
    // One of them drew; the other found nothing left to draw.
    expect([ja.runs.length, jb.runs.length].filter((n) => n > 0)).toHaveLength(1);
    const dbh = new Database(db, { readonly: true });
    const weeks = dbh.prepare(`SELECT period, count(*) n FROM sample_runs WHERE kind = 'calls' GROUP BY period HAVING n > 1`).all();
    expect(weeks).toEqual([]);
    dbh.close();
  });
});

describe('config for sampling', () => {
  it('uses sampling.recordRate and callsPerWeek from the config', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'qa.config.json'), JSON.stringify({ sampling: { recordRate: 0.5, callsPerWeek: 10, minCallSeconds: 60 } }));
    const db = freshDb();
    const r = runQa(['--db', db, '--json', 'sample', '--date', '2026-10-21'], { cwd: dir });
    const s = json<SampleJson>(r);
    for (const st of s.records.strata) expect(st.sampled).toBe(Math.ceil(st.population * 0.5));
    for (const c of s.calls) expect(c.drawn.length).toBe(10);
  });

  it.each([
    [{ sampling: { recordRate: 1.5 } }, 'qa: error: config key sampling.recordRate: must be at most 1, got 1.5'],
    [{ sampling: { recordRate: 0 } }, 'qa: error: config key sampling.recordRate: must be greater than 0, got 0'],
    [{ sampling: { callsPerWeek: 12.5 } }, 'qa: error: config key sampling.callsPerWeek: must be a whole number, got 12.5'],
    [{ sampling: { minCallSecond: 30 } }, 'qa: error: config key sampling.minCallSecond: unknown key (did you mean minCallSeconds?)'],
    [{ samplng: {} }, 'qa: error: config key samplng: unknown key (did you mean sampling?)'],
  ])('%j is refused, naming the key', (cfg, message) => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'qa.config.json'), JSON.stringify(cfg));
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'sample'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message)).toBe(true);
  });
});
