/**
 * Recording findings and moving rectifications (SPEC §4). Used by the
 * interactive `qa review`, `qa finding add`, `qa finding import` and
 * `qa rectify update`: every change is one transaction that also appends to
 * the audit log.
 */
import type { Config } from '../config.js';
import { checklistKindOf, type Check, type ChecklistKind } from '../core/checklists.js';
import { checkStep } from '../core/rectification.js';
import { scoreItem, type ItemScore, type Result } from '../core/scoring.js';
import { addDays, isValidDate, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import type { FindingRow, ItemKind, ItemRow, RectificationView, ReviewRow, ReviewStore } from '../db/review.js';
import { QaError, UsageError } from '../errors.js';

export const RESULTS: readonly Result[] = ['pass', 'fail', 'na'];

/** Accepts pass / fail / na and the usual spellings (n.a., n/a, 通过, 不通过, 不适用). */
export function parseResult(v: string): Result | null {
  const s = v.trim().toLowerCase();
  if (['pass', 'p', 'ok', '通过', '合格'].includes(s)) return 'pass';
  if (['fail', 'f', '不通过', '不合格'].includes(s)) return 'fail';
  if (['na', 'n.a.', 'n/a', 'n.a', 'n', '不适用'].includes(s)) return 'na';
  return null;
}

/** Find exactly one item by id (records or calls), or explain. */
export function resolveItem(store: ReviewStore, id: string, kind?: ItemKind): ItemRow {
  const found = store.findItems(id, kind);
  if (found.length === 0) {
    throw new QaError(`no ${kind === 'calls' ? 'call' : kind === 'records' ? 'record' : 'record or call'} with id "${id}"`, {
      hint: 'the ids are in qa sample list; import the export first if it is missing',
    });
  }
  if (found.length > 1) throw new UsageError(`"${id}" is both a record and a call`, { hint: 'pass --kind records or --kind calls' });
  return found[0]!;
}

export function checklistOf(config: Config, item: ItemRow): { kind: ChecklistKind; checks: Check[] } {
  const kind = checklistKindOf(item.kind, (item.row.record_type as string | undefined) ?? null);
  return { kind, checks: config.checklists[kind] };
}

export interface ReviewState {
  item: ItemRow;
  review: ReviewRow | undefined;
  checklist: { kind: ChecklistKind; checks: Check[] };
  /** The checks of the review (the list in force when it started), with answers so far. */
  checks: (Check & { answer: FindingRow | undefined })[];
  score: ItemScore;
  sampled: boolean;
  /** Special campaigns that drew the item (SPEC §7): reviewable without --unsampled, marked as such. */
  campaigns: string[];
  /** The item was changed by an import after the review started. */
  changedAfterReview: boolean;
}

export function reviewState(store: ReviewStore, config: Config, item: ItemRow): ReviewState {
  const review = store.review(item.kind, item.id);
  const checklist = checklistOf(config, item);
  const answers = review ? store.findings(review.id) : [];
  const codes: string[] = review ? (JSON.parse(review.checks) as string[]) : checklist.checks.map((c) => c.code);
  const byCode = new Map(checklist.checks.map((c) => [c.code, c]));
  const checks = codes.map((code) => {
    const answer = answers.find((a) => a.check_code === code);
    // A check removed from the config after the review started keeps its recorded wording.
    const def: Check = byCode.get(code) ?? {
      code,
      zh: answer?.check_text.split(' / ')[0] ?? code,
      en: answer?.check_text.split(' / ')[1] ?? code,
      category: (answer?.category ?? 'process') as Check['category'],
      severity: (answer?.severity ?? 'minor') as Check['severity'],
    };
    return { ...def, answer };
  });
  const score = scoreItem(
    answers.map((a) => ({ severity: a.severity as Check['severity'], result: a.result })),
    codes.length,
  );
  const current = item.row.import_id as number | undefined;
  return {
    item,
    review,
    checklist,
    checks,
    score,
    sampled: store.isSampled(item.kind, item.id),
    campaigns: store.campaignsOf(item.kind, item.id),
    changedAfterReview: !!review && review.snapshot_import_id !== null && current !== undefined && current !== review.snapshot_import_id,
  };
}

export interface FindingInput {
  item: ItemRow;
  check: string;
  result: Result;
  note?: string | undefined;
  auditor: string;
  /** Reviewing an item that is not in any sample: why (flagged in reports). */
  unsampledReason?: string | undefined;
  at: number;
}

export interface FindingOutcome {
  findingId: number;
  rectificationId: number | null;
  state: ReviewState;
}

/**
 * An item in no sample is reviewed only with a reason (flagged in reports);
 * one whose review has started carries on. `qa review` asks this before its
 * first question, so no answer is lost to the refusal.
 */
export function assertReviewable(st: Pick<ReviewState, 'item' | 'sampled' | 'review' | 'campaigns'>, unsampledReason: string | undefined): void {
  if (!st.sampled && !st.review && !unsampledReason && st.campaigns.length === 0) {
    throw new UsageError(`${st.item.id} is not in any sample`, {
      hint: 'review sampled items (qa sample list), or pass --unsampled "<why>" to review it anyway (flagged in reports)',
    });
  }
}

/** Record one answer (and open a rectification if it failed), in one transaction. */
export function recordFinding(store: ReviewStore, config: Config, zone: Zone, input: FindingInput): FindingOutcome {
  return store.transaction(() => {
    const { item } = input;
    let st = reviewState(store, config, item);
    assertReviewable(st, input.unsampledReason);
    const check = st.checks.find((c) => c.code === input.check);
    if (!check) {
      throw new UsageError(`"${input.check}" is not a check of the ${st.checklist.kind} checklist`, {
        hint: `its checks are: ${st.checks.map((c) => c.code).join(', ')} (qa checklist show ${st.checklist.kind})`,
      });
    }
    if (check.answer) {
      throw new QaError(`${item.id} already has an answer for ${check.code}: ${check.answer.result} (by ${check.answer.auditor}, ${zone.format(check.answer.found_at)})`, {
        hint: `answers are final; correct a wrong one with qa finding amend --item ${item.id} --check ${check.code} --result pass|fail|na --reason "…"`,
      });
    }
    const note = input.note?.trim() || null;
    if (input.result === 'fail' && !note) {
      throw new UsageError(`a failed check needs a note saying what was wrong`, { hint: 'pass --note "<what was wrong>"' });
    }
    let reviewId = st.review?.id;
    if (reviewId === undefined) {
      reviewId = store.createReview({
        kind: item.kind,
        item_id: item.id,
        checklist: st.checklist.kind,
        checks: JSON.stringify(st.checks.map((c) => c.code)),
        checks_total: st.checks.length,
        sampled: st.sampled ? 1 : 0,
        // A campaign's item outside the random sample: reviewed for the campaign, kept out of the random-sample figures.
        unsampled_reason: st.sampled ? null : (input.unsampledReason ?? (st.campaigns.length ? `campaign: ${st.campaigns.join(', ')}` : null)),
        campaign: !st.sampled && !input.unsampledReason && st.campaigns.length ? st.campaigns.join(', ') : null,
        auditor: input.auditor,
        started_at: input.at,
        snapshot: JSON.stringify(item.row),
        snapshot_import_id: (item.row.import_id as number | undefined) ?? null,
      });
      appendAudit(store.db, {
        actor: input.auditor,
        action: 'review.start',
        entity: 'review',
        entityId: reviewId,
        detail: {
          item: `${item.kind}:${item.id}`,
          checklist: st.checklist.kind,
          sampled: st.sampled,
          ...(st.sampled ? {} : { reason: input.unsampledReason }),
          ...(st.campaigns.length ? { campaigns: st.campaigns } : {}),
        },
        at: input.at,
      });
    }
    const findingId = store.insertFinding({
      review_id: reviewId,
      check_code: check.code,
      category: check.category,
      severity: check.severity,
      check_text: `${check.zh} / ${check.en}`,
      result: input.result,
      note,
      auditor: input.auditor,
      found_at: input.at,
    });
    appendAudit(store.db, {
      actor: input.auditor,
      action: 'finding.add',
      entity: 'finding',
      entityId: findingId,
      detail: { item: `${item.kind}:${item.id}`, check: check.code, result: input.result, ...(note ? { note } : {}) },
      at: input.at,
    });
    let rectificationId: number | null = null;
    if (input.result === 'fail') {
      const owner = ownerOf(item, config);
      const due = addDays(zone.dateOf(input.at), config.rectification.days);
      rectificationId = store.insertRectification({ finding_id: findingId, owner_department: owner.department, owner_person: owner.person, opened_at: input.at, due_date: due });
      store.insertStep({ rectification_id: rectificationId, from_state: null, to_state: 'open', actor: input.auditor, at: input.at, note, due_date: due });
      appendAudit(store.db, {
        actor: input.auditor,
        action: 'rectification.open',
        entity: 'rectification',
        entityId: rectificationId,
        detail: { finding: findingId, owner_department: owner.department, owner_person: owner.person, due_date: due },
        at: input.at,
      });
    }
    st = reviewState(store, config, item);
    return { findingId, rectificationId, state: st };
  });
}

/** Owner of a rectification: the record's department and staff; for a call, the hotline department and the agent. */
export function ownerOf(item: ItemRow, config: Config): { department: string | null; person: string | null } {
  if (item.kind === 'calls') return { department: config.rectification.callDepartment, person: (item.row.agent_id as string) ?? null };
  return { department: (item.row.department as string | null) ?? null, person: (item.row.staff_id as string | null) ?? null };
}

export interface StepInput {
  id: number;
  to: string;
  note?: string | undefined;
  due?: string | undefined;
  by: string;
  at: number;
  /** Local date of `at`. */
  today?: string | undefined;
  /** Why the due date moves (--reason; required with a new due date). */
  reason?: string | undefined;
  /** Who runs the step besides `by` (QA_USER, the login): see core/rectification Step.runBy. */
  runBy?: readonly (string | null | undefined)[] | undefined;
}

/** Move a rectification one step, or refuse with the allowed next states (usage error). */
export function updateRectification(store: ReviewStore, input: StepInput): RectificationView {
  if (input.due !== undefined && !isValidDate(input.due)) throw new UsageError(`--due must be a date like 2026-11-30, got "${input.due}"`);
  return store.transaction(() => {
    const cur = store.rectification(input.id);
    if (!cur) throw new UsageError(`there is no rectification ${input.id}`, { hint: 'qa rectify list shows them' });
    const check = checkStep({ state: cur.state, ownerPerson: cur.owner_person, doneBy: cur.done_by, dueDate: cur.due_date }, input);
    if (!check.ok) throw new UsageError(`rectification ${input.id}: ${check.problem}`, { hint: check.hint });
    const note = input.note!.trim();
    const fields: Parameters<ReviewStore['updateRectification']>[1] = { state: check.to, updated_at: input.at, due_date: check.dueDate };
    switch (check.kind) {
      case 'cause':
        fields.cause = note;
        break;
      case 'measures':
        fields.measures = note;
        break;
      case 'evidence':
        fields.evidence = note;
        fields.done_at = input.at;
        fields.done_by = input.by;
        break;
      case 'verification':
        fields.verification = note;
        fields.verified_at = input.at;
        fields.verified_by = input.by;
        break;
      case 'reopened':
        fields.verification = note;
        fields.done_at = null;
        fields.done_by = null;
        break;
    }
    store.updateRectification(input.id, fields);
    store.insertStep({ rectification_id: input.id, from_state: cur.state, to_state: check.to, actor: input.by, at: input.at, note, due_date: check.dueDate });
    appendAudit(store.db, {
      actor: input.by,
      action: check.kind === 'reopened' ? 'rectification.verification_failed' : `rectification.${check.to}`,
      entity: 'rectification',
      entityId: input.id,
      detail: {
        from: cur.state,
        to: check.to,
        note,
        ...(input.due !== undefined && input.due !== cur.due_date ? { due_date: { from: cur.due_date, to: input.due }, reason: input.reason!.trim() } : {}),
      },
      at: input.at,
    });
    return store.rectification(input.id)!;
  });
}

