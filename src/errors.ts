/**
 * Errors the user can act on. Anything that is not a QaError is a bug and is
 * reported as an internal error (exit 70) by the one top-level catch in cli.ts.
 */

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  kpiMissed: 3,
  internal: 70,
  interrupted: 130,
  /** SIGHUP and SIGTERM end qa like Ctrl-C, with 128 + the signal (SPEC §1). */
  hangup: 129,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class QaError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** Where the problem is, e.g. "records.csv line 14, column occurred_at". */
  readonly where: string | undefined;

  constructor(message: string, opts: { hint?: string; where?: string; exitCode?: ExitCode } = {}) {
    super(message);
    this.name = 'QaError';
    this.exitCode = opts.exitCode ?? EXIT.failure;
    this.hint = opts.hint;
    this.where = opts.where;
  }
}

/** A bad flag, value or missing answer: exit 2. */
export class UsageError extends QaError {
  constructor(message: string, opts: { hint?: string; where?: string } = {}) {
    super(message, { ...opts, exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** Ctrl-C (130), SIGTERM (143), SIGHUP (129): the exit after whatever was in flight has been rolled back. */
export class Interrupted extends QaError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' = 'SIGINT') {
    super('interrupted', { exitCode: signal === 'SIGTERM' ? EXIT.terminated : signal === 'SIGHUP' ? EXIT.hangup : EXIT.interrupted });
    this.name = 'Interrupted';
  }
}

/** `qa: error: <what> (<where>)` plus an optional hint line. */
export function formatError(e: QaError): string {
  const where = e.where ? ` (${e.where})` : '';
  const hint = e.hint ? `\nhint: ${e.hint}` : '';
  return `qa: error: ${e.message}${where}${hint}\n`;
}

/**
 * A database error is a failure (exit 1), not a bug (SPEC §1): say what it
 * means for the user. Returns null for anything that is not an SQLite error.
 */
export function fromSqliteError(e: unknown): QaError | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const msg = (e as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new QaError('the database is busy: another qa is writing to it (a large import?)', { hint: 'run this again when it has finished' });
  }
  if (code.startsWith('SQLITE_READONLY')) return new QaError('the database is read-only here', { hint: 'check the file and folder permissions, or work on a writable copy' });
  if (code.startsWith('SQLITE_FULL')) return new QaError('the disk is full: nothing was written', { hint: 'free some space and run it again' });
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return new QaError('the database file is damaged', { hint: 'restore it from a backup' });
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return new QaError(`cannot read or write the database: ${msg}`);
  if (code.startsWith('SQLITE_CONSTRAINT')) return null; // a constraint we did not expect is a bug
  return new QaError(`database error: ${msg}`);
}
