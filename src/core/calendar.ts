/**
 * Mainland China working days (SPEC §5: "Within N working days after T",
 * `calendar.files`). Seed 002 and 004 count some deadlines in working days,
 * which follow the statutory calendar: public holidays are off, and some
 * weekend days are adjusted working days (调休).
 *
 * Sources, by precedence for a date D of year Y:
 *   1. holiday-cn year files (github.com/NateScarlet/holiday-cn) listed in
 *      `calendar.files`: a day they list is taken as they say it, and a file
 *      for year Y governs all of Y (unlisted days follow Mon–Fri);
 *   2. the data of the `chinese-days` package, for the years it has holidays;
 *   3. otherwise Mon–Fri, and Y is recorded as guessed so the report can say
 *      so — never silently (SPEC §5).
 *
 * Only the package's JSON data is used: its date functions parse dates in
 * the machine's local time zone, while dates here are plain `YYYY-MM-DD`
 * strings already local to the configured zone (core/time.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { addDays, isValidDate, weekdayOf, type Zone } from './time.js';

export interface CalendarSource {
  name: string;
  years: number[];
}

/** The shape of `chinese-days/dist/chinese-days.json` that is used here. */
export interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** One holiday-cn year file, reduced to what decides a working day. */
export interface YearFile {
  year: number;
  days: { date: string; isOffDay: boolean }[];
}

const PACKAGE = 'chinese-days';

let packageCache: { data: PackageData; version: string } | undefined;

/**
 * createRequire rather than a JSON import: Node 20 prints an experimental
 * warning for import attributes, and the CLI's stderr must stay clean.
 */
function packageData(): { data: PackageData; version: string } {
  if (!packageCache) {
    const require = createRequire(import.meta.url);
    const data = require(`${PACKAGE}/dist/chinese-days.json`) as PackageData;
    let version = '?';
    try {
      version = String((require(`${PACKAGE}/package.json`) as { version?: unknown }).version ?? '?');
    } catch {
      // The version is only shown in sources; the data is what matters.
    }
    packageCache = { data, version };
  }
  return packageCache;
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function isMonToFri(date: string): boolean {
  return weekdayOf(date) <= 5;
}

/**
 * Checks one parsed holiday-cn file. `label` names it in errors (the path,
 * or the index for test data). A day more than a year away from the file's
 * year means a wrong or corrupted file: holiday-cn only lists the previous
 * or next year's days that belong to the same holiday (e.g. 元旦 that starts
 * on Dec 31).
 */
function checkYearFile(raw: unknown, label: string): YearFile {
  const fail = (problem: string): never => {
    throw new Error(`calendar file ${label}: ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a holiday-cn year file (expected a JSON object with "year" and "days")');
  const obj = raw as { year?: unknown; days?: unknown };
  const year = obj.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 9999) fail(`"year" must be a four-digit year, got ${JSON.stringify(year)}`);
  const y = year as number;
  if (!Array.isArray(obj.days)) fail('"days" must be an array');
  const days: YearFile['days'] = [];
  const seen = new Map<string, boolean>();
  (obj.days as unknown[]).forEach((d, i) => {
    const at = `days[${i}]`;
    if (typeof d !== 'object' || d === null) fail(`${at} is not an object`);
    const { date, isOffDay } = d as { date?: unknown; isOffDay?: unknown };
    if (typeof date !== 'string' || !isValidDate(date)) fail(`${at}.date must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
    if (typeof isOffDay !== 'boolean') fail(`${at}.isOffDay must be true or false, got ${JSON.stringify(isOffDay)}`);
    const ds = date as string;
    if (Math.abs(yearOf(ds) - y) > 1) fail(`${at}.date ${ds} is too far from the file's year ${y}`);
    const prev = seen.get(ds);
    if (prev !== undefined && prev !== isOffDay) fail(`${ds} is listed both as a day off and as a working day`);
    seen.set(ds, isOffDay as boolean);
    days.push({ date: ds, isOffDay: isOffDay as boolean });
  });
  return { year: y, days };
}

/** Reads and checks a holiday-cn file; every problem names the file. */
export function readYearFile(path: string): YearFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`calendar file ${path}: cannot read it (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new Error(`calendar file ${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkYearFile(raw, path);
}

export class WorkCalendar {
  /** Years for which isWorkday() answered by Mon–Fri since load. */
  readonly guessedYears: ReadonlySet<number>;
  private readonly guessed = new Set<number>();
  /** Days listed by year files: date → is a working day. */
  private readonly fileDays = new Map<string, boolean>();
  private readonly fileYears = new Set<number>();
  private readonly pkgYears = new Set<number>();
  private readonly pkg: PackageData;
  private readonly sourceList: CalendarSource[];

  private constructor(pkg: PackageData, pkgName: string, files: readonly { label: string; file: YearFile }[]) {
    this.guessedYears = this.guessed;
    this.pkg = pkg;
    // A year is known to the package when it has at least one holiday there:
    // every year has 元旦 and 春节, while an empty year means "not published".
    for (const date of Object.keys(pkg.holidays)) this.pkgYears.add(yearOf(date));

    const owner = new Map<number, string>();
    for (const { label, file } of files) {
      const other = owner.get(file.year);
      if (other !== undefined) throw new Error(`calendar file ${label}: year ${file.year} is already covered by ${other}`);
      owner.set(file.year, label);
      this.fileYears.add(file.year);
    }
    // A day listed by several files (元旦 straddling two years): the file of
    // the day's own year wins, as it governs that year.
    for (const { file } of files) {
      for (const d of file.days) {
        if (!this.fileDays.has(d.date) || yearOf(d.date) === file.year) this.fileDays.set(d.date, !d.isOffDay);
      }
    }
    const pkgOnly = [...this.pkgYears].filter((y) => !this.fileYears.has(y)).sort((a, b) => a - b);
    this.sourceList = [{ name: pkgName, years: pkgOnly }, ...files.map(({ label, file }) => ({ name: label, years: [file.year] }))];
  }

  /**
   * files: paths of holiday-cn JSON files; they win over chinese-days for
   * their year. Throws an Error naming the file for an unreadable or invalid
   * file, or for two files of the same year.
   */
  static load(files: readonly string[] = []): WorkCalendar {
    const { data, version } = packageData();
    const years = files.map((path) => ({ label: path, file: readYearFile(path) }));
    return new WorkCalendar(data, `${PACKAGE} ${version}`, years);
  }

  /** For tests: build from explicit data (checked like files). */
  static fromData(data: PackageData, yearFiles: readonly YearFile[] = []): WorkCalendar {
    const years = yearFiles.map((f, i) => {
      const label = `yearFiles[${i}]`;
      return { label, file: checkYearFile(f, label) };
    });
    return new WorkCalendar(data, 'data', years);
  }

  /** Where the answers come from, for the report (years each source governs). */
  get sources(): CalendarSource[] {
    return this.sourceList.map((s) => ({ name: s.name, years: [...s.years] }));
  }

  /** Whether the calendar has data for this year (else Mon–Fri is assumed). */
  knows(year: number): boolean {
    return this.fileYears.has(year) || this.pkgYears.has(year);
  }

  /** Is this local date (YYYY-MM-DD) a working day? */
  isWorkday(date: string): boolean {
    return this.classify(date).workday;
  }

  /**
   * The N-th working day strictly after `date`, and the years this answer
   * had to guess (Mon–Fri), ascending — empty when all were known. n = 0
   * gives `date` itself (nothing to count).
   */
  nthWorkdayAfter(date: string, n: number): { date: string; guessedYears: number[] } {
    if (!isValidDate(date)) throw new RangeError(`not a date: ${date}`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0, got ${n}`);
    const guessed = new Set<number>();
    let d = date;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      const c = this.classify(d);
      if (c.guessed) guessed.add(yearOf(d));
      if (c.workday) left--;
    }
    return { date: d, guessedYears: [...guessed].sort((a, b) => a - b) };
  }

  private classify(date: string): { workday: boolean; guessed: boolean } {
    if (!isValidDate(date)) throw new RangeError(`not a date: ${date}`);
    const listed = this.fileDays.get(date);
    if (listed !== undefined) return { workday: listed, guessed: false };
    const year = yearOf(date);
    if (this.fileYears.has(year)) return { workday: isMonToFri(date), guessed: false };
    if (this.pkgYears.has(year)) {
      if (Object.hasOwn(this.pkg.workdays, date)) return { workday: true, guessed: false };
      if (Object.hasOwn(this.pkg.holidays, date)) return { workday: false, guessed: false };
      return { workday: isMonToFri(date), guessed: false };
    }
    this.guessed.add(year);
    return { workday: isMonToFri(date), guessed: true };
  }
}

/**
 * "Within N working days after T" (SPEC §5): no later than the end
 * (23:59:59.999 local) of the N-th working day strictly after T's local
 * date. The deadline is the exclusive bound — the start of the next local
 * day — so "on time" is `done < deadline`. Also returns the guessed years.
 */
export function workdayDeadline(cal: WorkCalendar, zone: Zone, t: number, n: number): { deadline: number; guessedYears: number[] } {
  const { date, guessedYears } = cal.nthWorkdayAfter(zone.dateOf(t), n);
  return { deadline: zone.dayStart(addDays(date, 1)), guessedYears };
}
