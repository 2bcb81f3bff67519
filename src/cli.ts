/**
 * Entry point: parse, run, and turn every error into an exit code (SPEC §1).
 * QaError → its message and code; commander's errors → usage (2); anything
 * else is a bug → one line asking for a report (70), stack with QA_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { EXIT, formatError, QaError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
