/**
 * The audit-log entry for --unmask (SPEC §1): written once per command, by
 * the action wrapper in program.ts, from what the privacy guard counted.
 */
import fs from 'node:fs';
import type { Context } from '../context.js';
import { logUnmask } from '../db/audit.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { tr } from '../i18n.js';

/**
 * Append `unmask` with the command, the phone numbers shown and the ids of
 * their rows. Without a database (a command that failed before creating one)
 * there is nothing to log and nothing was shown from it. A failure to write
 * the entry is said on stderr (never silently).
 */
export function recordUnmask(ctx: Context, command: string): void {
  let file: string;
  try {
    file = resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd);
  } catch {
    return;
  }
  if (!fs.existsSync(file)) return;
  try {
    const db = openDb(file, { mustExist: true });
    try {
      logUnmask(db, command, ctx.privacy.phones, ctx.privacy.shownRows(), ctx.now().getTime());
    } finally {
      db.close();
    }
  } catch (e) {
    ctx.streams.stderr.write(
      `qa: ${tr(ctx.lang, '警告：--unmask 的使用未能写入审计日志', 'warning: the use of --unmask could not be written to the audit log')}: ${(e as Error).message}\n`,
    );
  }
}
