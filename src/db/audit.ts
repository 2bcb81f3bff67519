/**
 * The append-only audit log: every change to findings and rectifications,
 * and every use of --unmask (SPEC §1, §4). Triggers refuse UPDATE and DELETE.
 */
import { currentUser } from '../core/actor.js';
import type { Db } from './open.js';

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
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
    .prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)')
    .run(
      e.at ?? Date.now(),
      e.actor ?? currentUser(),
      e.action,
      e.entity ?? null,
      e.entityId === undefined ? null : String(e.entityId),
      e.detail === undefined ? null : JSON.stringify(e.detail),
    );
  return Number(info.lastInsertRowid);
}

/** Record that someone saw unmasked phone numbers, and where. */
export function logUnmask(db: Db, where: string, phones: number): void {
  appendAudit(db, { action: 'unmask', entity: 'output', entityId: where, detail: { phones } });
}

export function listAudit(db: Db, since: number, limit: number): AuditEntry[] {
  return db.prepare('SELECT * FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ?').all(since, limit) as AuditEntry[];
}
