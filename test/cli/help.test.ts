import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpTexts } from '../../src/helpgen.js';
import { runQa } from '../helpers/run.js';
import { REPO } from '../helpers/tmp.js';

const texts = helpTexts();

describe('help', () => {
  it('the pre-rendered help in dist/help is exactly what commander prints (rebuild if this fails)', () => {
    const files = fs.readdirSync(path.join(REPO, 'dist', 'help')).sort();
    expect(files).toEqual([...texts.keys()].map((k) => `${k}.txt`).sort());
    for (const [key, text] of texts) expect(fs.readFileSync(path.join(REPO, 'dist', 'help', `${key}.txt`), 'utf8'), key).toBe(text);
  });

  it('qa [command [sub]] --help prints it with exit 0, and every command has examples', () => {
    for (const [key, text] of texts) {
      const args = key.split('-').slice(1);
      const r = runQa([...args, '--help']);
      expect(r.code, key).toBe(0);
      expect(r.stdout, key).toBe(text);
      // Group commands (sample has its own examples; rectify/finding/config/checklist list subcommands).
      if (!['qa-rectify', 'qa-finding', 'qa-config', 'qa-checklist', 'qa-complaint', 'qa-callback'].includes(key)) expect(text, key).toContain('Examples:');
    }
  });

  it('every command appears in the README', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    for (const key of texts.keys()) {
      if (key === 'qa') continue;
      const words = key.split('-').slice(1).join(' ');
      expect(readme, `qa ${words}`).toContain(`qa ${words}`);
    }
  });

  it('an unknown command is a usage error, with or without --help', () => {
    for (const args of [['nosuch'], ['nosuch', '--help'], ['--db', 'x.sqlite', 'repot', '--json']]) {
      const r = runQa(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^qa: error: unknown command '(nosuch|repot)'/);
    }
    expect(runQa(['repot']).stderr).toContain("(did you mean report?)");
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(runQa(['--version']).stdout).toBe(`${pkg.version}\n`);
  });

  it('bare qa shows the help and exits 2 (a command is required)', () => {
    const r = runQa([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: qa [options] [command]');
  });
});
