/**
 * `qa report --month YYYY-MM` and `qa export --month YYYY-MM --out-dir DIR`
 * (SPEC §5): the monthly supervision report, and its six files for cron.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { buildReport, loadCalendar, missed, type Report, type ReportContext } from '../app/report.js';
import { previousMonth, Zone } from '../core/time.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { exportFindings, exportRectifications } from '../db/report.js';
import { EXIT, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { replaceDirAtomic, writeFileAtomic } from '../io/safeFile.js';
import { parseMonthOption } from './options.js';

const FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

function pickMonth(ctx: Context, zone: Zone, v: string | undefined): string {
  // Default: the last complete month.
  return parseMonthOption('--month', v) ?? previousMonth(zone.monthOf(ctx.now().getTime()));
}

async function withReport<T>(ctx: Context, month: string, fn: (r: Report, rc: ReportContext) => Promise<T>): Promise<T> {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const calendar = loadCalendar(config);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const rc: ReportContext = { db, config, zone, calendar, now: ctx.now().getTime() };
    return await fn(buildReport(rc, month), rc);
  } finally {
    db.close();
  }
}

/** Renderers (chalk, cli-table3 …) load only for the formats that need them. */
export async function render(r: Report, format: Format, L: Lang, colour: { env: NodeJS.ProcessEnv; tty: boolean | undefined }): Promise<string> {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const R = await import('../render/report.js');
  switch (format) {
    case 'csv':
      return R.renderKpiCsv(r, L);
    case 'md':
      return R.renderReportMarkdown(r, L);
    case 'html':
      return R.renderReportHtml(r, L);
    case 'table': {
      const { makeChalk } = await import('../render/term.js');
      return R.renderReportTable(r, L, makeChalk(colour.env, colour.tty));
    }
  }
}

/** Warnings (a year without calendar data …) on stderr, for outputs that do not show them. */
function warn(ctx: Context, r: Report): void {
  for (const w of r.warnings) ctx.streams.stderr.write(`qa: ${tr(ctx.lang, '警告', 'warning')}: ${w}\n`);
}

function checkResult(ctx: Context, r: Report): number {
  const m = missed(r);
  if (m.length === 0) return EXIT.ok;
  ctx.streams.stderr.write(`qa: ${tr(ctx.lang, `${m.length} 项 KPI 未达标`, `${m.length} KPI${m.length === 1 ? '' : 's'} missed the target`)}: ${m.join(', ')}\n`);
  return EXIT.kpiMissed;
}

export async function runReport(ctx: Context, opts: { month?: string; format?: string; out?: string; check?: boolean }): Promise<number> {
  const zone = new Zone(ctx.config().config.timezone);
  const month = pickMonth(ctx, zone, opts.month);
  const fromExt = opts.out ? ({ '.json': 'json', '.csv': 'csv', '.md': 'md', '.html': 'html', '.htm': 'html', '.txt': 'table' } as Record<string, Format>)[path.extname(opts.out).toLowerCase()] : undefined;
  // --json wins over --format: it promises one JSON document on stdout.
  const format = (ctx.json ? 'json' : (opts.format ?? fromExt ?? 'table')) as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
  if (opts.out && !fs.existsSync(path.dirname(path.resolve(opts.out)))) throw new UsageError(`the folder for --out does not exist`, { where: path.dirname(path.resolve(opts.out)) });
  return withReport(ctx, month, async (r) => {
    // The rows with free text the report shows (--unmask: their ids go to the audit log).
    ctx.privacy.rows(r.findings.unsampled, (u) => `${u.kind}:${u.item_id}`);
    // Colour only for a table on stdout; a file never gets escape codes, FORCE_COLOR or not.
    const toTerminal = !opts.out && format === 'table';
    const text = await render(r, format, ctx.lang, toTerminal ? { env: ctx.env, tty: ctx.streams.stdout.isTTY } : { env: {}, tty: false });
    if (!toTerminal) warn(ctx, r);
    if (opts.out) {
      // Through the privacy guard like stdout: phones masked unless --unmask (then the file is 0600).
      writeFileAtomic(path.resolve(opts.out), ctx.privacy.text(text), { private: ctx.unmask });
      if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify({ month, out: path.resolve(opts.out), format, missed: missed(r) }, null, 2)}\n`);
      else ctx.streams.stderr.write(`${tr(ctx.lang, '报告已写入', 'report written to')} ${opts.out}\n`);
    } else {
      ctx.streams.stdout.write(text);
    }
    return opts.check ? checkResult(ctx, r) : EXIT.ok;
  });
}

export async function runExport(ctx: Context, opts: { month?: string; outDir?: string; check?: boolean; quiet?: boolean }): Promise<number> {
  if (!opts.outDir) throw new UsageError('--out-dir DIR is required', { hint: 'qa export --month 2026-10 --out-dir /srv/qa/reports' });
  const zone = new Zone(ctx.config().config.timezone);
  const month = pickMonth(ctx, zone, opts.month);
  const dir = path.resolve(opts.outDir, `qa-${month}`);
  const [{ renderKpiCsv, renderReportHtml, renderReportMarkdown }, { toExcelCsv }] = await Promise.all([import('../render/report.js'), import('../render/csv.js')]);
  return withReport(ctx, month, async (r, rc) => {
    const L = ctx.lang;
    const [start, end] = zone.monthRange(month);
    const asOf = Math.min(end, rc.now);
    const findings = exportFindings(rc.db, start, end, rc.config.rectification.callDepartment);
    const rects = exportRectifications(rc.db, asOf);
    const iso = (v: unknown): unknown => (typeof v === 'number' ? zone.iso(v) : v);
    const files: [string, string][] = [
      ['report.json', `${JSON.stringify(r, null, 2)}\n`],
      ['report.md', renderReportMarkdown(r, L)],
      ['report.html', renderReportHtml(r, L)],
      ['kpis.csv', renderKpiCsv(r, L)],
      [
        'findings.csv',
        toExcelCsv(
          ['kind', 'item_id', 'checklist', 'department', 'staff_or_agent', 'sampled', 'unsampled_reason', 'changed_after_review', 'check', 'category', 'severity', 'result', 'note', 'auditor', 'found_at'],
          findings.map((f) => [f.kind, f.item_id, f.checklist, f.department, f.staff_or_agent, f.sampled ? 'yes' : 'no', f.unsampled_reason, f.changed_after_review ? 'yes' : 'no', f.check_code, f.category, f.severity, f.result, f.note, f.auditor, iso(f.found_at)]),
        ),
      ],
      [
        'rectifications.csv',
        toExcelCsv(
          ['id', 'kind', 'item_id', 'check', 'severity', 'finding_note', 'owner_department', 'owner_person', 'opened_at', 'due_date', 'state', 'cause', 'measures', 'evidence', 'verification', 'done_at', 'verified_at', 'verified_by'],
          rects.map((x) => [x.id, x.kind, x.item_id, x.check_code, x.severity, x.finding_note, x.owner_department, x.owner_person, iso(x.opened_at), x.due_date, x.state, x.cause, x.measures, x.evidence, x.verification, iso(x.done_at), iso(x.verified_at), x.verified_by]),
        ),
      ],
    ];
    // The six files replace the old set as a whole (temp folder, then rename; SPEC §5),
    // each through the privacy guard like stdout.
    ctx.privacy.rows(findings, (f) => `${f.kind}:${f.item_id}`);
    ctx.privacy.rows(rects, (x) => `rectification:${x.id}`);
    replaceDirAtomic(
      dir,
      files.map(([name, text]) => [name, ctx.privacy.text(text)] as const),
      { private: ctx.unmask },
    );
    if (!opts.quiet) warn(ctx, r);
    const m = missed(r);
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify({ month, dir, files: files.map(([n]) => path.join(dir, n)), missed: m }, null, 2)}\n`);
    } else if (!opts.quiet) {
      ctx.streams.stdout.write(`${tr(L, `已导出 ${month} 报告到`, `exported the ${month} report to`)} ${dir}\n${files.map(([n]) => `  ${n}\n`).join('')}`);
    }
    if (!opts.check) return EXIT.ok;
    if (opts.quiet && m.length) return EXIT.kpiMissed;
    return checkResult(ctx, r);
  });
}
