/**
 * `qa log [--since …]` — the append-only audit log.
 */
import type { Context } from '../context.js';
import { Zone } from '../core/time.js';
import { listAudit } from '../db/audit.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT } from '../errors.js';
import { parseTimestampOption, positiveInt } from './options.js';

/**
 * An entry's detail as JSON output: the parsed object, or — for a detail that
 * is not valid JSON (written by another tool, or damaged) — the text itself,
 * so one odd row never stops the log from being read. Phones in either are
 * masked by the output guard.
 */
export function parseDetail(d: string | null): unknown {
  if (d === null) return null;
  try {
    return JSON.parse(d) as unknown;
  } catch {
    return d;
  }
}

export async function runLog(ctx: Context, opts: { since?: string; limit?: string }): Promise<number> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const since = parseTimestampOption('--since', opts.since, zone) ?? 0;
  const limit = positiveInt('--limit', opts.limit, 200);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const rows = listAudit(db, since, limit);
    ctx.privacy.rows(rows, (r) => `audit:${r.id}`);
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, at: zone.iso(r.at), detail: parseDetail(r.detail) })), null, 2)}\n`);
    } else {
      const [{ renderAudit }, { makeChalk }] = await Promise.all([import('../render/review.js'), import('../render/term.js')]);
      ctx.streams.stdout.write(renderAudit(rows, zone, ctx.lang, makeChalk(ctx.env, ctx.streams.stdout.isTTY)));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
