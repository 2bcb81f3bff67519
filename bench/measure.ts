/**
 * The five measurements of the performance issue. Each returns finished
 * rows; a failure of the tool under test throws a BenchFailure, which the
 * runner turns into a "failed" row so the other measurements still run.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { countRows, copyDb, csvHeader, removeDb, settle, warmFile, type CsvInput } from './inputs.js';
import { describeFailure, run, type RssMethod, type RunResult } from './proc.js';
import { measured, median, noNumber, ratio, type Row, type Target } from './results.js';

export interface Bench {
  qaBin: string;
  /** Where children run: a folder without a qa.config.json. */
  cwd: string;
  tmpDir: string;
  env: NodeJS.ProcessEnv;
  rss: RssMethod;
  runs: number;
  helpRuns: number;
  sqlite3: string | null;
  log: (msg: string) => void;
}

export class BenchFailure extends Error {}

const MB = 1024; // KiB per MiB: RSS comes in KiB

/** `node bin/qa …`, exactly as a user's shell would start it (minus the shebang lookup). */
export function qa(b: Bench, args: readonly string[], measureRss = false): Promise<RunResult> {
  return run(process.execPath, [b.qaBin, ...args], { env: b.env, cwd: b.cwd, rss: measureRss ? b.rss : 'none' });
}

/** "1M", "100k", "20k", "1,234": row labels follow --scale. */
export function countLabel(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e2 === 0) return `${n / 1e3}k`;
  return n.toLocaleString('en-US');
}

// ------------------------------------------------------------------ import

export interface ImportOutcome {
  rows: Row[];
  /** Peak RSS (KiB) of each timed qa run: reused by the RSS measurements. */
  qaRssKb: number[];
  /** Median seconds of each side (null when that side has no samples): for ratios across cases. */
  qaSeconds: number | null;
  sqliteSeconds: number | null;
  /** The database of the last qa run, left in place so the runner may keep it (e.g. as the sample database). */
  lastDb: string | null;
}

/** One import case: a file into an empty database, or into copies of two prebuilt ones. */
export interface ImportCase {
  /** Row id prefix in results.json: `<id>.qa`, `<id>.sqlite3`, `<id>.ratio`, `<id>.rss`. */
  id: string;
  /** What is imported, e.g. "1M rows, random occurred_at". */
  what: string;
  csv: CsvInput;
  /** Target of the qa / sqlite3 ratio. */
  target: Target | null;
  /**
   * Import into a copy of these databases instead of an empty one (the copy is
   * not timed): `qa` a qa database, `sqlite3` the bare table sqlite3 built from
   * the same rows, `rows` how many records both already hold.
   */
  base?: { qa: string; sqlite3: string | null; rows: number };
}

/** qa import vs sqlite3 .import of the same file, runs interleaved so background load hits both alike. */
export async function measureImport(b: Bench, c: ImportCase): Promise<ImportOutcome> {
  const { csv, base } = c;
  await warmFile(csv.file);
  const qaDb = path.join(b.tmpDir, `${c.id}-qa.sqlite`);
  const sqDb = path.join(b.tmpDir, `${c.id}-sqlite3.sqlite`);
  const script = sqliteImportScript(csv.file, csvHeader(csv.file), !base);
  const qaTimes: number[] = [];
  const sqTimes: number[] = [];
  const qaRssKb: number[] = [];
  const sqRssKb: number[] = [];
  const qaCpu: number[] = [];
  const sqCpu: number[] = [];
  let sqError: string | null = b.sqlite3 ? (base && !base.sqlite3 ? 'skipped: no sqlite3 base database' : null) : 'skipped: sqlite3 not found';
  const before = base?.rows ?? 0;

  for (let i = 1; i <= b.runs; i++) {
    if (base) copyDb(base.qa, qaDb);
    else removeDb(qaDb);
    settle();
    const r = await qa(b, ['--db', qaDb, '--json', 'import', 'records', csv.file], true);
    checkImported(r, csv.count);
    qaTimes.push(r.seconds);
    if (r.peakRssKb !== null) qaRssKb.push(r.peakRssKb);
    if (r.cpuSeconds !== null) qaCpu.push(r.cpuSeconds);
    let line = `${c.id} run ${i}/${b.runs}: qa ${r.seconds.toFixed(2)} s`;
    if (r.peakRssKb !== null) line += ` (${(r.peakRssKb / MB).toFixed(0)} MB)`;
    if (i < b.runs) removeDb(qaDb);

    if (b.sqlite3 && sqError === null) {
      if (base?.sqlite3) copyDb(base.sqlite3, sqDb);
      else removeDb(sqDb);
      settle();
      // Wrapped the same way as qa (GNU time adds ~1 ms), so neither side is timed differently.
      const s = await run(b.sqlite3, [sqDb], { env: b.env, cwd: b.cwd, input: script, rss: b.rss });
      sqError = checkSqliteImport(s, sqDb, before + csv.count);
      if (sqError === null) {
        sqTimes.push(s.seconds);
        if (s.peakRssKb !== null) sqRssKb.push(s.peakRssKb);
        if (s.cpuSeconds !== null) sqCpu.push(s.cpuSeconds);
        line += `, sqlite3 ${s.seconds.toFixed(2)} s`;
      }
      removeDb(sqDb);
    }
    b.log(line);
  }

  const into = base ? ` into ${countLabel(before)}` : '';
  const qaRow = measured(`${c.id}.qa`, `import ${c.what}${into}: qa import records`, 's', qaTimes);
  const rows = [qaRow];
  let sqRow: Row | null = null;
  if (sqError === null) {
    const sqPeak = median(sqRssKb);
    const sqNote = sqPeak === null ? undefined : `sqlite3 peak RSS ${(sqPeak / MB).toFixed(1)} MB`;
    sqRow = measured(`${c.id}.sqlite3`, `import ${c.what}${into}: sqlite3 .import`, 's', sqTimes, null, sqNote);
    rows.push(sqRow);
    rows.push(c.target ? ratio(`${c.id}.ratio`, `import ${c.what}${into}: qa / sqlite3`, qaRow, sqRow, c.target) : ratioInfo(`${c.id}.ratio`, `import ${c.what}${into}: qa / sqlite3`, qaRow, sqRow));
  } else {
    rows.push(noNumber(`${c.id}.sqlite3`, `import ${c.what}${into}: sqlite3 .import`, 's', sqError.startsWith('skipped') ? 'skipped' : 'failed', sqError));
  }
  if (qaCpu.length && sqCpu.length === qaCpu.length) {
    // CPU seconds (all threads): what each side cost, whatever else ran on the machine. Shown, not judged.
    const qaC = measured(`${c.id}.cpu.qa`, `cpu ${c.what}${into}: qa`, 's', qaCpu);
    const sqC = measured(`${c.id}.cpu.sqlite3`, `cpu ${c.what}${into}: sqlite3`, 's', sqCpu);
    const rc = ratioInfo(`${c.id}.cpu.ratio`, `cpu (user+sys) ${c.what}${into}: qa / sqlite3`, qaC, sqC);
    rows.push({ ...rc, note: `qa ${qaC.median!.toFixed(2)} s, sqlite3 ${sqC.median!.toFixed(2)} s CPU (medians)` });
  }
  if (qaRssKb.length) rows.push(measured(`${c.id}.rss`, `peak RSS: qa import ${c.what}${into}`, 'MB', qaRssKb.map((k) => k / MB), RSS_LIMIT));
  return { rows, qaRssKb, qaSeconds: qaRow.median, sqliteSeconds: sqRow?.median ?? null, lastDb: qaTimes.length ? qaDb : null };
}

/** A ratio without a target of its own (the scale series' 100k point): shown, not judged. */
function ratioInfo(id: string, label: string, num: Row, den: Row): Row {
  const r = ratio(id, label, num, den, { op: '<=', value: Infinity, unit: 'x' });
  return { ...r, target: null, status: r.median === null ? r.status : 'info', verdict: r.median === null ? r.verdict : `${r.median.toFixed(2)}x` };
}

/**
 * The equivalent table for sqlite3: the same columns, all TEXT, record_id the
 * primary key (as qa's), and sqlite3's own CSV reader in one transaction.
 * Without `create` the rows go into the existing table (a database that already holds rows).
 */
export function sqliteImportScript(file: string, header: readonly string[], create = true): string {
  const cols = header.map((c) => `"${c.replace(/"/g, '""')}" TEXT${c === 'record_id' ? ' PRIMARY KEY' : ''}`);
  const quoted = `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [...(create ? [`CREATE TABLE records (${cols.join(', ')});`] : []), '.mode csv', `.import --skip 1 ${quoted} records`, ''].join('\n');
}

function checkImported(r: RunResult, expected: number): void {
  if (r.code !== 0) throw new BenchFailure(`qa import failed (${describeFailure(r)})`);
  const doc = parseJson(r.stdout) as { inserted?: unknown; committed?: unknown } | null;
  if (!doc || doc.inserted !== expected) {
    throw new BenchFailure(`qa import inserted ${String(doc?.inserted)} rows, expected ${expected}`);
  }
}

/** null when sqlite3 loaded every row; else why not (a wrong count would make the ratio meaningless). */
function checkSqliteImport(r: RunResult, db: string, expected: number): string | null {
  if (r.code !== 0) return `sqlite3 failed (${describeFailure(r)})`;
  const got = countRows(db, 'records');
  if (got !== expected) return `sqlite3 loaded ${got} rows, expected ${expected}${r.stderr ? ` (${r.stderr.split('\n')[0]})` : ''}`;
  return null;
}

// --------------------------------------------------------------------- RSS

const RSS_LIMIT: Target = { op: '<=', value: 250, unit: 'MB' };

/**
 * Peak RSS of qa import at the small and the big size, each into a fresh
 * database. The big size reuses the timed import runs when there are enough
 * of them: same command, no need to pay for it twice.
 */
export async function measureRss(b: Bench, small: CsvInput, big: CsvInput, bigFromImport: readonly number[]): Promise<Row[]> {
  const sLabel = `peak RSS: qa import ${countLabel(small.count)} rows`;
  const bLabel = `peak RSS: qa import ${countLabel(big.count)} rows`;
  if (b.rss === 'none') {
    const why = 'skipped: no way to measure peak RSS here';
    return [noNumber('rss.small', sLabel, 'MB', 'skipped', why), noNumber('rss.big', bLabel, 'MB', 'skipped', why)];
  }
  const smallKb = await importPeaks(b, small);
  const reuse = bigFromImport.length >= b.runs;
  const bigKb = reuse ? [...bigFromImport] : await importPeaks(b, big);
  const sRow = measured('rss.small', sLabel, 'MB', smallKb.map((k) => k / MB), RSS_LIMIT);
  const bRow = measured('rss.big', bLabel, 'MB', bigKb.map((k) => k / MB), RSS_LIMIT, reuse ? 'from the timed import runs' : undefined);
  return [sRow, bRow, ratio('rss.ratio', `peak RSS: ${countLabel(big.count)} / ${countLabel(small.count)}`, bRow, sRow, { op: '<=', value: 1.3, unit: 'x' })];
}

async function importPeaks(b: Bench, csv: CsvInput): Promise<number[]> {
  const db = path.join(b.tmpDir, 'rss.sqlite');
  const peaks: number[] = [];
  for (let i = 1; i <= b.runs; i++) {
    removeDb(db);
    settle();
    const r = await qa(b, ['--db', db, '--json', 'import', 'records', csv.file], true);
    checkImported(r, csv.count);
    if (r.peakRssKb === null) throw new BenchFailure('peak RSS could not be read');
    peaks.push(r.peakRssKb);
    b.log(`rss ${countLabel(csv.count)} run ${i}/${b.runs}: ${(r.peakRssKb / MB).toFixed(1)} MB`);
  }
  removeDb(db);
  return peaks;
}

// ------------------------------------------------------------------ sample

export const SAMPLE_DATE = '2026-11-01';

/**
 * The first run of the month on a database of one month of records: it
 * draws 20 % at once. Each run gets a fresh copy (copying is not timed) so
 * each is a first run, not a re-run that draws nothing.
 */
export async function measureSample(b: Bench, baseDb: string, count: number): Promise<Row> {
  const db = path.join(b.tmpDir, 'sample.sqlite');
  const times: number[] = [];
  let drawn = 0;
  for (let i = 1; i <= b.runs; i++) {
    copyDb(baseDb, db);
    settle();
    const r = await qa(b, ['--db', db, '--json', 'sample', '--date', SAMPLE_DATE]);
    if (r.code !== 0) throw new BenchFailure(`qa sample failed (${describeFailure(r)})`);
    drawn = checkSampled(r, count);
    times.push(r.seconds);
    b.log(`sample run ${i}/${b.runs}: ${r.seconds.toFixed(2)} s, drew ${drawn.toLocaleString('en-US')}`);
  }
  removeDb(db);
  const note = `drew ${drawn.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} records`;
  return measured('sample', `sample --date ${SAMPLE_DATE} (${countLabel(count)} Oct records, first run)`, 's', times, { op: '<', value: 2, unit: 's' }, note);
}

/** The run must have seen the whole month and drawn about 20 %: a quick run that drew nothing proves nothing. */
function checkSampled(r: RunResult, count: number): number {
  const doc = parseJson(r.stdout) as { records?: { population?: unknown; drawn?: unknown } } | null;
  const population = doc?.records?.population;
  const drawn = doc?.records?.drawn;
  if (population !== count || !Array.isArray(drawn)) {
    throw new BenchFailure(`qa sample saw a population of ${String(population)}, expected ${count}`);
  }
  if (drawn.length < Math.floor(count * 0.2)) throw new BenchFailure(`qa sample drew ${drawn.length} of ${count}, expected at least 20 %`);
  return drawn.length;
}

// ------------------------------------------------------------------ report

export const REPORT_MONTH = '2026-10';

/**
 * Is there a `report` command yet? Not just the exit code: for an unknown
 * command, `qa report --help` prints the top-level help and exits 0.
 */
export async function reportAvailable(b: Bench): Promise<boolean> {
  const r = await qa(b, ['report', '--help']);
  return r.code === 0 && /^Usage: qa report\b/m.test(r.stdout);
}

export function reportLabel(count: number): string {
  return `report --month ${REPORT_MONTH} (3 x ${countLabel(count)} records)`;
}

/** Forget the cached month figures, so the next report recomputes them from the records (the cold case). */
function clearReportCache(db: string): void {
  const d = new Database(db);
  try {
    d.exec('DELETE FROM month_cache');
    d.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    d.close();
  }
}

/**
 * Cold: the first report after an import touched the months (every month's
 * records scanned and cached). Warm: the report as analysts rerun it.
 * `oneMonth`: the database holds one month of `count` records (the issue's
 * "cold report over a 1M-record month", target < 1 s), else 3 such months.
 */
export async function measureReportCold(b: Bench, db: string, count: number, oneMonth = false): Promise<Row> {
  const args = ['--db', db, 'report', '--month', REPORT_MONTH, '--format', 'json'];
  const times: number[] = [];
  for (let i = 1; i <= b.runs; i++) {
    clearReportCache(db);
    settle();
    const r = await qa(b, args);
    if (r.code !== 0) throw new BenchFailure(`qa report failed (${describeFailure(r)})`);
    times.push(r.seconds);
    b.log(`report (cold${oneMonth ? ', one month' : ''}) run ${i}/${b.runs}: ${r.seconds.toFixed(3)} s`);
  }
  if (oneMonth) {
    const label = `report --month ${REPORT_MONTH} (1 x ${countLabel(count)} records), cold cache`;
    return measured('report.cold1', label, 's', times, { op: '<', value: 1, unit: 's' }, 'month figures recomputed each run');
  }
  return measured('report.cold', `${reportLabel(count)}, cold cache`, 's', times, null, 'month figures recomputed each run');
}

export async function measureReport(b: Bench, db: string, count: number): Promise<Row> {
  const args = ['--db', db, 'report', '--month', REPORT_MONTH, '--format', 'json'];
  // One untimed run first: it pays for a cold page cache and shows a failure before the timed runs.
  const warm = await qa(b, args);
  if (warm.code !== 0) throw new BenchFailure(`qa report failed (${describeFailure(warm)})`);
  const note = parseJson(warm.stdout) === null ? 'stdout is not one JSON document; 1 warm-up run' : '1 warm-up run';
  const times: number[] = [];
  for (let i = 1; i <= b.runs; i++) {
    const r = await qa(b, args);
    if (r.code !== 0) throw new BenchFailure(`qa report failed (${describeFailure(r)})`);
    times.push(r.seconds);
    b.log(`report run ${i}/${b.runs}: ${r.seconds.toFixed(3)} s`);
  }
  return measured('report', reportLabel(count), 's', times, { op: '<', value: 1, unit: 's' }, note);
}

// -------------------------------------------------------------------- help

/** Start-up cost: qa --help against bare node, interleaved, after warm-ups that fill the file cache. */
export async function measureHelp(b: Bench): Promise<Row[]> {
  const node = (): Promise<RunResult> => run(process.execPath, ['-e', '0'], { env: b.env, cwd: b.cwd });
  for (let i = 0; i < 2; i++) {
    const r = await qa(b, ['--help']);
    if (r.code !== 0) throw new BenchFailure(`qa --help failed (${describeFailure(r)})`);
    await node();
  }
  const qaTimes: number[] = [];
  const nodeTimes: number[] = [];
  for (let i = 0; i < b.helpRuns; i++) {
    const r = await qa(b, ['--help']);
    if (r.code !== 0) throw new BenchFailure(`qa --help failed (${describeFailure(r)})`);
    qaTimes.push(r.seconds);
    nodeTimes.push((await node()).seconds);
  }
  b.log(`help: ${b.helpRuns} runs each`);
  const qaRow = measured('help.qa', 'qa --help', 's', qaTimes, null, `${b.helpRuns} runs after 2 warm-ups`);
  const nodeRow = measured('help.node', 'node -e 0', 's', nodeTimes, null, `${b.helpRuns} runs after 2 warm-ups`);
  return [qaRow, nodeRow, ratio('help.ratio', 'start-up: qa --help / node -e 0', qaRow, nodeRow, { op: '<=', value: 1.3, unit: 'x' })];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
