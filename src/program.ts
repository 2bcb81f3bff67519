/**
 * The `qa` program: commander definitions only. Each action lazy-imports its
 * handler, so `qa --help` loads nothing but commander.
 */
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { makeContext, type Context, type GlobalOptions } from './context.js';
import { stdoutWidth } from './render/width.js';
import { registerPeopleCommands } from './commands/defs/people.js';
import { localizeHelp } from './help-zh.js';

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

/** Wrap a lazily-loaded handler: build the context from the global options, run, set the exit code. */
function action(load: () => Promise<Handler>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.optsWithGlobals<GlobalOptions & { out?: string }>();
    const ctx = makeContext(opts);
    // Human tables fit the terminal (SPEC §1); a file written with --out keeps its full text.
    if (!opts.json && opts.out === undefined) (await import('./render/term.js')).setTableWidth(stdoutWidth(ctx.streams.stdout, ctx.env));
    const handler = await load();
    process.exitCode = await handler(ctx, cmd);
  };
}

const examples = (lines: string[], heading = 'Examples:'): string => `\n${heading}\n${lines.map((l) => (l ? `  ${l}` : '')).join('\n')}\n`;

/**
 * commander's own error messages (unknown option, missing argument, bad
 * choice …) in Chinese: the `qa: error:` prefix stays (scripts match it), the
 * text after it is translated.
 */
export function zhCommanderError(text: string): string {
  const rules: [RegExp, string][] = [
    [/unknown option '([^']*)'/, "未知选项 '$1'"],
    [/\(Did you mean ([^?]*)\?\)/, '（是否想输入 $1？）'],
    [/missing required argument '([^']*)'/, "缺少必需参数 '$1'"],
    [/too many arguments for '([^']*)'\. Expected (\d+) arguments? but got (\d+)\./, "'$1' 的参数太多：应为 $2 个，收到 $3 个。"],
    [/too many arguments\. Expected (\d+) arguments? but got (\d+)\./, '参数太多：应为 $1 个，收到 $2 个。'],
    [/option '([^']*)' argument '([^']*)' is invalid\. Allowed choices are ([^.]*)\./, "选项 '$1' 的值 '$2' 无效，可选：$3。"],
    [/option '([^']*)' argument missing/, "选项 '$1' 缺少值"],
    [/unknown command '([^']*)'/, "未知命令 '$1'"],
    [/required option '([^']*)' not specified/, "缺少必需选项 '$1'"],
  ];
  return rules.reduce((t, [re, zh]) => t.replace(re, zh), text);
}

export function buildProgram(lang: 'zh' | 'en' = 'en'): Command {
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
      outputError: (str, write) => write(`qa: ${lang === 'zh' ? zhCommanderError(str) : str}`),
      // A fixed width: the help is the same on every terminal (and bin/qa serves it pre-rendered).
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
    })
    .showHelpAfterError(lang === 'zh' ? 'hint: 加 --help 查看用法和示例' : 'hint: add --help for usage and examples')
    .addHelpText(
      'after',
      examples([
        'qa import records exports/records-2026-10.csv   # every morning: the night\'s exports,',
        'qa sample                                       # the day\'s draw,',
        'qa review                                       # then the worklist',
        'qa report --month 2026-10 --format html --out report.html',
        '',
        'Chinese: --lang zh (or LANG=zh_CN.UTF-8). qa <command> --help for each command.',
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
    .addHelpText(
      'after',
      examples([
        'qa sample                      # every morning',
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
        const { runSample } = await import('./commands/sample.js');
        return (ctx, cmd) => runSample(ctx, cmd.opts());
      }),
    );
  sample
    .command('list')
    .description('print the worklist: items drawn for a month (records) and its weeks (calls)')
    .option('--month <YYYY-MM>', 'the month (default: the month being sampled now)')
    .option('--pending', 'only items not fully reviewed yet')
    .option('--format <format>', 'table, json or csv (default: table; json with --json)')
    .addHelpText('after', examples(['qa sample list --pending', 'qa sample list --month 2026-10 --format csv > worklist.csv']))
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
        'One key per answer, no Enter: p pass · f fail (asks for a note) · n not applicable',
        'a pass this and the remaining checks (stops at a check the data says failed)',
        'c correct an earlier answer (with a reason; kept in the history) · o play a',
        "call's recording (config review.player) · k skip the item · s stop.",
        'Checks the data decides (response time, on-time delivery …) show its verdict.',
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

  const finding = program
    .command('finding')
    .description('record review answers without prompts (for scripts), correct a wrong one')
    .addHelpText(
      'after',
      examples([
        'qa finding add --item SR-202610-00042 --check polite --result pass',
        'qa finding template --pending --out answers.csv && qa finding import answers.csv',
        'qa finding amend --item SR-202610-00042 --check polite --result pass --reason "wrong key"',
      ]),
    );
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
    .command('template')
    .description('write the CSV that qa finding import reads (headers in the --lang; --pending fills in every unanswered check)')
    .option('--out <file>', 'write to this new file instead of stdout')
    .option('--pending', 'one row per unanswered check of every pending worklist item')
    .addHelpText(
      'after',
      examples([
        'qa finding template --out answers.csv                  # headers only',
        'qa --lang zh finding template --pending --out 审核.csv  # 项目编号, 种类, 检查项代码, 结果, …',
        '',
        'Fill in result (pass / fail / na, or 通过 / 不通过 / 不适用) and a note for each',
        'fail, then qa finding import answers.csv. Rows left without a result are an error.',
      ]),
    )
    .action(
      action(async () => {
        const { runFindingTemplate } = await import('./commands/finding.js');
        return (ctx, cmd) => runFindingTemplate(ctx, cmd.opts());
      }),
    );
  finding
    .command('import')
    .description('record many answers from a CSV (item, check, result, note, auditor, kind, unsampled) — all or nothing')
    .argument('<file>', 'the CSV file')
    .addHelpText(
      'after',
      examples([
        'qa finding import reviews-2026-10-21.csv',
        'qa finding import answers.csv --json',
        '',
        'Headers in English or Chinese: item/项目编号, kind/种类, check/检查项代码 (or the',
        "check's text), result/结果 (pass, fail, na, 通过, 不通过, 不适用), note/问题说明,",
        'auditor/审核人, unsampled/抽样外原因. qa finding template writes one.',
      ]),
    )
    .action(
      action(async () => {
        const { runFindingImport } = await import('./commands/finding.js');
        return (ctx, cmd) => runFindingImport(ctx, cmd.processedArgs[0] as string);
      }),
    );

  const rectify = program
    .command('rectify')
    .description('the rectification closed loop: open → analysed → planned → done → verified')
    .addHelpText(
      'after',
      examples([
        'qa rectify list --overdue',
        'qa rectify show 12',
        'qa rectify update 12 --to analysed --note "new staff, not trained on the script"',
      ]),
    );
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
    .option('--due <YYYY-MM-DD>', 'a new due date (with planned)')
    .option('--by <name>', 'who takes the step (default: $QA_USER or the login name); the verifier must not be the owner')
    .addHelpText(
      'after',
      examples([
        'qa rectify update 12 --to analysed --note "new staff, not trained on the script"',
        'qa rectify update 12 --to planned --note "training on 10-28, script card at every desk" --due 2026-11-05',
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

  const checklist = program
    .command('checklist')
    .description('the audit checklists in force')
    .addHelpText('after', examples(['qa checklist show', 'qa checklist show consult', 'qa checklist show call --json']));
  checklist
    .command('show')
    .description('print the checklists (defaults, replaced or extended by the config)')
    .argument('[kind]', 'consult | contract | delivery | repair | return | call')
    .addHelpText('after', examples(['qa checklist show', 'qa checklist show call --json']))
    .action(
      action(async () => {
        const { runChecklistShow } = await import('./commands/checklist.js');
        return (ctx, cmd) => runChecklistShow(ctx, cmd.processedArgs[0] as string | undefined);
      }),
    );

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

  const config = program
    .command('config')
    .description('show the configuration in force')
    .addHelpText('after', examples(['qa config show', 'qa --config team.json config show --json']));
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

  if (lang === 'zh') {
    localizeHelp(program, examples);
  }
  return program;
}

