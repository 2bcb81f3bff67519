/**
 * Long output on a terminal goes through a pager (SPEC §3: long lists page):
 * `$QA_PAGER`, else `$PAGER`, else `less -FRX` (quits at once when the text
 * fits, keeps colours, leaves the text on screen). Never when stdout is not a
 * terminal (piped, redirected, a test), never with `QA_PAGER=` set empty or
 * `cat`, and the text is written directly when the pager cannot start.
 */
import { spawnSync } from 'node:child_process';
import type { Context } from '../context.js';

/** Whether `text` needs a pager on this stdout: a terminal, and more lines than it has rows. */
export function wantsPager(text: string, stdout: { isTTY?: boolean; rows?: number }, env: NodeJS.ProcessEnv): boolean {
  if (!stdout.isTTY) return false;
  const cmd = env.QA_PAGER ?? env.PAGER ?? 'less';
  if (cmd.trim() === '' || cmd.trim() === 'cat') return false;
  const rows = stdout.rows ?? 24;
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && lines <= rows; i = text.indexOf('\n', i + 1)) lines++;
  return lines > rows - 1;
}

/** Write `text` to stdout, through the pager when wantsPager says so. */
export function writePaged(ctx: Pick<Context, 'streams' | 'env' | 'privacy'>, text: string): void {
  const stdout = ctx.streams.stdout as NodeJS.WritableStream & { isTTY?: boolean; rows?: number };
  if (wantsPager(text, stdout, ctx.env)) {
    const cmd = (ctx.env.QA_PAGER ?? ctx.env.PAGER ?? 'less').trim();
    // The pager writes to the terminal itself: the text passes the privacy guard first, as stdout would.
    const r = spawnSync(cmd, { shell: true, input: ctx.privacy.text(text), stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...ctx.env } });
    if (!r.error && r.status !== 127) return;
  }
  stdout.write(text);
}
