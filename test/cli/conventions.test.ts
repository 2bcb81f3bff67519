/**
 * SPEC §1 conventions across commands: Ctrl-C leaves nothing half-written,
 * `| head` prints no EPIPE noise, colour follows NO_COLOR / FORCE_COLOR,
 * config resolution and errors, internal errors are one line.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeRecords } from '../../fixtures/generate.js';
import { KIND_SCHEMAS } from '../../src/core/kinds.js';
import { json, runQa } from '../helpers/run.js';
import { EXPORTS, REPO, tmpDir } from '../helpers/tmp.js';

const RECORD_COLUMNS = KIND_SCHEMAS.records.fields.map((f) => f.name).join(', ');

describe('Ctrl-C', () => {
  it('interrupting a large import exits 130 and leaves the database as it was', async () => {
    const dir = tmpDir();
    const csv = path.join(dir, 'big.csv');
    await writeRecords(csv, 400_000, 2026, 10, 7);
    const db = path.join(dir, 'qa.sqlite');
    expect(runQa(['--db', db, 'import', 'surveys', path.join(EXPORTS, 'surveys-2026-09.csv')]).code).toBe(0);
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'import', 'records', csv], { env: { ...process.env, NO_COLOR: '1' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // Interrupt once it is well into the file: its uncommitted pages are spilling into the WAL.
    // (A fixed delay is no measure: on a quiet machine the whole file imports in under 2.5 s.)
    let exited = false;
    child.on('exit', () => (exited = true));
    const wal = `${db}-wal`;
    const started = Date.now();
    while (!exited && Date.now() - started < 30_000) {
      if (fs.existsSync(wal) && fs.statSync(wal).size > 2 * 1024 * 1024) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(exited).toBe(false);
    child.kill('SIGINT');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(130);
    expect(err).toContain('qa: interrupted; nothing from the current file was written');
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(0);
    expect(d.prepare(`SELECT count(*) FROM imports WHERE kind = 'records'`).pluck().get()).toBe(0);
    d.close();
  }, 60_000);
});

describe('output conventions', () => {
  it('`qa … | head -1` prints no EPIPE noise', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    expect(runQa(['--db', db, 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]).code).toBe(0);
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${path.join(REPO, 'bin', 'qa')}" --db "${db}" sample list --month 2026-10 --format csv | head -1`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout.startsWith('\uFEFFkind,item_id')).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('colour only when asked or on a terminal: FORCE_COLOR adds it, NO_COLOR (and a pipe) leave it out', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    runQa(['--db', db, 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]);
    const plain = runQa(['--db', db, 'imports']);
    const forced = runQa(['--db', db, 'imports'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    const piped = runQa(['--db', db, 'imports'], { env: { NO_COLOR: undefined } });
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[\d+m/;
    expect(plain.stdout).not.toMatch(ansi);
    expect(piped.stdout).not.toMatch(ansi);
    expect(forced.stdout).toMatch(ansi);
  });

  it('--json prints one document on stdout and nothing else there', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', 'records', path.join(EXPORTS, 'records-semicolon.csv'), '--delimiter', ';']);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe('config', () => {
  it('--config > QA_CONFIG > ./qa.config.json; qa config show prints the effective config', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'qa.config.json'), JSON.stringify({ rectification: { days: 5 } }));
    fs.writeFileSync(path.join(dir, 'env.json'), JSON.stringify({ rectification: { days: 6 } }));
    fs.writeFileSync(path.join(dir, 'flag.json'), JSON.stringify({ rectification: { days: 9 } }));
    const days = (args: string[], env: Record<string, string> = {}) => json<{ rectification: { days: number } }>(runQa([...args, '--json', 'config', 'show'], { cwd: dir, env })).rectification.days;
    expect(days([])).toBe(5);
    expect(days([], { QA_CONFIG: 'env.json' })).toBe(6);
    expect(days(['--config', 'flag.json'], { QA_CONFIG: 'env.json' })).toBe(9);
    const human = runQa(['config', 'show'], { cwd: dir });
    expect(human.stdout.split('\n')[0]).toBe(`# effective config from ${path.join(dir, 'qa.config.json')}`);
    const all = json<Record<string, unknown>>(runQa(['--json', 'config', 'show']));
    expect(Object.keys(all)).toEqual(['timezone', 'sampling', 'rectification', 'columns', 'calendar', 'checklists', 'disputes', 'callback', 'partners', 'review']);
  });

  it('an invalid config is a usage error naming the bad key and the file', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'c.json');
    for (const [cfg, msg] of [
      ['{"timezone": "Mars/Olympus"}', 'config key timezone: "Mars/Olympus" is not a time zone this Node.js knows (try "Asia/Shanghai")'],
      ['{"columns": {"records": {"recordid": ["单号2"]}}}', 'config key columns.records.recordid: unknown column (did you mean record_id?)'],
      ['{"rectification": {"days": 0}}', 'config key rectification.days: must be at least 1, got 0'],
      ['{"callback": {"churnrate": 0.1}}', 'config key callback.churnrate: unknown key (did you mean churnRate?)'],
      ['{"kpis": {"callback_coverage": {"channels": ["fax"]}}}', 'config key kpis.callback_coverage.channels: must be a non-empty list of phone, sms, online, interview'],
      ['{"sampling": ', 'the config file is not valid JSON'],
    ] as const) {
      fs.writeFileSync(f, cfg);
      const r = runQa(['--config', f, 'config', 'show']);
      expect(r.code, cfg).toBe(2);
      expect(r.stderr.startsWith(`qa: error: ${msg}`), r.stderr).toBe(true);
      expect(r.stderr).toContain(f);
    }
    const missing = runQa(['--config', path.join(dir, 'nope.json'), 'config', 'show']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('qa: error: cannot read the config file: ENOENT');
  });

  it('a database written by a newer qa is refused (exit 1), untouched', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    runQa(['--db', db, 'imports']).code; // nothing there yet: mustExist
    expect(runQa(['--db', db, 'import', 'records', path.join(EXPORTS, 'records-semicolon.csv'), '--delimiter', ';']).code).toBe(0);
    const d = new Database(db);
    const v = d.pragma('user_version', { simple: true }) as number;
    d.pragma(`user_version = ${v + 5}`);
    d.close();
    const r = runQa(['--db', db, 'imports']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`qa: error: the database was written by a newer qa (schema ${v + 5}; this qa knows up to ${v}) (${db})\nhint: upgrade qa; it will not downgrade a database\n`);
  });

  it('a bad QA_IMPORT_WORKER or QA_NOW is a usage error before anything is written', () => {
    const db = path.join(tmpDir(), 'qa.sqlite');
    const file = path.join(EXPORTS, 'records-semicolon.csv');
    const w = runQa(['--db', db, 'import', 'records', file, '--delimiter', ';'], { env: { QA_IMPORT_WORKER: 'yes' } });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('qa: error: QA_IMPORT_WORKER must be auto, always or never, not "yes"');
    expect(fs.existsSync(db)).toBe(false);
    const n = runQa(['--db', db, 'sample'], { env: { QA_NOW: 'tomorrow' } });
    expect(n.code).toBe(2);
    expect(n.stderr).toContain('qa: error: QA_NOW is not a date: tomorrow');
    expect(fs.existsSync(db)).toBe(false);
    // Every setting works (empty = unset, as env files write it), and the worker stores what the main thread stores.
    const stored: unknown[] = [];
    for (const setting of ['always', 'never', '']) {
      const d = path.join(tmpDir(), 'qa.sqlite');
      const r = runQa(['--db', d, '--json', 'import', 'records', file, '--delimiter', ';'], { env: { QA_IMPORT_WORKER: setting } });
      expect(r.code, r.stderr).toBe(0);
      expect((json(r) as { inserted: number }).inserted).toBeGreaterThan(0);
      const conn = new Database(d, { readonly: true });
      // Everything but rank, which each database's own seed decides.
      stored.push(conn.prepare(`SELECT ${RECORD_COLUMNS}, extras, line FROM records ORDER BY record_id`).raw().all());
      conn.close();
    }
    expect(stored[1]).toEqual(stored[0]);
    expect(stored[2]).toEqual(stored[0]);
  });

  it('read-only commands do not create a database', () => {
    const db = path.join(tmpDir(), 'none.sqlite');
    const r = runQa(['--db', db, 'rectify', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qa: error: no database here yet');
    expect(fs.existsSync(db)).toBe(false);
  });
});
