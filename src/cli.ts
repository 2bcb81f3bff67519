/**
 * Entry point: parse, run, and turn every error into an exit code (SPEC §1).
 * QaError → its message and code; commander's errors → usage (2); anything
 * else is a bug → one line asking for a report (70), stack with QA_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { EXIT, formatError, fromSqliteError, Interrupted, QaError } from './errors.js';
import { trace } from './core/trace.js';
import { exitCodeFor, installSignalHandlers, interruptedBy, type StopSignal } from './io/cleanup.js';
import { guardStream, Privacy } from './render/output.js';
import { detectLang, tr } from './i18n.js';
import { suggest } from './core/suggest.js';

/** Global options that take a value: skip it when looking for the command word. */
const VALUED = new Set(['--db', '--config', '--lang']);

/**
 * commander answers `qa nosuch --help` with the top-level help and exit 0;
 * scripts need an unknown command to be an error whatever the flags.
 */
function unknownCommand(program: ReturnType<typeof buildProgram>, args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a === 'help' || program.commands.some((c) => c.name() === a) ? null : a;
  }
  return null;
}

/** The language before commander parses (its help and errors need it): --lang zh|en, --lang=…, else LANG/LC_ALL. */
export function argvLang(args: readonly string[], env: NodeJS.ProcessEnv = process.env): 'zh' | 'en' {
  let flag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] === '--lang') flag = args[i + 1];
    else if (args[i]!.startsWith('--lang=')) flag = args[i]!.slice(7);
  }
  return detectLang(flag, env);
}

export async function main(argv: string[]): Promise<number> {
  // Error lines repeat values (a bad cell, a file name): they pass the privacy guard too.
  const stderr = guardStream(process.stderr, new Privacy(argv.includes('--unmask')));
  const lang = argvLang(argv.slice(2));
  const program = buildProgram(lang);
  const unknown = unknownCommand(program, argv.slice(2));
  if (unknown !== null) {
    const names = program.commands.map((c) => c.name());
    const near = suggest(unknown, names)[0];
    process.stderr.write(
      lang === 'zh'
        ? `qa: error: 未知命令 '${unknown}'${near ? `（是否想输入 ${near}？）` : ''}\nhint: 命令有 ${names.join('、')}；qa --help 列出全部\n`
        : `qa: error: unknown command '${unknown}'${near ? ` (did you mean ${near}?)` : ''}\nhint: the commands are ${names.join(', ')}; qa --help shows them\n`,
    );
    return EXIT.usage;
  }
  const override = (c: typeof program): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage; // bare `qa`: help, then 2
      return EXIT.usage; // commander already printed "qa: error: …"
    }
    const dbError = fromSqliteError(e);
    if (dbError) {
      stderr.write(formatError(dbError));
      if (process.env.QA_DEBUG === '1' && (e as Error).stack) stderr.write(`${(e as Error).stack}\n`);
      return dbError.exitCode;
    }
    if (e instanceof Interrupted) {
      // A signal ended the command (it rolled back what was in flight).
      stderr.write(interruptedLine(e.signal, argv));
      return exitCodeFor(interruptedBy() ?? e.signal);
    }
    if (e instanceof QaError) {
      stderr.write(formatError(e));
      if (process.env.QA_DEBUG === '1' && e.stack) stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    stderr.write(
      `qa: internal error: ${err?.message ?? String(e)} — this is a bug; please report it with the output of \`qa --version\` and the command you ran${process.env.QA_DEBUG === '1' ? '' : ' (QA_DEBUG=1 shows the stack)'}\n`,
    );
    if (process.env.QA_DEBUG === '1' && err?.stack) stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}

// `qa … | head` must not print EPIPE noise.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** The line a signal ends qa with, in the --lang / LANG language. */
function interruptedLine(signal: StopSignal, argv: readonly string[]): string {
  const i = argv.indexOf('--lang');
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  const L = detectLang(flag === 'zh' || flag === 'en' ? flag : undefined, process.env);
  const what = signal === 'SIGINT' ? 'Ctrl-C' : signal;
  return `qa: ${tr(L, `已中断（${what}）：未写入任何半成品，临时文件已删除`, `interrupted (${what}): nothing was half-written, temp files removed`)}\n`;
}

// SIGINT, SIGTERM and SIGHUP end qa alike (SPEC §1): temp files removed, exit 130 / 143 / 129.
installSignalHandlers((signal) => interruptedLine(signal, process.argv));

const code = await main(process.argv);
process.exitCode = code;
process.on('exit', () => trace('exit'));
// After a signal, end soon even if stdin (an import from a pipe that is still
// open) would keep the process alive. Not at once: an import's worker thread is
// still being terminated, and process.exit() in the middle of that can hang.
if (interruptedBy() !== null) setTimeout(() => process.exit(code), 300).unref();
