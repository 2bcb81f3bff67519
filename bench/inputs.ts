/**
 * The bench's inputs under bench/data/: generated CSV exports and the
 * databases built from them, reused between runs while a small manifest
 * (bench/data/manifest.json) says they are still what would be built now.
 *
 * A CSV is current when its generator parameters, the compiled generator's
 * sha256 and the file size match. A database is current when it was built
 * from CSVs with the same sha256s by a qa with the same schema version (a
 * database from an older schema would be migrated by the first timed run).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { writeRecords, type RowOrder } from '../fixtures/generate.js';
import { SCHEMA_VERSION } from '../src/db/schema.js';

export interface CsvSpec {
  /** File name under bench/data/, unique per parameter set. */
  name: string;
  count: number;
  year: number;
  month: number;
  seed: number;
  /** Row order of the export (fixtures/generate.ts RowOrder). */
  order: RowOrder;
}

export interface CsvInput extends CsvSpec {
  file: string;
  bytes: number;
  sha256: string;
}

interface CsvEntry {
  params: CsvSpec;
  generator: string;
  bytes: number;
  sha256: string;
}

interface DbEntry {
  inputs: string[];
  schema: number;
  builtAt: string;
}

interface Manifest {
  version: 1;
  csv: Record<string, CsvEntry>;
  db: Record<string, DbEntry>;
}

const GENERATOR_JS = fileURLToPath(new URL('../fixtures/generate.js', import.meta.url));

export class Inputs {
  private readonly manifestFile: string;
  private manifest: Manifest;
  private readonly csvDone = new Map<string, CsvInput>();
  private generatorSha: string | null = null;

  constructor(
    readonly dataDir: string,
    private readonly log: (msg: string) => void,
    /** --rebuild: ignore what the manifest says and regenerate everything once. */
    private readonly rebuild = false,
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.manifestFile = path.join(dataDir, 'manifest.json');
    this.manifest = rebuild ? emptyManifest() : readManifest(this.manifestFile);
  }

  /** The CSV for `spec`, generated unless the manifest says the file on disk is it. */
  async csv(spec: CsvSpec): Promise<CsvInput> {
    const done = this.csvDone.get(spec.name);
    if (done) return done;
    const file = path.join(this.dataDir, spec.name);
    const generator = this.generator();
    const entry = this.manifest.csv[spec.name];
    let result: CsvInput;
    if (entry && sameJson(entry.params, spec) && entry.generator === generator && sizeOf(file) === entry.bytes) {
      result = { ...spec, file, bytes: entry.bytes, sha256: entry.sha256 };
    } else {
      result = await this.generate(spec, file, generator);
    }
    this.csvDone.set(spec.name, result);
    return result;
  }

  /** Is the database `name` on disk built from exactly these inputs by this schema? */
  dbCurrent(name: string, inputs: readonly CsvInput[]): boolean {
    const entry = this.manifest.db[name];
    return !!entry && fs.existsSync(this.dbPath(name)) && entry.schema === SCHEMA_VERSION && sameJson(entry.inputs, inputs.map((i) => i.sha256));
  }

  dbPath(name: string): string {
    return path.join(this.dataDir, name);
  }

  /**
   * The database `name`, built by `build(file)` into a temporary file unless
   * current. Only a finished build is renamed into place, so an interrupted
   * build is never reused.
   */
  async db(name: string, inputs: readonly CsvInput[], build: (file: string) => Promise<void>): Promise<string> {
    const final = this.dbPath(name);
    if (this.dbCurrent(name, inputs)) return final;
    const building = `${final}.building`;
    removeDb(building);
    const t = Date.now();
    this.log(`building ${name} from ${inputs.map((i) => i.name).join(', ')}…`);
    await build(building);
    this.adopt(name, inputs, building);
    this.log(`built ${name} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return final;
  }

  /** Take a database built elsewhere (e.g. by a timed import run) as the cached `name`. */
  adopt(name: string, inputs: readonly CsvInput[], file: string): void {
    const final = this.dbPath(name);
    checkpoint(file);
    removeDb(final);
    fs.renameSync(file, final);
    removeDb(file); // leftovers (-wal/-shm) of the old name, if SQLite kept any
    this.manifest.db[name] = { inputs: inputs.map((i) => i.sha256), schema: SCHEMA_VERSION, builtAt: new Date().toISOString() };
    this.save();
  }

  private async generate(spec: CsvSpec, file: string, generator: string): Promise<CsvInput> {
    const part = `${file}.part`;
    const t = Date.now();
    this.log(`generating ${spec.name} (${spec.count.toLocaleString('en-US')} rows, ${spec.year}-${String(spec.month).padStart(2, '0')}, ${spec.order} order, seed ${spec.seed})…`);
    await writeRecords(part, spec.count, spec.year, spec.month, spec.seed, spec.order);
    fs.renameSync(part, file);
    const bytes = fs.statSync(file).size;
    const sha256 = await sha256File(file);
    this.manifest.csv[spec.name] = { params: { ...spec }, generator, bytes, sha256 };
    // A database built from the old bytes is stale now: the sha check in dbCurrent() sees that.
    this.save();
    this.log(`generated ${spec.name}: ${(bytes / (1 << 20)).toFixed(1)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return { ...spec, file, bytes, sha256 };
  }

  private generator(): string {
    this.generatorSha ??= crypto.createHash('sha256').update(fs.readFileSync(GENERATOR_JS)).digest('hex');
    return this.generatorSha;
  }

  private save(): void {
    const tmp = `${this.manifestFile}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.manifest, null, 2)}\n`);
    fs.renameSync(tmp, this.manifestFile);
  }
}

/**
 * Fold the WAL into the main file so the database is one self-contained file
 * that can be copied or renamed alone. Closing the last connection removes
 * the -wal and -shm files.
 */
export function checkpoint(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** A fresh copy of a (checkpointed) database: no stale -wal/-shm of an earlier copy may survive. */
export function copyDb(from: string, to: string): void {
  removeDb(to);
  fs.copyFileSync(from, to);
}

/**
 * Flush the page cache's dirty data before a timed run: the 1M-row imports
 * leave hundreds of MB being written back, and a run that fsyncs (every
 * commit's checkpoint) would otherwise pay for the previous section's writes.
 */
export function settle(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

export function removeDb(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

/** Count rows with our own connection (read-only), to check a run did the whole job. */
export function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Read a file once so the first timed run does not pay for a cold page cache that later runs do not. */
export async function warmFile(file: string): Promise<void> {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) void chunk;
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The header line of a CSV (the generator writes plain, unquoted English names). */
export function csvHeader(file: string): string[] {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    return first.replace(/^\uFEFF/, '').split(',');
  } finally {
    fs.closeSync(fd);
  }
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function emptyManifest(): Manifest {
  return { version: 1, csv: {}, db: {} };
}

/** A missing or unreadable manifest just means "nothing cached". */
function readManifest(file: string): Manifest {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Manifest>;
    if (m.version === 1 && m.csv && m.db) return { version: 1, csv: m.csv, db: m.db };
  } catch {
    // fall through
  }
  return emptyManifest();
}
