import { describe, expect, it } from 'vitest';
import { checkStep, isOverdue, NEXT, parseState, STATES, type Current } from '../../src/core/rectification.js';

const at = (state: Current['state'], extra: Partial<Current> = {}): Current => ({ state, ownerPerson: 'KF02', doneBy: null, dueDate: '2026-11-30', ...extra });

describe('rectification state machine', () => {
  const legal: [string, string][] = [
    ['open', 'analysed'],
    ['analysed', 'planned'],
    ['planned', 'done'],
    ['done', 'verified'],
    ['done', 'planned'],
  ];

  for (const from of STATES) {
    for (const to of STATES.filter((s) => s !== 'withdrawn')) {
      const ok = legal.some(([a, b]) => a === from && b === to);
      it(`${from} → ${to} is ${ok ? 'allowed' : 'refused, naming the allowed next states'}`, () => {
        const r = checkStep(at(from), { to, note: 'text', by: 'zhang.wei' });
        expect(r.ok).toBe(ok);
        if (!r.ok) {
          expect(r.problem).toBe(`a rectification cannot go from ${from} to ${to}`);
          expect(r.hint).toBe(NEXT[from].length ? `from ${from} it can go to: ${NEXT[from].join(', ')}` : `${from} is final`);
        }
      });
    }
  }

  it('no step reaches withdrawn: only a correction of the finding does (SPEC §4)', () => {
    for (const from of STATES.filter((s) => s !== 'withdrawn')) {
      expect(checkStep(at(from), { to: 'withdrawn', note: 'x', by: 'a' })).toMatchObject({ ok: false, problem: 'a rectification is withdrawn only by correcting its finding' });
    }
    expect(isOverdue('withdrawn', '2026-10-01', '2026-11-30')).toBe(false);
  });

  it('an unknown state is refused with the list of states', () => {
    expect(checkStep(at('open'), { to: 'closed', note: 'x', by: 'a' })).toEqual({ ok: false, problem: '"closed" is not a rectification state', hint: 'the states are open → analysed → planned → done → verified' });
  });

  it.each([
    ['open', 'analysed', 'reaching analysed needs the cause of the problem'],
    ['analysed', 'planned', 'reaching planned needs the measures'],
    ['planned', 'done', 'reaching done needs the evidence of the rectification'],
    ['done', 'verified', 'reaching verified needs the verification result'],
    ['done', 'planned', 'a failed verification needs its result'],
  ] as const)('%s → %s without text: %s', (from, to, problem) => {
    const r = checkStep(at(from), { to, note: '  ', by: 'zhang.wei' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toBe(problem);
      expect(r.hint).toMatch(/--note/);
    }
  });

  it('each step says which text it carries', () => {
    const kinds = legal.map(([from, to]) => {
      const r = checkStep(at(from as Current['state']), { to, note: 'x', by: 'zhang.wei' });
      return r.ok ? r.kind : r.problem;
    });
    expect(kinds).toEqual(['cause', 'measures', 'evidence', 'verification', 'reopened']);
  });

  it('planned takes a new due date, or keeps the current one', () => {
    const a = checkStep(at('analysed'), { to: 'planned', note: 'm', due: '2026-12-15', by: 'x', reason: 'supplier late' });
    const b = checkStep(at('analysed'), { to: 'planned', note: 'm', by: 'x' });
    expect(a.ok && a.dueDate).toBe('2026-12-15');
    expect(b.ok && b.dueDate).toBe('2026-11-30');
  });

  it('the verifier must not be the owner (for verified and for a failed verification)', () => {
    for (const to of ['verified', 'planned']) {
      const r = checkStep(at('done'), { to, note: 'checked', by: 'KF02' });
      expect(r).toEqual({ ok: false, problem: 'the verifier must be someone other than the owner (KF02)', hint: 'pass --by <verifier> (a member of the supervision team)' });
      expect(checkStep(at('done'), { to, note: 'checked', by: 'zhang.wei' }).ok).toBe(true);
    }
  });

  it('the person who recorded done may not verify it either (owner ids and login names differ)', () => {
    for (const ownerPerson of [null, 'KF02']) {
      const r = checkStep(at('done', { ownerPerson, doneBy: 'li.na' }), { to: 'verified', note: 'ok', by: 'li.na' });
      expect(r).toEqual({ ok: false, problem: 'the verifier must be someone other than the owner (li.na, who recorded it as done)', hint: 'pass --by <verifier> (a member of the supervision team)' });
    }
  });

  it('a new due date goes with the measures, and not in the past', () => {
    expect(checkStep(at('planned'), { to: 'done', note: 'e', due: '2026-12-31', by: 'x' })).toEqual({ ok: false, problem: 'a new due date can only be set with the measures (--to planned)', hint: 'drop --due, or move the rectification to planned first' });
    expect(checkStep(at('analysed'), { to: 'planned', note: 'm', due: '2026-10-01', by: 'x', today: '2026-10-05' })).toEqual({ ok: false, problem: 'the new due date 2026-10-01 is already past', hint: 'give a date from 2026-10-05 on' });
    expect(checkStep(at('done'), { to: 'planned', note: 'failed', due: '2026-12-01', by: 'sup', today: '2026-11-01', reason: 'redo' }).ok).toBe(true);
  });

  it('overdue = past the due date and not done or verified', () => {
    expect(isOverdue('open', '2026-11-30', '2026-11-30')).toBe(false);
    expect(isOverdue('open', '2026-11-30', '2026-12-01')).toBe(true);
    expect(isOverdue('planned', '2026-11-30', '2026-12-01')).toBe(true);
    expect(isOverdue('done', '2026-11-30', '2026-12-01')).toBe(false);
    expect(isOverdue('verified', '2026-11-30', '2027-01-01')).toBe(false);
  });

  it('parseState: ids, Chinese names and their short forms; a name like an Object.prototype property comes back as typed', () => {
    expect(['open', ' Analysed ', '待分析', '已分析', '已分析原因', '已撤回', '整改完成', '已关闭'].map(parseState)).toEqual(['open', 'analysed', 'open', 'analysed', 'analysed', 'withdrawn', 'done', 'verified']);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) expect(parseState(name)).toBe(name);
  });
});
