import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/db/audit.js';
import { makeDb } from '../helpers/store.js';

describe('append-only tables refuse UPDATE and DELETE through SQL', () => {
  it('the audit log', () => {
    const db = makeDb();
    const id = appendAudit(db, { actor: 'a', action: 'finding.add', entity: 'finding', entityId: 1, detail: { x: 1 } });
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE id = ?`).run(id)).toThrow('the audit log is append-only');
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = ?').run(id)).toThrow('the audit log is append-only');
    expect(() => db.exec('DELETE FROM audit_log')).toThrow('the audit log is append-only');
    expect(db.prepare('SELECT actor FROM audit_log').pluck().all()).toEqual(['a']);
  });

  it('findings, rectification history and sample receipts', () => {
    const db = makeDb();
    db.exec(`
      INSERT INTO reviews (kind, item_id, checklist, checks, checks_total, sampled, auditor, started_at, snapshot) VALUES ('records', 'R1', 'consult', '[]', 1, 1, 'a', 0, '{}');
      INSERT INTO findings (review_id, check_code, category, severity, check_text, result, auditor, found_at) VALUES (1, 'polite', 'conduct', 'major', 't', 'fail', 'a', 0);
      INSERT INTO rectifications (finding_id, state, opened_at, due_date, updated_at) VALUES (1, 'open', 0, '2026-11-30', 0);
      INSERT INTO rectification_steps (rectification_id, to_state, actor, at) VALUES (1, 'open', 'a', 0);
      INSERT INTO sample_runs (kind, period, run_date, cutoff, watermark, seed, algorithm, params, population, population_digest, strata, drawn, created_at)
        VALUES ('records', '2026-10', '2026-10-21', 0, 0, 's', 'a', '{}', 1, 'd', '[]', 1, 0);
      INSERT INTO sample_items (kind, item_id, run_id, period, stratum, rank) VALUES ('records', 'R1', 1, '2026-10', 'consult', 1);
    `);
    const refused: [string, string][] = [
      [`UPDATE findings SET result = 'pass'`, 'findings are final once recorded'],
      ['DELETE FROM findings', 'findings are final once recorded'],
      ['DELETE FROM reviews', 'reviews are kept'],
      ['DELETE FROM rectifications', 'rectifications are kept'],
      [`UPDATE rectification_steps SET note = 'x'`, 'rectification history is append-only'],
      ['DELETE FROM rectification_steps', 'rectification history is append-only'],
      [`UPDATE sample_runs SET seed = 'x'`, 'sample receipts are append-only'],
      ['DELETE FROM sample_runs', 'sample receipts are append-only'],
      [`UPDATE sample_items SET item_id = 'R2'`, 'drawn items are append-only'],
      ['DELETE FROM sample_items', 'drawn items are append-only'],
    ];
    for (const [sql, message] of refused) expect(() => db.exec(sql), sql).toThrow(message);
  });
});
