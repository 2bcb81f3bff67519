/**
 * The HTML report in a real headless browser (Debian's chromium): it loads
 * without network, shows the KPI table, and prints to A4. Skipped, with the
 * reason in the test name, when no chromium is installed (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQa } from '../helpers/run.js';
import { EXPORTS, tmpDir } from '../helpers/tmp.js';

const CANDIDATES = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
const chromium = CANDIDATES.find((c) => fs.existsSync(c));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function browser(args: string[], profile: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(chromium!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the HTML report in headless Chromium', () => {
  it.skipIf(!chromium)(`renders the KPI table and prints to A4${chromium ? '' : ' (skipped: no chromium found; apt-get install chromium)'}`, () => {
    const dir = tmpDir();
    const db = path.join(dir, 'qa.sqlite');
    expect(runQa(['--db', db, 'import', 'records', path.join(EXPORTS, 'records-2026-10.csv')]).code).toBe(0);
    expect(runQa(['--db', db, 'sample', '--date', '2026-11-01']).code).toBe(0);
    const html = path.join(dir, 'report.html');
    expect(runQa(['--db', db, '--lang', 'zh', 'report', '--month', '2026-10', '--out', html]).code).toBe(0);

    const dom = browser(['--dump-dom', `file://${html}`], path.join(dir, 'profile1'));
    expect(dom.code, dom.stderr).toBe(0);
    expect(dom.stdout).toContain('<table class="kpis">');
    const rows = dom.stdout.split('<table class="kpis">')[1]!.split('</table>')[0]!.match(/<tr>/g) ?? [];
    expect(rows.length).toBe(20); // header + 19 KPIs
    expect(dom.stdout).toContain('服务记录抽查覆盖率');

    const pdf = path.join(dir, 'report.pdf');
    const print = browser([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`], path.join(dir, 'profile2'));
    expect(print.code, print.stderr).toBe(0);
    const bytes = fs.readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 is 595 × 842 points.
    expect(bytes.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]/);
  }, 120_000);
});
