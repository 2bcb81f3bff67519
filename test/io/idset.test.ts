import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/io/rows.js';
import { IdIndex } from '../../src/io/idIndex.js';

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

describe('IdIndex (duplicate ids within one file, kept as runs of ids that count up)', () => {
  /** An id as exports write them: a prefix and a zero-padded number, or a bare word. */
  const idArb = fc.oneof(
    fc.record({ p: fc.constantFrom('SR-202610-', 'SR-', 'BJ', 'SH-', '', 'X1', '编号'), w: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 0, max: 60 }) }).map(({ p, w, n }) => `${p}${String(n).padStart(w, '0')}`),
    fc.string({ maxLength: 5 }),
    fc.constantFrom('123456789012345678', '023456789012345678', '99', '099', '0'),
  );
  /** A file's ids: stretches that count up (from a random id), other ids, repeats. */
  const fileArb = fc.array(
    fc.oneof(
      fc.record({ start: idArb, len: fc.integer({ min: 1, max: 40 }) }).map(({ start, len }) => {
        const m = /^(.*?)(\d{1,15})$/.exec(start);
        if (!m) return [start];
        return Array.from({ length: len }, (_, k) => `${m[1]}${String(Number(m[2]) + k).padStart(m[2]!.length, '0')}`);
      }),
      idArb.map((x) => [x]),
      // Counting up with gaps (a filtered export), or numbers far apart (pages, then hashes).
      fc.record({ p: fc.constantFrom('SR-', 'K'), start: fc.integer({ min: 0, max: 2_000_000 }), gaps: fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 30 }) }).map(({ p, start, gaps }) => {
        let n = start;
        return gaps.map((g) => `${p}${(n += g)}`);
      }),
    ),
    { maxLength: 30 },
  );

  it('answers exactly what a map of first lines answers, in runs, in pages or in hashes', () => {
    fc.assert(
      fc.property(fileArb, fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 7 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(16, 20_000, 200_000), (parts, steps, maxRuns, expected) => {
        const ids = parts.flat();
        const index = new IdIndex(expected, maxRuns);
        const first = new Map<string, number>();
        let line = 1;
        ids.forEach((id, i) => {
          line += steps[i % steps.length]!; // blank lines and multi-line records: lines skip
          expect(index.add(id, line)).toBe(first.get(id) ?? 0);
          if (!first.has(id)) first.set(id, line);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('a sorted export of a million ids, or four branch exports concatenated, stays in runs; a repeated file names every first line', () => {
    const one = new IdIndex(1_000_000);
    let repeats = 0;
    for (let i = 1; i <= 1_000_000; i++) if (one.add(`SR-202610-${String(i).padStart(7, '0')}`, i + 1) !== 0) repeats++;
    expect(repeats).toBe(0);
    expect(one.form).toBe('runs');
    expect(one.add('SR-202610-0500000', 2_000_000)).toBe(500_001);
    const branches = new IdIndex(40_000);
    let line = 1;
    for (const b of ['BJ', 'SH', 'GZ', 'CD']) for (let i = 1; i <= 10_000; i++) if (branches.add(`${b}-${i}`, ++line) !== 0) repeats++;
    expect(repeats).toBe(0);
    expect(branches.form).toBe('runs');
    // The same four files again (a cron job that imported yesterday's concatenation twice).
    let again = 1;
    const wrong: string[] = [];
    for (const b of ['BJ', 'SH', 'GZ', 'CD']) for (let i = 1; i <= 10_000; i++) if (branches.add(`${b}-${i}`, ++line) !== ++again) wrong.push(`${b}-${i}`);
    expect(wrong).toEqual([]);
  });

  it('ids with gaps or in no order move to pages (4 bytes a number) and still find every repeat', () => {
    const index = new IdIndex(50_000);
    const order = Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 50_000);
    expect(order.filter((n, i) => index.add(`SR-${n}`, i + 2) !== 0)).toEqual([]);
    expect(index.form).toBe('pages');
    expect(index.add('SR-7919', 60_000)).toBe(3);
    // An export sorted by department: each department's ids count up with gaps.
    const dept = new IdIndex(40_000);
    const ids = Array.from({ length: 40_000 }, (_, i) => i).sort((a, b) => (a % 4) - (b % 4) || a - b);
    expect(ids.filter((n, i) => dept.add(`SR-202610-${String(n).padStart(7, '0')}`, i + 2) !== 0)).toEqual([]);
    expect(dept.form).toBe('pages');
    expect(dept.add('SR-202610-0000005', 50_000)).toBe(ids.indexOf(5) + 2);
  });

  it('ids spread thinly over a wide range, or without digits, move on to hashes', () => {
    const wide = new IdIndex(5_000);
    const nums = Array.from({ length: 5_000 }, (_, i) => (i * 2_654_435_761) % 1e12);
    expect(nums.filter((n, i) => wide.add(`C${n}`, i + 2) !== 0)).toEqual([]);
    expect(wide.form).toBe('hashes');
    expect(wide.add(`C${nums[17]}`, 9_999)).toBe(19);
    const words = new IdIndex(5_000);
    const w = Array.from({ length: 5_000 }, (_, i) => `id-${String.fromCharCode(97 + (i % 26))}${(i * 31) % 4999}x`);
    const first = new Map<string, number>();
    w.forEach((x, i) => {
      expect(words.add(x, i + 2)).toBe(first.get(x) ?? 0);
      if (!first.has(x)) first.set(x, i + 2);
    });
    expect(words.form).toBe('hashes');
  });
});
