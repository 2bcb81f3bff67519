/**
 * The HTML report in a real headless browser (Debian's chromium): it loads
 * without network, shows the KPI table, and prints to A4. Skipped, with the
 * reason in the test name, when no chromium is installed or it cannot start
 * here at all (.ci/run installs it when it can).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQa } from '../helpers/run.js';
import { EXPORTS, tmpDir } from '../helpers/tmp.js';

const CANDIDATES = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const found = CANDIDATES.find((c) => fs.existsSync(c));

/** Can this browser start here at all (a container may lack what it needs)? Then any later failure is the report's. */
function probe(bin: string): string | null {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-chromium-'));
  const r = spawnSync(bin, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', 'data:text/html,<p>ok</p>'], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(profile, { recursive: true, force: true });
  if (r.status === 0 && r.stdout.includes('<p>ok</p>')) return null;
  return (r.error?.message ?? r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.status}`).slice(0, 120);
}
const cannotStart = found ? probe(found) : null;
const chromium = found && !cannotStart ? found : undefined;
const skipReason = !found ? ' (skipped: no chromium found; apt-get install chromium)' : cannotStart ? ` (skipped: ${found} cannot start here: ${cannotStart})` : '';

function browser(args: string[], profile: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(chromium!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the HTML report in headless Chromium', () => {
  it.skipIf(!chromium)(`renders the KPI table and prints to A4${skipReason}`, () => {
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
    expect(rows.length).toBe(21); // header + 20 KPIs (onsite_inspections is SPEC §7)
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
