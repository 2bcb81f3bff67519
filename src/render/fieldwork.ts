/**
 * The monthly report's SPEC §7 sections — on-site inspections, special
 * campaigns, partner quality files — for the terminal table, Markdown and
 * HTML (JSON carries them as they are). Strings only.
 */
import type { ChalkInstance } from 'chalk';
import type { Report } from '../app/report.js';
import { INSPECTION_TYPE_LABELS, type InspectionType } from '../core/inspection.js';
import { PARTNER_KIND_LABELS, RECOMMENDATION_LABELS, type PartnerKind, type Recommendation } from '../core/partner.js';
import type { PartnerFile } from '../app/partner.js';
import type { CampaignSummary } from '../app/campaign.js';
import { tr, type Lang } from '../i18n.js';
import { severityLabel } from './review.js';
import { clip, renderTable } from './term.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const typeLabel = (t: string, L: Lang): string => (INSPECTION_TYPE_LABELS[t as InspectionType] ? tr(L, INSPECTION_TYPE_LABELS[t as InspectionType].zh, INSPECTION_TYPE_LABELS[t as InspectionType].en) : t);
const kindLabel = (k: string | null, L: Lang): string => (k ? tr(L, PARTNER_KIND_LABELS[k as PartnerKind].zh, PARTNER_KIND_LABELS[k as PartnerKind].en) : tr(L, '未登记', 'not registered'));
const recLabel = (r: string | null, L: Lang): string => (r ? tr(L, RECOMMENDATION_LABELS[r as Recommendation].zh, RECOMMENDATION_LABELS[r as Recommendation].en) : '—');
const textPart = (text: string, L: Lang): string => {
  const [zh, en] = text.split(' / ');
  return L === 'zh' ? (zh ?? text) : (en ?? text);
};
const focusText = (c: CampaignSummary): string => c.focus.map((f) => `${f.field}=${f.value}`).join(' & ');

export interface Section {
  title: string;
  /** Sentences before the tables. */
  lines: string[];
  tables: { head: string[]; rows: (string | number)[][]; right?: number[] }[];
}

/** The three sections as plain data, rendered by each format the same way. */
export function fieldworkSections(r: Report, L: Lang): Section[] {
  const ins = r.inspections;
  const out: Section[] = [];
  out.push({
    title: tr(L, '现场检查', 'On-site inspections'),
    lines: [
      tr(L, `本月现场检查 ${ins.count} 次（要求至少 ${ins.target} 次）${ins.count >= ins.target ? '，达标。' : '，未达标。'}`, `${ins.count} on-site inspection${ins.count === 1 ? '' : 's'} this month (at least ${ins.target} required): ${ins.count >= ins.target ? 'met' : 'missed'}.`),
    ],
    tables: [
      ...(ins.list.length
        ? [
            {
              head: [tr(L, '编号', 'Id'), tr(L, '日期', 'Date'), tr(L, '类型', 'Type'), tr(L, '地点', 'Site'), tr(L, '检查人', 'Inspector'), tr(L, '部门', 'Department'), tr(L, '员工', 'Staff'), tr(L, '通过', 'Passed'), tr(L, '不通过', 'Failed'), tr(L, '整改', 'Rectifications')],
              rows: ins.list.map((i) => [i.id, i.date, typeLabel(i.type, L), i.site, i.inspector, i.department ?? '', i.staff ?? '', i.passed, i.failed, i.rectifications.map((x) => `#${x}`).join(' ')]),
              right: [7, 8],
            },
          ]
        : []),
      ...(ins.fails_by_check.length
        ? [{ head: [tr(L, '检查项', 'Check'), tr(L, '严重度', 'Severity'), tr(L, '不通过', 'Failed')], rows: ins.fails_by_check.map((f) => [`${f.check} · ${textPart(f.text, L)}`, severityLabel(f.severity, L), f.failed]), right: [2] }]
        : []),
    ],
  });
  out.push({
    title: tr(L, '专项监督（不计入随机抽查指标）', 'Special campaigns (not part of the random-sample figures)'),
    lines: r.campaigns.length ? [] : [tr(L, '本月没有专项监督。', 'No campaign this month.')],
    tables: r.campaigns.length
      ? [
          {
            head: [tr(L, '名称', 'Campaign'), tr(L, '期间', 'Dates'), tr(L, '重点', 'Focus'), tr(L, '范围内', 'In focus'), tr(L, '已抽', 'Drawn'), tr(L, '已审', 'Reviewed'), tr(L, '不通过', 'Failed'), tr(L, '合格率', 'Pass rate'), tr(L, '整改', 'Rectifications'), tr(L, '抽样核验', 'Draws verified')],
            rows: r.campaigns.map((c) => [c.name, `${c.from} – ${c.to}`, focusText(c), c.population, c.drawn, c.reviewed, c.failed, pct(c.pass_rate), c.rectifications.total, `${c.runs.filter((x) => x.verified).length}/${c.runs.length}`]),
            right: [3, 4, 5, 6, 7, 8],
          },
          ...r.campaigns
            .filter((c) => c.fails_by_check.length)
            .map((c) => ({ head: [`${c.name} · ${tr(L, '检查项', 'check')}`, tr(L, '严重度', 'Severity'), tr(L, '不通过', 'Failed')], rows: c.fails_by_check.map((f) => [`${f.check} · ${textPart(f.text, L)}`, severityLabel(f.severity, L), f.failed]), right: [2] })),
        ]
      : [],
  });
  const files = r.partners.files;
  const kpiCell = (f: PartnerFile, id: string): string => {
    const k = f.kpis.find((x) => x.id === id);
    if (!k || k.denominator === 0) return '—';
    return `${pct(k.value)}${k.met === false ? ' ✗' : k.met ? ' ✓' : ''}`;
  };
  out.push({
    title: tr(L, `合作方服务质量（${r.partners.month}，评估按季度 ${r.partners.quarter}）`, `Partners (${r.partners.month}; evaluated per quarter, ${r.partners.quarter})`),
    lines: files.length ? [] : [tr(L, '没有合作方数据（qa partner add，记录的合作方列）。', 'No partner data (qa partner add; the records\' partner column).')],
    tables: files.length
      ? [
          {
            head: [
              tr(L, '合作方', 'Partner'),
              tr(L, '类型', 'Kind'),
              tr(L, '记录', 'Records'),
              tr(L, '交付准时', 'Delivery on time'),
              tr(L, '维修响应', 'Repair response'),
              tr(L, '一次修复', 'First-time fix'),
              tr(L, '设备完好', 'Device intact'),
              tr(L, '投诉', 'Complaints'),
              tr(L, '审核不通过', 'Failed reviews'),
              tr(L, '本月评分', 'Rating (month)'),
              tr(L, '季度评估', 'Quarter evaluation'),
            ],
            rows: files.map((f) => [
              f.partner,
              kindLabel(f.kind, L),
              f.records,
              kpiCell(f, 'delivery_on_time'),
              kpiCell(f, 'repair_response_on_time'),
              kpiCell(f, 'first_time_fix_rate'),
              kpiCell(f, 'equipment_intact_rate'),
              f.complaints,
              `${f.failed_items}/${f.reviewed}`,
              f.rating === null ? '—' : `${f.rating} ${recLabel(f.recommendation, L)}`,
              f.evaluation ? `${f.evaluation.rating ?? '—'} ${recLabel(f.evaluation.recommendation, L)}${f.evaluation.rectification ? ` #${f.evaluation.rectification}` : ''}` : '—',
            ]),
            right: [2, 3, 4, 5, 6, 7, 8],
          },
        ]
      : [],
  });
  return out;
}

export function fieldworkTable(r: Report, L: Lang, chalk: ChalkInstance): string[] {
  const out: string[] = [];
  for (const s of fieldworkSections(r, L)) {
    out.push('', chalk.bold(s.title), ...s.lines);
    for (const t of s.tables) out.push(renderTable({ chalk, head: t.head, rows: t.rows.map((row) => row.map((c) => (typeof c === 'string' ? clip(c, 64) : c))), ...(t.right ? { right: t.right } : {}) }));
  }
  return out;
}

export function fieldworkMarkdown(r: Report, L: Lang, mdTable: (head: string[], rows: unknown[][]) => string): string[] {
  const out: string[] = [];
  for (const s of fieldworkSections(r, L)) {
    out.push(`## ${s.title}`, '');
    if (s.lines.length) out.push(...s.lines, '');
    for (const t of s.tables) out.push(mdTable(t.head, t.rows), '');
  }
  return out;
}

export function fieldworkHtml(r: Report, L: Lang, esc: (s: unknown) => string, htmlTable: (head: string[], rows: unknown[][]) => string): string[] {
  const out: string[] = [];
  for (const s of fieldworkSections(r, L)) {
    out.push(`<h2>${esc(s.title)}</h2>`, ...s.lines.map((l) => `<p>${esc(l)}</p>`));
    for (const t of s.tables) out.push(htmlTable(t.head, t.rows));
  }
  return out;
}
