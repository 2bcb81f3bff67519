/**
 * The record draw's paths against real SQLite: the first draw of a month
 * ("rank <= cut"), its fallback when a population holds a record drawn for
 * another month, the excluding passes, and the population digest in SQL.
 */
import { describe, expect, it } from 'vitest';
import { drawSample, type SampleParams } from '../../src/app/sample.js';
import { verifyRun } from '../../src/app/verify.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { rankOf } from '../../src/core/rank.js';
import { digestPart, lowest, quotaOf } from '../../src/core/sampling.js';
import { Zone } from '../../src/core/time.js';
import type { Db } from '../../src/db/open.js';
import { SampleStore } from '../../src/db/sampling.js';
import { importRecords, makeDb } from '../helpers/store.js';

const SEED = 'draw-seed';
const SHANGHAI = new Zone('Asia/Shanghai');
const at = (iso: string) => Date.parse(iso);

function params(date: string, zone = SHANGHAI, month?: string): SampleParams {
  return { date, seed: SEED, dbSeed: SEED, config: { ...DEFAULT_CONFIG, timezone: zone.name }, zone, now: at(`${date}T08:00:00+08:00`), ...(month ? { month } : {}) };
}

function items(db: Db): { item_id: string; period: string; run_id: number }[] {
  return db.prepare(`SELECT item_id, period, run_id FROM sample_items WHERE kind = 'records' ORDER BY item_id`).all() as { item_id: string; period: string; run_id: number }[];
}

describe('the first draw of a month', () => {
  it('takes exactly the lowest (rank, id) ceil(20 %) of each stratum, and verifies', () => {
    const db = makeDb(SEED);
    const types = ['consult', 'contract', 'delivery', 'repair', 'return'];
    const recs = Array.from({ length: 537 }, (_, i) => ({ id: `R${i}`, type: types[i % 7 === 0 ? 1 : i % 5]!, at: at('2026-10-01T00:00:00+08:00') + i * 4_000_000 }));
    importRecords(db, recs);
    const store = new SampleStore(db);
    const r = drawSample(store, params('2026-11-01'));
    const expected: string[] = [];
    for (const t of types) {
      const pop = recs.filter((x) => x.type === t).map((x) => ({ id: x.id, rank: rankOf(SEED, 'records', x.id) }));
      expected.push(...lowest(pop, quotaOf(0.2, pop.length)).map((x) => x.id));
    }
    expect(r.records.drawn).toEqual([...expected].sort());
    expect(items(db).map((x) => x.item_id)).toEqual([...expected].sort());
    const v = verifyRun(store, r.runs[0]!, SEED);
    expect(v.ok).toBe(true);
  });

  it('a record drawn for another month under an earlier time zone is skipped, not drawn twice', () => {
    const db = makeDb(SEED);
    // X: 2026-11-01 04:00 in Shanghai, 2026-10-31 20:00 in UTC. The only repair of either month.
    importRecords(db, [
      { id: 'X', type: 'repair', at: at('2026-10-31T20:00:00Z') },
      ...Array.from({ length: 6 }, (_, i) => ({ id: `C${i}`, type: 'consult', at: at(`2026-10-1${i}T10:00:00+08:00`) })),
    ]);
    const store = new SampleStore(db);
    const nov = drawSample(store, params('2026-12-01'));
    expect(nov.records.drawn).toEqual(['X']);

    // The team switches the time zone to UTC: X now belongs to October, whose first draw has nothing drawn for it.
    const utc = new Zone('UTC');
    const oct = drawSample(store, params('2026-11-01', utc));
    const consults = oct.records.strata.find((s) => s.record_type === 'consult')!;
    expect(consults).toMatchObject({ population: 6, drawn: 2 });
    expect(oct.records.strata.find((s) => s.record_type === 'repair')).toMatchObject({ population: 1, drawn: 0 });
    expect(oct.records.drawn).not.toContain('X');
    expect(items(db).filter((x) => x.item_id === 'X')).toEqual([{ item_id: 'X', period: '2026-11', run_id: nov.runs[0]! }]);
    expect(verifyRun(store, oct.runs[0]!, SEED).ok).toBe(true);
  });
});

describe('SampleStore.drawRecords (the excluding passes)', () => {
  it('a pass after a too-tight bound skips what this run already drew and fills the stratum', () => {
    const db = makeDb(SEED);
    const recs = Array.from({ length: 40 }, (_, i) => ({ id: `K${String(i).padStart(2, '0')}`, type: 'consult', at: at('2026-10-05T10:00:00+08:00') + i * 60_000 }));
    importRecords(db, recs);
    const ranked = recs.map((r) => ({ id: r.id, rank: rankOf(SEED, 'records', r.id) }));
    const want = lowest(ranked, 6).map((x) => x.id);
    const [start, end] = SHANGHAI.monthRange('2026-10');
    const store = new SampleStore(db);
    store.transaction(() => {
      const run = store.nextRunId();
      // A bound just above the 2nd lowest rank: the first pass comes up short.
      const tight = lowest(ranked, 2)[1]!.rank + 1;
      expect(store.drawRecords(run, '2026-10', start, end, [{ type: 'consult', window: 6, need: 6, below: tight }])).toEqual(new Map([['consult', 2]]));
      expect(store.drawRecords(run, '2026-10', start, end, [{ type: 'consult', window: 12, need: 4, below: 2 ** 48 }])).toEqual(new Map([['consult', 6]]));
    });
    expect(items(db).map((x) => x.item_id)).toEqual([...want].sort());
  });
});

describe('SampleStore.runItemIds', () => {
  it('lists a run\'s ids in order, also when an id holds its internal separator', () => {
    const db = makeDb(SEED);
    const store = new SampleStore(db);
    const ids = ['b', 'a\x1ez', 'c', 'a'];
    store.transaction(() => store.insertItems(1, 'records', '2026-10', ids.map((id, i) => ({ id, stratum: 'consult', rank: i }))));
    expect(store.runItemIds({ id: 1, kind: 'records', period: '2026-10' })).toEqual(['a', 'a\x1ez', 'b', 'c']);
    store.transaction(() => store.insertItems(2, 'records', '2026-10', ['y', 'x'].map((id, i) => ({ id, stratum: 'consult', rank: i }))));
    expect(store.runItemIds({ id: 2, kind: 'records', period: '2026-10' })).toEqual(['x', 'y']);
    expect(store.runItemIds({ id: 3, kind: 'records', period: '2026-10' })).toEqual([]);
  });
});

describe('the population digest in SQL', () => {
  it('recordStrata sums the high 32 bits exactly as digestPart does, for ranks near 2^48', () => {
    const db = makeDb(SEED);
    importRecords(
      db,
      Array.from({ length: 3000 }, (_, i) => ({ id: `D${i}`, type: i % 2 ? 'repair' : 'return', at: at('2026-10-10T10:00:00+08:00') + i })),
    );
    // Ranks from the very top of the 48-bit range (every high half near 2^32).
    db.prepare(`UPDATE records SET rank = ? - CAST(substr(record_id, 2) AS INTEGER) * 7919`).run(2 ** 48 - 1);
    const [start, end] = SHANGHAI.monthRange('2026-10');
    const fromSql = new SampleStore(db).recordStrata(start, end);
    const ranks = db.prepare(`SELECT record_type, rank FROM records`).raw().all() as [string, number][];
    const fromJs = ['repair', 'return'].map((t) => digestPart(t, ranks.filter((r) => r[0] === t).map((r) => r[1])));
    expect(fromSql).toEqual(fromJs);
    expect(BigInt(fromSql[0]!.sum)).toBeGreaterThan(1500n * (2n ** 32n - 400n)); // past 2^42: not a small-number accident
  });
});
