/**
 * Complaint cases (SPEC §6; seed 000 §三(二) 投诉核查, 002 §三): recording
 * the verification report (核查报告) and linking a founded complaint to a
 * rectification in the closed loop of SPEC §4.
 *
 * Rules:
 *   - a complaint is verified once; a second report needs --amend and a
 *     reason, and is appended (the first stays, and the audit log has both);
 *   - founded = cause + responsible department (person optional, and never
 *     checked against the records: people change);
 *   - founded opens one rectification owned by the responsible
 *     department/person, due found + rectification.days;
 *   - an amendment to another owner moves the live rectification to them
 *     (while it is not done); to unfounded withdraws it (while not done);
 *     to founded again opens a new one.
 */
import type { Config } from '../config.js';
import { addDays, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import { complaintById, insertVerification, verificationsOf, type VerificationRow } from '../db/cases.js';
import type { Db } from '../db/open.js';
import { ReviewStore, type RectificationView } from '../db/review.js';
import { UsageError } from '../errors.js';

export interface VerifyInput {
  id: string;
  founded: boolean;
  cause?: string | undefined;
  /** `<dept>[/<staff>]` */
  responsibility?: string | undefined;
  by: string;
  at: number;
  amend?: boolean | undefined;
  reason?: string | undefined;
}

export interface VerifyResult {
  verification: VerificationRow;
  /** The live rectification after the step (opened, moved or kept), if any. */
  rectification: RectificationView | null;
  /** What happened to the rectification. */
  action: 'opened' | 'moved' | 'kept' | 'withdrawn' | 'none';
  /** Things the user should know (a done rectification that stays). */
  notes: string[];
}

/** `<dept>[/<staff>]` → parts; a usage error for an empty department. Pure. */
export function parseResponsibility(v: string): { department: string; person: string | null } {
  const i = v.indexOf('/');
  const department = (i === -1 ? v : v.slice(0, i)).trim();
  const person = i === -1 ? '' : v.slice(i + 1).trim();
  if (!department) throw new UsageError(`--responsibility needs a department, got "${v}"`, { hint: 'e.g. --responsibility 客服部/KF03 or --responsibility 仓储部' });
  return { department, person: person || null };
}

export function verifyComplaint(db: Db, config: Config, zone: Zone, input: VerifyInput): VerifyResult {
  const cause = input.cause?.trim() || null;
  let resp: { department: string; person: string | null } | null = null;
  if (input.founded) {
    if (input.responsibility === undefined) throw new UsageError('a founded complaint needs --responsibility <department>[/<staff>]', { hint: 'or pass --unfounded' });
    if (!cause) throw new UsageError('a founded complaint needs --cause "<what caused it>"', { hint: 'the verification report names the cause and who is responsible' });
    resp = parseResponsibility(input.responsibility);
  } else if (input.responsibility !== undefined) {
    throw new UsageError('--unfounded and --responsibility do not go together', { hint: 'an unfounded complaint has nobody responsible; give --cause to say why it is unfounded' });
  }
  if (input.amend && !input.reason?.trim()) throw new UsageError('--amend needs --reason "<why the verification changes>"');
  const store = new ReviewStore(db);
  return store.transaction(() => {
    const c = complaintById(db, input.id);
    if (!c) throw new UsageError(`there is no complaint "${input.id}"`, { hint: 'qa complaint list shows them; import the complaints export first if it is missing' });
    const history = verificationsOf(db, input.id);
    const prev = history.at(-1);
    if (prev && !input.amend) {
      throw new UsageError(`complaint ${input.id} was already verified (${prev.founded ? 'founded' : 'unfounded'}, by ${prev.verified_by} on ${zone.format(prev.verified_at)})`, {
        hint: 'to change it pass --amend --reason "<why>" (the first report is kept)',
      });
    }
    if (!prev && input.amend) throw new UsageError(`complaint ${input.id} has no verification to amend`, { hint: 'drop --amend' });
    const row: Omit<VerificationRow, 'id'> = {
      complaint_id: input.id,
      founded: input.founded ? 1 : 0,
      cause,
      responsible_department: resp?.department ?? null,
      responsible_person: resp?.person ?? null,
      verified_by: input.by,
      verified_at: input.at,
      amends: prev?.id ?? null,
      reason: input.reason?.trim() || null,
    };
    const vid = insertVerification(db, row);
    appendAudit(db, {
      actor: input.by,
      action: prev ? 'complaint.amend' : 'complaint.verify',
      entity: 'complaint',
      entityId: input.id,
      detail: { verification: vid, founded: input.founded, cause, responsibility: resp, ...(prev ? { amends: prev.id, reason: row.reason } : {}) },
      at: input.at,
    });

    const live = store.sourcedRectification('complaint', input.id);
    const active = live && live.state !== 'withdrawn' ? live : undefined;
    const closed = active && (active.state === 'done' || active.state === 'verified');
    const notes: string[] = [];
    let action: VerifyResult['action'] = 'none';
    if (input.founded && !active) {
      const due = addDays(zone.dateOf(input.at), config.rectification.days);
      const id = store.insertSourcedRectification({ source: 'complaint', source_id: input.id, owner_department: resp!.department, owner_person: resp!.person, opened_at: input.at, due_date: due });
      store.insertStep({ rectification_id: id, from_state: null, to_state: 'open', actor: input.by, at: input.at, note: cause, due_date: due });
      appendAudit(db, { actor: input.by, action: 'rectification.open', entity: 'rectification', entityId: id, detail: { complaint: input.id, owner_department: resp!.department, owner_person: resp!.person, due_date: due }, at: input.at });
      action = 'opened';
    } else if (input.founded && active) {
      const moved = active.owner_department !== resp!.department || active.owner_person !== resp!.person;
      if (moved && !closed) {
        store.updateRectification(active.id, { owner_department: resp!.department, owner_person: resp!.person, updated_at: input.at });
        appendAudit(db, {
          actor: input.by,
          action: 'rectification.owner',
          entity: 'rectification',
          entityId: active.id,
          detail: { complaint: input.id, from: { department: active.owner_department, person: active.owner_person }, to: resp, reason: row.reason },
          at: input.at,
        });
        action = 'moved';
      } else {
        action = 'kept';
        if (moved) notes.push(`rectification #${active.id} is already ${active.state}: it stays with ${active.owner_department ?? '—'}${active.owner_person ? `/${active.owner_person}` : ''}`);
      }
    } else if (!input.founded && active) {
      if (closed) {
        action = 'kept';
        notes.push(`rectification #${active.id} is already ${active.state}: it is kept (only one not yet done is withdrawn)`);
      } else {
        store.updateRectification(active.id, { state: 'withdrawn', updated_at: input.at });
        store.insertStep({ rectification_id: active.id, from_state: active.state, to_state: 'withdrawn', actor: input.by, at: input.at, note: row.reason, due_date: active.due_date });
        appendAudit(db, { actor: input.by, action: 'rectification.withdrawn', entity: 'rectification', entityId: active.id, detail: { complaint: input.id, reason: row.reason }, at: input.at });
        action = 'withdrawn';
      }
    }
    const after = action === 'withdrawn' ? (store.rectification(active!.id) ?? null) : (store.sourcedRectification('complaint', input.id) ?? null);
    return { verification: { id: vid, ...row }, rectification: after, action, notes };
  });
}
