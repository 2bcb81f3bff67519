/**
 * The rectification closed loop (SPEC §4; seed 000 §一(三) 闭环管理:
 * 发现问题 → 分析原因 → 制定措施 → 整改落实 → 效果验证):
 *
 *   open → analysed → planned → done → verified
 *                        ↑         │
 *                        └─────────┘  verification failed
 *
 * Each step needs its text: the cause to reach analysed, measures and a due
 * date to reach planned, evidence to reach done, and a verifier other than
 * the owner (with the verification result) to reach verified or to send it
 * back to planned. Pure: the caller supplies the current state and the step.
 */
import { msg } from '../i18n.js';
import { lookupTable } from './lookup.js';

export const STATES = ['open', 'analysed', 'planned', 'done', 'verified', 'withdrawn'] as const;
export type State = (typeof STATES)[number];

export const NEXT: Readonly<Record<State, readonly State[]>> = {
  open: ['analysed'],
  analysed: ['planned'],
  planned: ['done'],
  done: ['verified', 'planned'],
  verified: [],
  // Only a correction reaches it (the failed answer was amended: SPEC §4), and only a correction leaves it.
  withdrawn: [],
};

export const STATE_LABELS: Readonly<Record<State, { zh: string; en: string }>> = {
  open: { zh: '待分析', en: 'open' },
  analysed: { zh: '已分析原因', en: 'analysed' },
  planned: { zh: '已制定措施', en: 'planned' },
  done: { zh: '已整改', en: 'done' },
  verified: { zh: '已验证关闭', en: 'verified' },
  withdrawn: { zh: '已撤销', en: 'withdrawn' },
};

export interface Current {
  state: State;
  ownerPerson: string | null;
  /** Who recorded the step to done: may not verify it either. */
  doneBy: string | null;
  dueDate: string;
}

export interface Step {
  to: string;
  note?: string | undefined;
  due?: string | undefined;
  by: string;
  /** Local date of the step (a new due date cannot be before it). */
  today?: string | undefined;
  /** Why the due date changes (required with a new due date). */
  reason?: string | undefined;
  /**
   * Who else the person taking the step is known as (QA_USER, the login):
   * `by` is typed, these are not, so an owner cannot pass as someone else.
   */
  runBy?: readonly (string | null | undefined)[] | undefined;
}

export type StepCheck = { ok: true; to: State; dueDate: string; kind: 'cause' | 'measures' | 'evidence' | 'verification' | 'reopened' } | { ok: false; problem: string; hint: string };

export function isState(s: string): s is State {
  return (STATES as readonly string[]).includes(s);
}

/** Other names people use for a state (no prototype: `--to constructor` names no state, see core/lookup.ts). */
const OTHER_STATE_NAMES = lookupTable<State>({ 打开: 'open', 待整改: 'open', 已撤回: 'withdrawn', 已关闭: 'verified', 已完成: 'done', 整改完成: 'done' });

/**
 * A state from what a user typed: the English id (any case) or its Chinese
 * name (SPEC §1: Chinese names accepted wherever ids are), also shortened as
 * people say it (已分析 for 已分析原因, 已验证 for 已验证关闭, 已撤回). Returns
 * the input unchanged when it names no state (checkStep then explains).
 */
export function parseState(input: string): string {
  const s = input.trim();
  if (isState(s.toLowerCase())) return s.toLowerCase();
  const other = OTHER_STATE_NAMES[s];
  if (other) return other;
  const exact = STATES.find((x) => STATE_LABELS[x].zh === s);
  if (exact) return exact;
  const prefix = s.length >= 2 ? STATES.filter((x) => STATE_LABELS[x].zh.startsWith(s)) : [];
  return prefix.length === 1 ? prefix[0]! : s;
}

/** A state in the message language: 已分析原因 (analysed) under zh, analysed under en. */
const name = (s: string): string => (isState(s) ? msg(`${STATE_LABELS[s].zh}`, s) : s);
const names = (xs: readonly string[], sep: string): string => xs.map(name).join(sep);

/** Is this step allowed, and does it carry what it needs? */
export function checkStep(cur: Current, step: Step): StepCheck {
  step = { ...step, to: parseState(step.to) };
  if (!isState(step.to)) {
    return { ok: false, problem: msg(`"${step.to}" 不是整改状态`, `"${step.to}" is not a rectification state`), hint: msg(`状态依次为 ${STATES.filter((s) => s !== 'withdrawn').map((s) => `${STATE_LABELS[s].zh}（${s}）`).join(' → ')}`, `the states are ${STATES.filter((s) => s !== 'withdrawn').join(' → ')}`) };
  }
  if (step.to === 'withdrawn' && cur.state !== 'withdrawn') {
    return { ok: false, problem: msg('整改只能通过更正其审核结果来撤销', 'a rectification is withdrawn only by correcting its finding'), hint: 'qa finding amend --item <id> --check <code> --result pass|na --reason "…"' };
  }
  const allowed = NEXT[cur.state];
  if (!allowed.includes(step.to)) {
    return {
      ok: false,
      problem: msg(`整改不能从「${name(cur.state)}」转到「${name(step.to)}」`, `a rectification cannot go from ${cur.state} to ${step.to}`),
      hint: allowed.length ? msg(`「${name(cur.state)}」之后可以转到：${names(allowed, '、')}`, `from ${cur.state} it can go to: ${allowed.join(', ')}`) : msg(`「${name(cur.state)}」是最终状态`, `${cur.state} is final`),
    };
  }
  const note = step.note?.trim() ?? '';
  if (step.due !== undefined) {
    // The deadline is part of the plan: it is set with the measures, and a
    // later step cannot move it (the on-time KPI judges against it).
    if (step.to !== 'planned') {
      return { ok: false, problem: msg('新的整改期限只能在制定措施时设置（--to planned）', 'a new due date can only be set with the measures (--to planned)'), hint: msg('去掉 --due，或先转到已制定措施（planned）', `drop --due, or move the rectification to planned first`) };
    }
    if (step.today !== undefined && step.due < step.today) {
      return { ok: false, problem: msg(`新的期限 ${step.due} 已经过去`, `the new due date ${step.due} is already past`), hint: msg(`请给出 ${step.today} 或之后的日期`, `give a date from ${step.today} on`) };
    }
    // Deadlines belong to the supervision team (SPEC §4, seed 000 §二(二)3): the
    // owner cannot move one; a change needs someone else and a reason.
    if (step.due !== cur.dueDate) {
      const owner = cur.ownerPerson;
      if (owner && [step.by, ...(step.runBy ?? [])].some((who) => who === owner)) {
        return { ok: false, problem: `the owner (${owner}) cannot move the due date`, hint: 'a member of the supervision team changes it: --by <name> --reason "<why>"' };
      }
      if (!step.reason?.trim()) {
        return { ok: false, problem: `moving the due date from ${cur.dueDate} to ${step.due} needs a reason`, hint: 'pass --reason "<why the deadline moves>" (it goes to the audit log)' };
      }
    }
  }
  const dueDate = step.due ?? cur.dueDate;
  switch (step.to) {
    case 'analysed':
      if (!note) return { ok: false, problem: msg('转到已分析原因需要填写问题原因', 'reaching analysed needs the cause of the problem'), hint: msg('加 --note "<原因>"', 'pass --note "<the cause>"') };
      return { ok: true, to: 'analysed', dueDate, kind: 'cause' };
    case 'planned':
      if (cur.state === 'done') {
        const check = verifierCheck(cur, step);
        if (check) return check;
        if (!note) return { ok: false, problem: msg('验证未通过需要填写验证结果', 'a failed verification needs its result'), hint: msg('加 --note "<整改为何未见效>"', 'pass --note "<why the rectification did not work>"') };
        return { ok: true, to: 'planned', dueDate, kind: 'reopened' };
      }
      if (!note) return { ok: false, problem: msg('转到已制定措施需要填写整改措施', 'reaching planned needs the measures'), hint: msg('加 --note "<措施>"（如需改期限再加 --due YYYY-MM-DD）', 'pass --note "<the measures>" (and --due YYYY-MM-DD to change the due date)') };
      if (!dueDate) return { ok: false, problem: msg('转到已制定措施需要整改期限', 'reaching planned needs a due date'), hint: msg('加 --due YYYY-MM-DD', 'pass --due YYYY-MM-DD') };
      return { ok: true, to: 'planned', dueDate, kind: 'measures' };
    case 'done':
      if (!note) return { ok: false, problem: msg('转到已整改需要填写整改证据', 'reaching done needs the evidence of the rectification'), hint: msg('加 --note "<做了什么，证据在哪里>"', 'pass --note "<what was done, where the evidence is>"') };
      return { ok: true, to: 'done', dueDate, kind: 'evidence' };
    case 'verified': {
      const check = verifierCheck(cur, step);
      if (check) return check;
      if (!note) return { ok: false, problem: msg('转到已验证关闭需要填写验证结果', 'reaching verified needs the verification result'), hint: msg('加 --note "<如何验证了效果>"', 'pass --note "<how the effect was verified>"') };
      return { ok: true, to: 'verified', dueDate, kind: 'verification' };
    }
    case 'open':
      return { ok: false, problem: msg('整改不能退回待分析', 'a rectification cannot go back to open'), hint: msg(`「${name(cur.state)}」之后可以转到：${names(allowed, '、')}`, `from ${cur.state} it can go to: ${allowed.join(', ')}`) };
    case 'withdrawn':
      return {
        ok: false,
        problem: msg('整改只能通过撤回其起因来撤销（更正审核结果或投诉核查）', 'a rectification is withdrawn only by taking back its cause'),
        hint: msg(
          '更正审核结果（qa finding amend --item <编号> --check <代码> --result pass|na --reason "…"）或投诉（qa complaint verify <编号> --unfounded --amend --reason …）',
          'correct the finding (qa finding amend --item <id> --check <code> --result pass|na --reason "…") or the complaint (qa complaint verify <id> --unfounded --amend --reason …)',
        ),
      };
  }
}

function verifierCheck(cur: Current, step: Step): StepCheck | null {
  // Neither the owner nor whoever recorded the work as done may judge it
  // (owners are often staff ids while people act under their login names),
  // whatever --by says: QA_USER and the login count too.
  const acting = [step.by, ...(step.runBy ?? [])];
  for (const who of [cur.ownerPerson, cur.doneBy]) {
    if (who && acting.includes(who)) {
      return {
        ok: false,
        problem: msg(
          `验证人不能是责任人（${who === cur.ownerPerson ? who : `${who}，登记了已整改`}）`,
          `the verifier must be someone other than the owner (${who === cur.ownerPerson ? who : `${who}, who recorded it as done`})`,
        ),
        hint: msg('加 --by <验证人>（监督组成员）', 'pass --by <verifier> (a member of the supervision team)'),
      };
    }
  }
  return null;
}

/** Overdue = past its due date (local) and not done or verified (SPEC §4); a withdrawn one is never overdue. */
export function isOverdue(state: State, dueDate: string, today: string): boolean {
  return state !== 'done' && state !== 'verified' && state !== 'withdrawn' && today > dueDate;
}

/** Whole days past the due date on `today` (local dates), 0 when not overdue. */
export function overdueDays(r: { state: State; due_date: string }, today: string): number {
  if (!isOverdue(r.state, r.due_date, today)) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${r.due_date}T00:00:00Z`)) / 86_400_000);
}
