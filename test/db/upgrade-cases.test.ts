/**
 * A database made by the release before SPEC §6 (schema 4: findings,
 * rectifications and their steps already recorded) upgrades in place: the
 * rectifications and their history survive the table rebuild with their ids,
 * foreign keys hold, the append-only rules still apply, and the new sources
 * (complaint, survey) can be recorded.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb, schemaVersion } from '../../src/db/open.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { tmpDir } from '../helpers/tmp.js';
import { migrateTo } from '../helpers/schema.js';

/** A schema-4 database as today's release leaves it, with one finding, its rectification and two steps. */
function schema4(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrateTo(db);
  db.exec(`
    INSERT INTO records (record_id, record_type, occurred_at, rank, first_import_id, import_id, line) VALUES ('SR-1', 'consult', 1791511200000, 1, 1, 1, 2);
    INSERT INTO complaints (complaint_id, received_at, customer_id, first_import_id, import_id, line) VALUES ('TS-1', 1791511200000, 'K1', 1, 1, 2);
    INSERT INTO surveys (survey_id, customer_id, surveyed_at, channel, first_import_id, import_id, line) VALUES ('HF-1', 'K1', 1791511200000, 'phone', 1, 1, 2);
    INSERT INTO reviews (id, kind, item_id, checklist, checks, checks_total, sampled, auditor, started_at, snapshot) VALUES (1, 'records', 'SR-1', 'consult', '["polite"]', 1, 1, 'li', 1, '{}');
    INSERT INTO findings (id, review_id, check_code, category, severity, check_text, result, note, auditor, found_at) VALUES (7, 1, 'polite', 'conduct', 'minor', 'x / x', 'fail', 'rude', 'li', 1);
    INSERT INTO rectifications (id, finding_id, state, owner_department, owner_person, opened_at, due_date, cause, updated_at) VALUES (3, 7, 'analysed', '客服部', 'KF01', 1, '2026-10-15', 'no training', 2);
    INSERT INTO rectification_steps (id, rectification_id, from_state, to_state, actor, at, note, due_date) VALUES (10, 3, NULL, 'open', 'li', 1, 'rude', '2026-10-15'), (11, 3, 'open', 'analysed', 'KF01', 2, 'no training', '2026-10-15');
  `);
  expect(schemaVersion(db)).toBe(4);
  db.close();
}

describe('upgrade from schema 4 (SPEC §6 migration)', () => {
  it('keeps rectifications and steps, with ids; foreign keys hold; append-only still enforced; new sources work', () => {
    const file = path.join(tmpDir(), 'old.sqlite');
    schema4(file);
    const db = openDb(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT id, finding_id, source, source_id, state, owner_person, cause FROM rectifications').all()).toEqual([
      { id: 3, finding_id: 7, source: 'finding', source_id: null, state: 'analysed', owner_person: 'KF01', cause: 'no training' },
    ]);
    expect(db.prepare('SELECT id, rectification_id, to_state FROM rectification_steps ORDER BY id').all()).toEqual([
      { id: 10, rectification_id: 3, to_state: 'open' },
      { id: 11, rectification_id: 3, to_state: 'analysed' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.prepare('DELETE FROM rectifications').run()).toThrow(/rectifications are kept/);
    expect(() => db.prepare('UPDATE rectification_steps SET note = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare(`INSERT INTO rectification_steps (rectification_id, to_state, actor, at) VALUES (99, 'open', 'x', 1)`).run()).toThrow(/FOREIGN KEY/);
    // A complaint's rectification has no finding; a finding's must have one; one live per complaint.
    db.prepare(`INSERT INTO rectifications (source, source_id, state, opened_at, due_date, updated_at) VALUES ('complaint', 'TS-1', 'open', 5, '2026-11-09', 5)`).run();
    expect(() => db.prepare(`INSERT INTO rectifications (source, source_id, state, opened_at, due_date, updated_at) VALUES ('complaint', 'TS-1', 'open', 6, '2026-11-09', 6)`).run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO rectifications (source, state, opened_at, due_date, updated_at) VALUES ('finding', 'open', 6, '2026-11-09', 6)`).run()).toThrow(/CHECK/);
    // The new columns are there.
    expect(db.prepare(`SELECT description, severity, feedback_at FROM complaints`).get()).toEqual({ description: null, severity: null, feedback_at: null });
    expect(db.prepare(`SELECT hidden_fee, return_score FROM surveys`).get()).toEqual({ hidden_fee: null, return_score: null });
    db.close();
    // Opening again migrates nothing.
    const again = openDb(file);
    expect(again.prepare('SELECT count(*) FROM rectifications').pluck().get()).toBe(2);
    again.close();
  });
});
