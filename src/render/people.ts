/**
 * Output for SPEC §8: the report's people sections (dispute rates per
 * auditor, control charts — inline SVG in HTML, a compact month grid on the
 * terminal), scorecards (table, CSV, HTML), disputes and calibration
 * reports. All return strings.
 */
import type { ChalkInstance } from 'chalk';
import type { CalibrationReport } from '../app/calibration.js';
import type { ControlChart, PeopleSections } from '../app/people-report.js';
import { MEDIAN_KEYS, type MedianKey, type Scorecard, type ScorecardPerson } from '../app/scorecard.js';
import { RECORD_TYPE_LABELS, type RecordType } from '../core/kinds.js';
import { maskPhonesInText } from '../core/mask.js';
import type { Zone } from '../core/time.js';
import type { DisputeView } from '../db/people.js';
import { tr, type Lang } from '../i18n.js';
import { toExcelCsv } from './csv.js';
import { clip, displayWidth, renderTable } from './term.js';

const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`);
const num = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(1));
const kappaText = (k: number | null): string => (k === null ? '—' : k.toFixed(3));

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function htmlTable(head: string[], rows: unknown[][]): string {
  const cell = (c: unknown): string => (typeof c === 'object' && c !== null && 'html' in c ? `<td>${(c as { html: string }).html}</td>` : `<td>${esc(c)}</td>`);
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

const mdCell = (s: unknown): string => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
function mdTable(head: string[], rows: unknown[][]): string {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

export function typeLabel(t: string, L: Lang): string {
  if (t === 'call') return tr(L, '热线 call', 'call');
  const l = RECORD_TYPE_LABELS[t as RecordType];
  return l ? tr(L, `${l.zh} ${t}`, t) : t;
}

function chartName(c: ControlChart, L: Lang): string {
  return c.dimension === 'department' ? `${tr(L, '部门', 'dept')} ${c.key}` : `${tr(L, '类型', 'type')} ${typeLabel(c.key, L)}`;
}

// ---------------------------------------------------------- report sections

function disputeRows(p: PeopleSections): (string | number)[][] {
  return p.disputes_by_auditor.map((a) => [a.auditor, a.answers, a.fails, a.disputes, pct(a.dispute_rate), a.decided, a.overturned, pct(a.overturn_rate)]);
}

function disputeHead(L: Lang): string[] {
  return [tr(L, '审核人', 'auditor'), tr(L, '答案', 'answers'), tr(L, '不通过', 'fails'), tr(L, '申诉', 'disputes'), tr(L, '申诉率', 'dispute rate'), tr(L, '已裁决', 'decided'), tr(L, '改判', 'overturned'), tr(L, '改判率', 'overturn rate')];
}

const LEGEND = (L: Lang): string =>
  tr(
    L,
    '每月已审项目不通过比例（p 控制图）；p̄ 为中心线，上下限为 p̄ ± 3σ（按当月 n 计算）；▲ 高于上限，▼ 低于下限（特殊原因）',
    "monthly share of reviewed items that failed (p-chart); p̄ centre line, limits p̄ ± 3σ from each month's n; ▲ above the upper limit, ▼ below the lower (special causes)",
  );

/** The terminal's compact grid: one row per chart, a column per month (fail %), flags marked. */
export function renderControlGrid(p: PeopleSections, L: Lang, chalk: ChalkInstance): string {
  const { months, charts } = p.control_charts;
  if (charts.length === 0) return tr(L, '近 12 个月没有已完成的审核。', 'No finished reviews in the last 12 months.');
  // 12 months × 5 columns + the centre line + a name of at most 12: 79 columns, so it fits an
  // 80-column terminal (SPEC §1); a flagged month is marked in its cell (▲/▼) and listed below.
  const nameW = Math.min(12, Math.max(...charts.map((c) => displayWidth(chartName(c, L)))));
  const pad = (s: string, w: number, right = false): string => {
    const gap = ' '.repeat(Math.max(0, w - displayWidth(s)));
    return right ? gap + s : s + gap;
  };
  const W = 5;
  const head = `${pad('', nameW)} ${pad('p̄', 6, true)}${months.map((m) => pad(m.slice(5), W, true)).join('')}`;
  const lines = charts.map((c) => {
    const cells = c.chart.points.map((pt) => {
      if (pt.p === null) return pad(chalk.dim('·'), W, true);
      const v = `${Math.round(pt.p * 100)}${pt.signal === 'above' ? '▲' : pt.signal === 'below' ? '▼' : '%'}`;
      return pad(pt.signal ? chalk.red(v) : v, W, true);
    });
    return `${pad(clip(chartName(c, L), nameW), nameW)} ${pad(pct(c.chart.center, 1).replace(' ', ''), 6, true)}${cells.join('')}`;
  });
  const flagged = charts.filter((c) => c.flagged.length > 0).map((c) => `${chartName(c, L)} ${c.flagged.join(', ')}`);
  lines.push(flagged.length ? chalk.red(`${tr(L, '异常月份：', 'flagged: ')}${flagged.join('; ')}`) : chalk.dim(tr(L, '异常月份：无', 'flagged: none')));
  return [chalk.dim(head), ...lines, chalk.dim(LEGEND(L))].join('\n');
}

export function renderPeopleTable(p: PeopleSections, L: Lang, chalk: ChalkInstance): string {
  const out: string[] = ['', chalk.bold(tr(L, '申诉与改判（按审核人）', 'Disputes and overturns per auditor'))];
  out.push(p.disputes_by_auditor.length ? renderTable({ chalk, head: disputeHead(L), right: [1, 2, 3, 4, 5, 6, 7], rows: disputeRows(p) }) : chalk.dim(tr(L, '本月没有审核答案。', 'No answers on this month’s items.')));
  out.push('', chalk.bold(tr(L, `控制图：${p.control_charts.months[0]} – ${p.control_charts.months.at(-1)}`, `Control charts: ${p.control_charts.months[0]} – ${p.control_charts.months.at(-1)}`)));
  out.push(renderControlGrid(p, L, chalk));
  return out.join('\n');
}

export function renderPeopleMarkdown(p: PeopleSections, L: Lang): string {
  const out: string[] = [`## ${tr(L, '申诉与改判（按审核人）', 'Disputes and overturns per auditor')}`, ''];
  out.push(p.disputes_by_auditor.length ? mdTable(disputeHead(L), disputeRows(p)) : tr(L, '本月没有审核答案。', 'No answers on this month’s items.'), '');
  out.push(`## ${tr(L, '控制图', 'Control charts')} (${p.control_charts.months[0]} – ${p.control_charts.months.at(-1)})`, '', LEGEND(L), '');
  if (p.control_charts.charts.length) {
    out.push(
      mdTable(
        [tr(L, '图', 'Chart'), 'p̄', ...p.control_charts.months.map((m) => m.slice(2)), tr(L, '异常月份', 'Flagged')],
        p.control_charts.charts.map((c) => [
          chartName(c, L),
          pct(c.chart.center),
          ...c.chart.points.map((pt) => (pt.p === null ? '·' : `${(pt.p * 100).toFixed(0)}% (${pt.d}/${pt.n})${pt.signal === 'above' ? ' ▲' : pt.signal === 'below' ? ' ▼' : ''}`)),
          c.flagged.join(', ') || '—',
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** One p-chart as inline SVG: points with their values, the centre line, the per-month limits as steps, months labelled. */
export function pChartSvg(c: ControlChart, L: Lang): string {
  const pts = c.chart.points;
  const W = 640;
  const H = 170;
  const left = 40;
  const right = 12;
  const top = 16;
  const bottom = 30;
  const top1 = Math.max(0.05, ...pts.map((p) => Math.max(p.p ?? 0, p.ucl ?? 0)));
  const yMax = Math.min(1, Math.ceil(top1 * 10 + 0.5) / 10);
  const step = (W - left - right) / pts.length;
  const x = (i: number): number => left + step * (i + 0.5);
  const y = (v: number): number => top + (H - top - bottom) * (1 - v / yMax);
  const parts: string[] = [];
  parts.push(`<line x1="${left}" y1="${y(0)}" x2="${W - right}" y2="${y(0)}" stroke="#d0d7de"/>`);
  for (const v of [yMax / 2, yMax]) {
    parts.push(`<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${W - right}" y2="${y(v).toFixed(1)}" stroke="#eef1f4"/><text x="${left - 4}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#656d76">${Math.round(v * 100)}%</text>`);
  }
  parts.push(`<text x="${left - 4}" y="${y(0) + 3}" text-anchor="end" font-size="9" fill="#656d76">0%</text>`);
  if (c.chart.center !== null) {
    parts.push(`<line x1="${left}" y1="${y(c.chart.center).toFixed(1)}" x2="${W - right}" y2="${y(c.chart.center).toFixed(1)}" stroke="#1a7f37" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${W - right}" y="${(y(c.chart.center) - 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#1a7f37">p̄ ${pct(c.chart.center)}</text>`);
  }
  pts.forEach((p, i) => {
    const x0 = (left + step * i).toFixed(1);
    const x1 = (left + step * (i + 1)).toFixed(1);
    if (p.ucl !== null) parts.push(`<line x1="${x0}" y1="${y(p.ucl).toFixed(1)}" x2="${x1}" y2="${y(p.ucl).toFixed(1)}" stroke="#cf222e" stroke-width="1"/>`);
    if (p.lcl !== null && p.lcl > 0) parts.push(`<line x1="${x0}" y1="${y(p.lcl).toFixed(1)}" x2="${x1}" y2="${y(p.lcl).toFixed(1)}" stroke="#cf222e" stroke-width="1"/>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 16}" text-anchor="middle" font-size="9" fill="#656d76">${esc(p.label)}</text>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 5}" text-anchor="middle" font-size="8" fill="#656d76">n=${p.n}</text>`);
  });
  const line = pts
    .map((p, i) => (p.p === null ? null : `${x(i).toFixed(1)},${y(p.p).toFixed(1)}`))
    .filter((s): s is string => s !== null);
  if (line.length > 1) parts.push(`<polyline points="${line.join(' ')}" fill="none" stroke="#0969da" stroke-width="1.2"/>`);
  pts.forEach((p, i) => {
    if (p.p === null) return;
    const colour = p.signal ? '#cf222e' : '#0969da';
    parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(p.p).toFixed(1)}" r="${p.signal ? 4 : 3}" fill="${colour}"><title>${esc(`${p.label}: ${p.d}/${p.n} = ${pct(p.p)}; UCL ${pct(p.ucl)}, LCL ${pct(p.lcl)}`)}</title></circle>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${(y(p.p) - 6).toFixed(1)}" text-anchor="middle" font-size="9" fill="${colour}">${(p.p * 100).toFixed(1)}%${p.signal === 'above' ? ' ▲' : p.signal === 'below' ? ' ▼' : ''}</text>`);
  });
  const label = `${chartName(c, L)}: ${tr(L, '每月不通过比例', 'monthly fail proportion')}`;
  return `<svg class="pchart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>`;
}

export function renderPeopleHtml(p: PeopleSections, L: Lang): string {
  const out: string[] = [`<h2>${esc(tr(L, '申诉与改判（按审核人）', 'Disputes and overturns per auditor'))}</h2>`];
  out.push(p.disputes_by_auditor.length ? htmlTable(disputeHead(L), disputeRows(p)) : `<p class="na">${esc(tr(L, '本月没有审核答案。', 'No answers on this month’s items.'))}</p>`);
  out.push(`<h2>${esc(tr(L, '控制图', 'Control charts'))} (${esc(p.control_charts.months[0])} – ${esc(p.control_charts.months.at(-1))})</h2>`, `<p class="meta">${esc(LEGEND(L))}</p>`);
  for (const c of p.control_charts.charts) {
    out.push(
      `<h3 style="font-size:13px;margin:10px 0 2px">${esc(chartName(c, L))} · p̄ ${esc(pct(c.chart.center))} · ${esc(c.flagged.length ? tr(L, `异常：${c.flagged.join(', ')}`, `flagged: ${c.flagged.join(', ')}`) : tr(L, '无异常月份', 'no month outside the limits'))}</h3>`,
      pChartSvg(c, L),
    );
  }
  if (p.control_charts.charts.length === 0) out.push(`<p class="na">${esc(tr(L, '近 12 个月没有已完成的审核。', 'No finished reviews in the last 12 months.'))}</p>`);
  return out.join('\n');
}

// ------------------------------------------------------------- scorecards

const NO_REVIEWS = (L: Lang): string => tr(L, '无审核', 'no reviews');

function withMedian(value: string, med: string): string {
  return `${value} (${med})`;
}

/** Whole percent without a space, for the narrow terminal cells. */
const p0 = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);

function rateCell(p: ScorecardPerson, key: 'pass_rate' | 'qa_score', L: Lang): string {
  if (p.reviews.status === 'no reviews') return `${NO_REVIEWS(L)} (${p0(p.department_median[key])})`;
  return withMedian(p0(p.reviews[key]), p0(p.department_median[key]));
}

function kpiCell(p: ScorecardPerson, key: 'consult_response_on_time' | 'delivery_on_time' | 'repair_response_on_time'): string {
  const k = p.kpis[key];
  return k.denominator ? `${p0(k.value)} n=${k.denominator} (${p0(p.department_median[key])})` : `— (${p0(p.department_median[key])})`;
}

const countCell = (p: ScorecardPerson, v: number, key: MedianKey): string => withMedian(String(v), num(p.department_median[key]));

function periodTitle(s: Scorecard, L: Lang): string {
  return tr(L, `员工考核记分卡 ${s.period.label}（${s.period.from} – ${s.period.to}）`, `Staff scorecards ${s.period.label} (${s.period.from} – ${s.period.to})`);
}

export function renderScorecardTable(s: Scorecard, L: Lang, chalk: ChalkInstance): string {
  const out: string[] = [chalk.bold(periodTitle(s, L)), chalk.dim(tr(L, '括号内为所在部门中位数；不通过按类别：服务规范/流程合规/服务结果/信息保护。', 'In brackets: the department median. Fails by category: conduct/process/result/privacy.'))];
  if (s.unreviewed_note) out.push(chalk.yellow(s.unreviewed_note));
  if (s.people.length === 0) return `${out.join('\n')}\n${tr(L, '该期间没有符合条件的员工。', 'Nobody matches in this period.')}\n`;
  const who = (p: ScorecardPerson): string => `${p.person}${p.roles.includes('agent') && !p.roles.includes('staff') ? tr(L, '（坐席）', ' (agent)') : ''}`;
  out.push(
    '',
    chalk.bold(tr(L, '审核结果', 'Review results')),
    renderTable({
      chalk,
      head: [tr(L, '员工', 'person'), tr(L, '部门', 'dept'), tr(L, '已审', 'reviewed'), tr(L, '合格率', 'pass rate'), tr(L, 'QA 得分', 'QA score'), tr(L, '不通过 规/流/果/信', 'fails c/p/r/i'), tr(L, '申诉/改判', 'disp./overt.')],
      right: [2, 3, 4],
      rows: s.people.map((p) => [
        who(p),
        p.department ?? '—',
        countCell(p, p.reviews.reviewed, 'reviewed'),
        p.reviews.status === 'no reviews' ? chalk.dim(rateCell(p, 'pass_rate', L)) : rateCell(p, 'pass_rate', L),
        p.reviews.status === 'no reviews' ? chalk.dim(rateCell(p, 'qa_score', L)) : rateCell(p, 'qa_score', L),
        p.reviews.status === 'no reviews' ? chalk.dim('—') : `${p.reviews.fails_by_category.conduct}/${p.reviews.fails_by_category.process}/${p.reviews.fails_by_category.result}/${p.reviews.fails_by_category.privacy} (${num(p.department_median.failed_checks)})`,
        `${p.disputes.opened}/${p.disputes.overturned}`,
      ]),
    }),
    '',
    chalk.bold(tr(L, '自身记录、投诉与整改', 'Own records, complaints and rectifications')),
    renderTable({
      chalk,
      head: [tr(L, '员工', 'person'), tr(L, '记录/通话', 'records/calls'), tr(L, '咨询响应', 'consult resp.'), tr(L, '准时交付', 'delivery'), tr(L, '维修响应', 'repair resp.'), tr(L, '投诉', 'complaints'), tr(L, '整改/逾期', 'rect./overdue')],
      right: [1, 5, 6],
      rows: s.people.map((p) => [
        who(p),
        `${p.records}/${p.calls}`,
        kpiCell(p, 'consult_response_on_time'),
        kpiCell(p, 'delivery_on_time'),
        kpiCell(p, 'repair_response_on_time'),
        countCell(p, p.complaints, 'complaints'),
        `${p.rectifications.owned}/${p.rectifications.overdue > 0 ? chalk.red(String(p.rectifications.overdue)) : '0'} (${num(p.department_median.rectifications_owned)}/${num(p.department_median.rectifications_overdue)})`,
      ]),
    }),
  );
  return `${out.join('\n')}\n`;
}

const CSV_HEAD = [
  'person',
  'department',
  'roles',
  'records',
  'calls',
  'reviews',
  'reviewed',
  'passed',
  'in_progress',
  'pass_rate',
  'qa_score',
  'failed_checks',
  'fails_conduct',
  'fails_process',
  'fails_result',
  'fails_privacy',
  'complaints',
  'consult_response_on_time',
  'consult_n',
  'delivery_on_time',
  'delivery_n',
  'repair_response_on_time',
  'repair_n',
  'rectifications_owned',
  'rectifications_overdue',
  'disputes',
  'disputes_upheld',
  'disputes_overturned',
  ...MEDIAN_KEYS.map((k) => `dept_median_${k}`),
];

const CSV_ZH: Record<string, string> = {
  person: '员工',
  department: '部门',
  roles: '角色',
  records: '记录数',
  calls: '通话数',
  reviews: '审核状态',
  reviewed: '已审',
  passed: '通过',
  in_progress: '审核中',
  pass_rate: '合格率',
  qa_score: 'QA得分',
  failed_checks: '不通过项',
  fails_conduct: '不通过_服务规范',
  fails_process: '不通过_流程合规',
  fails_result: '不通过_服务结果',
  fails_privacy: '不通过_信息保护',
  complaints: '投诉',
  consult_response_on_time: '咨询响应及时率',
  consult_n: '咨询响应_分母',
  delivery_on_time: '准时交付率',
  delivery_n: '准时交付_分母',
  repair_response_on_time: '维修响应及时率',
  repair_n: '维修响应_分母',
  rectifications_owned: '负责整改',
  rectifications_overdue: '逾期整改',
  disputes: '申诉',
  disputes_upheld: '申诉_维持',
  disputes_overturned: '申诉_改判',
};

/** One row per person; a person without reviews says "no reviews" where a rate would be. Headers in the language. */
export function renderScorecardCsv(s: Scorecard, L: Lang = 'en'): string {
  const head = L === 'zh' ? CSV_HEAD.map((h) => (h.startsWith('dept_median_') ? `部门中位数_${CSV_ZH[h.slice(12)] || h.slice(12)}` : (CSV_ZH[h] ?? h))) : CSV_HEAD;
  return toExcelCsv(
    head,
    s.people.map((p) => {
      const none = p.reviews.status === 'no reviews';
      return [
        p.person,
        p.department,
        p.roles.join('+'),
        p.records,
        p.calls,
        p.reviews.status,
        p.reviews.reviewed,
        p.reviews.passed,
        p.reviews.in_progress,
        none ? NO_REVIEWS(L) : p.reviews.pass_rate,
        none ? NO_REVIEWS(L) : p.reviews.qa_score,
        none ? '' : p.reviews.failed_checks,
        none ? '' : p.reviews.fails_by_category.conduct,
        none ? '' : p.reviews.fails_by_category.process,
        none ? '' : p.reviews.fails_by_category.result,
        none ? '' : p.reviews.fails_by_category.privacy,
        p.complaints,
        p.kpis.consult_response_on_time.value,
        p.kpis.consult_response_on_time.denominator,
        p.kpis.delivery_on_time.value,
        p.kpis.delivery_on_time.denominator,
        p.kpis.repair_response_on_time.value,
        p.kpis.repair_response_on_time.denominator,
        p.rectifications.owned,
        p.rectifications.overdue,
        p.disputes.opened,
        p.disputes.upheld,
        p.disputes.overturned,
        ...MEDIAN_KEYS.map((k) => p.department_median[k]),
      ];
    }),
  );
}

export function renderScorecardHtml(s: Scorecard, L: Lang): string {
  const med = (v: string): string => `<br><span class="med">${esc(tr(L, `部门中位数 ${v}`, `dept median ${v}`))}</span>`;
  const rate = (p: ScorecardPerson, key: 'pass_rate' | 'qa_score'): { html: string } =>
    p.reviews.status === 'no reviews' ? { html: `<span class="na">${esc(NO_REVIEWS(L))}</span>${med(pct(p.department_median[key]))}` } : { html: `${esc(pct(p.reviews[key]))}${med(pct(p.department_median[key]))}` };
  const kpi = (p: ScorecardPerson, key: 'consult_response_on_time' | 'delivery_on_time' | 'repair_response_on_time'): { html: string } => {
    const k = p.kpis[key];
    return { html: `${esc(k.denominator ? `${pct(k.value)} (${k.numerator}/${k.denominator})` : '—')}${med(pct(p.department_median[key]))}` };
  };
  const count = (v: number, m: number | null): { html: string } => ({ html: `${v}${med(num(m))}` });
  const rows = s.people.map((p) => [
    p.person,
    p.department ?? '—',
    count(p.reviews.reviewed, p.department_median.reviewed),
    rate(p, 'pass_rate'),
    rate(p, 'qa_score'),
    { html: p.reviews.status === 'no reviews' ? '—' : esc(`${p.reviews.fails_by_category.conduct} / ${p.reviews.fails_by_category.process} / ${p.reviews.fails_by_category.result} / ${p.reviews.fails_by_category.privacy}`) },
    count(p.complaints, p.department_median.complaints),
    kpi(p, 'consult_response_on_time'),
    kpi(p, 'delivery_on_time'),
    kpi(p, 'repair_response_on_time'),
    { html: `${p.rectifications.owned} / ${p.rectifications.overdue > 0 ? `<span class="missed">${p.rectifications.overdue}</span>` : '0'}${med(`${num(p.department_median.rectifications_owned)} / ${num(p.department_median.rectifications_overdue)}`)}` },
    `${p.disputes.opened} / ${p.disputes.overturned}`,
  ]);
  const head = [
    tr(L, '员工', 'Person'),
    tr(L, '部门', 'Department'),
    tr(L, '已审', 'Reviewed'),
    tr(L, '合格率', 'Pass rate'),
    tr(L, 'QA 得分', 'QA score'),
    tr(L, '不通过（规范/流程/结果/信息）', 'Fails (conduct/process/result/privacy)'),
    tr(L, '投诉', 'Complaints'),
    tr(L, '咨询响应', 'Consult response'),
    tr(L, '准时交付', 'Delivery on time'),
    tr(L, '维修响应', 'Repair response'),
    tr(L, '整改 / 逾期', 'Rectifications / overdue'),
    tr(L, '申诉 / 改判', 'Disputes / overturned'),
  ];
  return `<!doctype html>
<html lang="${L === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(periodTitle(s, L))}</title><style>
  body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; margin: 24px; font-size: 13px; }
  h1 { font-size: 20px; } table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; } .med { color: #656d76; font-size: 11px; } .na { color: #656d76; font-style: italic; } .missed { color: #cf222e; font-weight: 600; }
  .warning { border: 1px solid #d4a72c; background: #fff8c5; padding: 8px 10px; }
  @page { size: A4 landscape; margin: 12mm; }
</style></head>
<body>
<h1>${esc(periodTitle(s, L))}</h1>
<p class="med">${esc(tr(L, `生成于 ${s.generated_at}；审核数据取自审核人当时看到的快照`, `Generated ${s.generated_at}; review figures from the snapshots the auditors saw`))}</p>
${s.unreviewed_note ? `<p class="warning">${esc(s.unreviewed_note)}</p>` : ''}
${rows.length ? htmlTable(head, rows) : `<p>${esc(tr(L, '该期间没有符合条件的员工。', 'Nobody matches in this period.'))}</p>`}
</body></html>
`;
}

// ----------------------------------------------------------------- disputes

export function renderDisputes(rows: DisputeView[], zone: Zone, L: Lang, chalk: ChalkInstance, unmask = false): string {
  const m = (v: string | null): string => (v === null ? '' : unmask ? v : maskPhonesInText(v));
  if (rows.length === 0) return tr(L, '没有申诉。\n', 'No disputes.\n');
  return `${renderTable({
    chalk,
    head: [tr(L, '编号', 'id'), tr(L, '状态', 'state'), tr(L, '项目', 'item'), tr(L, '检查项', 'check'), tr(L, '审核人', 'auditor'), tr(L, '申诉人', 'by'), tr(L, '申诉时间', 'opened'), tr(L, '理由', 'reason'), tr(L, '裁决', 'decision')],
    right: [0],
    rows: rows.map((d) => [
      d.id,
      d.state === 'open' ? chalk.yellow(disputeState(d.state, L)) : d.state === 'overturned' ? chalk.green(disputeState(d.state, L)) : disputeState(d.state, L),
      d.item_id,
      d.check_code,
      d.answer_auditor,
      d.opened_by,
      zone.format(d.opened_at),
      clip(m(d.reason), 40),
      d.decided_by ? clip(`${d.decided_by}: ${m(d.decision_note)}`, 40) : '',
    ]),
  })}\n`;
}

export function disputeState(s: string, L: Lang): string {
  return ({ open: tr(L, '待裁决', 'open'), upheld: tr(L, '维持', 'upheld'), overturned: tr(L, '改判', 'overturned') } as Record<string, string>)[s] ?? s;
}

// -------------------------------------------------------------- calibration

export function renderCalibrationReport(r: CalibrationReport, L: Lang, chalk: ChalkInstance): string {
  const out: string[] = [
    chalk.bold(tr(L, `校准 #${r.id}：${r.items.length} 个项目，${r.auditors.length} 名审核人（${r.auditors.join(', ')}）`, `Calibration #${r.id}: ${r.items.length} items, ${r.auditors.length} auditors (${r.auditors.join(', ')})`)),
    chalk.dim(`${tr(L, '种子', 'seed')} ${r.seed}${r.kind ? ` · ${tr(L, '类型', 'kind')} ${r.kind}` : ''} · ${r.items.map((i) => i.item_id).join(', ')}`),
  ];
  out.push(
    renderTable({
      chalk,
      head: [tr(L, '审核人', 'auditor'), tr(L, '已答', 'answered'), tr(L, '应答', 'of')],
      right: [1, 2],
      rows: r.progress.map((p) => [p.auditor, p.answered >= p.total ? chalk.green(String(p.answered)) : String(p.answered), p.total]),
    }),
  );
  const a = r.agreement;
  if (!a) {
    out.push(chalk.yellow(tr(L, '尚未全部作答：结果在所有审核人答完所有检查项后才显示（盲审）。', 'Not everyone has answered yet: the results show once every auditor has answered every check (blind).')));
    return `${out.join('\n')}\n`;
  }
  const method = a.method === 'cohen' ? "Cohen's kappa" : "Fleiss' kappa";
  out.push(
    '',
    chalk.bold(`${method} = ${kappaText(a.kappa)}`) +
      tr(L, `（观测一致 ${pct(a.observed)}，随机一致 ${pct(a.expected)}；${a.subjects} 个项目×检查项，完全一致 ${a.unanimous}）`, ` (observed agreement ${pct(a.observed)}, by chance ${pct(a.expected)}; ${a.subjects} item × check answers, ${a.unanimous} unanimous)`),
    '',
    renderTable({
      chalk,
      head: [tr(L, '检查项', 'check'), tr(L, '项目', 'items'), tr(L, '完全一致', 'unanimous'), tr(L, '一致率', 'agreement'), 'kappa', tr(L, '多数判不通过', 'majority fail')],
      right: [1, 2, 3, 4, 5],
      rows: a.by_check.map((c) => [c.check, c.items, c.unanimous, pct(c.agreement), kappaText(c.kappa), c.majority_fail]),
    }),
    '',
    renderTable({
      chalk,
      head: [tr(L, '审核人', 'auditor'), tr(L, '通过', 'pass'), tr(L, '不通过', 'fail'), tr(L, '不适用', 'n.a.'), tr(L, '有多数意见', 'with a majority'), tr(L, '偏离多数', 'deviations'), tr(L, '偏离率', 'deviation rate')],
      right: [1, 2, 3, 4, 5, 6],
      rows: a.by_auditor.map((x) => [x.auditor, x.pass, x.fail, x.na, x.compared, x.deviations, pct(x.deviation_rate)]),
    }),
  );
  if (a.disagreements.length) {
    out.push(
      '',
      chalk.bold(tr(L, '意见不一致之处', 'Where the auditors differed')),
      renderTable({ chalk, head: [tr(L, '项目', 'item'), tr(L, '检查项', 'check'), ...r.auditors], rows: a.disagreements.slice(0, 30).map((d) => [d.item_id, d.check, ...r.auditors.map((au) => d.answers[au] ?? '')]) }),
    );
    if (a.disagreements.length > 30) out.push(chalk.dim(tr(L, `另有 ${a.disagreements.length - 30} 处（见 --json）`, `${a.disagreements.length - 30} more (see --json)`)));
  }
  return `${out.join('\n')}\n`;
}
