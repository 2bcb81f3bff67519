/**
 * Row versions (SPEC §2 "Nothing is lost by a re-import"): a row as it is
 * now and every earlier version a later import replaced, each with the
 * import that brought it. Read by `qa history <id>`.
 */
import { KIND_SCHEMAS, KINDS, type Kind } from '../core/kinds.js';
import type { Db } from './open.js';
import { contentColumns } from './schema.js';

export interface VersionImport {
  id: number;
  file: string | null;
  /** Epoch ms the import finished, or null (unknown import). */
  at: number | null;
}

export interface RowVersion {
  /** 1 = the oldest version kept. */
  version: number;
  current: boolean;
  /** The import that brought this version. */
  import: VersionImport;
  /** The import that replaced it (null for the current version). */
  replaced_by: VersionImport | null;
  /** The content columns of this version (timestamps as epoch ms, booleans 0/1). */
  values: Record<string, unknown>;
  /** Columns this version's replacement emptied. */
  cleared: string[];
}

export interface RowHistory {
  kind: Kind;
  id: string;
  versions: RowVersion[];
}

/**
 * The versions of the row with id `id`, oldest first, in every kind that has
 * it (ids are unique per kind, not across kinds) or only in `kind`. Empty when
 * no kind has the id.
 */
export function rowHistory(db: Db, id: string, kind?: Kind): RowHistory[] {
  const importOf = db.prepare('SELECT id, file, finished_at AS at FROM imports WHERE id = ?');
  const imp = (importId: number): VersionImport => (importOf.get(importId) as VersionImport | undefined) ?? { id: importId, file: null, at: null };
  const out: RowHistory[] = [];
  for (const k of kind ? [kind] : KINDS) {
    const schema = KIND_SCHEMAS[k];
    const cols = contentColumns(db, schema.table);
    const row = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')}, import_id FROM ${schema.table} WHERE ${schema.idField} = ?`).get(id) as
      | (Record<string, unknown> & { import_id: number })
      | undefined;
    if (!row) continue;
    const old = db
      .prepare('SELECT import_id, replaced_by, data, cleared FROM row_versions WHERE kind = ? AND row_id = ? ORDER BY id')
      .all(k, id) as { import_id: number; replaced_by: number; data: string; cleared: string | null }[];
    const versions: RowVersion[] = old.map((v, i) => ({
      version: i + 1,
      current: false,
      import: imp(v.import_id),
      replaced_by: imp(v.replaced_by),
      values: JSON.parse(v.data) as Record<string, unknown>,
      cleared: v.cleared ? v.cleared.split(',') : [],
    }));
    const { import_id, ...values } = row;
    versions.push({ version: old.length + 1, current: true, import: imp(import_id), replaced_by: null, values, cleared: [] });
    out.push({ kind: k, id, versions });
  }
  return out;
}

/** The columns whose value differs between two versions, in column order. */
export function changedColumns(before: Record<string, unknown> | null, after: Record<string, unknown>): string[] {
  return Object.keys(after).filter((c) => (before ? (before[c] ?? null) !== (after[c] ?? null) : after[c] !== null && after[c] !== undefined));
}
