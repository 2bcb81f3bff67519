/**
 * All or nothing over the rows of a file (SPEC §2 import semantics, as the
 * answer, inspection and calibration imports follow them).
 */
import type { Db } from './open.js';

/** A problem with one row of a file: its line (1-based) and what is wrong. */
export interface LineProblem {
  line: number;
  message: string;
}

/**
 * Run `body` inside one BEGIN IMMEDIATE transaction; `body` pushes a problem
 * per bad row onto `problems`. With none it commits, else it rolls back, so
 * a file is recorded whole or not at all; nested transactions inside `body`
 * become savepoints. A thrown error rolls back and is rethrown. The database
 * is closed afterwards, whatever happens. Returns `problems`, sorted by line.
 */
export function allOrNothing<P extends LineProblem>(db: Db, problems: P[], body: () => void): P[] {
  try {
    db.exec('BEGIN IMMEDIATE');
    body();
    problems.sort((a, b) => a.line - b.line);
    db.exec(problems.length ? 'ROLLBACK' : 'COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  } finally {
    db.close();
  }
  return problems;
}
