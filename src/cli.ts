/**
 * Entry point: parse, run, and turn every error into an exit code (SPEC §1).
 * QaError → its message and code; commander's errors → usage (2); anything
 * else is a bug → one line asking for a report (70), stack with QA_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { suggest } from './core/suggest.js';
import { detectLang } from './i18n.js';
import { EXIT, formatError, fromSqliteError, QaError } from './errors.js';

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
      process.stderr.write(formatError(dbError));
      if (process.env.QA_DEBUG === '1' && (e as Error).stack) process.stderr.write(`${(e as Error).stack}\n`);
      return dbError.exitCode;
    }
    if (e instanceof QaError) {
      process.stderr.write(formatError(e));
      if (process.env.QA_DEBUG === '1' && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(
      `qa: internal error: ${err?.message ?? String(e)} — this is a bug; please report it with the output of \`qa --version\` and the command you ran${process.env.QA_DEBUG === '1' ? '' : ' (QA_DEBUG=1 shows the stack)'}\n`,
    );
    if (process.env.QA_DEBUG === '1' && err?.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}

// `qa … | head` must not print EPIPE noise.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = await main(process.argv);
process.exitCode = code;
