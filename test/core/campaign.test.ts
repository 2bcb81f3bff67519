import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignDigest, drawCampaign, focusFilter, keyOf, parseFocus, type Candidate } from '../../src/core/campaign.js';
import { DEFAULT_CHECKLISTS, type Checklists } from '../../src/core/checklists.js';
import { rankOf } from '../../src/core/rank.js';
import { quotaOf } from '../../src/core/sampling.js';

const lists = DEFAULT_CHECKLISTS as Checklists;

describe('campaign focus (SPEC §7)', () => {
  it('parses record_type (Chinese names too), department and check; refuses an empty or unknown focus', () => {
    expect(parseFocus(['record_type=维修', 'department=技术部'], lists)).toEqual([
      { field: 'record_type', value: 'repair' },
      { field: 'department', value: '技术部' },
    ]);
    expect(() => parseFocus([], lists)).toThrow('a campaign needs a focus');
    expect(() => parseFocus(['record_type='], lists)).toThrow('has an empty value');
    expect(() => parseFocus(['store=北京'], lists)).toThrow('the focus is record_type=…, department=… or check=…');
    expect(() => parseFocus(['record_type=rental'], lists)).toThrow('record_type must be one of consult, contract, delivery, repair, return');
    expect(() => parseFocus(['check=nosuch'], lists)).toThrow('no checklist has a check "nosuch"');
  });

  it('a check focus covers the record types whose checklist has it, and calls when it is a call check', () => {
    expect(focusFilter(parseFocus(['check=response_time'], lists), lists, '客服部')).toEqual({ recordTypes: ['consult', 'repair'], departments: null, calls: false });
    expect(focusFilter(parseFocus(['check=polite'], lists), lists, '客服部').calls).toBe(true);
    expect(focusFilter(parseFocus(['check=identity_check'], lists), lists, '客服部')).toEqual({ recordTypes: [], departments: null, calls: true });
    // A department focus keeps calls only for the hotline's department.
    expect(focusFilter(parseFocus(['department=技术部'], lists), lists, '客服部').calls).toBe(false);
    expect(focusFilter(parseFocus(['department=客服部'], lists), lists, '客服部').calls).toBe(true);
    expect(focusFilter(parseFocus(['record_type=repair'], lists), lists, '客服部')).toEqual({ recordTypes: ['repair'], departments: null, calls: false });
  });
});

const population = (n: number): Candidate[] => Array.from({ length: n }, (_, i) => ({ kind: i % 7 === 0 ? 'calls' : 'records', id: `X-${i}` }) as Candidate);

describe('campaign draw', () => {
  it('draws the lowest ranks under the seed, ceil(rate × N) of them', () => {
    const pop = population(40);
    const d = drawCampaign(pop, new Set(), 's1', 0.3);
    expect(d.target).toBe(12);
    expect(d.picks).toHaveLength(12);
    const expected = pop
      .map((c) => ({ key: keyOf(c), rank: rankOf('s1', c.kind, c.id) }))
      .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1))
      .slice(0, 12)
      .map((x) => x.key);
    expect(d.picks.map(keyOf)).toEqual(expected);
  });

  it('a re-run tops up: only new items, never one drawn before', () => {
    const first = drawCampaign(population(20), new Set(), 's', 0.25);
    const drawn = new Set(first.picks.map(keyOf));
    const again = drawCampaign(population(40), drawn, 's', 0.25);
    expect(again.before).toBe(5);
    expect(again.picks).toHaveLength(5);
    expect(again.picks.some((p) => drawn.has(keyOf(p)))).toBe(false);
  });

  it('property: the same set and seed give the same draw in any order; count and uniqueness hold', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 60 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.string(), (ids, rate, seed) => {
        const pop: Candidate[] = ids.map((id, i) => ({ kind: i % 3 ? 'records' : 'calls', id }));
        const a = drawCampaign(pop, new Set(), seed, rate);
        const b = drawCampaign([...pop].reverse(), new Set(), seed, rate);
        expect(b.picks.map(keyOf)).toEqual(a.picks.map(keyOf));
        expect(a.picks).toHaveLength(Math.min(pop.length, quotaOf(rate, pop.length)));
        expect(new Set(a.picks.map(keyOf)).size).toBe(a.picks.length);
        expect(campaignDigest(pop)).toBe(campaignDigest([...pop].reverse()));
      }),
    );
  });

  it('varying only the seed changes the draw (and the same seed repeats it)', () => {
    const pop = population(200);
    const a = drawCampaign(pop, new Set(), 'seed-a', 0.1).picks.map(keyOf);
    expect(drawCampaign(pop, new Set(), 'seed-a', 0.1).picks.map(keyOf)).toEqual(a);
    const b = drawCampaign(pop, new Set(), 'seed-b', 0.1).picks.map(keyOf);
    expect(b).not.toEqual(a);
    expect(b).toHaveLength(a.length);
  });
});
