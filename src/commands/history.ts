/**
 * `qa history <id> [--kind K]` — every version of an imported row (SPEC §2):
 * what each import brought and what the next one changed or emptied.
 */
import type { Context } from '../context.js';
import { isKind, KIND_SCHEMAS, KINDS, type Kind } from '../core/kinds.js';
import { maskPhone, maskPhonesInText } from '../core/mask.js';
import { Zone } from '../core/time.js';
import { changedColumns, rowHistory, type RowHistory, type VersionImport } from '../db/history.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { EXIT, QaError, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';

/** One value as a person reads it: local time, yes/no, phones masked unless `unmask`. */
export function showValue(kind: Kind, column: string, v: unknown, zone: Zone, unmask: boolean, lang: Lang): string | null {
  if (v === null || v === undefined) return null;
  const fd = KIND_SCHEMAS[kind].fields.find((f) => f.name === column);
  if (fd?.type === 'timestamp' && typeof v === 'number') return zone.format(v, true);
  if (fd?.type === 'bool' && (v === 0 || v === 1)) return v ? tr(lang, '是', 'yes') : tr(lang, '否', 'no');
  const s = String(v);
  if (unmask) return s;
  if (fd?.personal) return maskPhone(s) ?? s;
  return maskPhonesInText(s);
}

export async function runHistory(ctx: Context, id: string, opts: { kind?: string }): Promise<number> {
  if (opts.kind !== undefined && !isKind(opts.kind)) {
    throw new UsageError(`unknown kind "${opts.kind}"`, { hint: `the kinds are ${KINDS.join(', ')}` });
  }
  const kind = opts.kind as Kind | undefined;
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const L = ctx.lang;
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const found = rowHistory(db, id.trim(), kind);
    if (found.length === 0) {
      throw new QaError(tr(L, `没有编号为 ${id} 的导入行`, `no imported row has the id ${id}`), {
        where: kind ?? KINDS.join(', '),
        hint: tr(L, '编号区分大小写；qa sample list 或导出文件中可以找到编号', 'ids are case-sensitive; find them in qa sample list or the export'),
      });
    }
    ctx.privacy.rows(found, (r) => `${r.kind}:${r.id}`);
    const imp = (i: VersionImport | null) => (i ? { id: i.id, file: i.file, at: i.at === null ? null : zone.iso(i.at) } : null);
    if (ctx.json) {
      const doc = found.map((r) => ({
        kind: r.kind,
        id: r.id,
        versions: r.versions.map((v, i) => ({
          version: v.version,
          current: v.current,
          import: imp(v.import),
          replaced_by: imp(v.replaced_by),
          values: Object.fromEntries(Object.entries(v.values).map(([c, x]) => [c, showValue(r.kind, c, x, zone, ctx.unmask, 'en')])),
          changed: changedColumns(i > 0 ? r.versions[i - 1]!.values : null, v.values),
          cleared: v.cleared,
        })),
      }));
      ctx.streams.stdout.write(`${JSON.stringify(kind || doc.length > 1 ? doc : doc[0], null, 2)}\n`);
      return EXIT.ok;
    }
    const { makeChalk } = await import('../render/term.js');
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    const lines: string[] = [];
    for (const r of found) {
      lines.push(chalk.bold(`${r.kind} ${r.id}`) + tr(L, `：${r.versions.length} 个版本`, `: ${r.versions.length} version${r.versions.length > 1 ? 's' : ''}`));
      for (let i = r.versions.length - 1; i >= 0; i--) {
        const v = r.versions[i]!;
        const before = i > 0 ? r.versions[i - 1]!.values : null;
        const when = v.import.at === null ? '' : ` ${zone.format(v.import.at)}`;
        const tag = v.current ? chalk.green(tr(L, '（当前）', ' (current)')) : '';
        lines.push(`  v${v.version}${tag}  ${tr(L, '导入', 'import')} #${v.import.id} ${v.import.file ?? tr(L, '（未知）', '(unknown)')}${when}`);
        const cols = changedColumns(before, v.values);
        if (cols.length === 0) lines.push(`      ${tr(L, '（内容未变）', '(no content change)')}`);
        for (const c of cols) {
          const to = showValue(r.kind, c, v.values[c], zone, ctx.unmask, L);
          if (before) {
            const from = showValue(r.kind, c, before[c], zone, ctx.unmask, L);
            const empty = tr(L, '（空）', '(empty)');
            lines.push(`      ${c}: ${from ?? empty} → ${to === null ? chalk.yellow(empty) : to}`);
          } else {
            lines.push(`      ${c}: ${to}`);
          }
        }
      }
    }
    ctx.streams.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}
