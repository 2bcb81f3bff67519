/**
 * Drive a command through a real pseudo-terminal (python3's pty module relays
 * between our pipes and the pty), so interactive prompts see a TTY exactly as
 * an auditor's terminal. `expect` waits for output, `send` types keys.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach } from 'vitest';

const live = new Set<Pty>();

// A failed or timed-out test must not leave the relay and its qa behind.
afterEach(() => {
  for (const p of live) p.kill();
  live.clear();
});

const RELAY = `
import os, pty, sys, select, signal, struct, fcntl, termios
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 220, 0, 0))
inp = sys.stdin.fileno()
open_in = True
while True:
    fds = [fd] + ([inp] if open_in else [])
    r, _, _ = select.select(fds, [], [], 0.05)
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if open_in and inp in r:
        data = os.read(inp, 65536)
        if not data:
            open_in = False
        else:
            os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)
`;

export class Pty {
  private out = '';
  private readonly proc: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number>;

  constructor(cmd: string, args: string[], env: Record<string, string>, cwd: string) {
    this.proc = spawn('python3', ['-c', RELAY, cmd, ...args], { env, cwd });
    this.proc.stdout.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.proc.stderr.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.proc.on('close', (code) => {
        live.delete(this);
        resolve(code ?? -1);
      }),
    );
    live.add(this);
  }

  /** Stop the relay (SIGHUP reaches the program through the closed terminal). */
  kill(): void {
    this.proc.kill('SIGKILL');
  }

  /** Everything printed so far, without ANSI escapes. */
  get text(): string {
    // eslint-disable-next-line no-control-regex
    return this.out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  }

  async expect(pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const t = this.text;
      if (typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t)) return;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; output so far:\n${t}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Wait until `pattern` has appeared `n` times in total. */
  async expectCount(pattern: string, n: number, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (this.text.split(pattern).length - 1 < n) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${n}× ${pattern}; output so far:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  send(keys: string): void {
    this.proc.stdin.write(keys);
  }

  close(): void {
    this.proc.stdin.end();
  }
}
