/**
 * Commander definitions for SPEC §8 (people) and the §4 correction: `qa
 * scorecard`, `qa dispute …`, `qa calibrate …`, `qa finding amend` and
 * `qa review --calibration`. Registered from program.ts with one line; each
 * action lazy-imports its handler from commands/people.ts.
 */
import type { Command } from 'commander';
import type { Context } from '../../context.js';

type Handler = (ctx: Context, cmd: Command) => Promise<number> | number;
type Action = (load: () => Promise<Handler>) => (...args: unknown[]) => Promise<void>;

const people = () => import('../people.js');

export function registerPeopleCommands(program: Command, action: Action, examples: (lines: string[]) => string): void {
  // qa finding amend (SPEC §4 corrections): the same path a dispute's overturn takes.
  const finding = program.commands.find((c) => c.name() === 'finding');
  if (!finding) throw new Error('registerPeopleCommands: qa finding must be defined first');
  finding
    .command('amend')
    .description('correct a recorded answer (kept in the history and audit log); fail → pass/na withdraws its rectification, → fail opens one')
    .option('--item <id>', 'the record or call id')
    .option('--check <code>', 'the check code')
    .option('--result <result>', 'the right answer: pass, fail or na')
    .option('--reason <text>', 'why the recorded answer was wrong')
    .option('--note <text>', 'the finding note after the change (a fail without one takes the reason)')
    .option('--by <name>', 'who corrects it (default: $QA_USER or the login name)')
    .option('--kind <kind>', 'records or calls, when an id is both')
    .addHelpText(
      'after',
      examples([
        'qa finding amend --item SR-202610-00042 --check polite --result pass --reason "re-listened: greeting at 00:03"',
        'qa finding amend --item C-202610-00017 --check identity_check --result fail --reason "identity never checked" --by supervisor.zhang',
        '',
        'A rectification that is done or verified stays as it is; one not yet done is withdrawn (state withdrawn, kept).',
      ]),
    )
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runFindingAmend(ctx, cmd.opts()))));

  // qa review --calibration <id>: the review prompts over a calibration's items, blind.
  const review = program.commands.find((c) => c.name() === 'review');
  if (!review) throw new Error('registerPeopleCommands: qa review must be defined first');
  review
    .option('--calibration <id>', 'answer this calibration’s items blind (qa calibrate start)')
    .addHelpText('after', examples(['qa review --calibration 3 --auditor li    # double review: nobody sees the others’ answers']));

  program
    .command('scorecard')
    .description('staff scorecards for a month or quarter: reviews, QA score, complaints, own KPIs, rectifications, disputes; department medians beside')
    .option('--month <YYYY-MM>', 'the month (default: the last complete month)')
    .option('--quarter <YYYY-Qn>', 'the quarter instead, e.g. 2026-Q4')
    .option('--staff <id>', 'only this staff member or agent (medians still from the whole department)')
    .option('--dept <department>', 'only this department')
    .option('--format <format>', 'table, json, csv or html (default: table; from the --out extension)')
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      examples([
        'qa scorecard --quarter 2026-Q4',
        'qa scorecard --month 2026-10 --dept 客服部',
        'qa scorecard --quarter 2026-Q4 --format csv --out scorecards-Q4.csv',
        'qa scorecard --month 2026-10 --staff KF007 --json',
        '',
        'Review figures use the department and staff the auditor saw (the review snapshot) and',
        'answers as corrected; calibration answers never count. Someone with no reviewed item',
        'shows "no reviews", never 0 %.',
      ]),
    )
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runScorecard(ctx, cmd.opts()))));

  const dispute = program
    .command('dispute')
    .description('appeals of a finding: open within disputes.windowDays, decided by someone other than the auditor and the disputer')
    .addHelpText('after', examples(['qa dispute open --item C-202610-00017 --check greeting --by A03 --reason "…"', 'qa dispute decide 4 --overturn --by supervisor.zhang --note "…"', 'qa dispute list --open']));
  dispute
    .command('open')
    .description('dispute a failed answer (within disputes.windowDays, default 7, of the answer)')
    .option('--item <id>', 'the record or call id')
    .option('--check <code>', 'the failed check')
    .option('--by <who>', 'who disputes it (the staff member, agent or their manager)')
    .option('--reason <text>', 'why the finding is wrong')
    .option('--kind <kind>', 'records or calls, when an id is both')
    .addHelpText('after', examples(['qa dispute open --item C-202610-00017 --check greeting --by A03 --reason "greeting is at 00:04 of the recording"']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runDisputeOpen(ctx, cmd.opts()))));
  dispute
    .command('decide')
    .description('uphold or overturn a dispute; an overturn corrects the answer (qa finding amend) and withdraws its rectification')
    .argument('<id>', 'dispute id (qa dispute list)')
    .option('--uphold', 'the finding stands')
    .option('--overturn', 'the finding was wrong: the answer becomes pass (or --result na)')
    .option('--result <result>', 'with --overturn: pass (default) or na')
    .option('--by <who>', 'who decides: neither the auditor nor the disputer')
    .option('--note <text>', 'the reasons for the decision')
    .addHelpText('after', examples(['qa dispute decide 4 --overturn --by supervisor.zhang --note "greeting confirmed at 00:04"', 'qa dispute decide 5 --uphold --by supervisor.zhang --note "no greeting in the recording"']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runDisputeDecide(ctx, cmd.processedArgs[0] as string, cmd.opts()))));
  dispute
    .command('list')
    .description('list disputes (state, item, check, auditor, who disputed, decision)')
    .option('--open', 'only those waiting for a decision')
    .addHelpText('after', examples(['qa dispute list --open', 'qa dispute list --json']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runDisputeList(ctx, cmd.opts()))));

  const calibrate = program
    .command('calibrate')
    .description('calibration (double review): auditors answer the same sampled items blind; agreement and kappa')
    .addHelpText(
      'after',
      examples(['qa calibrate start --items 10 --kind call --auditors li,wang,zhao', 'qa review --calibration 1 --auditor li', 'qa calibrate answer 1 --item C-… --check greeting --result pass --auditor wang', 'qa calibrate report 1']),
    );
  calibrate
    .command('start')
    .description('draw N already-sampled items (seeded) for the named auditors to answer blind')
    .option('--items <n>', 'how many items')
    .option('--kind <kind>', 'consult, contract, delivery, repair, return, call, records or calls (default: any)')
    .option('--auditors <names>', 'two or more auditors, comma-separated')
    .option('--seed <seed>', 'rank with this seed (default: a random one, recorded)')
    .addHelpText(
      'after',
      examples([
        'qa calibrate start --items 10 --kind call --auditors li,wang,zhao',
        'qa calibrate start --items 20 --kind repair --auditors li,wang --seed 2026-Q4',
        '',
        'Rank = sha256("<seed>:calibration:<kind>:<id>"); the lowest N sampled items are drawn.',
      ]),
    )
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runCalibrateStart(ctx, cmd.opts()))));
  calibrate
    .command('answer')
    .description('record one blind calibration answer without prompts (for scripts); final once given')
    .argument('<id>', 'calibration id')
    .option('--item <id>', 'the item')
    .option('--check <code>', 'the check')
    .option('--result <result>', 'pass, fail or na')
    .option('--note <text>', 'what was wrong (optional)')
    .option('--auditor <name>', 'who answers (default: $QA_USER or the login name)')
    .addHelpText('after', examples(['qa calibrate answer 1 --item C-202610-00017 --check greeting --result fail --auditor wang --note "no job number"']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runCalibrateAnswer(ctx, cmd.processedArgs[0] as string, cmd.opts()))));
  calibrate
    .command('import')
    .description('record many blind answers from a CSV (item, check, result, note, auditor) — all or nothing')
    .argument('<id>', 'calibration id')
    .argument('<file>', 'the CSV file')
    .addHelpText('after', examples(['qa calibrate import 1 answers-wang.csv', 'qa calibrate import 1 answers.csv --json']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runCalibrateImport(ctx, cmd.processedArgs[0] as string, cmd.processedArgs[1] as string))));
  calibrate
    .command('report')
    .description("progress, then (once everyone has answered) per-check agreement, Cohen's/Fleiss' kappa and each auditor's deviation from the majority")
    .argument('<id>', 'calibration id')
    .addHelpText('after', examples(['qa calibrate report 1', 'qa calibrate report 1 --json']))
    .action(action(async () => (ctx, cmd) => people().then((m) => m.runCalibrateReport(ctx, cmd.processedArgs[0] as string))));
  calibrate
    .command('list')
    .description('list calibrations with their auditors and progress')
    .addHelpText('after', examples(['qa calibrate list', 'qa calibrate list --json']))
    .action(action(async () => (ctx) => people().then((m) => m.runCalibrateList(ctx))));
}
