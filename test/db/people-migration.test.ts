/**
 * The people migration (SPEC §4 corrections, §8): a database made by the
 * release before it (schema 4) upgrades in place, keeps every row, lets a
 * rectification be withdrawn, and still refuses what it refused before.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb, schemaVersion } from '../../src/db/open.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { tmpDir } from '../helpers/tmp.js';
import { migrateTo } from '../helpers/schema.js';

function schema4(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrateTo(db);
  db.exec(`
    INSERT INTO reviews (kind, item_id, checklist, checks, checks_total, sampled, auditor, started_at, snapshot) VALUES ('records', 'R1', 'consult', '["polite"]', 1, 1, 'a', 0, '{}');
    INSERT INTO findings (review_id, check_code, category, severity, check_text, result, note, auditor, found_at) VALUES (1, 'polite', 'conduct', 'major', 't', 'fail', 'rude', 'a', 0);
    INSERT INTO rectifications (finding_id, state, owner_department, opened_at, due_date, updated_at) VALUES (1, 'analysed', '客服部', 0, '2026-11-30', 5);
    INSERT INTO rectification_steps (rectification_id, to_state, actor, at, note) VALUES (1, 'open', 'a', 0, 'rude');
    INSERT INTO rectification_steps (rectification_id, from_state, to_state, actor, at, note) VALUES (1, 'open', 'analysed', 'b', 5, 'cause');
  `);
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  db.close();
}

describe('people migration', () => {
  it('upgrades a schema-4 database in place: rows kept, withdrawn allowed, foreign keys and append-only triggers intact', () => {
    const f = path.join(tmpDir(), 'qa.sqlite');
    schema4(f);
    const db = openDb(f);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT id, state, owner_department, due_date FROM rectifications').all()).toEqual([{ id: 1, state: 'analysed', owner_department: '客服部', due_date: '2026-11-30' }]);
    expect(db.prepare('SELECT to_state FROM rectification_steps ORDER BY id').pluck().all()).toEqual(['open', 'analysed']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The new state is accepted; unknown states still are not.
    db.prepare(`UPDATE rectifications SET state = 'withdrawn' WHERE id = 1`).run();
    expect(() => db.prepare(`UPDATE rectifications SET state = 'gone' WHERE id = 1`).run()).toThrow(/CHECK constraint failed/);
    // The rebuilt tables keep their triggers and the child its reference.
    expect(() => db.exec('DELETE FROM rectifications')).toThrow('rectifications are kept');
    expect(() => db.exec(`UPDATE rectification_steps SET note = 'x'`)).toThrow('rectification history is append-only');
    expect(() => db.exec(`INSERT INTO rectification_steps (rectification_id, to_state, actor, at) VALUES (99, 'open', 'a', 0)`)).toThrow(/FOREIGN KEY/);
    const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('rectifications', 'rectification_steps') AND sql IS NOT NULL ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['rectification_steps_rect', 'rectifications_due', 'rectifications_source', 'rectifications_state', 'rectifications_subject']);
  });

  it('an answer changes only together with a recorded amendment that matches it', () => {
    const f = path.join(tmpDir(), 'qa.sqlite');
    schema4(f);
    const db = openDb(f);
    expect(() => db.exec(`UPDATE findings SET result = 'pass', note = NULL`)).toThrow('findings are final once recorded');
    db.exec(`INSERT INTO finding_amendments (finding_id, old_result, old_note, new_result, new_note, reason, actor, at) VALUES (1, 'fail', 'rude', 'pass', NULL, 'misheard', 'sup', 9)`);
    // Not what the amendment says.
    expect(() => db.exec(`UPDATE findings SET result = 'na', note = NULL`)).toThrow('findings are final once recorded');
    // The fields that say who found what never change.
    expect(() => db.exec(`UPDATE findings SET result = 'pass', note = NULL, auditor = 'z'`)).toThrow('findings are final once recorded');
    db.exec(`UPDATE findings SET result = 'pass', note = NULL`);
    // Replaying it is refused: the latest amendment starts from fail.
    expect(() => db.exec(`UPDATE findings SET result = 'pass', note = NULL`)).toThrow('findings are final once recorded');
    expect(() => db.exec('DELETE FROM finding_amendments')).toThrow('amendments are append-only');
  });
});
