import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFixtures } from '../fixtures/generate.js';
import { FIXTURES, tmpDir } from './helpers/tmp.js';

describe('fixtures', () => {
  it('are exactly what the deterministic generator writes (npm run fixtures)', () => {
    const dir = tmpDir();
    const files = generateFixtures(dir);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const rel = path.relative(dir, f);
      const committed = path.join(FIXTURES, rel);
      expect(fs.existsSync(committed), `${rel} is committed`).toBe(true);
      expect(fs.readFileSync(f).equals(fs.readFileSync(committed)), `${rel} matches`).toBe(true);
    }
  });
});
