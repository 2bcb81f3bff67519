/**
 * Corrections (SPEC §4) and disputes (SPEC §8).
 *
 * `amendFinding` is the one path that changes a recorded answer: the
 * original stays in finding_amendments and the audit log; amending a fail to
 * pass or n.a. withdraws its rectification (state `withdrawn`, kept) while it
 * is not yet done; amending to fail opens one (or reopens the one an earlier
 * correction withdrew). `qa finding amend` and a dispute's overturn both go
 * through it. Every change is one transaction with its audit-log entries.
 */
import type { Config } from '../config.js';
import type { State } from '../core/rectification.js';
import type { Result } from '../core/scoring.js';
import { addDays, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import {
  amendments,
  decideDisputeRow,
  dispute,
  disputesOfFinding,
  insertAmendment,
  insertDispute,
  rectificationIdOfFinding,
  setFindingAnswer,
  type AmendmentRow,
  type DisputeView,
} from '../db/people.js';
import type { FindingRow, ItemRow, ReviewStore } from '../db/review.js';
import { QaError, UsageError } from '../errors.js';
import { ownerOf, reviewState, type ReviewState } from './review.js';

export interface AmendInput {
  item: ItemRow;
  check: string;
  result: Result;
  /** Why the answer changes (kept with the amendment). */
  reason: string;
  /** The finding's note after the change; a fail without one takes the reason. */
  note?: string | undefined;
  by: string;
  at: number;
  /** Set by a dispute's overturn. */
  disputeId?: number | undefined;
}

export interface AmendOutcome {
  amendmentId: number;
  findingId: number;
  from: Result;
  to: Result;
  rectification: { id: number; action: 'withdrawn' | 'opened' | 'reopened' | 'kept'; state: State } | null;
  state: ReviewState;
}

/** The answer of one check of an item, or a usage error that says what to do instead. */
export function answerOf(store: ReviewStore, config: Config, item: ItemRow, check: string): { st: ReviewState; finding: FindingRow } {
  const st = reviewState(store, config, item);
  const c = st.checks.find((x) => x.code === check);
  if (!c) {
    throw new UsageError(`"${check}" is not a check of the ${st.checklist.kind} checklist`, {
      hint: `its checks are: ${st.checks.map((x) => x.code).join(', ')} (qa checklist show ${st.checklist.kind})`,
    });
  }
  if (!c.answer) {
    throw new UsageError(`${item.id} has no answer for ${check} yet: there is nothing to correct`, {
      hint: `record it with qa finding add --item ${item.id} --check ${check} --result pass|fail|na`,
    });
  }
  return { st, finding: c.answer };
}

/** When the current answer was given and by whom: the last correction, else the original answer. */
export function currentAnswer(store: ReviewStore, finding: FindingRow): { at: number; by: string } {
  const last = amendments(store.db, finding.id).at(-1);
  return last ? { at: last.at, by: last.actor } : { at: finding.found_at, by: finding.auditor };
}

export function amendFinding(store: ReviewStore, config: Config, zone: Zone, input: AmendInput): AmendOutcome {
  const reason = input.reason.trim();
  if (!reason) throw new UsageError('a correction needs a reason', { hint: 'pass --reason "<why the answer was wrong>"' });
  return store.transaction(() => {
    const { item } = input;
    const { finding } = answerOf(store, config, item, input.check);
    const from = finding.result;
    if (from === input.result) {
      throw new UsageError(`${item.id} ${input.check} is already ${from}: nothing to amend`, { hint: 'pass the answer it should have: --result pass|fail|na' });
    }
    const note = input.note?.trim() || (input.result === 'fail' ? reason : null);
    const db = store.db;
    let rect: AmendOutcome['rectification'] = null;
    const rectId = rectificationIdOfFinding(db, finding.id);
    const cur = rectId !== undefined ? store.rectification(rectId)! : undefined;
    const step = (id: number, fromState: State, to: State, due: string, action: string): void => {
      store.insertStep({ rectification_id: id, from_state: fromState, to_state: to, actor: input.by, at: input.at, note: reason, due_date: due });
      appendAudit(db, {
        actor: input.by,
        action: `rectification.${action}`,
        entity: 'rectification',
        entityId: id,
        detail: { finding: finding.id, from: fromState, to, reason, ...(input.disputeId ? { dispute: input.disputeId } : {}) },
        at: input.at,
      });
    };
    if (from === 'fail' && cur) {
      // Withdrawn while not yet done; work already done (or verified) stays on file as it is.
      if (cur.state === 'done' || cur.state === 'verified' || cur.state === 'withdrawn') rect = { id: cur.id, action: 'kept', state: cur.state };
      else {
        store.updateRectification(cur.id, { state: 'withdrawn', updated_at: input.at });
        step(cur.id, cur.state, 'withdrawn', cur.due_date, 'withdrawn');
        rect = { id: cur.id, action: 'withdrawn', state: 'withdrawn' };
      }
    } else if (input.result === 'fail') {
      const due = addDays(zone.dateOf(input.at), config.rectification.days);
      if (cur && cur.state === 'withdrawn') {
        store.updateRectification(cur.id, { state: 'open', due_date: due, updated_at: input.at });
        step(cur.id, 'withdrawn', 'open', due, 'reopened');
        rect = { id: cur.id, action: 'reopened', state: 'open' };
      } else if (cur) {
        rect = { id: cur.id, action: 'kept', state: cur.state };
      } else {
        const owner = ownerOf(item, config);
        const id = store.insertRectification({ finding_id: finding.id, owner_department: owner.department, owner_person: owner.person, opened_at: input.at, due_date: due });
        store.insertStep({ rectification_id: id, from_state: null, to_state: 'open', actor: input.by, at: input.at, note, due_date: due });
        appendAudit(db, {
          actor: input.by,
          action: 'rectification.open',
          entity: 'rectification',
          entityId: id,
          detail: { finding: finding.id, owner_department: owner.department, owner_person: owner.person, due_date: due, amended: true },
          at: input.at,
        });
        rect = { id, action: 'opened', state: 'open' };
      }
    }
    const amendment: Omit<AmendmentRow, 'id'> = {
      finding_id: finding.id,
      old_result: from,
      old_note: finding.note,
      new_result: input.result,
      new_note: note,
      reason,
      actor: input.by,
      at: input.at,
      dispute_id: input.disputeId ?? null,
      rectification_id: rect?.id ?? null,
      rectification_action: rect?.action ?? null,
    };
    const amendmentId = insertAmendment(db, amendment);
    setFindingAnswer(db, finding.id, input.result, note);
    appendAudit(db, {
      actor: input.by,
      action: 'finding.amend',
      entity: 'finding',
      entityId: finding.id,
      detail: {
        item: `${item.kind}:${item.id}`,
        check: input.check,
        from,
        to: input.result,
        original: { result: from, note: finding.note, auditor: finding.auditor },
        reason,
        ...(input.disputeId ? { dispute: input.disputeId } : {}),
        ...(rect ? { rectification: rect.id, rectification_action: rect.action } : {}),
      },
      at: input.at,
    });
    return { amendmentId, findingId: finding.id, from, to: input.result, rectification: rect, state: reviewState(store, config, item) };
  });
}

// ----------------------------------------------------------------- disputes

export interface OpenDisputeInput {
  item: ItemRow;
  check: string;
  by: string;
  reason: string;
  at: number;
}

/**
 * Appeal a failed answer within `disputes.windowDays` (local calendar days
 * after the day of the answer; a corrected answer counts from its
 * correction). One open dispute per answer; the auditor who gave it corrects
 * it with qa finding amend instead.
 */
export function openDispute(store: ReviewStore, config: Config, zone: Zone, input: OpenDisputeInput): DisputeView {
  const reason = input.reason.trim();
  if (!reason) throw new UsageError('a dispute needs a reason', { hint: 'pass --reason "<why the finding is wrong>"' });
  return store.transaction(() => {
    const { finding } = answerOf(store, config, input.item, input.check);
    if (finding.result !== 'fail') {
      throw new UsageError(`${input.item.id} ${input.check} is ${finding.result}: only a failed check can be disputed`);
    }
    const answer = currentAnswer(store, finding);
    if (answer.by === input.by) {
      throw new UsageError(`${input.by} gave this answer: an auditor corrects their own answer, they do not dispute it`, {
        hint: `qa finding amend --item ${input.item.id} --check ${input.check} --result pass|na --reason "…"`,
      });
    }
    const answered = zone.dateOf(answer.at);
    const last = addDays(answered, config.disputes.windowDays);
    const today = zone.dateOf(input.at);
    if (today > last) {
      throw new QaError(`the dispute window for this answer closed on ${last} (${config.disputes.windowDays} days after it was given on ${answered})`, {
        hint: 'disputes.windowDays in the config sets the window',
      });
    }
    const earlier = disputesOfFinding(store.db, finding.id);
    const open = earlier.find((d) => d.state === 'open');
    if (open) throw new UsageError(`this answer is already disputed (dispute #${open.id}, opened by ${open.opened_by})`, { hint: `qa dispute decide ${open.id} --uphold|--overturn --by <who> --note "…"` });
    const same = earlier.find((d) => d.answer_at === answer.at);
    if (same) throw new UsageError(`this answer was disputed already (dispute #${same.id}, ${same.state}): a decision is final`);
    const id = insertDispute(store.db, {
      finding_id: finding.id,
      answer_result: finding.result,
      answer_auditor: answer.by,
      answer_at: answer.at,
      opened_by: input.by,
      opened_at: input.at,
      reason,
    });
    appendAudit(store.db, {
      actor: input.by,
      action: 'dispute.open',
      entity: 'dispute',
      entityId: id,
      detail: { finding: finding.id, item: `${input.item.kind}:${input.item.id}`, check: input.check, auditor: answer.by, reason },
      at: input.at,
    });
    return dispute(store.db, id)!;
  });
}

export interface DecideInput {
  id: number;
  decision: 'uphold' | 'overturn';
  by: string;
  note: string;
  /** The answer an overturn sets (default pass). */
  result?: 'pass' | 'na' | undefined;
  at: number;
}

/** Decide an open dispute; the decider is neither the auditor nor the disputer. An overturn amends the answer. */
export function decideDispute(store: ReviewStore, config: Config, zone: Zone, input: DecideInput): { dispute: DisputeView; amendment: AmendOutcome | null } {
  const note = input.note.trim();
  if (!note) throw new UsageError('a decision needs a note', { hint: 'pass --note "<why>"' });
  return store.transaction(() => {
    const d = dispute(store.db, input.id);
    if (!d) throw new UsageError(`there is no dispute ${input.id}`, { hint: 'qa dispute list shows them' });
    if (d.state !== 'open') throw new UsageError(`dispute ${input.id} was decided already (${d.state} by ${d.decided_by}): a decision is final`);
    for (const [who, role] of [
      [d.answer_auditor, 'gave the disputed answer'],
      [d.finding_auditor, 'is the auditor of the finding'],
      [d.opened_by, 'opened the dispute'],
    ] as const) {
      if (who === input.by) throw new UsageError(`${input.by} ${role}: the decider must be someone else`, { hint: 'pass --by <decider> (a member of the supervision team who neither audited nor disputed it)' });
    }
    let amendment: AmendOutcome | null = null;
    if (input.decision === 'overturn') {
      const item = store.findItems(d.item_id, d.kind)[0];
      if (!item) throw new QaError(`the item ${d.item_id} of dispute ${input.id} is no longer in the database`);
      amendment = amendFinding(store, config, zone, {
        item,
        check: d.check_code,
        result: input.result ?? 'pass',
        reason: `dispute #${d.id} overturned: ${note}`,
        by: input.by,
        at: input.at,
        disputeId: d.id,
      });
    }
    decideDisputeRow(store.db, d.id, {
      state: input.decision === 'overturn' ? 'overturned' : 'upheld',
      decided_by: input.by,
      decided_at: input.at,
      decision_note: note,
      new_result: amendment ? amendment.to : null,
      amendment_id: amendment ? amendment.amendmentId : null,
    });
    appendAudit(store.db, {
      actor: input.by,
      action: input.decision === 'overturn' ? 'dispute.overturned' : 'dispute.upheld',
      entity: 'dispute',
      entityId: d.id,
      detail: { finding: d.finding_id, item: `${d.kind}:${d.item_id}`, check: d.check_code, note, ...(amendment ? { new_result: amendment.to, amendment: amendment.amendmentId } : {}) },
      at: input.at,
    });
    return { dispute: dispute(store.db, d.id)!, amendment };
  });
}
