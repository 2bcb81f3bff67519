/**
 * `qa db check` — SQLite's integrity check and qa's invariants (SPEC §2).
 */
import type { Context } from '../context.js';
import { checkDatabase } from '../db/check.js';
import { checkDbFile, openDbForCheck, resolveDbPath } from '../db/open.js';
import { EXIT, QaError } from '../errors.js';
import { tr } from '../i18n.js';

const TITLE_ZH: Record<string, string> = {
  file: '文件长度与文件头一致',
  open: '读取数据库',
  integrity: 'SQLite 完整性检查（每个页、索引和约束）',
  foreign_keys: '表之间的引用',
  schema: '结构版本和数据库种子',
  imports_finished: '每次导入都已完成',
  import_counts: '各类数据的行数等于导入新增的行数',
  no_replacement_char: '导入的文本中没有 U+FFFD（解码事故）',
  sample_items: '每个抽中的项目都是已导入的行',
  reviews: '每次审核的对象都是已导入的行',
  rectification_states: '每项整改的状态等于其历史的最后一步',
  audit_log: '审计日志的每条详情都是可读的 JSON',
};

export async function runDbCheck(ctx: Context): Promise<number> {
  const file = resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd);
  const L = ctx.lang;
  let header: string | null = null;
  try {
    checkDbFile(file);
  } catch (e) {
    if (!(e instanceof QaError) || !/damaged/.test(e.message)) throw e;
    header = e.message;
  }
  let results;
  const db = openDbForCheck(file);
  try {
    results = checkDatabase(db);
  } catch (e) {
    results = [{ id: 'open', title: 'read the database', ok: false, problems: [(e as Error).message], count: 1 }];
  } finally {
    db.close();
  }
  if (header) results.unshift({ id: 'file', title: 'the file is as long as its header says', ok: false, problems: [header], count: 1 });
  const failed = results.filter((r) => !r.ok);
  if (ctx.json) {
    ctx.streams.stdout.write(`${JSON.stringify({ database: file, ok: failed.length === 0, checks: results }, null, 2)}\n`);
    return failed.length === 0 ? EXIT.ok : EXIT.failure;
  }
  const { makeChalk } = await import('../render/term.js');
  const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
  const out: string[] = [`${tr(L, '数据库', 'database')} ${file}`];
  for (const r of results) {
    const title = L === 'zh' ? (TITLE_ZH[r.id] ?? r.title) : r.title;
    out.push(`${r.ok ? chalk.green('✓') : chalk.red('✗')} ${title}${r.ok ? '' : chalk.red(`: ${r.count} ${tr(L, '个问题', r.count === 1 ? 'problem' : 'problems')}`)}`);
    for (const p of r.problems) out.push(`    ${p}`);
    if (r.count > r.problems.length) out.push(`    … ${r.count - r.problems.length} ${tr(L, '个更多', 'more')}`);
  }
  out.push(
    failed.length === 0
      ? chalk.green(tr(L, '结果：正常', 'result: OK'))
      : chalk.red(tr(L, `结果：${failed.length} 项检查未通过 —— 请从备份恢复或联系维护人员`, `result: ${failed.length} check${failed.length > 1 ? 's' : ''} failed — restore a backup or investigate before writing to it`)),
  );
  ctx.streams.stdout.write(`${out.join('\n')}\n`);
  return failed.length === 0 ? EXIT.ok : EXIT.failure;
}
