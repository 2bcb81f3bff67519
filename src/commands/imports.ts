/**
 * `qa imports` and `qa rejects` — what was imported, and what was refused.
 */
import type { Context } from '../context.js';
import { listImports, listRejects } from '../db/imports.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT, UsageError } from '../errors.js';
import { positiveInt } from './options.js';
import { tr } from '../i18n.js';
import { Zone } from '../core/time.js';


export async function runImports(ctx: Context, opts: { limit?: string }): Promise<number> {
  const limit = positiveInt('--limit', opts.limit, 20);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const rows = listImports(db, limit);
    const zone = new Zone(ctx.config().config.timezone);
    if (ctx.json) {
      ctx.streams.stdout.write(
        `${JSON.stringify(
          rows.map((r) => ({
            ...r,
            started_at: zone.iso(r.started_at),
            finished_at: r.finished_at === null ? null : zone.iso(r.finished_at),
            min_at: r.min_at === null ? null : zone.iso(r.min_at),
            max_at: r.max_at === null ? null : zone.iso(r.max_at),
            skip_invalid: !!r.skip_invalid,
          })),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    const L = ctx.lang;
    if (rows.length === 0) {
      ctx.streams.stdout.write(tr(L, '还没有导入记录。\n', 'No imports yet.\n'));
      return EXIT.ok;
    }
    const { makeChalk, renderTable } = await import('../render/term.js');
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    ctx.streams.stdout.write(
      `${renderTable({
        chalk,
        head: [tr(L, '编号', 'id'), tr(L, '时间', 'time'), tr(L, '类型', 'kind'), tr(L, '文件', 'file'), tr(L, '行数', 'rows'), tr(L, '新增', 'inserted'), tr(L, '更新', 'updated'), tr(L, '未变', 'unchanged'), tr(L, '拒绝', 'rejected'), 'sha256'],
        right: [0, 4, 5, 6, 7, 8],
        // 16 hex characters: a run the output guard knows for a hash, never for a phone number.
        rows: rows.map((r) => [r.id, zone.format(r.started_at), r.kind, r.file, r.rows, r.inserted, r.updated, r.unchanged, r.rejected, r.sha256.slice(0, 16)]),
      })}\n`,
    );
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runRejects(ctx: Context, opts: { import?: string; limit?: string }): number {
  const limit = positiveInt('--limit', opts.limit, 50);
  const importId = opts.import === undefined ? null : positiveInt('--import', opts.import, 1);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    // The raw rows and their reasons (which repeat the bad value) hold phone
    // numbers: the output guard masks them in every form, human and --json.
    const rows = listRejects(db, importId, limit);
    ctx.privacy.rows(rows, (r) => `${r.file}:${r.line}`);
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT.ok;
    }
    const L = ctx.lang;
    if (rows.length === 0) {
      ctx.streams.stdout.write(tr(L, '没有被拒绝的行。\n', 'No rejected rows.\n'));
      return EXIT.ok;
    }
    for (const r of rows) {
      ctx.streams.stdout.write(`${r.file}:${r.line} (${tr(L, '导入', 'import')} ${r.import_id}): ${r.reason}\n    ${r.raw ?? ''}\n`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
