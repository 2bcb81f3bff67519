/**
 * The few questions `qa review` asks, over @inquirer/prompts (lazy-loaded:
 * only the review command pays for it). Ctrl-C in a prompt surfaces as
 * Stopped, which the command turns into a clean exit.
 */
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

export interface Prompts {
  answer(message: string, labels: { pass: string; fail: string; na: string; skip: string; stop: string }): Promise<Answer>;
  text(message: string, required: string): Promise<string>;
}

export function inquirerPrompts(): Prompts {
  return {
    async answer(message, labels) {
      const { expand } = await import('@inquirer/prompts');
      try {
        return await expand<Answer>({
          message,
          // No default answer: answers are final, so a stray Enter must not record a pass.
          default: 'h',
          expanded: false,
          choices: [
            { key: 'p', name: labels.pass, value: 'pass' },
            { key: 'f', name: labels.fail, value: 'fail' },
            { key: 'n', name: labels.na, value: 'na' },
            { key: 'k', name: labels.skip, value: 'skip' },
            { key: 's', name: labels.stop, value: 'stop' },
          ],
        });
      } catch (e) {
        if (isExit(e)) throw new Stopped(true);
        throw e;
      }
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
  };
}
