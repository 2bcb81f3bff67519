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
import { ReviewStore, type ItemKind, type ItemRow } from '../db/review.js';
import { amendFinding } from '../app/corrections.js';
import { dayRules, loadCalendar } from '../app/report.js';
import { recordVerdict, type DaySla, type Verdict } from '../core/kpis.js';
import type { Config } from '../config.js';
import { spawn } from 'node:child_process';
import type { ChalkInstance } from 'chalk';
import { pendingItems } from '../db/sampling.js';
import { pendingCampaignItems } from '../db/campaign.js';
import type { Db } from '../db/open.js';
import { EXIT, QaError, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { answerChoices, inquirerPrompts, Stopped, terminalPrompts, type Answer, type KeyChoice, type Prompts } from '../io/prompts.js';
import { checkText, renderItem, resultLabel, severityLabel, stateLabel } from '../render/review.js';
import { clip, makeChalk } from '../render/term.js';

export interface ReviewOptions {
  /** `--calibration <id>`: answer a calibration's items blind instead (commands/people.ts). */
  calibration?: string;
  item?: string;
  kind?: string;
  auditor?: string;
  unsampled?: string;
}

export async function runReview(ctx: Context, opts: ReviewOptions, prompts: Prompts = defaultPrompts): Promise<number> {
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
  if (prompts === defaultPrompts) prompts = terminalPrompts(process.stdin, out, answerStyle(chalk), keyHint(chalk));
  const verdicts = new Verdicts(config, zone);
  // Answer lines fit the terminal (SPEC §1: clipped, never wrapped).
  const line = (s: string): string => (out.columns ? clip(s, out.columns - 1) : s);
  let saved = 0;
  let corrected = 0;
  let finished = 0;
  try {
    const queue: { kind: ItemKind; id: string }[] = opts.item
      ? [{ kind: resolveItem(store, opts.item, opts.kind as ItemKind | undefined).kind, id: opts.item }]
      : pendingQueue(db);
    if (queue.length === 0) {
      out.write(tr(L, '没有待审核的项目。先运行 qa sample。\n', 'Nothing is waiting for review. Run qa sample first.\n'));
      return EXIT.ok;
    }
    out.write(
      chalk.dim(
        tr(
          L,
          `${queue.length} 项待审核；每个答案按一个键即时保存：p 通过 · f 不通过 · n 不适用 · a 其余全部通过 · c 更正已答 · o 播放录音 · k 跳过 · s 停止。\n`,
          `${queue.length} item${queue.length === 1 ? '' : 's'} to review; one key per answer, saved at once: p pass · f fail · n n.a. · a pass the rest · c correct an answer · o play the recording · k skip · s stop.\n`,
        ),
      ),
    );
    const correct = async (item: ItemRow): Promise<ReviewState> => {
      const st0 = reviewState(store, config, item);
      const answered = st0.checks.filter((c) => c.answer);
      const code = await prompts.choose(
        tr(L, '更正哪一项？', 'Correct which answer?'),
        answered.map((c) => ({ name: `${checkText(c, L)} — ${resultLabel(c.answer!.result, L)}`, value: c.code })),
      );
      const was = answered.find((c) => c.code === code)!.answer!.result;
      const to = await prompts.key(
        tr(L, `改为（现为${resultLabel(was, L)}）：`, `Change to (now ${resultLabel(was, L)}):`),
        [
          { key: 'p', label: resultLabel('pass', L), value: 'pass' as const },
          { key: 'f', label: resultLabel('fail', L), value: 'fail' as const },
          { key: 'n', label: resultLabel('na', L), value: 'na' as const },
          { key: 'x', label: tr(L, '取消', 'cancel'), value: 'cancel' as const },
        ].filter((c) => c.value !== was),
      );
      if (to === 'cancel') return st0;
      const reason = await prompts.text(tr(L, '更正原因：', 'Why the answer was wrong:'), tr(L, '更正需要说明原因', 'a correction needs a reason'));
      const note = to === 'fail' ? await prompts.text(tr(L, '问题说明：', 'What was wrong:'), tr(L, '不通过需要说明', 'a fail needs a note')) : undefined;
      try {
        const o = amendFinding(store, config, zone, { item, check: code, result: to, reason, note, by: auditor, at: ctx.now().getTime() });
        corrected++;
        const rect = o.rectification;
        const rectText = !rect
          ? ''
          : rect.action === 'withdrawn'
            ? tr(L, `，整改 #${rect.id} 已撤回`, `; rectification #${rect.id} withdrawn`)
            : rect.action === 'opened' || rect.action === 'reopened'
              ? tr(L, `，已开立整改 #${rect.id}`, `; rectification #${rect.id} opened`)
              : tr(L, `，整改 #${rect.id} 保持${stateLabel(rect.state, L)}`, `; rectification #${rect.id} stays ${stateLabel(rect.state, L)}`);
        out.write(chalk.magenta(tr(L, `  ✎ 已更正 ${checkText(answered.find((c) => c.code === code)!, L)}：${resultLabel(o.from, L)} → ${resultLabel(o.to, L)}${rectText}（原答案保留在历史与审计日志中）\n`, `  ✎ corrected ${code}: ${resultLabel(o.from, L)} → ${resultLabel(o.to, L)}${rectText} (the original stays in the history and the audit log)\n`)));
        return o.state;
      } catch (e) {
        if (!(e instanceof QaError)) throw e;
        out.write(chalk.red(`  ${e.message}\n`));
        return reviewState(store, config, item);
      }
    };
    for (const [n, next] of queue.entries()) {
      const item = resolveItem(store, next.id, next.kind);
      let st: ReviewState = reviewState(store, config, item);
      const wasReviewed = st.score.reviewed;
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
      const recording = item.kind === 'calls' ? ((item.row.recording_ref as string | null) ?? null) : null;
      let passRest = false;
      let skipped = false;
      for (let i = 0; i < st.checks.length; i++) {
        const check = st.checks[i]!;
        const verdict = verdicts.of(item, check.code);
        // The data's verdict goes on its own line under the question (SPEC §4: shown beside it).
        const aside = verdict
          ? `\n  ${(verdict.result === 'pass' ? chalk.green : chalk.red)(`${tr(L, '数据判定', 'the data says')} ${verdict.result === 'pass' ? '✔' : '✘'} ${resultLabel(verdict.result, L)}: ${tr(L, verdict.zh, verdict.en)}`)}`
          : '';
        if (check.answer) {
          out.write(`${line(`  ${answerMark(check.answer.result, L, chalk)}  ${checkText(check, L)}${chalk.dim(` [${check.code}]`)}`)}\n`);
          continue;
        }
        // "Pass the rest" stops at a check the data says failed: that one is asked.
        if (passRest && verdict?.result === 'fail') passRest = false;
        let answer: Answer | 'rest';
        if (passRest) answer = 'pass';
        else {
          const keys = [
            ...answerChoices({ pass: tr(L, '通过', 'pass'), fail: tr(L, '不通过', 'fail'), na: tr(L, '不适用', 'n.a.'), skip: tr(L, '跳过', 'skip'), stop: tr(L, '停止', 'stop') }).slice(0, 3),
            { key: 'a', label: tr(L, '其余全部通过', 'pass the rest'), value: 'rest' as const },
            ...(st.checks.some((c) => c.answer) ? [{ key: 'c', label: tr(L, '更正', 'correct'), value: 'correct' as const }] : []),
            ...(recording ? [{ key: 'o', label: tr(L, '播放录音', 'play'), value: 'open' as const }] : []),
            { key: 'k', label: tr(L, '跳过', 'skip'), value: 'skip' as const },
            { key: 's', label: tr(L, '停止', 'stop'), value: 'stop' as const },
          ];
          const k = await prompts.key(`${checkText(check, L)} ${chalk.dim(`[${check.code} · ${severityLabel(check.severity, L)}]`)}${aside}`, keys);
          if (k === 'open') {
            out.write(openRecording(recording!, config.review.player, L, chalk));
            i--;
            continue;
          }
          if (k === 'correct') {
            st = await correct(item);
            i = -1; // walk again: the corrected line shows its new answer
            out.write(chalk.dim(tr(L, '  —— 当前答案 ——\n', '  — answers now —\n')));
            continue;
          }
          answer = k;
        }
        if (answer === 'stop') throw new Stopped(false);
        if (answer === 'skip') {
          skipped = true;
          break;
        }
        if (answer === 'rest') {
          passRest = true;
          answer = 'pass';
        }
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
        if (passRest) out.write(`${line(`  ${answerMark('pass', L, chalk)}  ${checkText(check, L)}${chalk.dim(` [${check.code}]`)}`)}\n`);
        if (outcome.rectificationId !== null) {
          out.write(chalk.yellow(tr(L, `  → 已开立整改 #${outcome.rectificationId}\n`, `  → rectification #${outcome.rectificationId} opened\n`)));
        }
      }
      // An item opened with --item that was already reviewed: offer corrections.
      if (wasReviewed && !skipped) {
        for (;;) {
          const k = await prompts.key(tr(L, '该项目已审核完。', 'This item is reviewed.'), [
            { key: 'c', label: tr(L, '更正一个答案', 'correct an answer'), value: 'correct' as const },
            { key: 's', label: tr(L, '完成', 'done'), value: 'done' as const },
          ]);
          if (k === 'done') break;
          st = await correct(item);
        }
      }
      if (st.score.reviewed && !skipped) {
        if (!wasReviewed) finished++;
        const score = st.score.score === null ? '—' : `${Math.round(st.score.score * 100)} %`;
        out.write(
          st.score.passed
            ? chalk.green(tr(L, `  ${item.id} 审核完成：通过，得分 ${score}\n`, `  ${item.id} reviewed: passed, score ${score}\n`))
            : chalk.red(tr(L, `  ${item.id} 审核完成：不通过（${st.score.failed} 项），得分 ${score}\n`, `  ${item.id} reviewed: failed (${st.score.failed} check${st.score.failed === 1 ? '' : 's'}), score ${score}\n`)),
        );
      }
    }
    out.write(
      tr(
        L,
        `\n完成：保存 ${saved} 个答案，审核完 ${finished} 个项目${corrected ? `，更正 ${corrected} 个答案` : ''}。\n`,
        `\nDone: ${saved} answers saved, ${finished} item${finished === 1 ? '' : 's'} fully reviewed${corrected ? `, ${corrected} answer${corrected === 1 ? '' : 's'} corrected` : ''}.\n`,
      ),
    );
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

/** The prompts runReview uses unless a test passes its own: the terminal, styled (built in runReview). */
const defaultPrompts: Prompts = inquirerPrompts();

/** How a chosen key is drawn after its question: fails apart from passes, actions unlike answers. */
export function answerStyle(chalk: ChalkInstance): (value: string, label: string) => string {
  return (value, label) => {
    switch (value) {
      case 'pass':
        return chalk.green(`✔ ${label}`);
      case 'fail':
        return chalk.bold.red(`✘ ${label}`);
      case 'na':
        return chalk.dim(`– ${label}`);
      case 'rest':
        return chalk.green(`✔✔ ${label}`);
      case 'skip':
        return chalk.yellow(`» ${label}`);
      case 'stop':
      case 'done':
        return chalk.yellow(`■ ${label}`);
      case 'cancel':
        return chalk.dim(`↩ ${label}`);
      default:
        return chalk.cyan(`› ${label}`);
    }
  };
}

/** The key line under a question: answer keys first, then (dimmer) the actions. */
export function keyHint(chalk: ChalkInstance): (choices: readonly KeyChoice[]) => string {
  const answers = new Set(['pass', 'fail', 'na']);
  return (cs) => {
    const one = (c: KeyChoice): string => `${chalk.bold(c.key)} ${c.label}`;
    const a = cs.filter((c) => answers.has(c.value)).map(one);
    const rest = cs.filter((c) => !answers.has(c.value)).map(one);
    return [a.join('  '), chalk.dim(rest.join(' · '))].filter(Boolean).join('   ');
  };
}

/** A recorded answer as drawn in the item's list: ✔ pass (green), ✘ fail (red), – n.a. (dim), in the --lang. */
export function answerMark(result: string, L: Lang, chalk: ChalkInstance): string {
  const label = resultLabel(result, L);
  return result === 'pass' ? chalk.green(`✔ ${label}`) : result === 'fail' ? chalk.bold.red(`✘ ${label}`) : chalk.dim(`– ${label}`);
}

/**
 * Key o: open a call's recording with config review.player (`<player…>
 * <recording_ref>`, no shell, detached so the review goes on), or say where
 * it is when no player is configured or it cannot start.
 */
function openRecording(ref: string, player: string | null, L: Lang, chalk: ChalkInstance): string {
  if (!player) return chalk.cyan(tr(L, `  录音文件：${ref}（在配置 review.player 中设置播放器后按 o 可直接播放）\n`, `  recording: ${ref} (set review.player in the config to play it with o)\n`));
  const [cmd, ...args] = player.trim().split(/\s+/);
  try {
    const child = spawn(cmd!, [...args, ref], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return chalk.cyan(tr(L, `  ▶ 正在用 ${cmd} 播放 ${ref}\n`, `  ▶ playing ${ref} with ${cmd}\n`));
  } catch (e) {
    return chalk.yellow(tr(L, `  无法启动 ${cmd}：${(e as Error).message}；录音文件：${ref}\n`, `  cannot start ${cmd}: ${(e as Error).message}; recording: ${ref}\n`));
  }
}

/** Verdicts of data-decided checks, with the day rules (working hours, holidays) of each record's month computed once. */
class Verdicts {
  private readonly months = new Map<string, DaySla[]>();
  private calendar: ReturnType<typeof loadCalendar> | null = null;

  constructor(
    private readonly config: Config,
    private readonly zone: Zone,
  ) {}

  of(item: ItemRow, check: string): Verdict | null {
    if (item.kind !== 'records') return null;
    const r = item.row as unknown as Parameters<typeof recordVerdict>[1];
    if (typeof r.occurred_at !== 'number') return null;
    const date = this.zone.dateOf(r.occurred_at);
    const month = date.slice(0, 7);
    let days = this.months.get(month);
    if (!days && (check === 'response_time' || check === 'on_time')) {
      this.calendar ??= loadCalendar(this.config);
      days = dayRules(month, this.zone, this.calendar, new Set());
      this.months.set(month, days);
    }
    return recordVerdict(check, r, days?.[Number(date.slice(8, 10)) - 1] ?? null);
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
