/**
 * The append-only audit log: every change to findings and rectifications,
 * and every use of --unmask (SPEC §1, §4). Triggers refuse UPDATE and DELETE.
 * Each entry names the actor (--by / --auditor / QA_USER, which anyone can
 * type) and, beside it, the operating-system user who ran qa.
 */
import { currentUser, osUser } from '../core/actor.js';
import type { Db } from './open.js';

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
  /** The login that ran qa (null for entries older than the column). */
  os_user: string | null;
}

export interface NewAuditEntry {
  actor?: string;
  action: string;
  entity?: string;
  entityId?: string | number;
  detail?: unknown;
  at?: number;
}

export function appendAudit(db: Db, e: NewAuditEntry): number {
  const info = db
    .prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, os_user) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(
      e.at ?? Date.now(),
      e.actor ?? currentUser(),
      e.action,
      e.entity ?? null,
      e.entityId === undefined ? null : String(e.entityId),
      e.detail === undefined ? null : JSON.stringify(e.detail),
      osUser(),
    );
  return Number(info.lastInsertRowid);
}

/** At most this many row ids in one --unmask entry (the count says how many there were). */
export const UNMASK_ROW_IDS = 1000;

/**
 * Record that someone saw unmasked phone numbers (SPEC §1): the command, how
 * many phone numbers went out, and the ids of the rows they came from.
 */
export function logUnmask(db: Db, command: string, phones: number, rows: readonly string[], at?: number): void {
  appendAudit(db, {
    ...(at === undefined ? {} : { at }),
    action: 'unmask',
    entity: 'output',
    entityId: command,
    detail: { phones, rows: rows.slice(0, UNMASK_ROW_IDS), ...(rows.length > UNMASK_ROW_IDS ? { rows_total: rows.length } : {}) },
  });
}

export function listAudit(db: Db, since: number, limit: number): AuditEntry[] {
  return db.prepare('SELECT * FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ?').all(since, limit) as AuditEntry[];
}
