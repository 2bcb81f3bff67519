/**
 * `qa review` — walk the pending worklist with prompts (SPEC §4): show each
 * item (phone masked), ask pass / fail / n.a. for every unanswered check, a
 * note for each fail. Every answer is saved as it is given, so a review can
 * stop at any point and resume later.
 */
import type { Context } from '../context.js';
import { assertReviewable, recordFinding, resolveItem, reviewState, type ReviewState } from '../app/review.js';
import { currentUser } from '../core/actor.js';
import { Zone } from '../core/time.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { ReviewStore, type ItemKind } from '../db/review.js';
import { pendingItems } from '../db/sampling.js';
import { pendingCampaignItems } from '../db/campaign.js';
import type { Db } from '../db/open.js';
import { EXIT, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
import { inquirerPrompts, Stopped, type Prompts } from '../io/prompts.js';
import { checkText, renderItem, severityLabel } from '../render/review.js';
import { makeChalk } from '../render/term.js';

export interface ReviewOptions {
  /** `--calibration <id>`: answer a calibration's items blind instead (commands/people.ts). */
  calibration?: string;
  item?: string;
  kind?: string;
  auditor?: string;
  unsampled?: string;
}

export async function runReview(ctx: Context, opts: ReviewOptions, prompts: Prompts = inquirerPrompts()): Promise<number> {
  if (opts.calibration !== undefined) {
    if (opts.item || opts.unsampled) throw new UsageError('--calibration walks the calibration’s own items: drop --item/--unsampled');
    return (await import('./people.js')).runCalibrationReview(ctx, opts.calibration, opts, prompts);
  }
  const refuseWithoutTerminal = (): void => {
    if (!ctx.interactive) {
      throw new UsageError('qa review asks questions and needs a terminal (stdin and stdout), without --no-input or CI', {
        hint: 'for scripts: qa finding add --item <id> --check <code> --result pass|fail|na --note "…", or qa finding import findings.csv',
      });
    }
  };
  // Without --item nothing needs checking first; with it, the item is checked
  // (it exists, it is sampled or --unsampled says why) before the terminal and
  // the first question: a wrong argument is reported as such, and no answer is
  // asked for only to be refused.
  if (!opts.item) refuseWithoutTerminal();
  if (opts.kind !== undefined && opts.kind !== 'records' && opts.kind !== 'calls') throw new UsageError(`--kind must be records or calls, got "${opts.kind}"`);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  const store = new ReviewStore(db);
  if (opts.item) {
    try {
      const item = resolveItem(store, opts.item, opts.kind as ItemKind | undefined);
      assertReviewable(reviewState(store, config, item), opts.unsampled);
      refuseWithoutTerminal();
    } catch (e) {
      db.close();
      throw e;
    }
  }
  const out = ctx.streams.stdout;
  const chalk = makeChalk(ctx.env, out.isTTY);
  const L = ctx.lang;
  const auditor = opts.auditor ?? currentUser(ctx.env);
  let saved = 0;
  let finished = 0;
  try {
    const queue: { kind: ItemKind; id: string }[] = opts.item
      ? [{ kind: resolveItem(store, opts.item, opts.kind as ItemKind | undefined).kind, id: opts.item }]
      : pendingQueue(db);
    if (queue.length === 0) {
      out.write(tr(L, '没有待审核的项目。先运行 qa sample。\n', 'Nothing is waiting for review. Run qa sample first.\n'));
      return EXIT.ok;
    }
    out.write(chalk.dim(tr(L, `${queue.length} 项待审核；每个答案即时保存，可随时按 s 停止，稍后继续。\n`, `${queue.length} item${queue.length === 1 ? '' : 's'} to review; every answer is saved at once — press s to stop and resume later.\n`)));
    for (const [n, next] of queue.entries()) {
      const item = resolveItem(store, next.id, next.kind);
      let st: ReviewState = reviewState(store, config, item);
      ctx.privacy.rows([st.item.row], () => `${st.item.kind}:${st.item.id}`);
      // SPEC §7: a campaign's item is marked, and says whether its answers count in the random-sample figures.
      const mark = st.campaigns.length
        ? ` ${chalk.magenta(
            st.sampled
              ? tr(L, `[专项 ${st.campaigns.join(', ')} · 也在随机样本中]`, `[campaign ${st.campaigns.join(', ')} · also in the random sample]`)
              : tr(L, `[专项 ${st.campaigns.join(', ')} · 不计入随机抽查指标]`, `[campaign ${st.campaigns.join(', ')} · not counted in the random-sample figures]`),
          )}`
        : '';
      out.write(`\n${chalk.bold(`[${n + 1}/${queue.length}]`)} ${st.checklist.kind}${mark}\n${renderItem(st, zone, L, ctx.unmask, chalk)}`);
      for (const check of st.checks) {
        if (check.answer) {
          out.write(chalk.dim(`  ✓ ${check.code}: ${check.answer.result}\n`));
          continue;
        }
        const answer = await prompts.answer(`${checkText(check, L)} ${chalk.dim(`[${check.code} · ${severityLabel(check.severity, L)}]`)}`, {
          pass: tr(L, '通过', 'pass'),
          fail: tr(L, '不通过', 'fail'),
          na: tr(L, '不适用', 'not applicable'),
          skip: tr(L, '跳过此项目', 'skip this item for now'),
          stop: tr(L, '保存并退出', 'save and stop'),
        });
        if (answer === 'stop') throw new Stopped(false);
        if (answer === 'skip') break;
        const note = answer === 'fail' ? await prompts.text(tr(L, '问题说明：', 'What was wrong:'), tr(L, '不通过需要说明', 'a fail needs a note')) : undefined;
        const outcome = recordFinding(store, config, zone, {
          item,
          check: check.code,
          result: answer,
          note,
          auditor,
          unsampledReason: opts.unsampled,
          at: ctx.now().getTime(),
        });
        saved++;
        st = outcome.state;
        if (outcome.rectificationId !== null) {
          out.write(chalk.yellow(tr(L, `  → 已开立整改 #${outcome.rectificationId}\n`, `  → rectification #${outcome.rectificationId} opened\n`)));
        }
      }
      if (st.score.reviewed) {
        finished++;
        const score = st.score.score === null ? '—' : `${Math.round(st.score.score * 100)} %`;
        out.write(
          st.score.passed
            ? chalk.green(tr(L, `  ${item.id} 审核完成：通过，得分 ${score}\n`, `  ${item.id} reviewed: passed, score ${score}\n`))
            : chalk.red(tr(L, `  ${item.id} 审核完成：不通过（${st.score.failed} 项），得分 ${score}\n`, `  ${item.id} reviewed: failed (${st.score.failed} check${st.score.failed === 1 ? '' : 's'}), score ${score}\n`)),
        );
      }
    }
    out.write(tr(L, `\n完成：保存 ${saved} 个答案，审核完 ${finished} 个项目。\n`, `\nDone: ${saved} answers saved, ${finished} item${finished === 1 ? '' : 's'} fully reviewed.\n`));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof Stopped) {
      out.write(tr(L, `\n已停止：保存了 ${saved} 个答案。运行 qa review 继续。\n`, `\nStopped: ${saved} answers saved. Run qa review to carry on.\n`));
      return e.interrupted ? EXIT.interrupted : EXIT.ok;
    }
    throw e;
  } finally {
    db.close();
  }
}

/** The worklist `qa review` walks: the random sample's pending items, then the special campaigns' (SPEC §7). */
function pendingQueue(db: Db): { kind: ItemKind; id: string }[] {
  const queue = pendingItems(db).map((i) => ({ kind: i.kind, id: i.item_id }));
  const seen = new Set(queue.map((q) => `${q.kind}:${q.id}`));
  for (const c of pendingCampaignItems(db)) {
    if (seen.has(`${c.kind}:${c.item_id}`)) continue;
    seen.add(`${c.kind}:${c.item_id}`);
    queue.push({ kind: c.kind, id: c.item_id });
  }
  return queue;
}
