/**
 * SPEC §7's migration on a database made by the release before it (schema 4):
 * rectifications, their steps and their append-only triggers survive the
 * rebuild that lets a rectification come from an inspection or a partner.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { openDb } from '../../src/db/open.js';
import { ReviewStore } from '../../src/db/review.js';
import { tmpDir } from '../helpers/tmp.js';
import { migrateTo } from '../helpers/schema.js';

function schema4(file: string): void {
  const db = new Database(file);
  migrateTo(db);
  db.exec(`
    INSERT INTO records (record_id, record_type, occurred_at, department, staff_id, rank, first_import_id, import_id, line)
      VALUES ('SR-1', 'repair', 1760000000000, '技术部', 'JS01', 5, 1, 1, 2);
    INSERT INTO reviews (kind, item_id, checklist, checks, checks_total, sampled, auditor, started_at, snapshot)
      VALUES ('records', 'SR-1', 'repair', '["polite"]', 1, 1, 'auditor.li', 1760000000000, '{}');
    INSERT INTO findings (review_id, check_code, category, severity, check_text, result, note, auditor, found_at)
      VALUES (1, 'polite', 'conduct', 'major', '礼貌 / polite', 'fail', 'rude', 'auditor.li', 1760000000000);
    INSERT INTO rectifications (id, finding_id, state, owner_department, owner_person, opened_at, due_date, cause, updated_at)
      VALUES (7, 1, 'analysed', '技术部', 'JS01', 1760000000000, '2026-10-20', 'not trained', 1760000100000);
    INSERT INTO rectification_steps (rectification_id, from_state, to_state, actor, at, note, due_date)
      VALUES (7, NULL, 'open', 'auditor.li', 1760000000000, 'rude', '2026-10-20'),
             (7, 'open', 'analysed', 'JS01', 1760000100000, 'not trained', '2026-10-20');
  `);
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  db.close();
}

describe('migration to the SPEC §7 schema', () => {
  it('upgrades a schema-4 database in place: rectifications, steps and triggers kept; partner column added', () => {
    const file = path.join(tmpDir(), 'qa.sqlite');
    schema4(file);
    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const store = new ReviewStore(db);
      const r = store.rectification(7)!;
      expect(r).toMatchObject({ id: 7, finding_id: 1, state: 'analysed', cause: 'not trained', kind: 'records', item_id: 'SR-1', check_code: 'polite', finding_note: 'rude' });
      expect(store.steps(7).map((s) => s.to_state)).toEqual(['open', 'analysed']);
      const cols = db.prepare(`SELECT name, "notnull" FROM pragma_table_info('rectifications')`).all() as { name: string; notnull: number }[];
      expect(cols.find((c) => c.name === 'finding_id')!.notnull).toBe(0);
      expect(cols.map((c) => c.name)).toContain('subject_kind');
      expect((db.prepare(`SELECT name FROM pragma_table_info('records')`).pluck().all() as string[]).includes('partner')).toBe(true);
      // The append-only rules came back with the rebuilt tables.
      expect(() => db.prepare('DELETE FROM rectifications').run()).toThrow('rectifications are kept');
      expect(() => db.prepare(`UPDATE rectification_steps SET note = 'x'`).run()).toThrow('rectification history is append-only');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const next = store.insertSubjectRectification(
        { kind: 'inspections', id: 'INS-1', check: 'dress', category: 'conduct', severity: 'minor', text: '着装 / dress', note: 'no uniform', by: 'z', at: 1 },
        { department: '仓储部', person: 'CC03' },
        '2026-11-01',
      );
      expect(store.rectification(next)).toMatchObject({ kind: 'inspections', item_id: 'INS-1', checklist: 'inspection', check_code: 'dress', finding_note: 'no uniform', owner_person: 'CC03' });
    } finally {
      db.close();
    }
  });
});
