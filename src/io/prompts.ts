/**
 * The questions `qa review` asks. An answer is one key, no Enter (SPEC §4
 * "Review at speed"): the key reader puts the terminal in raw mode for one
 * keypress and ignores keys that are not offered (a stray Enter records
 * nothing). Free text (a fail's note, a correction's reason) and picking a
 * check go through @inquirer/prompts (lazy-loaded). Ctrl-C anywhere surfaces
 * as Stopped, which the command turns into a clean exit.
 */
import readline from 'node:readline';

export class Stopped extends Error {
  /** true for Ctrl-C, false when the auditor chose to stop. */
  constructor(readonly interrupted: boolean) {
    super('stopped');
  }
}

function isExit(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

export type Answer = 'pass' | 'fail' | 'na' | 'skip' | 'stop';

/** One key of a key prompt: the key, what it does, and the value returned. */
export interface KeyChoice<T extends string = string> {
  key: string;
  label: string;
  value: T;
}

export interface Prompts {
  /** Wait for one of the choices' keys (case-insensitive) and return its value. */
  key<T extends string>(message: string, choices: readonly KeyChoice<T>[]): Promise<T>;
  /** A pass / fail / n.a. answer (with skip and stop): `key` with the usual keys. */
  answer(message: string, labels: { pass: string; fail: string; na: string; skip: string; stop: string }): Promise<Answer>;
  text(message: string, required: string): Promise<string>;
  /** Pick one of a list (a check to correct). */
  choose<T extends string>(message: string, choices: readonly { name: string; value: T }[]): Promise<T>;
}

/** The keys of a pass / fail / n.a. answer. */
export function answerChoices(labels: { pass: string; fail: string; na: string; skip: string; stop: string }): KeyChoice<Answer>[] {
  return [
    { key: 'p', label: labels.pass, value: 'pass' },
    { key: 'f', label: labels.fail, value: 'fail' },
    { key: 'n', label: labels.na, value: 'na' },
    { key: 'k', label: labels.skip, value: 'skip' },
    { key: 's', label: labels.stop, value: 'stop' },
  ];
}

/** Read one key from a terminal: resolves with the lower-cased key among `keys`; Ctrl-C rejects with Stopped(true). */
export function readKey(stdin: NodeJS.ReadStream, keys: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    readline.emitKeypressEvents(stdin);
    const raw = stdin.isTTY ? stdin.isRaw : false;
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    const finish = (): void => {
      stdin.off('keypress', onKey);
      if (stdin.isTTY) stdin.setRawMode(raw);
      stdin.pause();
    };
    const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => {
      if (key?.ctrl && (key.name === 'c' || key.name === 'd')) {
        finish();
        reject(new Stopped(true));
        return;
      }
      const k = (str ?? '').toLowerCase();
      if (keys.includes(k)) {
        finish();
        resolve(k);
      }
    };
    stdin.on('keypress', onKey);
  });
}

/**
 * The prompts on a real terminal. `style(value, label)` draws the chosen
 * answer after the question (review draws a pass, a fail and an action
 * differently); `out` is where the questions go.
 */
export function terminalPrompts(
  stdin: NodeJS.ReadStream = process.stdin,
  out: NodeJS.WritableStream = process.stdout,
  style: (value: string, label: string) => string = (_v, l) => l,
  hint: (choices: readonly KeyChoice[]) => string = (cs) => cs.map((c) => `${c.key} ${c.label}`).join(' · '),
): Prompts {
  const self: Prompts = {
    async key(message, choices) {
      out.write(`? ${message}\n  ${hint(choices)} › `);
      const k = await readKey(
        stdin,
        choices.map((c) => c.key),
      ).catch((e: unknown) => {
        out.write('\n');
        throw e;
      });
      const c = choices.find((x) => x.key === k)!;
      out.write(`${style(c.value, c.label)}\n`);
      return c.value;
    },
    answer(message, labels) {
      return self.key(message, answerChoices(labels));
    },
    async text(message, required) {
      const { input } = await import('@inquirer/prompts');
      try {
        return await input({ message, validate: (v) => (v.trim() ? true : required) });
      } catch (e) {
        if (isExit(e)) throw new Stopped(true);
        throw e;
      }
    },
    async choose(message, choices) {
      const { select } = await import('@inquirer/prompts');
      try {
        return await select({ message, choices: choices.map((c) => ({ name: c.name, value: c.value })) });
      } catch (e) {
        if (isExit(e)) throw new Stopped(true);
        throw e;
      }
    },
  };
  return self;
}

/** Kept for callers that do not style answers (calibration). */
export function inquirerPrompts(): Prompts {
  return terminalPrompts();
}
