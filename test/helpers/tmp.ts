import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export function tmpDir(prefix = 'qa-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

export const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const FIXTURES = path.join(REPO, 'fixtures');
export const EXPORTS = path.join(FIXTURES, 'exports');
export const BROKEN = path.join(FIXTURES, 'broken');
