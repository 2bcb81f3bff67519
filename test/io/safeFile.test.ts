/**
 * Issue 11 (SPEC §1 Files qa writes, §5 export as a set): temp files are
 * created exclusively under unpredictable names, 0600, never through a
 * symlink, removed on every exit path; the export set is replaced whole.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pendingCleanups, runCleanup } from '../../src/io/cleanup.js';
import { AtomicFile, replaceDirAtomic, writeFileAtomic } from '../../src/io/safeFile.js';
import { tmpDir } from '../helpers/tmp.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const mode = (f: string): number => fs.statSync(f).mode & 0o777;

describe('writeFileAtomic (--out)', () => {
  it('never writes through a symlink planted at the temp name the old code used, nor at the target', () => {
    const dir = tmpDir();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    // The old code wrote `.<name>.<pid>.tmp`: an attacker could plant it in advance.
    fs.symlinkSync(victim, path.join(dir, `.report.md.${process.pid}.tmp`));
    const out = path.join(dir, 'report.md');
    writeFileAtomic(out, '# report\n');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readFileSync(out, 'utf8')).toBe('# report\n');
    // A symlink at the target itself is replaced, not followed.
    const linked = path.join(dir, 'linked.md');
    fs.symlinkSync(victim, linked);
    writeFileAtomic(linked, 'new');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.lstatSync(linked).isSymbolicLink()).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') && !fs.lstatSync(path.join(dir, f)).isSymbolicLink())).toEqual([]);
    expect(pendingCleanups()).toBe(0);
  });

  it('a file with unmasked data is 0600; a masked one gets the umask default', () => {
    const dir = tmpDir();
    writeFileAtomic(path.join(dir, 'private.csv'), 'x', { private: true });
    writeFileAtomic(path.join(dir, 'masked.csv'), 'x');
    expect(mode(path.join(dir, 'private.csv'))).toBe(0o600);
    expect(mode(path.join(dir, 'masked.csv'))).toBe(0o666 & ~process.umask());
  });

  it('a failed write leaves the old file and no temp file, and names the file', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'r.html');
    fs.writeFileSync(out, 'old');
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...a: Parameters<typeof fs.writeSync>) => {
      if (typeof a[0] === 'number' && a[0] > 2) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return (real as (...x: unknown[]) => number)(...a);
    }) as typeof fs.writeSync);
    expect(() => writeFileAtomic(out, 'new content')).toThrow(/cannot write .*r\.html: ENOSPC/);
    expect(fs.readFileSync(out, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['r.html']);
  });
});

describe('AtomicFile (--rejects)', () => {
  it('writes under an unpredictable 0600 temp name, renames on commit, and is removed by the exit cleanup', () => {
    const dir = tmpDir();
    const a = new AtomicFile(path.join(dir, 'rejects.csv'));
    const b = new AtomicFile(path.join(dir, 'rejects.csv'));
    expect(path.basename(a.tempFile)).toMatch(/^\.rejects\.csv\.[A-Za-z0-9_-]{24}\.tmp$/);
    expect(a.tempFile).not.toBe(b.tempFile);
    expect(a.tempFile).not.toContain(String(process.pid));
    expect(mode(a.tempFile)).toBe(0o600);
    a.write('line 1\r\n');
    a.commit();
    expect(fs.readFileSync(path.join(dir, 'rejects.csv'), 'utf8')).toBe('line 1\r\n');
    // b is still open: an exit (normal, error or signal) runs the cleanup.
    expect(fs.existsSync(b.tempFile)).toBe(true);
    runCleanup();
    expect(fs.existsSync(b.tempFile)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['rejects.csv']);
  });

  it('refuses a file planted at its temp name instead of following it (O_EXCL)', () => {
    const dir = tmpDir();
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious');
    const bytes = Buffer.alloc(18, 0);
    vi.spyOn(crypto, 'randomBytes').mockImplementation((() => bytes) as unknown as typeof crypto.randomBytes);
    const predictable = path.join(dir, `.r.csv.${bytes.toString('base64url')}.tmp`);
    fs.symlinkSync(victim, predictable);
    expect(() => new AtomicFile(path.join(dir, 'r.csv'))).toThrow(/cannot write .*r\.csv: EEXIST/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });
});

describe('replaceDirAtomic (qa export)', () => {
  const SIX = ['report.json', 'report.md', 'report.html', 'kpis.csv', 'findings.csv', 'rectifications.csv'];

  it('replaces the set as a whole: nothing of the old set is left, nothing else appears', () => {
    const parent = tmpDir();
    const dir = path.join(parent, 'qa-2026-10');
    replaceDirAtomic(dir, SIX.map((n) => [n, `old ${n}`] as const));
    fs.writeFileSync(path.join(dir, 'stray.tmp'), 'x');
    replaceDirAtomic(dir, SIX.map((n) => [n, `new ${n}`] as const));
    expect(fs.readdirSync(dir).sort()).toEqual([...SIX].sort());
    for (const n of SIX) expect(fs.readFileSync(path.join(dir, n), 'utf8')).toBe(`new ${n}`);
    expect(fs.readdirSync(parent)).toEqual(['qa-2026-10']);
  });

  it('a failure half-way (disk full on the 4th file) leaves the old set whole and no temp folder', () => {
    const parent = tmpDir();
    const dir = path.join(parent, 'qa-2026-10');
    replaceDirAtomic(dir, SIX.map((n) => [n, `old ${n}`] as const));
    let calls = 0;
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...a: Parameters<typeof fs.writeSync>) => {
      if (typeof a[0] === 'number' && a[0] > 2 && ++calls === 4) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return (real as (...x: unknown[]) => number)(...a);
    }) as typeof fs.writeSync);
    expect(() => replaceDirAtomic(dir, SIX.map((n) => [n, `new ${n}`] as const))).toThrow(/ENOSPC/);
    for (const n of SIX) expect(fs.readFileSync(path.join(dir, n), 'utf8')).toBe(`old ${n}`);
    expect(fs.readdirSync(parent)).toEqual(['qa-2026-10']);
    expect(pendingCleanups()).toBe(0);
  });

  it('a signal while the files are written: the exit cleanup removes the temp folder, the old set stays', () => {
    const parent = tmpDir();
    const dir = path.join(parent, 'qa-2026-10');
    replaceDirAtomic(dir, SIX.map((n) => [n, `old ${n}`] as const));
    const real = fs.writeSync;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...a: Parameters<typeof fs.writeSync>) => {
      // The process is ending: what the signal handler does (cleanup, then exit) happens here.
      if (typeof a[0] === 'number' && a[0] > 2 && ++calls === 3) {
        runCleanup();
        throw new Error('exit');
      }
      return (real as (...x: unknown[]) => number)(...a);
    }) as typeof fs.writeSync);
    expect(() => replaceDirAtomic(dir, SIX.map((n) => [n, `new ${n}`] as const))).toThrow();
    expect(fs.readdirSync(parent)).toEqual(['qa-2026-10']);
    for (const n of SIX) expect(fs.readFileSync(path.join(dir, n), 'utf8')).toBe(`old ${n}`);
  });

  it('a private set (--unmask) is 0700 with 0600 files', () => {
    const parent = tmpDir();
    const dir = path.join(parent, 'qa-2026-10');
    replaceDirAtomic(dir, [['findings.csv', 'x']], { private: true });
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'findings.csv'))).toBe(0o600);
  });
});
