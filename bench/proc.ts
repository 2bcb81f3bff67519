/**
 * Running a child process and measuring it: wall-clock seconds and, when
 * asked, its peak resident set size.
 *
 * Peak RSS is taken from GNU `/usr/bin/time -f %M` (the kernel's ru_maxrss
 * for the child: exact, no sampling) when it is there and works, else by
 * polling /proc/<pid>/status for VmHWM (the kernel's own high-water mark, so
 * polling only has to catch the process alive, not at its peak; a rise in
 * the last poll interval before exit can be missed).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export type RssMethod = 'gnu-time' | 'proc-vmhwm' | 'none';

export const RSS_METHOD_TEXT: Record<RssMethod, string> = {
  'gnu-time': '/usr/bin/time -f %M (ru_maxrss of the child)',
  'proc-vmhwm': 'polling /proc/<pid>/status VmHWM every 10 ms',
  none: 'unavailable (no /usr/bin/time, no /proc)',
};

export const GNU_TIME = '/usr/bin/time';
const POLL_MS = 10;

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Written to the child's stdin, which is closed afterwards; stdin is ignored without it. */
  input?: string;
  /** How to measure peak RSS; 'none' (the default) measures nothing and adds no wrapper. */
  rss?: RssMethod;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  /** Peak RSS in KiB, or null when not measured. */
  peakRssKb: number | null;
  /**
   * CPU seconds (user + system, all threads) of the child, from GNU time;
   * null otherwise. Less sensitive than wall time to other load on a shared
   * machine: what the run cost, not how long it waited for a core.
   */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

/** Which peak-RSS method works here: GNU time if it really accepts -f/-o, else /proc. */
export function detectRssMethod(): RssMethod {
  if (fs.existsSync(GNU_TIME)) {
    // BusyBox and BSD `time` lack -o/-f %M: try it once instead of trusting the path.
    const out = tempFile('rss-probe');
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, process.execPath, '-e', '0'], { stdio: 'ignore' });
    const kb = r.status === 0 ? (readTimeOutput(out)?.kb ?? null) : null;
    fs.rmSync(out, { force: true });
    if (kb !== null && kb > 0) return 'gnu-time';
  }
  if (readVmHwm(process.pid) !== null) return 'proc-vmhwm';
  return 'none';
}

/** Run `cmd args`, timing from spawn to exit. Never throws for a non-zero exit; throws if it cannot start. */
export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const method = opts.rss ?? 'none';
  const timeOut = method === 'gnu-time' ? tempFile('rss') : null;
  const [file, argv] = timeOut ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeOut, cmd, ...args]] : [cmd, [...args]];

  return new Promise<RunResult>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    if (opts.input !== undefined && child.stdin) child.stdin.end(opts.input);

    let polled: number | null = null;
    const poll = (): void => {
      const kb = child.pid === undefined ? null : readVmHwm(child.pid);
      if (kb !== null) polled = Math.max(polled ?? 0, kb);
    };
    const timer = method === 'proc-vmhwm' ? setInterval(poll, POLL_MS) : null;
    if (timer) poll();

    let seconds = 0;
    child.on('exit', () => {
      // The clock stops at exit, not when our pipes drain.
      seconds = (performance.now() - started) / 1000;
      if (timer) clearInterval(timer);
    });
    child.on('error', (e) => {
      if (timer) clearInterval(timer);
      if (timeOut) fs.rmSync(timeOut, { force: true });
      reject(e);
    });
    child.on('close', (code, signal) => {
      let peakRssKb: number | null = polled;
      let cpuSeconds: number | null = null;
      if (timeOut) {
        const t = readTimeOutput(timeOut);
        peakRssKb = t?.kb ?? null;
        cpuSeconds = t?.cpu ?? null;
        fs.rmSync(timeOut, { force: true });
      }
      resolve({ code, signal, seconds, peakRssKb, cpuSeconds, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Find an executable on PATH (null when missing): the sqlite3 CLI is optional. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** One line about a failed run, for a row's verdict: exit code and the first stderr line. */
export function describeFailure(r: RunResult): string {
  const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  const how = r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
  return first ? `${how}: ${first.trim().slice(0, 160)}` : how;
}

function tempFile(tag: string): string {
  return path.join(os.tmpdir(), `qa-bench-${tag}-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/**
 * GNU time writes "Command exited with non-zero status N" before the format
 * when the child fails, so take the last line of the form "KB USER SYS"
 * (the probe in detectRssMethod asks for "%M" alone: CPU is then null).
 */
function readTimeOutput(file: string): { kb: number; cpu: number | null } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => /^\d+( [\d.]+ [\d.]+)?$/.test(l));
  const last = lines[lines.length - 1];
  if (last === undefined) return null;
  const [kb, user, sys] = last.split(' ').map(Number);
  return { kb: kb!, cpu: user === undefined || sys === undefined ? null : user + sys };
}

/** VmHWM of a live process in KiB; null once it has exited (a zombie has no VmHWM line). */
function readVmHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? null : Number(m[1]);
  } catch {
    return null;
  }
}
