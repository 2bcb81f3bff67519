/**
 * The counts of an import (SPEC §2: inserted / updated / unchanged) against a
 * model, over random sequences of files: new ids, ids already there with the
 * same or different content, rows deleted between imports. The writer counts
 * new rows by their rowids (above the largest at BEGIN) rather than by
 * count(*) before and after (db/imports.ts ImportWriter.commit).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { importFile } from '../../src/io/importFile.js';
import { tmpDir } from '../helpers/tmp.js';

describe('import counts', () => {
  it('inserted, updated and unchanged match a model over random import sequences', async () => {
    const file = fc.array(fc.record({ id: fc.integer({ min: 1, max: 30 }), v: fc.constantFrom('a', 'b') }), { maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ rows: file, deleteFirst: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 5 }), async (steps) => {
        const dir = tmpDir();
        const d = openDb(path.join(dir, 'qa.sqlite'));
        const model = new Map<number, string>();
        for (const [i, step] of steps.entries()) {
          // Rows deleted between imports (not something qa does; a rowid gap must not confuse the counts).
          for (let k = 0; k < step.deleteFirst && model.size > 0; k++) {
            const id = [...model.keys()].sort((a, b) => a - b)[0]!;
            d.prepare('DELETE FROM records WHERE record_id = ?').run(`R${id}`);
            model.delete(id);
          }
          const seen = new Set<number>();
          const rows = step.rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
          const f = path.join(dir, `f${i}.csv`);
          fs.writeFileSync(f, `record_id,record_type,occurred_at,notes\n${rows.map((r) => `R${r.id},repair,2026-10-05 09:00,${r.v}`).join('\n')}\n`);
          const s = await importFile(d, { kind: 'records', input: f, delimiter: ',', skipInvalid: false, allowClear: true, timezone: 'Asia/Shanghai', aliases: {}, worker: 'never', lang: 'en' });
          const expected = { inserted: 0, updated: 0, unchanged: 0 };
          for (const r of rows) {
            const was = model.get(r.id);
            if (was === undefined) expected.inserted++;
            else if (was !== r.v) expected.updated++;
            else expected.unchanged++;
            model.set(r.id, r.v);
          }
          expect({ inserted: s.inserted, updated: s.updated, unchanged: s.unchanged }).toEqual(expected);
          expect(d.prepare('SELECT count(*) FROM records').pluck().get()).toBe(model.size);
        }
        d.close();
      }),
      { numRuns: 60 },
    );
  });
});
