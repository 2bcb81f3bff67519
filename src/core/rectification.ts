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

/** Is this step allowed, and does it carry what it needs? */
export function checkStep(cur: Current, step: Step): StepCheck {
  if (!isState(step.to)) {
    return { ok: false, problem: `"${step.to}" is not a rectification state`, hint: `the states are ${STATES.filter((s) => s !== 'withdrawn').join(' → ')}` };
  }
  if (step.to === 'withdrawn' && cur.state !== 'withdrawn') {
    return { ok: false, problem: 'a rectification is withdrawn only by correcting its finding', hint: 'qa finding amend --item <id> --check <code> --result pass|na --reason "…"' };
  }
  const allowed = NEXT[cur.state];
  if (!allowed.includes(step.to)) {
    return {
      ok: false,
      problem: `a rectification cannot go from ${cur.state} to ${step.to}`,
      hint: allowed.length ? `from ${cur.state} it can go to: ${allowed.join(', ')}` : `${cur.state} is final`,
    };
  }
  const note = step.note?.trim() ?? '';
  if (step.due !== undefined) {
    // The deadline is part of the plan: it is set with the measures, and a
    // later step cannot move it (the on-time KPI judges against it).
    if (step.to !== 'planned') {
      return { ok: false, problem: 'a new due date can only be set with the measures (--to planned)', hint: `drop --due, or move the rectification to planned first` };
    }
    if (step.today !== undefined && step.due < step.today) {
      return { ok: false, problem: `the new due date ${step.due} is already past`, hint: `give a date from ${step.today} on` };
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
      if (!note) return { ok: false, problem: 'reaching analysed needs the cause of the problem', hint: 'pass --note "<the cause>"' };
      return { ok: true, to: 'analysed', dueDate, kind: 'cause' };
    case 'planned':
      if (cur.state === 'done') {
        const check = verifierCheck(cur, step);
        if (check) return check;
        if (!note) return { ok: false, problem: 'a failed verification needs its result', hint: 'pass --note "<why the rectification did not work>"' };
        return { ok: true, to: 'planned', dueDate, kind: 'reopened' };
      }
      if (!note) return { ok: false, problem: 'reaching planned needs the measures', hint: 'pass --note "<the measures>" (and --due YYYY-MM-DD to change the due date)' };
      if (!dueDate) return { ok: false, problem: 'reaching planned needs a due date', hint: 'pass --due YYYY-MM-DD' };
      return { ok: true, to: 'planned', dueDate, kind: 'measures' };
    case 'done':
      if (!note) return { ok: false, problem: 'reaching done needs the evidence of the rectification', hint: 'pass --note "<what was done, where the evidence is>"' };
      return { ok: true, to: 'done', dueDate, kind: 'evidence' };
    case 'verified': {
      const check = verifierCheck(cur, step);
      if (check) return check;
      if (!note) return { ok: false, problem: 'reaching verified needs the verification result', hint: 'pass --note "<how the effect was verified>"' };
      return { ok: true, to: 'verified', dueDate, kind: 'verification' };
    }
    case 'open':
      return { ok: false, problem: 'a rectification cannot go back to open', hint: `from ${cur.state} it can go to: ${allowed.join(', ')}` };
    case 'withdrawn':
      return {
        ok: false,
        problem: 'a rectification is withdrawn only by taking back its cause',
        hint: 'correct the finding (qa finding amend --item <id> --check <code> --result pass|na --reason "…") or the complaint (qa complaint verify <id> --unfounded --amend --reason …)',
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
        problem: `the verifier must be someone other than the owner (${who === cur.ownerPerson ? who : `${who}, who recorded it as done`})`,
        hint: 'pass --by <verifier> (a member of the supervision team)',
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
