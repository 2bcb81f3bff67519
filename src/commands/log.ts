/**
 * `qa log [--since …]` — the append-only audit log.
 */
import type { Context } from '../context.js';
import { Zone } from '../core/time.js';
import { listAudit, logUnmask } from '../db/audit.js';
import { maskPhonesInText } from '../core/mask.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT } from '../errors.js';
import { parseTimestampOption, positiveInt } from './options.js';

export async function runLog(ctx: Context, opts: { since?: string; limit?: string }): Promise<number> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const since = parseTimestampOption('--since', opts.since, zone) ?? 0;
  const limit = positiveInt('--limit', opts.limit, 200);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    if (ctx.unmask) logUnmask(db, 'log', 0);
    const rows = listAudit(db, since, limit);
    if (ctx.json) {
      const detail = (d: string | null): unknown => (d === null ? null : JSON.parse(ctx.unmask ? d : maskPhonesInText(d)));
      ctx.streams.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, at: zone.iso(r.at), detail: detail(r.detail) })), null, 2)}\n`);
    } else {
      const [{ renderAudit }, { makeChalk }] = await Promise.all([import('../render/review.js'), import('../render/term.js')]);
      ctx.streams.stdout.write(renderAudit(rows, zone, ctx.lang, makeChalk(ctx.env, ctx.streams.stdout.isTTY), ctx.unmask));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
