/**
 * The `qa` program: commander definitions only. Each action lazy-imports its
 * handler, so `qa --help` loads nothing but commander.
 */
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { makeContext, type Context, type GlobalOptions } from './context.js';
import { registerPeopleCommands } from './commands/defs/people.js';
import { UsageError } from './errors.js';
import { maskPhonesInText } from './core/mask.js';

/** The package version: package.json sits two levels up from dist/src/, one from src/ (tests). */
function version(): string {
  const req = createRequire(import.meta.url);
  for (const p of ['../../package.json', '../package.json']) {
    try {
      const pkg = req(p) as { name?: string; version: string };
      if (pkg.name === 'qa') return pkg.version;
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

type Handler = (ctx: Context, cmd: Command) => Promise<number> | number;

/** Global options (with their values) left out of the command line an --unmask entry records. */
const GLOBAL_FLAGS = new Set(['--json', '--unmask', '--no-input']);
const GLOBAL_VALUED = new Set(['--db', '--config', '--lang']);

/** The command as typed, without the global options: `rejects --import 3`. */
export function commandLine(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (GLOBAL_FLAGS.has(a) || GLOBAL_VALUED.has(a.split('=')[0]!)) {
      if (GLOBAL_VALUED.has(a)) i++;
      continue;
    }
    out.push(/[\s"']/.test(a) ? JSON.stringify(a) : a);
  }
  return out.join(' ');
}

/**
 * Wrap a lazily-loaded handler: build the context from the global options,
 * run, set the exit code. With --unmask, one audit-log entry records the
 * command, how many phone numbers went out unmasked and from which rows
 * (SPEC §1) — after the command, and also when a signal ends it.
 */
function action(load: () => Promise<Handler>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const ctx = makeContext(cmd.optsWithGlobals<GlobalOptions>());
    if (!ctx.unmask) {
      const handler = await load();
      process.exitCode = await handler(ctx, cmd);
      return;
    }
    const { recordUnmask } = await import('./commands/unmask.js');
    const { registerCleanup } = await import('./io/cleanup.js');
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      recordUnmask(ctx, commandLine(process.argv.slice(2)));
    };
    const forget = registerCleanup(log);
    try {
      const handler = await load();
      process.exitCode = await handler(ctx, cmd);
    } finally {
      forget();
      log();
    }
  };
}

const examples = (lines: string[]): string => `\nExamples:\n${lines.map((l) => (l ? `  ${l}` : '')).join('\n')}\n`;

export function buildProgram(): Command {
  const program = new Command('qa');
  program
    .description(
      'Service-quality supervision for the rental business: import the exports, draw the audit samples, record findings, track rectification, print the monthly KPI report.',
    )
    .version(version(), '-V, --version')
    .option('--db <path>', 'database file (default: $QA_DB, else ./qa.sqlite)')
    .option('--config <path>', 'config file (default: $QA_CONFIG, else ./qa.config.json if present)')
    .addOption(new Option('--lang <lang>', 'output language (default: from LANG/LC_ALL)').choices(['zh', 'en']))
    .option('--json', 'print one JSON document on stdout (progress and warnings go to stderr)')
    .option('--no-input', 'never prompt; fail with a usage error instead (also when CI is set)')
    .option('--unmask', 'show phone numbers unmasked (the use is written to the audit log)')
    .showSuggestionAfterError()
    .configureOutput({
      // A usage error may echo a value typed on the command line: phones masked (SPEC §1).
      outputError: (str, write) => write(maskPhonesInText(`qa: ${str.replace(/^error: /, 'error: ')}`)),
      // A fixed width: the help is the same on every terminal (and bin/qa serves it pre-rendered).
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
    })
    .showHelpAfterError('hint: add --help for usage and examples')
    .addHelpText(
      'after',
      examples([
        'qa import records exports/records-2026-10.csv',
        'qa import calls exports/calls.csv --json',
        'qa config show',
        '',
        'Exit codes: 0 ok, 1 failure (bad data, I/O), 2 usage error,',
        '            3 a KPI missed its target (--check), 70 internal error, 130 interrupted',
      ]),
    );

  program
    .command('import')
    .description('import CSV exports into the database (records, calls, complaints, surveys)')
    .argument('<kind>', 'records | calls | complaints | surveys')
    .argument('[files...]', 'CSV files; - reads stdin')
    .option('--encoding <name>', 'force the encoding: utf8, gb18030, utf16le or utf16be (default: from the byte-order mark, else detected)')
    .option('--delimiter <char>', 'field delimiter: , ; | or tab (default: an Excel sep= line, else tab for a header with tabs and no commas, else ,)')
    .option('--skip-invalid', 'import the valid rows and keep each rejected row in the database')
    .option('--rejects <file>', 'write every rejected row and its problems to this CSV file')
    .option('--allow-clear', 'accept an import that empties values an earlier import filled (an older export after a newer one)')
    .option('--max-record-bytes <n>', 'longest record accepted (default: 1048576 = 1 MiB)')
    .addHelpText(
      'after',
      examples([
        'qa import records exports/records-2026-10-21.csv',
        'qa import calls calls-w42.csv --encoding gb18030',
        'qa import complaints complaints.csv --skip-invalid --rejects rejects.csv',
        'cat surveys.csv | qa import surveys - --json',
        '',
        'All-or-nothing by default: one invalid row and nothing from that file is written.',
        'Importing the same file again changes nothing; changed rows are updated and',
        'their previous version is kept (qa history <id>). An import that would empty',
        'values an earlier import filled is refused unless --allow-clear.',
        'UTF-8, GBK/GB18030 and UTF-16 (with BOM) are read; a file mixing encodings is',
        'refused. CRLF, LF and bare CR line ends are all line ends.',
      ]),
    )
    .action(
      action(async () => {
        const { runImport } = await import('./commands/import.js');
        return (ctx, cmd) => runImport(ctx, cmd.processedArgs[0] as string, (cmd.processedArgs[1] as string[]) ?? [], cmd.opts());
      }),
    );

  program
    .command('imports')
    .description('list past imports: file, sha256, counts, time')
    .option('--limit <n>', 'how many, newest first', '20')
    .addHelpText('after', examples(['qa imports', 'qa imports --limit 5 --json']))
    .action(
      action(async () => {
        const { runImports } = await import('./commands/imports.js');
        return (ctx, cmd) => runImports(ctx, cmd.opts());
      }),
    );

  program
    .command('rejects')
    .description('show rows rejected by imports with --skip-invalid')
    .option('--import <id>', 'only this import (see qa imports)')
    .option('--limit <n>', 'how many, newest first', '50')
    .addHelpText('after', examples(['qa rejects', 'qa rejects --import 12 --json']))
    .action(
      action(async () => {
        const { runRejects } = await import('./commands/imports.js');
        return (ctx, cmd) => runRejects(ctx, cmd.opts());
      }),
    );

  program
    .command('history')
    .description('every version of an imported row: what each import brought, changed or emptied')
    .argument('<id>', 'a record, call, complaint or survey id')
    .addOption(new Option('--kind <kind>', 'only this kind (ids are unique per kind)').choices(['records', 'calls', 'complaints', 'surveys']))
    .addHelpText(
      'after',
      examples([
        'qa history SR-202610-00042',
        'qa history C-1001 --kind calls --json',
        '',
        'Each re-import that changes a row keeps the version it replaced, with the import',
        'that brought it; phones are masked unless --unmask (which is audit-logged).',
      ]),
    )
    .action(
      action(async () => {
        const { runHistory } = await import('./commands/history.js');
        return (ctx, cmd) => runHistory(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );

  const db = program
    .command('db')
    .description('the database itself: check it')
    .addHelpText('after', examples(['qa db check', 'qa --db /backups/qa-2026-10.sqlite db check --json']));
  db.command('check')
    .description("run SQLite's integrity check and qa's own invariants (exit 1 if anything is wrong)")
    .addHelpText(
      'after',
      examples([
        'qa db check',
        'qa db check --json',
        '',
        'Checks: SQLite integrity, schema version, every import finished and its counts',
        'adding up, no U+FFFD in imported text, drawn items and findings pointing at real',
        'rows, rectification states matching their history, audit-log details readable.',
      ]),
    )
    .action(
      action(async () => {
        const { runDbCheck } = await import('./commands/db.js');
        return (ctx) => runDbCheck(ctx);
      }),
    );

  const sample = program
    .command('sample')
    .description("draw today's audit sample: top up last month-to-date to 20 % per record type, draw 50 calls per complete week")
    .option('--date <YYYY-MM-DD>', 'run as if today were this date (default: today)')
    .option('--seed <seed>', 'rank with this seed instead of the database seed (recorded in the receipt)')
    .option('--month <YYYY-MM>', 'top up this whole month of records (for exports that arrive very late)')
    .option('--campaign <name>', 'draw for this special campaign instead (qa campaign start), within its focus and dates')
    .option('--rate <R>', 'with --campaign: the share of the focus to sample, 0 < R <= 1 (0.3 = 30 %)')
    .addHelpText(
      'after',
      examples([
        'qa sample                      # every morning',
        'qa sample --campaign 国庆维修 --rate 0.3   # a campaign\'s targeted sample',
        'qa sample --date 2026-11-01    # the run on the 1st closes October',
        'qa sample --month 2026-09      # late September exports arrived',
        'qa sample --json               # for cron',
        '',
        'A run on D tops up the month of D-1 (records of D itself wait for tomorrow):',
        'in every record_type, sampled >= ceil(rate x population). Every complete ISO',
        'week before D without a call draw gets min(50, eligible) calls, spread evenly',
        'over agents. Rank = sha256("<seed>:<kind>:<id>"); the lowest ranks win.',
      ]),
    )
    .action(
      action(async () => {
        const [{ runSample }, { runCampaignSample }] = await Promise.all([import('./commands/sample.js'), import('./commands/campaign.js')]);
        return (ctx, cmd) => {
          const o = cmd.opts<{ campaign?: string; rate?: string; date?: string; seed?: string; month?: string }>();
          if (o.campaign !== undefined) return runCampaignSample(ctx, o);
          if (o.rate !== undefined) throw new UsageError('--rate goes with --campaign', { hint: 'the monthly rate is sampling.recordRate in the config; a campaign: qa sample --campaign NAME --rate 0.3' });
          return runSample(ctx, o);
        };
      }),
    );
  sample
    .command('list')
    .description('print the worklist: items drawn for a month (records) and its weeks (calls)')
    .option('--month <YYYY-MM>', 'the month (default: the month being sampled now)')
    .option('--pending', 'only items not fully reviewed yet')
    .option('--format <format>', 'table, json or csv (default: table; json with --json)')
    .addHelpText('after', examples(['qa sample list --pending', 'qa sample list --month 2026-10 --format csv > worklist.csv', 'qa sample list --campaign 国庆维修 --pending   # a campaign\'s items']))
    .action(
      action(async () => {
        const { runSampleList } = await import('./commands/sample.js');
        // `--month` is also an option of `sample` itself, and commander hands
        // it to the parent: read it with the parent's options.
        return (ctx, cmd) => runSampleList(ctx, cmd.optsWithGlobals());
      }),
    );
  sample
    .command('verify')
    .description('recompute a run from the database and compare it with its receipt (exit 1 if they differ)')
    .argument('<run-id>', 'a run id printed by qa sample')
    .addHelpText('after', examples(['qa sample verify 17', 'qa sample verify 17 --json']))
    .action(
      action(async () => {
        const { runSampleVerify } = await import('./commands/sample.js');
        return (ctx, cmd) => runSampleVerify(ctx, cmd.processedArgs[0] as string);
      }),
    );

  program
    .command('review')
    .description('review the pending worklist with prompts: pass / fail / n.a. per check, a note for each fail')
    .option('--item <id>', 'review this one item (record or call id)')
    .option('--kind <kind>', 'records or calls, when an id is both')
    .option('--auditor <name>', 'who is reviewing (default: $QA_USER or the login name)')
    .option('--unsampled <reason>', 'review an item that is not in any sample (flagged in reports)')
    .addHelpText(
      'after',
      examples([
        'qa review                          # walk everything pending, oldest draw first',
        'qa review --item SR-202610-00042',
        '',
        'Keys: p pass · f fail (asks for a note) · n not applicable · k skip the item · s save and stop.',
        'Every answer is saved at once: stop any time and run qa review again to carry on.',
        'Needs a terminal; scripts use qa finding add / qa finding import.',
      ]),
    )
    .action(
      action(async () => {
        const { runReview } = await import('./commands/review.js');
        return (ctx, cmd) => runReview(ctx, cmd.opts());
      }),
    );

  const finding = program.command('finding').description('record review answers without prompts (for scripts)');
  finding
    .command('add')
    .description('record one answer for one check of one item; a fail opens a rectification')
    .option('--item <id>', 'the record or call id')
    .option('--check <code>', 'the check code (qa checklist show)')
    .option('--result <result>', 'pass, fail or na')
    .option('--note <text>', 'what was wrong (required for fail)')
    .option('--auditor <name>', 'who found it (default: $QA_USER or the login name)')
    .option('--kind <kind>', 'records or calls, when an id is both')
    .option('--unsampled <reason>', 'the item is not in any sample: why it is reviewed anyway')
    .addHelpText(
      'after',
      examples([
        'qa finding add --item SR-202610-00042 --check polite --result pass',
        'qa finding add --item C-202610-00017 --check identity_check --result fail --note "discussed the order before checking identity"',
      ]),
    )
    .action(
      action(async () => {
        const { runFindingAdd } = await import('./commands/finding.js');
        return (ctx, cmd) => runFindingAdd(ctx, cmd.opts());
      }),
    );
  finding
    .command('import')
    .description('record many answers from a CSV (item, check, result, note, auditor, kind, unsampled) — all or nothing')
    .argument('<file>', 'the CSV file')
    .addHelpText('after', examples(['qa finding import reviews-2026-10-21.csv', 'qa finding import answers.csv --json']))
    .action(
      action(async () => {
        const { runFindingImport } = await import('./commands/finding.js');
        return (ctx, cmd) => runFindingImport(ctx, cmd.processedArgs[0] as string);
      }),
    );

  const rectify = program.command('rectify').description('the rectification closed loop: open → analysed → planned → done → verified');
  rectify
    .command('list')
    .description('list rectifications (due date, owner, state)')
    .option('--overdue', 'only those past their due date and not done/verified')
    .option('--dept <department>', 'only this owner department')
    .option('--state <states>', 'only these states (comma-separated)')
    .addHelpText('after', examples(['qa rectify list --overdue', 'qa rectify list --dept 技术部 --state open,analysed --json']))
    .action(
      action(async () => {
        const { runRectifyList } = await import('./commands/rectify.js');
        return (ctx, cmd) => runRectifyList(ctx, cmd.opts());
      }),
    );
  rectify
    .command('show')
    .description('one rectification with its finding and full history')
    .argument('<id>', 'rectification id')
    .addHelpText('after', examples(['qa rectify show 12']))
    .action(
      action(async () => {
        const { runRectifyShow } = await import('./commands/rectify.js');
        return (ctx, cmd) => runRectifyShow(ctx, cmd.processedArgs[0] as string);
      }),
    );
  rectify
    .command('update')
    .description('move a rectification one step, with its text (cause, measures, evidence, verification result)')
    .argument('<id>', 'rectification id')
    .option('--to <state>', 'analysed | planned | done | verified (planned from done = verification failed)')
    .option('--note <text>', 'the cause / measures / evidence / verification result for this step')
    .option('--due <YYYY-MM-DD>', 'a new due date (with planned; never by the owner: needs --by and --reason)')
    .option('--by <name>', 'who takes the step (default: $QA_USER or the login name); the verifier must not be the owner')
    .option('--reason <text>', 'why the due date moves (required with a new --due; logged)')
    .addHelpText(
      'after',
      examples([
        'qa rectify update 12 --to analysed --note "new staff, not trained on the script"',
        'qa rectify update 12 --to planned --note "training on 10-28, script card at every desk"',
        'qa rectify update 12 --to planned --note "…" --due 2026-11-20 --by zhang.wei --reason "supplier delay"   # not the owner',
        'qa rectify update 12 --to done --note "training record TR-1028, signed"',
        'qa rectify update 12 --to verified --by zhang.wei --note "5 follow-up calls checked: all compliant"',
        'qa rectify update 12 --to planned --by zhang.wei --note "2 of 5 calls still missing the greeting"   # verification failed',
      ]),
    )
    .action(
      action(async () => {
        const { runRectifyUpdate } = await import('./commands/rectify.js');
        return (ctx, cmd) => runRectifyUpdate(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );

  const checklist = program.command('checklist').description('the audit checklists in force');
  checklist
    .command('show')
    .description('print the checklists (defaults, replaced or extended by the config)')
    .argument('[kind]', 'consult | contract | delivery | repair | return | call | inspection')
    .addHelpText('after', examples(['qa checklist show', 'qa checklist show call --json']))
    .action(
      action(async () => {
        const { runChecklistShow } = await import('./commands/checklist.js');
        return (ctx, cmd) => runChecklistShow(ctx, cmd.processedArgs[0] as string | undefined);
      }),
    );

  // ------------------------------------------------ SPEC §6: complaint cases and the callback programme
  const complaint = program.command('complaint').description('complaint cases: the verification report (核查报告), the list, the whole case');
  complaint
    .command('verify')
    .description('record the verification report of a complaint; a founded one opens a rectification for the responsible department/person')
    .argument('<complaint-id>', 'the complaint id (qa complaint list)')
    .option('--cause <text>', 'what caused it (required when founded; why it is unfounded otherwise)')
    .option('--responsibility <dept[/staff]>', 'who is responsible: a department, optionally /staff id (founded)')
    .option('--unfounded', 'the verification found the complaint unfounded')
    .option('--by <name>', 'who verified it (default: $QA_USER or the login name)')
    .option('--amend', 'replace an earlier verification (the first is kept in the history and the audit log)')
    .option('--reason <text>', 'why the verification is amended (with --amend)')
    .addHelpText(
      'after',
      examples([
        'qa complaint verify TS-202610-003 --cause "客服外发客户资料截图" --responsibility 客服部/KF03 --by zhang.wei',
        'qa complaint verify TS-202610-007 --unfounded --cause "订单显示已按时送达，客户记错日期" --by zhang.wei',
        'qa complaint verify TS-202610-003 --amend --reason "复核：责任在仓储部" --cause "…" --responsibility 仓储部/CC02',
        '',
        'A founded complaint opens a rectification (qa rectify list) due in rectification.days.',
        'Amending to unfounded withdraws a rectification that is not done yet.',
      ]),
    )
    .action(
      action(async () => {
        const { runComplaintVerify } = await import('./commands/complaint.js');
        return (ctx, cmd) => runComplaintVerify(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );
  complaint
    .command('list')
    .description('list complaints with their verification and rectification')
    .option('--month <YYYY-MM>', 'only complaints received in this month')
    .option('--open', 'only those not closed: not resolved, or founded with a rectification not verified yet')
    .option('--unverified', 'only those without a verification report')
    .addHelpText('after', examples(['qa complaint list --month 2026-10', 'qa complaint list --unverified --json']))
    .action(
      action(async () => {
        const { runComplaintList } = await import('./commands/complaint.js');
        return (ctx, cmd) => runComplaintList(ctx, cmd.opts());
      }),
    );
  complaint
    .command('show')
    .description('the whole case: export fields and time limits, verification, rectification, surveys after resolution')
    .argument('<complaint-id>', 'the complaint id')
    .addHelpText('after', examples(['qa complaint show TS-202610-003', 'qa complaint show TS-202610-003 --json']))
    .action(
      action(async () => {
        const { runComplaintShow } = await import('./commands/complaint.js');
        return (ctx, cmd) => runComplaintShow(ctx, cmd.processedArgs[0] as string);
      }),
    );

  const callback = program.command('callback').description('the callback worklist: who must be surveyed, why and by when');
  callback
    .command('plan')
    .description("add today's callbacks to the worklist: ended rentals, quarterly long-term customers, churn-risk interviews (June/December), complainants")
    .option('--date <YYYY-MM-DD>', 'run as if today were this date (default: today)')
    .option('--seed <seed>', 'rank the churn draw with this seed instead of the database seed (recorded in the receipt)')
    .addHelpText(
      'after',
      examples([
        'qa callback plan                     # every morning, after the imports',
        'qa callback plan --date 2026-12-01 --json',
        '',
        'ended      rentals ended (return completed) in the last 35 days, no survey since: due in 3 working days',
        'complaint  complaints resolved in the last 35 days, no survey since: due in callback.complaintDays (7) days',
        'quarterly  from the last working day of a quarter: customers renting 3+ months, due in 7 working days',
        'churn      June and December: 10 % of customers with no record in 6 months, by rank sha256("<seed>:churn:<id>"),',
        '           due in 15 working days',
        'A survey of the customer imported later closes the entry. Re-running adds nothing twice.',
      ]),
    )
    .action(
      action(async () => {
        const { runCallbackPlan } = await import('./commands/callback.js');
        return (ctx, cmd) => runCallbackPlan(ctx, cmd.opts());
      }),
    );
  callback
    .command('list')
    .description('print the callback worklist (phones masked): open entries, due first')
    .option('--due <YYYY-MM-DD>', 'only entries due on or before this date')
    .option('--overdue', 'only entries past their due date')
    .option('--reason <reasons>', 'only these reasons: ended, quarterly, churn, complaint (comma-separated)')
    .option('--all', 'also entries already answered by a survey')
    .addHelpText('after', examples(['qa callback list --overdue', 'qa callback list --due 2026-11-05 --reason ended,complaint', 'qa callback list --all --json']))
    .action(
      action(async () => {
        const { runCallbackList } = await import('./commands/callback.js');
        return (ctx, cmd) => runCallbackList(ctx, cmd.opts());
      }),
    );
  // ------------------------------------------------ end of SPEC §6

  program
    .command('log')
    .description('the audit log: every change to findings and rectifications, and every --unmask')
    .option('--since <date>', 'from this date (YYYY-MM-DD, local) or ISO timestamp')
    .option('--limit <n>', 'how many, newest first', '200')
    .addHelpText('after', examples(['qa log --since 2026-10-01', 'qa log --json']))
    .action(
      action(async () => {
        const { runLog } = await import('./commands/log.js');
        return (ctx, cmd) => runLog(ctx, cmd.opts());
      }),
    );

  program
    .command('report')
    .description('the monthly supervision report: KPIs, coverage, findings, rectifications, failure-rate bounds')
    .option('--month <YYYY-MM>', 'the month (default: the last complete month)')
    .option('--format <format>', 'table, json, csv, md or html (default: table; from the --out extension)')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .option('--check', 'exit 3 when a KPI missed its target')
    .addHelpText(
      'after',
      examples([
        'qa report --month 2026-10',
        'qa report --month 2026-10 --format html --out report-2026-10.html',
        'qa report --month 2026-10 --json --check   # exit 3 if a KPI missed',
      ]),
    )
    .action(
      action(async () => {
        const { runReport } = await import('./commands/report.js');
        return (ctx, cmd) => runReport(ctx, cmd.opts());
      }),
    );

  program
    .command('export')
    .description('write DIR/qa-YYYY-MM/ with report.json, report.md, report.html, kpis.csv, findings.csv, rectifications.csv (for cron)')
    .option('--month <YYYY-MM>', 'the month (default: the last complete month)')
    .option('--out-dir <dir>', 'where to create qa-YYYY-MM/')
    .option('--check', 'exit 3 when a KPI missed its target')
    .option('--quiet', 'print nothing on success')
    .addHelpText('after', examples(['qa export --month 2026-10 --out-dir /srv/qa/reports', '0 6 1 * * qa export --out-dir /srv/qa/reports --quiet --check   # crontab']))
    .action(
      action(async () => {
        const { runExport } = await import('./commands/report.js');
        return (ctx, cmd) => runExport(ctx, cmd.opts());
      }),
    );

  const config = program.command('config').description('show the configuration in force');
  config
    .command('show')
    .description('print the effective config (defaults overridden by the config file)')
    .addHelpText('after', examples(['qa config show', 'qa --config team.json config show --json']))
    .action(
      action(async () => {
        const { runConfigShow } = await import('./commands/config.js');
        return (ctx) => runConfigShow(ctx);
      }),
    );

  registerPeopleCommands(program, action, examples);
  registerFieldwork(program);

  return program;
}

/** Repeatable options collect into a list. */
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * SPEC §7: on-site inspections, special campaigns, partners (seed 000
 * §一(二), §二(二)7, §三(二)). One block, so merges with other areas stay simple.
 */
function registerFieldwork(program: Command): void {
  const inspection = program
    .command('inspection')
    .description('on-site inspections of stores and home services (at least 2 a month): record, import, list')
    .addHelpText('after', examples(['qa inspection add', 'qa inspection import inspections-2026-10.csv', 'qa inspection list --month 2026-10']));
  inspection
    .command('add')
    .description('record one inspection: every check of the inspection checklist; failed checks open rectifications for the inspected dept/staff')
    .option('--date <YYYY-MM-DD>', 'the day of the inspection (default: today; never in the future)')
    .option('--site <site>', 'the store or customer site inspected')
    .option('--type <type>', 'store (门店) or onsite (上门服务)')
    .option('--inspector <name>', 'who inspected')
    .option('--dept <department>', 'the inspected department (owner of the rectifications)')
    .option('--staff <id>', 'the inspected staff member (owner of the rectifications)')
    .option('--fail <code=note>', 'a failed check and what was wrong (repeatable)', collect)
    .option('--na <codes>', 'checks that did not apply (repeatable, or comma-separated)', collect)
    .option('--pass <codes>', 'checks that passed (repeatable, or comma-separated)', collect)
    .option('--pass-rest', 'every check not named in --fail/--na/--pass passed (needed without a terminal)')
    .addHelpText(
      'after',
      examples([
        'qa inspection add                  # on a terminal: asks for the site, type, inspector and each check',
        'qa inspection add --date 2026-10-12 --site 北京朝阳店 --type store --inspector supervisor.zhang \\',
        '    --dept 仓储部 --staff CC03 --fail dress="未穿工服" --na repair_procedure --pass-rest',
        '',
        'Checks: qa checklist show inspection (configurable under checklists.inspection).',
      ]),
    )
    .action(
      action(async () => {
        const { runInspectionAdd } = await import('./commands/inspection.js');
        return (ctx, cmd) => runInspectionAdd(ctx, cmd.opts());
      }),
    );
  inspection
    .command('import')
    .description('record inspections from a CSV, one row per answer (date, site, type, inspector, department, staff, check, result, note) — all or nothing')
    .argument('<file>', 'the CSV file')
    .addHelpText(
      'after',
      examples([
        'qa inspection import inspections-2026-10.csv',
        '',
        'Rows with the same inspection column (or the same date, site, type, inspector,',
        'department and staff) are one inspection; every check needs a row (result na if',
        'it did not apply). Chinese headers: 检查编号 日期 地点 类型 检查人 部门 员工 检查项 结果 说明.',
      ]),
    )
    .action(
      action(async () => {
        const { runInspectionImport } = await import('./commands/inspection.js');
        return (ctx, cmd) => runInspectionImport(ctx, cmd.processedArgs[0] as string);
      }),
    );
  inspection
    .command('list')
    .description('list inspections with their pass/fail counts and rectifications')
    .option('--month <YYYY-MM>', 'only this month (default: all)')
    .addHelpText('after', examples(['qa inspection list --month 2026-10', 'qa inspection list --json']))
    .action(
      action(async () => {
        const { runInspectionList } = await import('./commands/inspection.js');
        return (ctx, cmd) => runInspectionList(ctx, cmd.opts());
      }),
    );

  const campaign = program
    .command('campaign')
    .description('special supervision campaigns (专项监督): a focus, a date range, a targeted sample reported apart')
    .addHelpText('after', examples(['qa campaign start 国庆维修 --from 2026-10-01 --to 2026-10-07 --focus record_type=repair', 'qa sample --campaign 国庆维修 --rate 0.3', 'qa campaign report 国庆维修']));
  campaign
    .command('start')
    .description('start a campaign on a focus (record type, department and/or check) over a date range')
    .argument('<name>', 'the campaign name')
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day')
    .option('--focus <field=value>', 'record_type=repair, department=技术部 or check=<code> (repeatable: all must hold)', collect)
    .option('--seed <seed>', 'rank with this seed (default: a new random seed, recorded with the campaign)')
    .addHelpText(
      'after',
      examples([
        'qa campaign start 国庆维修 --from 2026-10-01 --to 2026-10-07 --focus record_type=repair',
        'qa campaign start 退租争议 --from 2026-10-01 --to 2026-10-31 --focus check=damage_fair',
        'qa sample --campaign 国庆维修 --rate 0.3',
        '',
        'Campaign items are reviewed with qa review like any item, but never count in',
        'audit_pass_rate, coverage or the bounds: they have their own report section.',
      ]),
    )
    .action(
      action(async () => {
        const { runCampaignStart } = await import('./commands/campaign.js');
        return (ctx, cmd) => runCampaignStart(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );
  campaign
    .command('list')
    .description('list campaigns with their progress')
    .addHelpText('after', examples(['qa campaign list', 'qa campaign list --json']))
    .action(
      action(async () => {
        const { runCampaignList } = await import('./commands/campaign.js');
        return (ctx) => runCampaignList(ctx);
      }),
    );
  campaign
    .command('report')
    .description("a campaign's results: reviewed, passed, fails by check, rectifications, and each draw re-verified (exit 1 if one does not verify)")
    .argument('<name>', 'the campaign name')
    .addHelpText('after', examples(['qa campaign report 国庆维修', 'qa campaign report 国庆维修 --json']))
    .action(
      action(async () => {
        const { runCampaignReport } = await import('./commands/campaign.js');
        return (ctx, cmd) => runCampaignReport(ctx, cmd.processedArgs[0] as string);
      }),
    );

  const partner = program
    .command('partner')
    .description('outside partners (logistics, repair vendors): register, quality files, quarterly evaluation')
    .addHelpText('after', examples(['qa partner add 顺达物流 --kind logistics', 'qa partner report --month 2026-10', 'qa partner evaluate 顺达物流 --quarter 2026-Q4']));
  partner
    .command('add')
    .description('register a partner (records name it in their partner / 合作方 column)')
    .argument('<name>', 'the name as the exports write it')
    .option('--kind <kind>', 'logistics (物流配送) or repair (设备维修)')
    .option('--since <YYYY-MM-DD>', 'partner since')
    .addHelpText('after', examples(['qa partner add 顺达物流 --kind logistics --since 2025-03-01', 'qa partner add 快修科技 --kind repair']))
    .action(
      action(async () => {
        const { runPartnerAdd } = await import('./commands/partner.js');
        return (ctx, cmd) => runPartnerAdd(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );
  partner
    .command('list')
    .description('the partner register: kind, records, evaluations, and names on records not registered')
    .addHelpText('after', examples(['qa partner list', 'qa partner list --json']))
    .action(
      action(async () => {
        const { runPartnerList } = await import('./commands/partner.js');
        return (ctx) => runPartnerList(ctx);
      }),
    );
  partner
    .command('report')
    .description("each partner's quality file: records, on-time delivery, repair response, first-time fix, device intact, complaints, findings")
    .option('--month <YYYY-MM>', 'the month (default: the last complete month)')
    .option('--quarter <YYYY-Qn>', 'a quarter instead, e.g. 2026-Q4')
    .option('--partner <name>', 'only this partner, with its evaluation history')
    .addHelpText('after', examples(['qa partner report --month 2026-10', 'qa partner report --quarter 2026-Q4 --partner 顺达物流', 'qa partner report --quarter 2026-Q4 --json']))
    .action(
      action(async () => {
        const { runPartnerReport } = await import('./commands/partner.js');
        return (ctx, cmd) => runPartnerReport(ctx, cmd.opts());
      }),
    );
  partner
    .command('evaluate')
    .description("rate a partner's quarter and recommend keep | rectify | terminate (thresholds in config partners.*); appended to its file")
    .argument('<name>', 'a registered partner')
    .option('--quarter <YYYY-Qn>', 'the quarter, e.g. 2026-Q4')
    .option('--note <text>', "the evaluator's remarks")
    .option('--by <name>', 'who evaluates (default: $QA_USER or the login name)')
    .addHelpText(
      'after',
      examples([
        'qa partner evaluate 顺达物流 --quarter 2026-Q4',
        '',
        'rating = 100 x mean attainment of the KPIs that apply (1 when met, else value/target);',
        'keep when rating >= partners.keepAt (100), terminate below partners.terminateBelow (90),',
        'rectify in between — which opens a rectification owned by the partner.',
      ]),
    )
    .action(
      action(async () => {
        const { runPartnerEvaluate } = await import('./commands/partner.js');
        return (ctx, cmd) => runPartnerEvaluate(ctx, cmd.processedArgs[0] as string, cmd.opts());
      }),
    );
}
