import { describe, expect, it } from 'vitest';
import { scoreItem } from '../../src/core/scoring.js';
import { DEFAULT_CHECKLISTS, resolveChecklists } from '../../src/core/checklists.js';

describe('scoreItem (SPEC §4)', () => {
  it('weights critical 3, major 2, minor 1 and leaves n.a. out', () => {
    const s = scoreItem(
      [
        { severity: 'critical', result: 'pass' },
        { severity: 'major', result: 'pass' },
        { severity: 'minor', result: 'fail' },
        { severity: 'major', result: 'na' },
      ],
      4,
    );
    expect(s).toEqual({ reviewed: true, passed: false, score: 5 / 6, failed: 1, answered: 4, total: 4 });
  });
  it('a failed critical check fails the item even with a high score', () => {
    const answers = [{ severity: 'critical' as const, result: 'fail' as const }, ...Array.from({ length: 20 }, () => ({ severity: 'major' as const, result: 'pass' as const }))];
    const s = scoreItem(answers, 21);
    expect(s.passed).toBe(false);
    expect(s.score).toBeCloseTo(40 / 43);
  });
  it('is not reviewed until every check has an answer', () => {
    expect(scoreItem([{ severity: 'minor', result: 'pass' }], 3)).toMatchObject({ reviewed: false, passed: null });
  });
  it('all n.a.: reviewed, passed, no score', () => {
    expect(scoreItem([{ severity: 'minor', result: 'na' }], 1)).toMatchObject({ reviewed: true, passed: true, score: null });
  });
});

describe('checklists', () => {
  it('every kind has checks with unique codes, text in both languages, a category and a severity', () => {
    for (const [kind, checks] of Object.entries(DEFAULT_CHECKLISTS)) {
      expect(checks.length, kind).toBeGreaterThan(3);
      expect(new Set(checks.map((c) => c.code)).size, kind).toBe(checks.length);
      for (const c of checks) {
        expect(c.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(c.en).toMatch(/[a-z]/);
      }
      expect(checks.some((c) => c.category === 'privacy'), `${kind} checks customer-information protection`).toBe(true);
    }
  });
  it('the config can replace a list or add and remove checks', () => {
    const add = { code: 'uniform', zh: '着装统一整洁', en: 'Uniform, tidy dress', category: 'conduct', severity: 'minor' };
    const r = resolveChecklists({ delivery: { add: [add], remove: ['packaging'] }, call: [add] });
    expect(r.delivery.map((c) => c.code)).toEqual(['polite', 'no_forbidden', 'pre_inspection', 'on_time', 'handover', 'privacy', 'uniform']);
    expect(r.call).toEqual([add]);
    expect(r.consult).toEqual(DEFAULT_CHECKLISTS.consult);
  });
  it.each([
    [{ rental: [] }, 'checklists.rental: unknown kind (the kinds are consult, contract, delivery, repair, return, call, inspection)'],
    [{ call: [{ code: 'x', zh: 'x', en: 'x', category: 'mood', severity: 'minor' }] }, 'checklists.call[0].category: must be one of conduct, process, result, privacy, got "mood"'],
    [{ call: [{ code: 'x', zh: 'x', en: 'x', category: 'conduct', severity: 'high' }] }, 'checklists.call[0].severity: must be one of critical, major, minor, got "high"'],
    [{ call: [{ code: 'x', zh: '', en: 'x', category: 'conduct', severity: 'minor' }] }, 'checklists.call[0].zh: must be a non-empty string'],
    [{ call: { remove: ['nope'] } }, 'checklists.call.remove: no check "nope" in the call checklist'],
    [{ call: { add: [{ code: 'polite', zh: 'x', en: 'x', category: 'conduct', severity: 'minor' }] } }, 'checklists.call: check code "polite" appears twice'],
    [{ call: [] }, 'checklists.call: a checklist needs at least one check'],
    [{ call: { replace: [] } }, 'checklists.call.replace: unknown key (use "add" and "remove", or give the whole list as an array)'],
  ])('%j is refused: %s', (raw, message) => {
    expect(() => resolveChecklists(raw)).toThrow(message);
  });
});
