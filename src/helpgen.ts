/**
 * Build step (`npm run build`): write every command's --help, rendered by
 * commander from the real program, to dist/help/<qa-command-sub>.txt. bin/qa
 * prints these for `qa [command [sub]] --help` without loading commander, so
 * help starts as fast as Node itself; test/cli/help.test.ts checks that the
 * files still equal what commander prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from './program.js';

/** Each command's full --help output (with the examples added after it), keyed qa-command-sub. */
export function helpTexts(program: Command = buildProgram()): Map<string, string> {
  // Sub-commands inherit output settings when they are created, not later: set each.
  const out = new Map<string, string>();
  let buffer = '';
  const walk = (cmd: Command, key: string): void => {
    buffer = '';
    cmd.configureOutput({ writeOut: (s) => (buffer += s) });
    cmd.outputHelp();
    out.set(key, buffer);
    for (const sub of cmd.commands) walk(sub, `${key}-${sub.name()}`);
  };
  walk(program, 'qa');
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../help');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, text] of helpTexts()) fs.writeFileSync(path.join(dir, `${key}.txt`), text);
  // The Chinese help (--lang zh, LANG=zh_CN…): dist/help/zh/<key>.txt, from the same program localized.
  fs.mkdirSync(path.join(dir, 'zh'));
  for (const [key, text] of helpTexts(buildProgram('zh'))) fs.writeFileSync(path.join(dir, 'zh', `${key}.txt`), text);
}
