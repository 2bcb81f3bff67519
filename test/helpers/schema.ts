import type Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/db/schema.js';

/**
 * Bring a raw database to schema `version` (default 4, the last release) the
 * way that release did: each migration and its user_version bump in one
 * transaction. For the upgrade-in-place tests.
 */
export function migrateTo(db: Database.Database, version = 4): void {
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
