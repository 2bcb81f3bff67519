/**
 * The Chinese help (SPEC §1: --lang zh covers help). Walks EVERY command and
 * subcommand of the real program: a command added without its entry in
 * src/help-zh.ts (ZH_HELP) fails here, naming the key and what is missing —
 * that file is the one place to add it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { commandPath, wrapCjk, ZH_HELP } from '../../src/help-zh.js';
import { helpTexts } from '../../src/helpgen.js';
import { buildProgram, zhCommanderError } from '../../src/program.js';
import { runQa } from '../helpers/run.js';
import { REPO } from '../helpers/tmp.js';

function allCommands(): Command[] {
  const out: Command[] = [];
  const walk = (c: Command): void => {
    out.push(c);
    c.commands.forEach(walk);
  };
  walk(buildProgram('en'));
  return out;
}

const CJK = /[\u4e00-\u9fff]/;

describe('Chinese help', () => {
  it('every command and subcommand has zh help: description, each argument, each option, examples', () => {
    const problems: string[] = [];
    const paths = new Set<string>();
    for (const cmd of allCommands()) {
      const key = commandPath(cmd);
      paths.add(key);
      const zh = ZH_HELP[key];
      if (!zh) {
        problems.push(`${key}: no entry in src/help-zh.ts ZH_HELP`);
        continue;
      }
      if (!CJK.test(zh.description)) problems.push(`${key}: description is not Chinese`);
      if (zh.examples.length === 0 || !zh.examples.some((l) => l.startsWith('qa ') || l.includes(' qa '))) problems.push(`${key}: no examples`);
      for (const a of cmd.registeredArguments) if (a.description && !zh.arguments?.[a.name()]) problems.push(`${key}: argument <${a.name()}> has no zh text`);
      for (const o of cmd.options) if (o.long && !zh.options?.[o.long]) problems.push(`${key}: option ${o.long} has no zh text`);
      for (const name of Object.keys(zh.options ?? {})) if (!cmd.options.some((o) => o.long === name)) problems.push(`${key}: zh text for ${name}, which it does not have`);
    }
    for (const key of Object.keys(ZH_HELP)) if (!paths.has(key)) problems.push(`${key}: zh entry for a command that does not exist`);
    expect(problems).toEqual([]);
  });

  it('the pre-rendered zh help is what commander prints; qa --lang zh … --help and LANG=zh_CN serve it, with no English description left', () => {
    const zh = helpTexts(buildProgram('zh'));
    const en = helpTexts(buildProgram('en'));
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of zh) {
      expect(fs.readFileSync(path.join(REPO, 'dist', 'help', 'zh', `${key}.txt`), 'utf8'), key).toBe(text);
      expect(text, key).toMatch(/^用法：/);
      expect(text, key).toContain('示例：');
      expect(text, key).not.toMatch(/^(Usage|Options|Examples|Commands|Arguments):/m);
      expect(text, key).not.toContain('display help for command');
    }
    for (const key of ['qa', 'qa-sample-list', 'qa-rectify-update', 'qa-finding']) {
      const args = key.split('-').slice(1);
      expect(runQa(['--lang', 'zh', ...args, '--help']).stdout, key).toBe(zh.get(key));
      expect(runQa([...args, '--help'], { env: { LANG: 'zh_CN.UTF-8' } }).stdout, key).toBe(zh.get(key));
      expect(runQa([...args, '--help'], { env: { LANG: 'zh_CN.UTF-8' } }).stdout, key).not.toBe(en.get(key));
    }
  });

  it('zh help lines fit 80 columns (CJK characters are 2 wide), except example command lines', () => {
    for (const [key, text] of helpTexts(buildProgram('zh'))) {
      const before = text.split('示例：')[0]!;
      for (const line of before.split('\n')) {
        // A single unbreakable token (a long path) may overflow, as in English.
        if (!/[!-~]{40,}/.test(line)) expect(stringWidth(line), `${key}: ${line}`).toBeLessThanOrEqual(80);
      }
    }
  });

  it('wrapCjk breaks Chinese between characters, never before closing punctuation', () => {
    expect(wrapCjk('一二三四五六', 6)).toBe('一二三\n四五六');
    expect(wrapCjk('一二三，四五', 6)).toBe('一二\n三，四\n五');
    expect(wrapCjk('abc def 一二', 7)).toBe('abc def\n一二');
  });

  it('commander errors and the unknown-command suggestion are in Chinese under --lang zh', () => {
    expect(zhCommanderError("error: unknown option '--bogus'\n")).toBe("error: 未知选项 '--bogus'\n");
    const r = runQa(['--lang', 'zh', 'sample', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("qa: error: 未知选项 '--bogus'\nhint: 加 --help 查看用法和示例\n");
    expect(runQa(['import'], { env: { LANG: 'zh_CN.UTF-8' } }).stderr).toContain("qa: error: 缺少必需参数 'kind'");
    const s = runQa(['--lang', 'zh', 'smaple']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^qa: error: 未知命令 'smaple'（是否想输入 sample？）/);
    expect(runQa(['--lang', 'zh', 'sample', 'list', '--month', '2026-13']).stderr).toContain('--month 必须是 2026-10 这样的月份');
  });
});
