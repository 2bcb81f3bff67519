/**
 * The monthly report in five formats: a terminal table (colour, sparklines),
 * JSON, CSV (the KPI table, for Excel), Markdown, and one self-contained
 * HTML file (inline CSS and SVG, readable printed on A4). All return strings.
 */
import type { ChalkInstance } from 'chalk';
import type { Report } from '../app/report.js';
import { KPIS } from '../core/kpis.js';
import { RECORD_TYPE_LABELS, type RecordType } from '../core/kinds.js';
import { tr, type Lang } from '../i18n.js';
import { toExcelCsv } from './csv.js';
import { renderPeopleHtml, renderPeopleMarkdown, renderPeopleTable } from './people.js';
import { categoryLabel, severityLabel, stateLabel } from './review.js';
import { clip, renderTable } from './term.js';
import { renderCasesHtml, renderCasesMarkdown, renderCasesTable } from './reportCases.js';
import { fieldworkHtml, fieldworkMarkdown, fieldworkTable } from './fieldwork.js';

type K = Report['kpis'][number];

const DEF = new Map(KPIS.map((k) => [k.id, k]));

export function kpiName(id: string, L: Lang): string {
  const d = DEF.get(id);
  return d ? tr(L, d.zh, d.en) : id;
}

function pct(x: number | null, digits = 1): string {
  return x === null ? '—' : `${(x * 100).toFixed(digits)} %`;
}

const HOLDS: Record<string, (v: number, t: number) => boolean> = { '>=': (v, t) => v >= t, '<=': (v, t) => v <= t, '=': (v, t) => v === t };

/**
 * A rate with one decimal, or more where one decimal would round it onto the
 * other side of its target (0.94954 against ≥ 95 % shows 94.95 %, not a
 * "missed" 95.0 %).
 */
export function formatValue(k: Pick<K, 'kind' | 'value'> & Partial<Pick<K, 'target' | 'op' | 'met'>>): string {
  if (k.value === null) return '—';
  if (k.kind !== 'rate') return String(k.value);
  const holds = k.op ? HOLDS[k.op] : undefined;
  let digits = 1;
  if (holds && k.target !== null && k.target !== undefined && typeof k.met === 'boolean') {
    while (digits < 4 && holds(Number((k.value * 100).toFixed(digits)) / 100, k.target) !== k.met) digits++;
  }
  return pct(k.value, digits);
}

const OPS: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=' };

export function formatTarget(k: K, L: Lang): string {
  if (k.target === null) return '—';
  const t = k.kind === 'rate' ? pct(k.target, 0) : String(k.target);
  const extra = k.id === 'weekly_calls_sampled' ? tr(L, '（不足则全部）', ' (or the whole week)') : k.stretch !== undefined ? tr(L, `（挑战 ${pct(k.stretch, 0)}）`, ` (stretch ${pct(k.stretch, 0)})`) : '';
  return `${OPS[k.op]} ${t}${extra}`;
}

export function formatChange(k: K): string {
  if (k.value === null || k.previous === null) return '—';
  const d = k.value - k.previous;
  if (k.kind === 'rate') {
    const pp = d * 100;
    return Math.abs(pp) < 0.05 ? '±0.0 pp' : `${pp > 0 ? '+' : '−'}${Math.abs(pp).toFixed(1)} pp`;
  }
  return d === 0 ? '±0' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`;
}

function metText(k: K, L: Lang): string {
  return k.met === null ? '—' : k.met ? tr(L, '达标', 'met') : tr(L, '未达标', 'missed');
}

function ratioText(k: K): string {
  if (k.kind === 'count') return k.numerator === null ? '—' : String(k.numerator);
  return k.denominator ? `${k.numerator}/${k.denominator}` : '0/0';
}

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return values.map(() => '·').join('');
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return values
    .map((v) => {
      if (v === null) return '·';
      if (hi === lo) return BARS[3];
      return BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))];
    })
    .join('');
}

function typeName(t: string, L: Lang): string {
  const l = RECORD_TYPE_LABELS[t as RecordType];
  return l ? tr(L, `${l.zh} ${t}`, t) : t;
}

function title(r: Report, L: Lang): string {
  return tr(L, `服务质量监督报告 ${r.month}`, `Service quality supervision report ${r.month}`);
}

// ------------------------------------------------------------------ terminal

export function renderReportTable(r: Report, L: Lang, chalk: ChalkInstance): string {
  const out: string[] = [];
  const missed = r.kpis.filter((k) => k.met === false).length;
  const met = r.kpis.filter((k) => k.met === true).length;
  out.push(chalk.bold(title(r, L)));
  out.push(
    tr(L, `生成于 ${r.generated_at.replace('T', ' ').slice(0, 16)} · ${met} 项达标，${missed} 项未达标`, `generated ${r.generated_at.replace('T', ' ').slice(0, 16)} · ${met} KPIs met, ${missed} missed`),
  );
  for (const w of r.warnings) out.push(chalk.yellow(`${tr(L, '注意', 'warning')}: ${w}`));
  out.push('');
  out.push(
    renderTable({
      chalk,
      head: ['KPI', tr(L, '数值', 'value'), tr(L, '目标', 'target'), tr(L, '结果', 'result'), tr(L, '分子/分母', 'n/N'), tr(L, '环比', 'vs prev'), tr(L, '近6月', '6 months')],
      right: [1, 4, 5],
      rows: r.kpis.map((k) => [
        kpiName(k.id, L),
        formatValue(k),
        formatTarget(k, L),
        k.met === null ? chalk.dim('—') : k.met ? chalk.green(`✓ ${metText(k, L)}`) : chalk.red(`✗ ${metText(k, L)}`),
        ratioText(k) + (k.missing ? chalk.dim(tr(L, ` (缺${k.missing})`, ` (+${k.missing} missing)`)) : ''),
        formatChange(k),
        sparkline(k.trend),
      ]),
    }),
  );
  out.push('', chalk.bold(tr(L, '抽样覆盖', 'Sample coverage')));
  const c = r.coverage.records;
  out.push(
    renderTable({
      chalk,
      head: [tr(L, '类型', 'record type'), tr(L, '记录数', 'records'), tr(L, '已抽', 'sampled'), tr(L, '覆盖率', 'coverage')],
      right: [1, 2, 3],
      rows: [...c.strata.map((s) => [typeName(s.record_type, L), s.population, s.sampled, pct(s.rate)]), [chalk.bold(tr(L, '合计', 'total')), c.population, c.sampled, pct(c.rate)]],
    }),
  );
  if (r.coverage.weeks.length) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '周', 'week'), tr(L, '符合条件', 'eligible calls'), tr(L, '已抽', 'drawn'), tr(L, '要求', 'required'), tr(L, '结果', 'result')],
        right: [1, 2, 3],
        rows: r.coverage.weeks.map((w) => [w.week, w.population, w.drawn, w.target, w.met === null ? chalk.dim(tr(L, '待抽', 'pending')) : w.met ? chalk.green('✓') : chalk.red('✗')]),
      }),
    );
  }
  const f = r.findings;
  out.push('', chalk.bold(tr(L, '审核发现', 'Findings')));
  out.push(
    tr(
      L,
      `已审 ${f.reviewed} 项：通过 ${f.passed}，不通过 ${f.failed}；审核中 ${f.in_progress}；平均得分 ${pct(f.average_score)}`,
      `${f.reviewed} items reviewed: ${f.passed} passed, ${f.failed} failed; ${f.in_progress} in progress; average score ${pct(f.average_score)}`,
    ),
  );
  if (f.unsampled.length) out.push(chalk.yellow(tr(L, `抽样外审核 ${f.unsampled.length} 项（已标注）`, `${f.unsampled.length} reviewed outside the sample (flagged)`)));
  if (f.changed_after_review.length) {
    out.push(chalk.yellow(tr(L, `审核后被导入更新：${f.changed_after_review.map((x) => x.item_id).join(', ')}`, `changed after review: ${f.changed_after_review.map((x) => x.item_id).join(', ')}`)));
  }
  if (f.by_category.length) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '类别', 'category'), tr(L, '不通过项', 'failed checks')],
        right: [1],
        rows: f.by_category.map((x) => [categoryLabel(x.category, L), x.failed]),
      }),
    );
  }
  if (f.by_department.length) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '部门', 'department'), tr(L, '已审', 'reviewed'), tr(L, '不通过', 'failed items'), tr(L, '不通过项', 'failed checks')],
        right: [1, 2, 3],
        rows: f.by_department.map((x) => [x.department, x.reviewed, x.failed, x.failed_checks]),
      }),
    );
  }
  if (f.by_check.length) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '检查项', 'check'), tr(L, '严重度', 'severity'), tr(L, '不通过', 'failed')],
        right: [2],
        // The full text is in md/html/json; a terminal row stays readable at 80–100 columns.
        rows: f.by_check.slice(0, 10).map((x) => [clip(`${x.check} · ${checkPart(x.text, L)}`, 64), severityLabel(x.severity, L), x.failed]),
      }),
    );
  }
  const x = r.rectifications;
  out.push('', chalk.bold(tr(L, `整改（截至 ${x.as_of_date}）`, `Rectifications (as of ${x.as_of_date})`)));
  out.push(
    Object.entries(x.by_state)
      .map(([s, n]) => `${stateLabel(s, L)} ${n}`)
      .join(' · ') + tr(L, ` · 本月到期 ${x.due}，按期完成 ${x.on_time}`, ` · due this month ${x.due}, done on time ${x.on_time}`),
  );
  if (x.overdue.length) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '编号', 'id'), tr(L, '项目', 'item'), tr(L, '检查项', 'check'), tr(L, '责任部门', 'department'), tr(L, '责任人', 'owner'), tr(L, '期限', 'due'), tr(L, '逾期天数', 'days overdue'), tr(L, '状态', 'state')],
        right: [0, 6],
        rows: x.overdue.map((o) => [o.id, o.item_id, o.check, o.owner_department ?? '', o.owner_person ?? '', o.due_date, chalk.red(String(o.days_overdue)), stateLabel(o.state, L)]),
      }),
    );
  } else {
    out.push(chalk.green(tr(L, '没有逾期整改。', 'Nothing overdue.')));
  }
  out.push(...renderCasesTable(r, L, chalk));
  if (r.bounds.length) {
    out.push('', chalk.bold(tr(L, '不合格率推断（95 % 置信上限，超几何分布）', 'Failure rate per stratum (95 % upper bound, hypergeometric)')));
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '类型', 'record type'), tr(L, '记录数 N', 'records N'), tr(L, '已审 n', 'reviewed n'), tr(L, '不通过 k', 'failed k'), tr(L, '样本不合格率', 'observed'), tr(L, '总体上限', 'upper bound')],
        right: [1, 2, 3, 4, 5],
        rows: r.bounds.map((b) => [typeName(b.record_type, L), b.N, b.n, b.k, pct(b.observed), `${pct(b.rate)} (${b.upper})`]),
      }),
    );
  }
  out.push(renderPeopleTable(r.people, L, chalk));
  out.push(...fieldworkTable(r, L, chalk));
  return `${out.join('\n')}\n`;
}

function checkPart(text: string, L: Lang): string {
  const [zh, en] = text.split(' / ');
  return L === 'zh' ? (zh ?? text) : (en ?? text);
}

// ----------------------------------------------------------------------- csv

export function renderKpiCsv(r: Report, L: Lang): string {
  return toExcelCsv(
    ['id', 'name', 'value', 'target', 'op', 'met', 'numerator', 'denominator', 'missing', 'previous', 'change', ...r.trend.months],
    r.kpis.map((k) => [
      k.id,
      kpiName(k.id, L),
      k.value,
      k.target,
      k.op,
      k.met === null ? '' : k.met ? 'yes' : 'no',
      k.numerator,
      k.denominator,
      k.missing,
      k.previous,
      k.value === null || k.previous === null ? '' : Math.round((k.value - k.previous) * 1e6) / 1e6,
      ...k.trend,
    ]),
  );
}

// ------------------------------------------------------------------ markdown

const mdCell = (s: unknown): string => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(head: string[], rows: unknown[][]): string {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

export function renderReportMarkdown(r: Report, L: Lang): string {
  const out: string[] = [`# ${title(r, L)}`, '', tr(L, `生成于 ${r.generated_at}`, `Generated ${r.generated_at}`), ''];
  for (const w of r.warnings) out.push(`> **${tr(L, '注意', 'Warning')}:** ${w}`, '');
  out.push(`## KPI`, '');
  out.push(
    mdTable(
      ['KPI', tr(L, '数值', 'Value'), tr(L, '目标', 'Target'), tr(L, '结果', 'Result'), tr(L, '分子/分母', 'n/N'), tr(L, '环比', 'vs prev'), tr(L, '近6月', '6 months')],
      r.kpis.map((k) => [kpiName(k.id, L), formatValue(k), formatTarget(k, L), k.met === null ? '—' : k.met ? `✓ ${metText(k, L)}` : `✗ ${metText(k, L)}`, ratioText(k), formatChange(k), sparkline(k.trend)]),
    ),
    '',
  );
  const c = r.coverage.records;
  out.push(`## ${tr(L, '抽样覆盖', 'Sample coverage')}`, '');
  out.push(mdTable([tr(L, '类型', 'Record type'), tr(L, '记录数', 'Records'), tr(L, '已抽', 'Sampled'), tr(L, '覆盖率', 'Coverage')], [...c.strata.map((s) => [typeName(s.record_type, L), s.population, s.sampled, pct(s.rate)]), [`**${tr(L, '合计', 'Total')}**`, c.population, c.sampled, pct(c.rate)]]), '');
  if (r.coverage.weeks.length) {
    out.push(mdTable([tr(L, '周', 'Week'), tr(L, '符合条件', 'Eligible calls'), tr(L, '已抽', 'Drawn'), tr(L, '要求', 'Required'), tr(L, '结果', 'Result')], r.coverage.weeks.map((w) => [w.week, w.population, w.drawn, w.target, w.met === null ? tr(L, '待抽', 'pending') : w.met ? '✓' : '✗'])), '');
  }
  const f = r.findings;
  out.push(`## ${tr(L, '审核发现', 'Findings')}`, '');
  out.push(tr(L, `已审 ${f.reviewed} 项：通过 ${f.passed}，不通过 ${f.failed}；审核中 ${f.in_progress}；平均得分 ${pct(f.average_score)}。`, `${f.reviewed} items reviewed: ${f.passed} passed, ${f.failed} failed; ${f.in_progress} in progress; average score ${pct(f.average_score)}.`), '');
  if (f.unsampled.length) out.push(`- ${tr(L, '抽样外审核', 'Reviewed outside the sample')}: ${f.unsampled.map((u) => `${u.item_id} (${u.reason ?? ''})`).join(', ')}`);
  if (f.changed_after_review.length) out.push(`- ${tr(L, '审核后被导入更新', 'Changed after review')}: ${f.changed_after_review.map((x) => x.item_id).join(', ')}`);
  if (f.unsampled.length || f.changed_after_review.length) out.push('');
  if (f.by_category.length) out.push(mdTable([tr(L, '类别', 'Category'), tr(L, '不通过项', 'Failed checks')], f.by_category.map((x) => [categoryLabel(x.category, L), x.failed])), '');
  if (f.by_department.length) out.push(mdTable([tr(L, '部门', 'Department'), tr(L, '已审', 'Reviewed'), tr(L, '不通过', 'Failed items'), tr(L, '不通过项', 'Failed checks')], f.by_department.map((x) => [x.department, x.reviewed, x.failed, x.failed_checks])), '');
  if (f.by_check.length) out.push(mdTable([tr(L, '检查项', 'Check'), tr(L, '严重度', 'Severity'), tr(L, '不通过', 'Failed')], f.by_check.map((x) => [`${x.check} · ${checkPart(x.text, L)}`, severityLabel(x.severity, L), x.failed])), '');
  const x = r.rectifications;
  out.push(`## ${tr(L, '整改', 'Rectifications')}`, '', `${tr(L, '截至', 'As of')} ${x.as_of_date}: ${Object.entries(x.by_state).map(([s, n]) => `${stateLabel(s, L)} ${n}`).join(' · ')}`, '');
  if (x.overdue.length) {
    out.push(mdTable([tr(L, '编号', 'Id'), tr(L, '项目', 'Item'), tr(L, '检查项', 'Check'), tr(L, '责任部门', 'Department'), tr(L, '责任人', 'Owner'), tr(L, '期限', 'Due'), tr(L, '逾期天数', 'Days overdue'), tr(L, '状态', 'State')], x.overdue.map((o) => [o.id, o.item_id, o.check, o.owner_department, o.owner_person, o.due_date, o.days_overdue, stateLabel(o.state, L)])), '');
  } else out.push(tr(L, '没有逾期整改。', 'Nothing overdue.'), '');
  out.push(...renderCasesMarkdown(r, L, mdTable));
  if (r.bounds.length) {
    out.push(`## ${tr(L, '不合格率推断（95 % 置信上限）', 'Failure rate per stratum (95 % upper bound)')}`, '');
    out.push(mdTable([tr(L, '类型', 'Record type'), 'N', 'n', 'k', tr(L, '样本不合格率', 'Observed'), tr(L, '总体上限', 'Upper bound')], r.bounds.map((b) => [typeName(b.record_type, L), b.N, b.n, b.k, pct(b.observed), `${pct(b.rate)} (${b.upper})`])), '');
  }
  out.push(renderPeopleMarkdown(r.people, L));
  out.push(...fieldworkMarkdown(r, L, mdTable));
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------- html

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function htmlTable(head: string[], rows: unknown[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => (typeof c === 'object' && c !== null && 'html' in c ? `<td>${(c as { html: string }).html}</td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A small line chart of six months, with the target as a dashed line. */
export function trendSvg(values: readonly (number | null)[], target: number | null, kind: 'rate' | 'count'): string {
  const w = 120;
  const h = 28;
  const xs = values.filter((v): v is number => v !== null);
  const all = target !== null ? [...xs, target] : xs;
  if (xs.length === 0) return `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="no data"><text x="4" y="18" font-size="10" fill="#999">—</text></svg>`;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (kind === 'rate') {
    lo = Math.max(0, lo - 0.02);
    hi = Math.min(1, hi + 0.02);
  }
  if (hi === lo) hi = lo + 1;
  const px = (i: number): number => 4 + (i * (w - 8)) / Math.max(1, values.length - 1);
  const py = (v: number): number => h - 4 - ((v - lo) / (hi - lo)) * (h - 8);
  const pts = values.map((v, i) => (v === null ? null : `${px(i).toFixed(1)},${py(v).toFixed(1)}`));
  const segs: string[] = [];
  let cur: string[] = [];
  for (const p of pts) {
    if (p === null) {
      if (cur.length) segs.push(cur.join(' '));
      cur = [];
    } else cur.push(p);
  }
  if (cur.length) segs.push(cur.join(' '));
  const line = segs.map((s) => `<polyline points="${s}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>`).join('');
  const dots = pts.map((p) => (p ? `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="1.8" fill="#1f6feb"/>` : '')).join('');
  const tl = target !== null ? `<line x1="2" x2="${w - 2}" y1="${py(target).toFixed(1)}" y2="${py(target).toFixed(1)}" stroke="#d29922" stroke-dasharray="3,2" stroke-width="1"/>` : '';
  return `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="trend">${tl}${line}${dots}</svg>`;
}

const CSS = `
  :root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
  * { box-sizing: border-box; }
  body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: var(--ink); margin: 24px; font-size: 13px; line-height: 1.45; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
  .meta { color: var(--muted); margin-bottom: 12px; }
  .warning { border: 1px solid #d4a72c; background: #fff8c5; padding: 8px 10px; margin: 8px 0; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
  th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: middle; }
  th { background: #f6f8fa; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .met { color: var(--ok); font-weight: 600; } .missed { color: var(--bad); font-weight: 600; } .na { color: var(--muted); }
  .summary { display: flex; gap: 16px; margin: 8px 0 4px; }
  .summary div { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; }
  .summary b { font-size: 18px; display: block; }
  @page { size: A4; margin: 14mm; }
  @media print { body { margin: 0; font-size: 11px; } h2 { break-after: avoid; } tr { break-inside: avoid; } .spark { width: 96px; } }
`;

export function renderReportHtml(r: Report, L: Lang): string {
  const met = r.kpis.filter((k) => k.met === true).length;
  const missed = r.kpis.filter((k) => k.met === false).length;
  const kpiRows = r.kpis.map((k) => [
    kpiName(k.id, L),
    { html: `<span class="num">${esc(formatValue(k))}</span>` },
    formatTarget(k, L),
    { html: k.met === null ? '<span class="na">—</span>' : k.met ? `<span class="met">✓ ${esc(metText(k, L))}</span>` : `<span class="missed">✗ ${esc(metText(k, L))}</span>` },
    ratioText(k),
    formatChange(k),
    { html: trendSvg(k.trend, k.target, k.kind) },
  ]);
  const c = r.coverage.records;
  const f = r.findings;
  const x = r.rectifications;
  const parts: string[] = [
    `<h1>${esc(title(r, L))}</h1>`,
    `<div class="meta">${esc(tr(L, `生成于 ${r.generated_at}`, `Generated ${r.generated_at}`))}</div>`,
    ...r.warnings.map((w) => `<div class="warning"><b>${esc(tr(L, '注意', 'Warning'))}:</b> ${esc(w)}</div>`),
    `<div class="summary"><div><b class="met">${met}</b>${esc(tr(L, '项达标', 'KPIs met'))}</div><div><b class="missed">${missed}</b>${esc(tr(L, '项未达标', 'KPIs missed'))}</div><div><b>${f.reviewed}</b>${esc(tr(L, '项已审核', 'items reviewed'))}</div><div><b>${x.overdue.length}</b>${esc(tr(L, '项逾期整改', 'rectifications overdue'))}</div></div>`,
    `<h2>KPI</h2>`,
    htmlTable(['KPI', tr(L, '数值', 'Value'), tr(L, '目标', 'Target'), tr(L, '结果', 'Result'), tr(L, '分子/分母', 'n/N'), tr(L, '环比', 'vs prev'), tr(L, `${r.trend.months[0]} – ${r.month}`, `${r.trend.months[0]} – ${r.month}`)], kpiRows, 'kpis'),
    `<h2>${esc(tr(L, '抽样覆盖', 'Sample coverage'))}</h2>`,
    htmlTable([tr(L, '类型', 'Record type'), tr(L, '记录数', 'Records'), tr(L, '已抽', 'Sampled'), tr(L, '覆盖率', 'Coverage')], [...c.strata.map((s) => [typeName(s.record_type, L), s.population, s.sampled, pct(s.rate)]), [tr(L, '合计', 'Total'), c.population, c.sampled, pct(c.rate)]]),
  ];
  if (r.coverage.weeks.length) {
    parts.push(htmlTable([tr(L, '周', 'Week'), tr(L, '符合条件', 'Eligible calls'), tr(L, '已抽', 'Drawn'), tr(L, '要求', 'Required'), tr(L, '结果', 'Result')], r.coverage.weeks.map((w) => [w.week, w.population, w.drawn, w.target, { html: w.met === null ? `<span class="na">${esc(tr(L, '待抽', 'pending'))}</span>` : w.met ? '<span class="met">✓</span>' : '<span class="missed">✗</span>' }])));
  }
  parts.push(
    `<h2>${esc(tr(L, '审核发现', 'Findings'))}</h2>`,
    `<p>${esc(tr(L, `已审 ${f.reviewed} 项：通过 ${f.passed}，不通过 ${f.failed}；审核中 ${f.in_progress}；平均得分 ${pct(f.average_score)}。`, `${f.reviewed} items reviewed: ${f.passed} passed, ${f.failed} failed; ${f.in_progress} in progress; average score ${pct(f.average_score)}.`))}</p>`,
  );
  if (f.unsampled.length) parts.push(`<p class="warning">${esc(tr(L, '抽样外审核', 'Reviewed outside the sample'))}: ${esc(f.unsampled.map((u) => `${u.item_id} (${u.reason ?? ''})`).join(', '))}</p>`);
  if (f.changed_after_review.length) parts.push(`<p class="warning">${esc(tr(L, '审核后被导入更新', 'Changed after review'))}: ${esc(f.changed_after_review.map((v) => v.item_id).join(', '))}</p>`);
  if (f.by_category.length) parts.push(htmlTable([tr(L, '类别', 'Category'), tr(L, '不通过项', 'Failed checks')], f.by_category.map((v) => [categoryLabel(v.category, L), v.failed])));
  if (f.by_department.length) parts.push(htmlTable([tr(L, '部门', 'Department'), tr(L, '已审', 'Reviewed'), tr(L, '不通过', 'Failed items'), tr(L, '不通过项', 'Failed checks')], f.by_department.map((v) => [v.department, v.reviewed, v.failed, v.failed_checks])));
  if (f.by_check.length) parts.push(htmlTable([tr(L, '检查项', 'Check'), tr(L, '严重度', 'Severity'), tr(L, '不通过', 'Failed')], f.by_check.map((v) => [`${v.check} · ${checkPart(v.text, L)}`, severityLabel(v.severity, L), v.failed])));
  parts.push(
    `<h2>${esc(tr(L, '整改', 'Rectifications'))}</h2>`,
    `<p>${esc(`${tr(L, '截至', 'As of')} ${x.as_of_date}: ${Object.entries(x.by_state).map(([s, n]) => `${stateLabel(s, L)} ${n}`).join(' · ')}`)}</p>`,
    x.overdue.length
      ? htmlTable([tr(L, '编号', 'Id'), tr(L, '项目', 'Item'), tr(L, '检查项', 'Check'), tr(L, '责任部门', 'Department'), tr(L, '责任人', 'Owner'), tr(L, '期限', 'Due'), tr(L, '逾期天数', 'Days overdue'), tr(L, '状态', 'State')], x.overdue.map((o) => [o.id, o.item_id, o.check, o.owner_department, o.owner_person, o.due_date, o.days_overdue, stateLabel(o.state, L)]))
      : `<p class="met">${esc(tr(L, '没有逾期整改。', 'Nothing overdue.'))}</p>`,
  );
  parts.push(...renderCasesHtml(r, L, esc, htmlTable));
  if (r.bounds.length) {
    parts.push(
      `<h2>${esc(tr(L, '不合格率推断（95 % 置信上限，超几何分布）', 'Failure rate per stratum (95 % upper bound, hypergeometric)'))}</h2>`,
      htmlTable([tr(L, '类型', 'Record type'), 'N', 'n', 'k', tr(L, '样本不合格率', 'Observed'), tr(L, '总体上限', 'Upper bound')], r.bounds.map((b) => [typeName(b.record_type, L), b.N, b.n, b.k, pct(b.observed), `${pct(b.rate)} (${b.upper})`])),
    );
  }
  parts.push(renderPeopleHtml(r.people, L));
  parts.push(...fieldworkHtml(r, L, esc, (head, rows) => htmlTable(head, rows)));
  return `<!doctype html>
<html lang="${L === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title(r, L))}</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}
