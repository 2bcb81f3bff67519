import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { metaGet, openDb, resolveDbPath, schemaVersion } from '../../src/db/open.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { tmpDir } from '../helpers/tmp.js';

describe('the store (SPEC §1)', () => {
  it('resolves --db > QA_DB > ./qa.sqlite', () => {
    expect(resolveDbPath('x.sqlite', { QA_DB: '/env.sqlite' }, '/work')).toBe('/work/x.sqlite');
    expect(resolveDbPath(undefined, { QA_DB: '/env.sqlite' }, '/work')).toBe('/env.sqlite');
    expect(resolveDbPath(undefined, {}, '/work')).toBe('/work/qa.sqlite');
  });

  it('creates a private (0600) WAL database, migrated, with a random seed', () => {
    const f = path.join(tmpDir(), 'qa.sqlite');
    const db = openDb(f);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(metaGet(db, 'seed')).toMatch(/^[0-9a-f]{32}$/);
    db.prepare('INSERT INTO meta VALUES (?, ?)').run('x', 'y');
    db.close();
    for (const side of ['-wal', '-shm']) {
      if (fs.existsSync(f + side)) expect(fs.statSync(f + side).mode & 0o777).toBe(0o600);
    }
  });

  it('two databases get different seeds', () => {
    const a = openDb(path.join(tmpDir(), 'a.sqlite'));
    const b = openDb(path.join(tmpDir(), 'b.sqlite'));
    expect(metaGet(a, 'seed')).not.toBe(metaGet(b, 'seed'));
  });

  it('opening again does not migrate twice or change the seed', () => {
    const f = path.join(tmpDir(), 'qa.sqlite');
    const seed = metaGet(openDb(f), 'seed');
    expect(metaGet(openDb(f), 'seed')).toBe(seed);
  });

  it('refuses a database written by a newer qa, and leaves it alone', () => {
    const f = path.join(tmpDir(), 'qa.sqlite');
    openDb(f).close();
    const raw = new Database(f);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDb(f)).toThrow(`the database was written by a newer qa (schema ${SCHEMA_VERSION + 1}; this qa knows up to ${SCHEMA_VERSION})`);
    const again = new Database(f);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
  });

  it('says so when the file is not a database', () => {
    const f = path.join(tmpDir(), 'notes.txt');
    fs.writeFileSync(f, 'this is not sqlite'.repeat(100));
    expect(() => openDb(f)).toThrow('this file is not a qa database');
  });

  it('mustExist refuses to create a database for read-only commands', () => {
    const f = path.join(tmpDir(), 'none.sqlite');
    expect(() => openDb(f, { mustExist: true })).toThrow('no database here yet');
    expect(fs.existsSync(f)).toBe(false);
  });

  it('the schema, from an empty database', () => {
    const db = openDb(path.join(tmpDir(), 'qa.sqlite'));
    const schema = db.prepare(`SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all();
    expect(schema).toMatchSnapshot();
  });
});
