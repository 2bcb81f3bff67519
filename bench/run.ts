/**
 * `npm run bench`: the performance figures of the team's performance issue,
 * measured in one run and printed as a table with ratios.
 *
 *   import   qa import of a 1M-row records export (time order) vs sqlite3's own .import
 *   random   the same with ids in order and occurred_at uniformly random in the month
 *   branches 4 branch exports concatenated, each in its own time order
 *   department the time-ordered export sorted by department: ids with gaps, so the
 *            duplicate-id check keeps pages, not runs
 *   scale    random order at 100k, 1M (the random case's runs) and 3M rows into an
 *            empty database; peak RSS at each size
 *   delta    100k new rows (next month, random order) into a database holding the 3M
 *   rss      peak RSS of qa import at 100k and at 1M rows (time order)
 *   sample   the first sample run of a month over 1M October records
 *   report   qa report --month 2026-10 over 3 months x 1M records
 *   help     qa --help vs node -e 0 (start-up cost)
 *
 * Inputs are generated deterministically into bench/data/ and reused while
 * unchanged; scratch databases, results.json go to bench/out/.
 *
 *   node dist/bench/run.js [--runs N] [--only import,random,...] [--scale F] [--help-runs N] [--rebuild]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RowOrder } from '../fixtures/generate.js';
import { lookupTable } from '../src/core/lookup.js';
import { copyDb, countRows, csvHeader, Inputs, removeDb, type CsvInput, type CsvSpec } from './inputs.js';
import {
  BenchFailure,
  countLabel,
  measureHelp,
  measureImport,
  measureReport,
  measureReportCold,
  measureRss,
  measureSample,
  qa,
  sqliteImportScript,
  type ImportCase,
  type ImportOutcome,
  reportAvailable,
  reportLabel,
  SAMPLE_DATE,
  type Bench,
} from './measure.js';
import { detectRssMethod, describeFailure, GNU_TIME, run, RSS_METHOD_TEXT, which, type RssMethod } from './proc.js';
import { noNumber, ratio, renderTable, writeJson, type Row, type Target } from './results.js';

const SECTIONS = ['import', 'random', 'branches', 'department', 'scale', 'delta', 'rss', 'sample', 'report', 'help'] as const;
type Section = (typeof SECTIONS)[number];

const BIG = 1_000_000;
const SMALL = 100_000;
const HUGE = 3_000_000;

/** The targets for qa import / sqlite3 .import (medians in one run). */
const ORDERED_TARGET: Target = { op: '<=', value: 1.6, unit: 'x' };
const UNORDERED_TARGET: Target = { op: '<=', value: 2.0, unit: 'x', stretch: 1.5 };
const DELTA_TARGET: Target = { op: '<=', value: 2.0, unit: 'x' };

interface Options {
  runs: number;
  helpRuns: number;
  scale: number;
  only: Set<Section>;
  rebuild: boolean;
  rssMethod: RssMethod | 'auto';
}

const USAGE = `usage: node dist/bench/run.js [options]

  --runs N        runs per heavy measurement (default 3); medians are reported
  --help-runs N   runs of qa --help and node -e 0 (default 20)
  --only LIST     comma-separated subset of: ${SECTIONS.join(',')}
  --scale F       multiply every row count by F, e.g. 0.05 for a quick smoke run
  --rebuild       regenerate the inputs in bench/data/ even if they look current
  --rss-method M  auto (default: GNU time if it works, else /proc), time or proc
  -h, --help      this text
`;

class UsageError extends Error {}

// --------------------------------------------------------------- options

function positiveInt(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number >= 1, got "${v}"`);
  return n;
}

/** --rss-method forces one way of reading peak RSS, e.g. to check that both agree. */
function parseRssMethod(v: string | undefined): RssMethod | 'auto' {
  const names = lookupTable<RssMethod | 'auto'>({ auto: 'auto', time: 'gnu-time', proc: 'proc-vmhwm' });
  const m = names[v ?? 'auto'];
  if (m === undefined) throw new UsageError(`--rss-method must be auto, time or proc, got "${v}"`);
  return m;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      'help-runs': { type: 'string' },
      scale: { type: 'string' },
      only: { type: 'string' },
      rebuild: { type: 'boolean' },
      'rss-method': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  // Above 1 the inputs would need several GB of disk and many minutes: not what --scale is for.
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) throw new UsageError(`--scale must be a number in (0, 1], got "${values.scale}"`);
  const only = new Set<Section>();
  for (const s of (values.only ?? SECTIONS.join(',')).split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new UsageError(`--only: unknown measurement "${s}" (choose from ${SECTIONS.join(', ')})`);
    only.add(s as Section);
  }
  if (only.size === 0) throw new UsageError('--only needs at least one measurement');
  return {
    runs: positiveInt('--runs', values.runs, 3),
    helpRuns: positiveInt('--help-runs', values['help-runs'], 20),
    scale,
    only,
    rebuild: !!values.rebuild,
    rssMethod: parseRssMethod(values['rss-method']),
  };
}

// ----------------------------------------------------------- environment

/** The repo root from this file's place: dist/bench/run.js → ../.. */
function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}

/**
 * Removed from the children's environment: the user's QA_* settings (a
 * QA_CONFIG or QA_IMPORT_WORKER in the shell would change what is measured),
 * and Node settings that tax every process start the same way and so hide
 * qa's own start-up cost: NODE_EXTRA_CA_CERTS alone makes `node -e 0` take
 * ~100 ms instead of ~30 ms (it parses the CA bundle at start).
 */
const SCRUBBED = ['QA_DB', 'QA_CONFIG', 'QA_DEBUG', 'QA_IMPORT_WORKER', 'FORCE_COLOR', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

function childEnv(): { env: NodeJS.ProcessEnv; removed: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  const removed = SCRUBBED.filter((k) => env[k] !== undefined);
  for (const k of removed) delete env[k];
  return { env, removed };
}

function sqliteVersion(bin: string): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').split(' ').slice(0, 2).join(' ').trim() || 'unknown version';
}

function gitHead(repo: string): string | null {
  // Read-only: rev-parse never touches the index (git status may rewrite it).
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const log = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

// ---------------------------------------------------------------- inputs

function scaled(n: number, scale: number): number {
  return Math.max(1, Math.round(n * scale));
}

/** The generator parameters of each export; the file name carries the row count and order so they coexist. */
function monthSpec(year: number, month: number, count: number, order: RowOrder = 'time'): CsvSpec {
  const mm = String(month).padStart(2, '0');
  const tag = order === 'time' ? '' : `-${order}`;
  return { name: `records-${year}-${mm}-${count}${tag}.csv`, count, year, month, seed: year * 100 + month, order };
}

// ------------------------------------------------------------------- main

async function main(argv: string[]): Promise<number> {
  let opts: Options | null;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`bench: error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(USAGE);
    return 0;
  }

  const repo = repoRoot();
  const qaBin = path.join(repo, 'bin', 'qa');
  if (!fs.existsSync(path.join(repo, 'dist', 'src', 'cli.js'))) {
    process.stderr.write('bench: error: the CLI is not built (dist/src/cli.js is missing)\nhint: npm run bench builds it first\n');
    return 1;
  }
  const outDir = path.join(repo, 'bench', 'out');
  const tmpDir = path.join(outDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });

  const sqlite3 = which('sqlite3');
  const rss = opts.rssMethod === 'auto' ? detectRssMethod() : opts.rssMethod;
  if (rss === 'gnu-time' && !fs.existsSync(GNU_TIME)) {
    process.stderr.write(`bench: error: --rss-method time needs ${GNU_TIME}\n`);
    return 2;
  }
  const { env, removed } = childEnv();
  const b: Bench = { qaBin, cwd: outDir, tmpDir, env, rss, runs: opts.runs, helpRuns: opts.helpRuns, sqlite3, log };
  const inputs = new Inputs(path.join(repo, 'bench', 'data'), log, opts.rebuild);
  const big = scaled(BIG, opts.scale);
  const small = scaled(SMALL, opts.scale);
  const huge = scaled(HUGE, opts.scale);

  const meta: Meta & Record<string, unknown> = {
    date: new Date().toISOString(),
    commit: gitHead(repo),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    loadavg1: Number(os.loadavg()[0]!.toFixed(2)),
    scale: opts.scale,
    runs: opts.runs,
    helpRuns: opts.helpRuns,
    only: [...opts.only],
    rows: { big, small, huge },
    rssMethod: RSS_METHOD_TEXT[rss],
    sqlite3: sqlite3 ? `${sqlite3} ${sqliteVersion(sqlite3)}` : null,
    envRemoved: removed,
  };
  if (!sqlite3 && opts.only.has('import')) log('sqlite3 not found on PATH: the sqlite3 .import comparison is skipped');
  log(`peak RSS method: ${meta.rssMethod}`);

  // The machine is shared: sample the load while measuring, so a table can be judged by what else ran.
  const loads: number[] = [os.loadavg()[0]!];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 5000);
  const rows = await runSections(b, inputs, opts, { big, small, huge });
  clearInterval(loadTimer);
  loads.push(os.loadavg()[0]!);
  meta.loadavgEnd = Number(loads[loads.length - 1]!.toFixed(2));
  meta.loadavgMax = Number(Math.max(...loads).toFixed(2));
  meta.loadavgMean = Number((loads.reduce((a, x) => a + x, 0) / loads.length).toFixed(2));
  fs.rmSync(tmpDir, { recursive: true, force: true });

  const table = renderTable(rows);
  const resultsFile = path.join(outDir, 'results.json');
  writeJson(resultsFile, { meta, rows, table });
  process.stdout.write(`\n${header(meta)}\n\n${table}\n\n`);
  log(`wrote ${path.relative(repo, resultsFile)}`);
  return rows.some((r) => r.status === 'failed') ? 1 : 0;
}

interface Meta {
  date: string;
  commit: string | null;
  node: string;
  cpus: number;
  loadavg1: number;
  loadavgEnd?: number;
  loadavgMax?: number;
  loadavgMean?: number;
  scale: number;
  runs: number;
  rows: { big: number; small: number; huge: number };
  rssMethod: string;
  sqlite3: string | null;
  envRemoved: string[];
}

/** A few lines of context above the table: a pasted table without them cannot be compared with the next one. */
function header(meta: Meta): string {
  return [
    `qa bench  ${meta.date}  commit ${meta.commit ?? '?'}  node ${meta.node}  ${meta.cpus} CPUs (load ${meta.loadavg1} at start)`,
    `scale ${meta.scale} (${[meta.rows.small, meta.rows.big, meta.rows.huge].map((n) => n.toLocaleString('en-US')).join(' / ')} rows)  runs ${meta.runs} (median, min–max)`,
    `1-min load average during the run (sampled every 5 s; the bench itself adds ~1): start ${meta.loadavg1}, mean ${meta.loadavgMean ?? '?'}, max ${meta.loadavgMax ?? '?'}, end ${meta.loadavgEnd ?? '?'}`,
    `peak RSS: ${meta.rssMethod}`,
    `sqlite3: ${meta.sqlite3 ?? 'not found: the import comparison is skipped'}`,
    ...(meta.envRemoved.length ? [`removed from the children's environment: ${meta.envRemoved.join(', ')}`] : []),
  ].join('\n');
}

interface Sizes {
  big: number;
  small: number;
  huge: number;
}

/** Run the selected measurements in order; a failure in one becomes a row and the rest go on. */
async function runSections(b: Bench, inputs: Inputs, opts: Options, n: Sizes): Promise<Row[]> {
  const { big, small, huge } = n;
  const rows: Row[] = [];
  const octBig = (): Promise<CsvInput> => inputs.csv(monthSpec(2026, 10, big));
  const random = (count: number): Promise<CsvInput> => inputs.csv(monthSpec(2026, 10, count, 'random'));
  const octDbName = `oct-${big}.sqlite`;
  const hugeDbName = `oct-${huge}-random.sqlite`;
  let importRssKb: number[] = [];
  let randomBig: ImportOutcome | null = null;

  // What a failed section's row is called: the measurement, as its rows would have named it.
  const failedLabel: Record<Section, string> = {
    import: `import ${countLabel(big)} rows, time order`,
    random: `import ${countLabel(big)} rows, random occurred_at`,
    branches: `import ${countLabel(big)} rows, 4 branches concatenated`,
    department: `import ${countLabel(big)} rows, sorted by department`,
    scale: `import ${countLabel(small)} / ${countLabel(huge)} rows, random occurred_at`,
    delta: `import ${countLabel(small)} rows into ${countLabel(huge)}`,
    rss: `peak RSS: qa import ${countLabel(small)} / ${countLabel(big)} rows`,
    sample: `sample --date ${SAMPLE_DATE} (${countLabel(big)} Oct records)`,
    report: reportLabel(big),
    help: 'start-up: qa --help / node -e 0',
  };
  const guarded = async (section: Section, body: () => Promise<Row[]>): Promise<void> => {
    if (!opts.only.has(section)) return;
    try {
      rows.push(...(await body()));
    } catch (e) {
      // Anything else (a child that cannot start, a full disk) is reported the same way, with its stack
      // on stderr: one broken measurement must not cost the numbers of the others.
      const message = (e as Error)?.message ?? String(e);
      log(`${section}: ${e instanceof BenchFailure ? message : ((e as Error)?.stack ?? message)}`);
      rows.push(noNumber(section, failedLabel[section], 's', 'failed', `failed: ${message}`));
    }
  };
  /** One import case; its last qa database is kept as `keepAs` when a later section needs it, else removed. */
  const importCase = async (c: ImportCase, keepAs?: { name: string; wanted: boolean }): Promise<ImportOutcome> => {
    const out = await measureImport(b, c);
    if (out.lastDb) {
      if (keepAs?.wanted && !inputs.dbCurrent(keepAs.name, [c.csv])) inputs.adopt(keepAs.name, [c.csv], out.lastDb);
      else removeDb(out.lastDb);
    }
    return out;
  };

  await guarded('import', async () => {
    const csv = await octBig();
    // The last timed import made exactly the sample's base database: keep it instead of importing again.
    const out = await importCase({ id: 'import', what: `${countLabel(big)} rows, time order`, csv, target: ORDERED_TARGET }, { name: octDbName, wanted: opts.only.has('sample') });
    importRssKb = out.qaRssKb;
    return out.rows;
  });

  await guarded('random', async () => {
    randomBig = await importCase({ id: 'random', what: `${countLabel(big)} rows, random occurred_at`, csv: await random(big), target: UNORDERED_TARGET });
    return randomBig.rows;
  });

  await guarded('branches', async () => {
    const csv = await inputs.csv(monthSpec(2026, 10, big, 'branches'));
    return (await importCase({ id: 'branches', what: `${countLabel(big)} rows, 4 branches concatenated`, csv, target: UNORDERED_TARGET })).rows;
  });

  await guarded('department', async () => {
    const csv = await inputs.csv(monthSpec(2026, 10, big, 'department'));
    return (await importCase({ id: 'department', what: `${countLabel(big)} rows, sorted by department`, csv, target: UNORDERED_TARGET })).rows;
  });

  await guarded('scale', async () => {
    const out: Row[] = [];
    const what = (count: number): string => `${countLabel(count)} rows, random occurred_at`;
    const s = await importCase({ id: 'scale.small', what: what(small), csv: await random(small), target: null });
    out.push(...s.rows);
    // The 1M point is the random case's runs when they were measured in this run.
    let mid: ImportOutcome | null = randomBig;
    if (!mid) {
      mid = await importCase({ id: 'scale.big', what: what(big), csv: await random(big), target: UNORDERED_TARGET });
      out.push(...mid.rows);
    }
    const h = await importCase({ id: 'scale.huge', what: what(huge), csv: await random(huge), target: null }, { name: hugeDbName, wanted: opts.only.has('delta') });
    out.push(...h.rows);
    out.push(...scaleRows(mid, h, big, huge));
    return out;
  });

  await guarded('delta', async () => {
    const hugeCsv = await random(huge);
    const qaBase = await inputs.db(hugeDbName, [hugeCsv], (file) => qaImport(b, file, [hugeCsv], huge));
    const sqBase = b.sqlite3 ? await inputs.db(`oct-${huge}-random-sqlite3.sqlite`, [hugeCsv], (file) => sqliteBuild(b, file, hugeCsv)) : null;
    const csv = await inputs.csv(monthSpec(2026, 11, small, 'random'));
    const c: ImportCase = { id: 'delta', what: `${countLabel(small)} new rows (next month, random occurred_at)`, csv, target: DELTA_TARGET, base: { qa: qaBase, sqlite3: sqBase, rows: huge } };
    return (await importCase(c)).rows;
  });

  await guarded('rss', async () => measureRss(b, await inputs.csv(monthSpec(2026, 10, small)), await octBig(), importRssKb));

  await guarded('sample', async () => {
    const csv = await octBig();
    const db = await inputs.db(octDbName, [csv], (file) => qaImport(b, file, [csv], big));
    return [await measureSample(b, db, big)];
  });

  await guarded('report', async () => {
    // Not implemented yet is a state of the project, not a failure of the bench; and it spares building the 3-month database.
    if (!(await reportAvailable(b))) return [noNumber('report', reportLabel(big), 's', 'unavailable', 'not available yet', { op: '<', value: 1, unit: 's' })];
    const months: CsvInput[] = [];
    for (const m of [8, 9, 10]) months.push(await inputs.csv(monthSpec(2026, m, big)));
    const db = await inputs.db(`3months-${big}.sqlite`, months, (file) => qaImport(b, file, months, 3 * big));
    const rows = [await measureReport(b, db, big), await measureReportCold(b, db, big)];
    // One 1M-record month alone (the sample's database, the report's scratch copy of it).
    const csv = await octBig();
    const one = await inputs.db(octDbName, [csv], (file) => qaImport(b, file, [csv], big));
    const copy = path.join(b.tmpDir, 'report-1month.sqlite');
    copyDb(one, copy);
    rows.push(await measureReportCold(b, copy, big, true));
    removeDb(copy);
    return rows;
  });

  await guarded('help', () => measureHelp(b));
  return rows;
}

/**
 * The scale series' verdicts: the 3M ratio to sqlite3 no worse than the 1M
 * one (ratio of the two ratios <= 1.0), and peak RSS flat from 1M to 3M.
 */
function scaleRows(mid: ImportOutcome, huge: ImportOutcome, big: number, hugeCount: number): Row[] {
  const B = countLabel(big);
  const H = countLabel(hugeCount);
  const out: Row[] = [];
  const r = (o: ImportOutcome): number | null => (o.qaSeconds !== null && o.sqliteSeconds ? o.qaSeconds / o.sqliteSeconds : null);
  const rMid = r(mid);
  const rHuge = r(huge);
  const asRow = (id: string, v: number | null): Row => ({ id, label: id, unit: 'x', samples: [], median: v, min: null, max: null, target: null, status: 'info', verdict: '' });
  out.push(ratio('scale.ratio', `import ${H} vs ${B}: (qa/sqlite3 at ${H}) / (qa/sqlite3 at ${B})`, asRow('h', rHuge), asRow('m', rMid), { op: '<=', value: 1.0, unit: 'x' }));
  const mb = (kb: number[]): number[] => kb.map((k) => k / 1024);
  const mRss = mb(mid.qaRssKb);
  const hRss = mb(huge.qaRssKb);
  const rssRow = (id: string, xs: number[]): Row => ({ ...asRow(id, xs.length ? [...xs].sort((a, b2) => a - b2)[Math.floor(xs.length / 2)]! : null) });
  out.push(ratio('scale.rss', `peak RSS: qa import ${H} / ${B} rows`, rssRow('h', hRss), rssRow('m', mRss), { op: '<=', value: 1.1, unit: 'x' }));
  return out;
}

/** The sqlite3 side's base for the delta case: sqlite3 .import of the same rows the qa base holds. */
async function sqliteBuild(b: Bench, db: string, csv: CsvInput): Promise<void> {
  removeDb(db);
  const r = await run(b.sqlite3!, [db], { env: b.env, cwd: b.cwd, input: sqliteImportScript(csv.file, csvHeader(csv.file)) });
  if (r.code !== 0) throw new BenchFailure(`building the sqlite3 base: sqlite3 failed (${describeFailure(r)})`);
  const got = countRows(db, 'records');
  if (got !== csv.count) throw new BenchFailure(`building the sqlite3 base: ${got} records, expected ${csv.count}`);
}

/** Build a database the way a user would: qa import records on the monthly exports. */
async function qaImport(b: Bench, db: string, csvs: readonly CsvInput[], expected: number): Promise<void> {
  const name = path.basename(db).replace(/\.building$/, '');
  const r = await qa(b, ['--db', db, 'import', 'records', ...csvs.map((c) => c.file)]);
  if (r.code !== 0) throw new BenchFailure(`building ${name}: qa import failed (${describeFailure(r)})`);
  const got = countRows(db, 'records');
  if (got !== expected) throw new BenchFailure(`building ${name}: ${got} records, expected ${expected}`);
  log(`${name}: ${countLabel(got)} records imported in ${r.seconds.toFixed(1)} s`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
