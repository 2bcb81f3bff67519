import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/io/rows.js';

describe('IdSet (duplicate ids within one file)', () => {
  it('names the first line of every repeated id and nothing else, through any number of resizes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 400 }), fc.integer({ min: 0, max: 500 }), (ids, capacity) => {
        const set = new IdSet(capacity);
        const first = new Map<string, number>();
        ids.forEach((id, i) => {
          const line = i + 2;
          expect(set.add(id, line)).toBe(first.get(id) ?? 0);
          if (!first.has(id)) first.set(id, line);
        });
      }),
    );
  });

  it('holds 200,000 distinct ids sized for 16 (grown) or for all of them, with no false duplicate', () => {
    for (const capacity of [16, 200_000]) {
      const set = new IdSet(capacity);
      let falseDuplicates = 0;
      for (let i = 0; i < 200_000; i++) if (set.add(`SR-2026-${i}`, i + 2) !== 0) falseDuplicates++;
      expect(falseDuplicates).toBe(0);
      expect(set.add('SR-2026-123456', 9)).toBe(123_458);
    }
  });
});
