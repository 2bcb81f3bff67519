import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawSample, type SampleParams } from '../../src/app/sample.js';
import { verifyRun } from '../../src/app/verify.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { quotaOf } from '../../src/core/sampling.js';
import { addDays, Zone } from '../../src/core/time.js';
import type { Db } from '../../src/db/open.js';
import { SampleStore } from '../../src/db/sampling.js';
import { importCalls, importRecords, makeDb, type TestCall, type TestRecord } from '../helpers/store.js';

const zone = new Zone('Asia/Shanghai');
const TYPES = ['consult', 'contract', 'delivery', 'repair', 'return'];
const OCT_START = zone.monthRange('2026-10')[0];

function params(date: string, seed: string, dbSeed: string, config = DEFAULT_CONFIG): SampleParams {
  return { date, seed, dbSeed, config, zone, now: Date.parse('2026-11-02T00:00:00Z') };
}

/** A record of October 2026 and the day its export arrives (its own day + a delay). */
const recordArb = fc.record({
  type: fc.constantFrom(...TYPES, 'consult', 'consult', 'delivery'),
  minute: fc.integer({ min: 0, max: 31 * 24 * 60 - 1 }),
  delay: fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 1, max: 9 })),
});

function buildRecords(specs: { type: string; minute: number; delay: number }[]): (TestRecord & { arrives: string })[] {
  return specs.map((s, i) => {
    const at = OCT_START + s.minute * 60_000;
    return { id: `R${String(i).padStart(4, '0')}`, type: s.type, at, arrives: addDays(zone.dateOf(at), s.delay) };
  });
}

const DATES = Array.from({ length: 31 }, (_, i) => addDays('2026-10-02', i)); // 10-02 … 11-01

/** Import what has arrived by each day (in the given order), then run that day's sample. */
function simulate(db: Db, recs: (TestRecord & { arrives: string })[], order: number[], seed?: string): SampleStore {
  const store = new SampleStore(db);
  const dbSeed = db.prepare(`SELECT value FROM meta WHERE key = 'seed'`).pluck().get() as string;
  const ordered = order.map((i) => recs[i]!);
  for (const date of DATES) {
    const today = ordered.filter((r) => r.arrives === date);
    if (today.length) importRecords(db, today, `records-${date}.csv`);
    drawSample(store, params(date, seed ?? dbSeed, dbSeed));
  }
  return store;
}

function sampleSet(db: Db, kind = 'records'): string[] {
  return (db.prepare('SELECT item_id FROM sample_items WHERE kind = ? ORDER BY item_id').pluck().all(kind) as string[]);
}

const specsArb = fc.array(recordArb, { minLength: 0, maxLength: 160 });

describe('record sampling properties (real SQLite, daily runs over October 2026)', () => {
  it('after every daily run each stratum has at least ceil(20 %) of its population; nothing is drawn twice', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        const recs = buildRecords(specs);
        const db = makeDb('prop-seed');
        const store = new SampleStore(db);
        for (const date of DATES) {
          const arrived = recs.filter((r) => r.arrives === date);
          if (arrived.length) importRecords(db, arrived, `r-${date}.csv`);
          const res = drawSample(store, params(date, 'prop-seed', 'prop-seed'));
          const cutoff = Math.min(zone.dayStart(date), zone.monthRange('2026-10')[1]);
          for (const t of TYPES) {
            const pop = db.prepare(`SELECT count(*) FROM records WHERE record_type = ? AND occurred_at >= ? AND occurred_at < ?`).pluck().get(t, OCT_START, cutoff) as number;
            const drawn = db
              .prepare(`SELECT count(*) FROM sample_items s JOIN records r ON r.record_id = s.item_id WHERE s.kind = 'records' AND r.record_type = ? AND r.occurred_at >= ? AND r.occurred_at < ?`)
              .pluck()
              .get(t, OCT_START, cutoff) as number;
            expect(drawn).toBeGreaterThanOrEqual(quotaOf(0.2, pop));
          }
          expect(res.records.strata.every((s) => s.sampled >= s.target)).toBe(true);
        }
        const all = sampleSet(db);
        expect(new Set(all).size).toBe(all.length);
        db.close();
      }),
      { numRuns: 30 },
    );
  });

  it('same seed ⇒ same sample, whatever order rows are imported in', () => {
    fc.assert(
      fc.property(
        specsArb.chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray([...specs.keys()], { minLength: specs.length, maxLength: specs.length }))),
        ([specs, shuffled]) => {
          const recs = buildRecords(specs);
          const a = makeDb('same-seed');
          const b = makeDb('same-seed');
          simulate(a, recs, [...recs.keys()]);
          simulate(b, recs, shuffled);
          expect(sampleSet(b)).toEqual(sampleSet(a));
          a.close();
          b.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('every path honours the seed: --seed S on another database draws what a database seeded S draws', () => {
    fc.assert(
      fc.property(specsArb, fc.string({ minLength: 1, maxLength: 12 }), (specs, seed) => {
        const recs = buildRecords(specs);
        const native = makeDb(seed); // ranks stored at import: the SQL path
        const other = makeDb('another-seed'); // --seed: ranks computed per draw
        simulate(native, recs, [...recs.keys()]);
        simulate(other, recs, [...recs.keys()], seed);
        expect(sampleSet(other)).toEqual(sampleSet(native));
        native.close();
        other.close();
      }),
      { numRuns: 20 },
    );
  });

  it('verify recomputes every run: the population and the draw always match the receipt', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        const recs = buildRecords(specs);
        const db = makeDb('verify-seed');
        const store = simulate(db, recs, [...recs.keys()]);
        const runs = db.prepare('SELECT id FROM sample_runs').pluck().all() as number[];
        for (const id of runs) {
          const v = verifyRun(store, id, 'verify-seed');
          expect(v.checks.find((c) => c.check === 'population')!.ok).toBe(true);
          expect(v.checks.find((c) => c.check === 'draw')!.ok).toBe(true);
          // Late exports make earlier receipts out of date, and verify names them.
          // (only those imported by the last simulated day: later ones never reached the database)
          const runDate = db.prepare('SELECT run_date FROM sample_runs WHERE id = ?').pluck().get(id) as string;
          const late = recs.filter((r) => r.at < zone.dayStart(v.run.until.slice(0, 10)) && r.arrives > runDate && r.arrives <= DATES.at(-1)!);
          expect(v.population.appeared.sort()).toEqual(late.map((r) => r.id).sort());
        }
        db.close();
      }),
      { numRuns: 20 },
    );
  });
});

// ------------------------------------------------------------------ calls

const WEEK_START = zone.weekRange('2026-W41')[0]; // Mon 2026-10-05

const callsArb = fc.array(
  fc.record({
    agent: fc.constantFrom('A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A1', 'A1', 'A2'),
    minute: fc.integer({ min: 0, max: 3 * 7 * 24 * 60 - 1 }),
    duration: fc.oneof(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 30, max: 900 }), fc.integer({ min: 30, max: 900 })),
  }),
  { maxLength: 260 },
);

function buildCalls(specs: { agent: string; minute: number; duration: number }[]): TestCall[] {
  return specs.map((s, i) => ({ id: `C${String(i).padStart(4, '0')}`, agent: s.agent, at: WEEK_START + s.minute * 60_000, duration: s.duration }));
}

describe('call sampling properties', () => {
  it('each complete week draws min(50, eligible), spread over agents within one of each other unless an agent runs out', () => {
    fc.assert(
      fc.property(callsArb, (specs) => {
        const calls = buildCalls(specs);
        const db = makeDb('call-seed');
        importCalls(db, calls);
        const res = drawSample(new SampleStore(db), params('2026-10-27', 'call-seed', 'call-seed'));
        for (const week of ['2026-W41', '2026-W42', '2026-W43']) {
          const [s, e] = zone.weekRange(week);
          const eligible = calls.filter((c) => c.at >= s && c.at < e && c.duration >= 30);
          const drawn = res.calls.find((c) => c.week === week);
          if (eligible.length === 0) {
            expect(drawn).toBeUndefined();
            continue;
          }
          expect(drawn!.drawn.length).toBe(Math.min(50, eligible.length));
          const ids = new Set(eligible.map((c) => c.id));
          expect(drawn!.drawn.every((id) => ids.has(id))).toBe(true);
          for (const a of drawn!.agents) {
            for (const b of drawn!.agents) {
              // a has at least one fewer than b minus one only if a gave all it had.
              if (a.drawn < b.drawn - 1) expect(a.drawn).toBe(a.population);
            }
          }
        }
        db.close();
      }),
      { numRuns: 40 },
    );
  });

  it('same seed ⇒ same calls whatever the import order, and verify recomputes them', () => {
    fc.assert(
      fc.property(callsArb.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }))), ([specs, order]) => {
        const calls = buildCalls(specs);
        const a = makeDb('calls-same');
        const b = makeDb('calls-same');
        importCalls(a, calls);
        importCalls(b, order.map((i) => calls[i]!));
        const ra = drawSample(new SampleStore(a), params('2026-10-27', 'calls-same', 'calls-same'));
        drawSample(new SampleStore(b), params('2026-10-27', 'calls-same', 'calls-same'));
        expect(sampleSet(b, 'calls')).toEqual(sampleSet(a, 'calls'));
        for (const run of ra.runs) expect(verifyRun(new SampleStore(a), run, 'calls-same').ok).toBe(true);
        a.close();
        b.close();
      }),
      { numRuns: 25 },
    );
  });
});

