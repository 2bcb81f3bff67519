/**
 * Every exit path leaves nothing behind (SPEC §1 Signals, Files qa writes):
 * temp files and folders register here and are removed on a normal exit, on
 * an error, and on SIGINT, SIGTERM or SIGHUP, which all end qa the same way
 * (a message, the cleanup, exit 128 + signal: 130, 143, 129).
 *
 * A command that can stop cleanly by itself (an import rolls its transaction
 * back between batches) listens with onInterrupt: the first signal is then
 * only passed to it, and the command ends with Interrupted. A second signal,
 * or a signal when nobody listens, cleans up and exits at once. Nothing is
 * half-written either way: the database is only changed in transactions,
 * which SQLite rolls back when the process ends inside one, and files only
 * appear by rename.
 */
import { Interrupted } from '../errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

const SIGNAL_NUMBER: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

const tasks = new Map<number, () => void>();
let nextTask = 1;

/** Run `fn` on every exit path until the returned function is called (which unregisters it without running it). */
export function registerCleanup(fn: () => void): () => void {
  const id = nextTask++;
  tasks.set(id, fn);
  return () => {
    tasks.delete(id);
  };
}

/** Run (and forget) every registered cleanup, newest first; one failing does not stop the others. */
export function runCleanup(): void {
  const pending = [...tasks.entries()].reverse();
  tasks.clear();
  for (const [, fn] of pending) {
    try {
      fn();
    } catch {
      // best effort: the others must still run
    }
  }
}

/** How many cleanups are registered (tests: nothing left over after a command). */
export function pendingCleanups(): number {
  return tasks.size;
}

const listeners = new Set<(signal: StopSignal) => void>();
let received: StopSignal | null = null;

/** Be told of SIGINT/SIGTERM/SIGHUP (a command that stops cleanly by itself). Returns the unsubscribe. */
export function onInterrupt(fn: (signal: StopSignal) => void): () => void {
  listeners.add(fn);
  if (received) queueMicrotask(() => fn(received!));
  return () => {
    listeners.delete(fn);
  };
}

/** The stop signal received, if any. */
export function interruptedBy(): StopSignal | null {
  return received;
}

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP (SPEC §1). */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + SIGNAL_NUMBER[signal];
}

/** The error a command throws when a signal stopped it. */
export function interruptedError(signal: StopSignal = received ?? 'SIGINT'): Interrupted {
  return new Interrupted(signal);
}

let installed = false;

/**
 * Handle the stop signals for the real process (cli.ts; never in tests that
 * run commands in-process). `message` is the line printed on stderr.
 */
export function installSignalHandlers(message: (signal: StopSignal) => string): void {
  if (installed) return;
  installed = true;
  const handle = (signal: StopSignal): void => {
    if (received === null && listeners.size > 0) {
      received = signal;
      for (const l of [...listeners]) l(signal);
      return;
    }
    received ??= signal;
    runCleanup();
    process.stderr.write(message(signal));
    process.exit(exitCodeFor(signal));
  };
  for (const s of Object.keys(SIGNAL_NUMBER) as StopSignal[]) process.on(s, () => handle(s));
  process.on('exit', runCleanup);
}
