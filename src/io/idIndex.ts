/**
 * Ids seen in one file, to name both lines of a duplicate (SPEC §2 "a
 * duplicate id names both lines"), in memory that does not grow with the
 * file for the usual exports.
 *
 * An id is read as a prefix and a number: its trailing digits (at most 15, so
 * the number is exact) with their count, e.g. `SR-202610-0000042` → prefix
 * `SR-202610-`, 7 digits, 42. The reading is one-to-one (the same string
 * always gives the same triple, two strings never do), so "seen" can be kept
 * as runs: a prefix and width, a first and last number, and the ordinal of
 * the run's first id (the n-th call of `add`). A file sorted by id is one run;
 * branch exports concatenated, one run per branch. The lines are kept apart,
 * as the few places where the line stops being "ordinal + constant" (a
 * quoted field over several lines, a blank line, a skipped header).
 *
 * When the ids do not come in runs (an export sorted by something else, or
 * filtered so that numbers are skipped), runs would cost more than hashes:
 * past `maxRuns` runs every id so far moves into an {@link IdSet} (64-bit
 * hashes, ~17 MB per million ids, what every file cost before) and the rest
 * follow it there. Either way the answers are exact for the run part and, in
 * the hash part, a false duplicate needs two ids sharing 64 bits.
 *
 * Measured on the 1M- and 3M-row benchmark exports (ids in order): peak RSS
 * no longer grows with the file (the IdSet was sized for the whole file up front).
 */
import { IdSet } from './rows.js';

/** Ids `start..end` (numbers) of one prefix and width, the first of them the `ord`-th id added. */
interface Run {
  start: number;
  end: number;
  ord: number;
}

interface Key {
  prefix: string;
  width: number;
  /** Disjoint, sorted by start. */
  runs: Run[];
}

const MAX_DIGITS = 15;

export class IdIndex {
  private readonly keys = new Map<string, Key>();
  private last: Key | null = null;
  /** Index in last.runs of the run the last id extended or opened. */
  private lastRun = -1;
  private runCount = 0;
  private set: IdSet | null = null;
  private ord = 0;
  /** Breakpoints of line − ordinal: from ordinal breakOrd[i] on, line = ordinal + breakDelta[i]. */
  private breakOrd = new Int32Array(64);
  private breakDelta = new Int32Array(64);
  private breaks = 0;
  private readonly maxRuns: number;

  /**
   * @param expectedRows the file's estimated rows: sizes the hash set if the ids turn out not to come in runs
   * @param maxRuns runs kept before moving to hashes (a new run is a splice into a sorted array:
   *   kept small, that costs nothing)
   */
  constructor(
    private readonly expectedRows = 1024,
    maxRuns?: number,
  ) {
    this.maxRuns = maxRuns ?? 4096;
  }

  /** Ids kept as runs (not yet moved to hashes)? For tests and --debug. */
  get inRuns(): boolean {
    return this.set === null;
  }

  /** Records `id` at `line` (lines only increase); returns the earlier line if it was seen, else 0. */
  add(id: string, line: number): number {
    if (this.set) return this.set.add(id, line);
    const ord = this.ord++;
    const delta = line - ord;
    if (this.breaks === 0 || this.breakDelta[this.breaks - 1] !== delta) this.addBreak(ord, delta);

    // Trailing digits (at most MAX_DIGITS) and their value.
    let i = id.length;
    let n = 0;
    let scale = 1;
    while (i > 0 && id.length - i < MAX_DIGITS) {
      const c = id.charCodeAt(i - 1) - 48;
      if (c < 0 || c > 9) break;
      n += c * scale;
      scale *= 10;
      i--;
    }
    const width = id.length - i;

    // The usual case: the next number of the last run, added right after it.
    const last = this.last;
    if (last !== null && last.width === width && last.prefix.length === i && id.startsWith(last.prefix)) {
      const run = last.runs[this.lastRun]!;
      if (n === run.end + 1 && ord === run.ord + (run.end - run.start) + 1) {
        const next = last.runs[this.lastRun + 1];
        if (next !== undefined && next.start === n) return this.lineOf(next.ord);
        run.end = n;
        return 0;
      }
    }
    return this.addSlow(id, i, width, n, ord);
  }

  private addSlow(id: string, i: number, width: number, n: number, ord: number): number {
    const prefix = id.slice(0, i);
    const name = `${width}:${prefix}`;
    let key = this.keys.get(name);
    if (!key) {
      key = { prefix, width, runs: [] };
      this.keys.set(name, key);
    }
    const runs = key.runs;
    // The last run starting at or before n.
    let lo = 0;
    let hi = runs.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid]!.start <= n) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at >= 0 && n <= runs[at]!.end) return this.lineOf(runs[at]!.ord + (n - runs[at]!.start));
    this.last = key;
    if (at >= 0 && runs[at]!.end === n - 1 && runs[at]!.ord + (runs[at]!.end - runs[at]!.start) + 1 === ord) {
      runs[at]!.end = n; // continues that run (the next run starts after n: n was not found)
      this.lastRun = at;
      return 0;
    }
    runs.splice(at + 1, 0, { start: n, end: n, ord });
    this.lastRun = at + 1;
    if (++this.runCount > this.maxRuns) this.toHashes();
    return 0;
  }

  /** The line of the ord-th id. */
  private lineOf(ord: number): number {
    let lo = 0;
    let hi = this.breaks - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.breakOrd[mid]! <= ord) lo = mid;
      else hi = mid - 1;
    }
    return ord + this.breakDelta[lo]!;
  }

  private addBreak(ord: number, delta: number): void {
    if (this.breaks === this.breakOrd.length) {
      const o = new Int32Array(this.breaks * 2);
      o.set(this.breakOrd);
      this.breakOrd = o;
      const d = new Int32Array(this.breaks * 2);
      d.set(this.breakDelta);
      this.breakDelta = d;
    }
    this.breakOrd[this.breaks] = ord;
    this.breakDelta[this.breaks] = delta;
    this.breaks++;
  }

  /** Too many runs: every id so far (this one included) into a hash set; the runs are dropped. */
  private toHashes(): void {
    const set = new IdSet(Math.max(this.expectedRows, this.ord * 2));
    for (const key of this.keys.values()) {
      for (const run of key.runs) {
        for (let n = run.start; n <= run.end; n++) {
          const digits = key.width === 0 ? '' : String(n).padStart(key.width, '0');
          set.add(key.prefix + digits, this.lineOf(run.ord + (n - run.start)));
        }
      }
    }
    this.set = set;
    this.keys.clear();
    this.last = null;
  }
}
