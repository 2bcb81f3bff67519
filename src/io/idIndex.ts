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
 * When the ids do not come in runs (an export sorted by department, or
 * filtered so that numbers are skipped), past `maxRuns` runs every id moves
 * to pages of line slots indexed by number (4,096 numbers a page, 16 KiB):
 * ids with gaps cost 4 bytes per number of their range, ~4 MB per million.
 * When the pages would cost more than hashes (ids spread thinly over a wide
 * range, or no digits at all), every id moves into an {@link IdSet} (64-bit
 * hashes, ~17 MB per million ids, what every file cost before) and the rest
 * follow it there. The runs and the pages are exact; in the hash part a false
 * duplicate needs two ids sharing 64 bits.
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

/** The id a (prefix, width, number) reading came from: the reading is one-to-one, so this is exact. */
function idOf(prefix: string, width: number, n: number): string {
  return width === 0 ? prefix : prefix + String(n).padStart(width, '0');
}
/** Numbers per page of the paged form. */
const PAGE = 4096;

/** The paged form: per prefix and width, pages of line slots (0 = not seen), keyed by number / PAGE. */
interface PagedKey {
  prefix: string;
  width: number;
  pages: Map<number, Int32Array>;
}

export class IdIndex {
  private readonly keys = new Map<string, Key>();
  private last: Key | null = null;
  /** Index in last.runs of the run the last id extended or opened. */
  private lastRun = -1;
  private runCount = 0;
  private set: IdSet | null = null;
  private paged: Map<string, PagedKey> | null = null;
  private pagedLast: PagedKey | null = null;
  private pageCount = 0;
  /** Pages allowed: what the hash set would take for the expected rows (~17 bytes an id), at least 64. */
  private readonly maxPages: number;
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
    this.maxPages = Math.max(64, Math.floor((17 * expectedRows) / (PAGE * 4)));
  }

  /** How the ids are kept now: 'runs', 'pages' or 'hashes'. For tests and --debug. */
  get form(): 'runs' | 'pages' | 'hashes' {
    return this.set ? 'hashes' : this.paged ? 'pages' : 'runs';
  }

  /** Records `id` at `line` (lines only increase); returns the earlier line if it was seen, else 0. */
  add(id: string, line: number): number {
    if (this.set) return this.set.add(id, line);
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
    if (this.paged) {
      const r = this.addPaged(id, i, width, n, line);
      if (r >= 0) return r;
      this.pagesToHashes();
      return this.set!.add(id, line);
    }
    const ord = this.ord++;
    const delta = line - ord;
    if (this.breaks === 0 || this.breakDelta[this.breaks - 1] !== delta) this.addBreak(ord, delta);

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
    if (++this.runCount > this.maxRuns) this.runsToPages();
    return 0;
  }

  /** In the paged form: the earlier line, 0 if new (now recorded), or -1 if a new page would pass maxPages. */
  private addPaged(id: string, i: number, width: number, n: number, line: number): number {
    let key = this.pagedLast;
    if (key === null || key.width !== width || key.prefix.length !== i || !id.startsWith(key.prefix)) {
      const prefix = id.slice(0, i);
      const name = `${width}:${prefix}`;
      key = this.paged!.get(name) ?? null;
      if (key === null) {
        key = { prefix, width, pages: new Map() };
        this.paged!.set(name, key);
      }
      this.pagedLast = key;
    }
    const p = Math.floor(n / PAGE);
    let page = key.pages.get(p);
    if (page === undefined) {
      if (this.pageCount >= this.maxPages) return -1;
      this.pageCount++;
      page = new Int32Array(PAGE);
      key.pages.set(p, page);
    }
    const slot = n - p * PAGE;
    const prev = page[slot]!;
    if (prev !== 0) return prev;
    page[slot] = line;
    return 0;
  }

  /** Too many runs: every id so far into pages, or into hashes if pages would cost more. */
  private runsToPages(): void {
    this.paged = new Map();
    this.pagedLast = null;
    for (const key of this.keys.values()) {
      for (const run of key.runs) {
        for (let n = run.start; n <= run.end; n++) {
          const id = idOf(key.prefix, key.width, n);
          if (this.addPaged(id, key.prefix.length, key.width, n, this.lineOf(run.ord + (n - run.start))) < 0) {
            this.paged = null;
            this.pagedLast = null;
            this.pageCount = 0;
            this.toHashes();
            return;
          }
        }
      }
    }
    this.keys.clear();
    this.last = null;
  }

  /** The pages would pass maxPages: every id so far into a hash set. */
  private pagesToHashes(): void {
    let count = 0;
    for (const key of this.paged!.values()) for (const page of key.pages.values()) for (let k = 0; k < PAGE; k++) if (page[k] !== 0) count++;
    const set = new IdSet(Math.max(this.expectedRows, count * 2));
    for (const key of this.paged!.values()) {
      for (const [p, page] of key.pages) {
        for (let k = 0; k < PAGE; k++) {
          if (page[k] === 0) continue;
          set.add(idOf(key.prefix, key.width, p * PAGE + k), page[k]!);
        }
      }
    }
    this.set = set;
    this.paged = null;
    this.pagedLast = null;
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
          set.add(idOf(key.prefix, key.width, n), this.lineOf(run.ord + (n - run.start)));
        }
      }
    }
    this.set = set;
    this.keys.clear();
    this.last = null;
  }
}
