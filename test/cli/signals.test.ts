/**
 * Issue 11 (SPEC §1 Signals, Files qa writes): SIGINT, SIGTERM and SIGHUP
 * end qa alike — at once, even while stdin is still open — with a message,
 * exit 128 + signal, and the stdin spool (which holds every phone number
 * unmasked) removed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO, tmpDir } from '../helpers/tmp.js';

const spools = (tmp: string): string[] => fs.readdirSync(tmp).filter((f) => f.startsWith('qa-stdin-'));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('signals while importing from a pipe that is still open', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal}: exits ${code} at once with a message, removes the stdin spool, writes nothing`, async () => {
      const dir = tmpDir();
      const tmp = path.join(dir, 'tmp');
      fs.mkdirSync(tmp);
      const db = path.join(dir, 'qa.sqlite');
      const child = spawn(process.execPath, [path.join(REPO, 'bin', 'qa'), '--db', db, 'import', 'records', '-'], {
        env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', NO_COLOR: '1', TMPDIR: tmp },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number>((r) => child.on('close', (c, s) => r(c ?? (s ? -1 : -2))));
      // Part of an export with customers' numbers; the pipe stays open (a slow producer).
      child.stdin.write('record_id,record_type,occurred_at,customer_phone,notes\nSR-1,consult,2026-10-01 10:00,13812345678,回电 02155556633\n');
      expect(await waitFor(() => spools(tmp).some((s) => fs.existsSync(path.join(tmp, s, 'stdin.csv')) && fs.statSync(path.join(tmp, s, 'stdin.csv')).size > 0), 15_000)).toBe(true);
      const spooled = path.join(tmp, spools(tmp)[0]!, 'stdin.csv');
      expect(fs.statSync(spooled).mode & 0o777).toBe(0o600);
      const sent = Date.now();
      child.kill(signal);
      const result = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-99), 10_000))]);
      if (result === -99) child.kill('SIGKILL');
      expect(result).toBe(code);
      expect(Date.now() - sent).toBeLessThan(5_000);
      expect(err).toContain('interrupted');
      expect(err).not.toContain('13812345678');
      expect(spools(tmp)).toEqual([]);
      if (fs.existsSync(db)) {
        const d = new Database(db, { readonly: true });
        expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(0);
        d.close();
      }
    }, 40_000);
  }
});
