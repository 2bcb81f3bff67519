/**
 * A cell or flag value that names a property of Object.prototype
 * (`constructor`, `__proto__`, `toString`, …) is data like any other: a row
 * problem or an accepted value, never an internal error (exit 70). A
 * record_type cell `constructor` used to come back from the alias table as a
 * function and crash the SQLite write (found by the import-speed work's
 * review of the alias lookups; fixed with core/lookup.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { KIND_SCHEMAS, KINDS } from '../../src/core/kinds.js';
import { runQa } from '../helpers/run.js';
import { tmpDir } from '../helpers/tmp.js';

const NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__', 'CONSTRUCTOR', 'Constructor'];

/** A valid cell for each field type, so that one row differs from it in one column only. */
const GOOD: Record<string, string> = { text: 'x', timestamp: '2026-10-05 09:00:00', bool: '1', duration: '60', score: '4', record_type: 'repair', phone: '13812345678', choice: '' };

describe('values named like Object.prototype properties', () => {
  it.each([...KINDS])('%s: in any column, a row problem or a value, never exit 70', (kind) => {
    const dir = tmpDir();
    const fields = KIND_SCHEMAS[kind].fields;
    const header = [...fields.map((f) => f.name), 'extra_col'];
    const lines = [header.join(',')];
    let n = 0;
    for (const name of NAMES) {
      for (let c = 0; c < header.length; c++) {
        const row = header.map((_, i) => {
          if (i === c) return name;
          const f = fields[i];
          if (!f) return 'e';
          if (f.name === KIND_SCHEMAS[kind].idField) return `ID-${n}`;
          return f.type === 'choice' ? '' : (GOOD[f.type] ?? 'x');
        });
        lines.push(row.join(','));
        n++;
      }
    }
    const file = path.join(dir, `${kind}.csv`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const db = path.join(dir, 'qa.sqlite');
    const r = runQa(['--db', db, '--json', 'import', kind, '--skip-invalid', file]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { rows: number; inserted: number; rejected: number };
    expect(s.inserted + s.rejected).toBe(n);
    // Whatever was accepted is stored as text or a number, never an object's string form.
    const d = new Database(db, { readonly: true });
    const table = KIND_SCHEMAS[kind].table;
    const bad = d.prepare(`SELECT count(*) FROM ${table} WHERE ${fields.map((f) => `CAST(${f.name} AS TEXT) LIKE '%function%' OR CAST(${f.name} AS TEXT) LIKE '[object%'`).join(' OR ')}`).pluck().get();
    d.close();
    expect(bad).toBe(0);
  });

  it('flag values too: --delimiter constructor is a usage error', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'r.csv');
    fs.writeFileSync(file, 'record_id,record_type,occurred_at\nA,repair,2026-10-05 09:00\n');
    const r = runQa(['--db', path.join(dir, 'qa.sqlite'), 'import', 'records', '--delimiter', 'constructor', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--delimiter must be one character/);
  });
});
