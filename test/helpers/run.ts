import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from './tmp.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
}

const BIN = path.join(REPO, 'bin', 'qa');

/** Run the built `bin/qa` as a user would, with a clean, English, colourless environment. */
export function runQa(args: string[], opts: RunOptions = {}): RunResult {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'en_US.UTF-8',
    NO_COLOR: '1',
    TZ: 'UTC',
    // A fixed "now", so the tests do not depend on the machine's clock.
    QA_NOW: '2026-11-23T12:00:00+08:00',
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parse stdout as the one JSON document `--json` promises. */
export function json<T = unknown>(r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
