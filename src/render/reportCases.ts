/**
 * The SPEC §6 report sections (complaint analysis, survey questions) in the
 * terminal, Markdown and HTML formats. Each renderer of render/report.ts
 * calls one function here, so the sections stay apart from the rest.
 */
import type { ChalkInstance } from 'chalk';
import type { Report } from '../app/report.js';
import { SURVEY_QUESTIONS } from '../core/kinds.js';
import { tr, type Lang } from '../i18n.js';
import { renderTable } from './term.js';

type Section = { title: string; lines: string[]; tables: { head: string[]; rows: (string | number)[][]; right: number[] }[] };

const QUESTION = new Map(SURVEY_QUESTIONS.map((q) => [q.id, q]));

function change(cur: number, prev: number): string {
  const d = cur - prev;
  return d === 0 ? '±0' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`;
}

function qValue(kind: 'share' | 'mean', v: number | null): string {
  if (v === null) return '—';
  return kind === 'share' ? `${(v * 100).toFixed(1)} %` : v.toFixed(2);
}

function qChange(kind: 'share' | 'mean', v: number | null, p: number | null): string {
  if (v === null || p === null) return '—';
  if (kind === 'share') {
    const pp = (v - p) * 100;
    return Math.abs(pp) < 0.05 ? '±0.0 pp' : `${pp > 0 ? '+' : '−'}${Math.abs(pp).toFixed(1)} pp`;
  }
  const d = v - p;
  return Math.abs(d) < 0.005 ? '±0.00' : `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`;
}

/** The two sections as plain data: a title, summary lines and tables (shared by every format). */
export function caseSections(r: Report, L: Lang): Section[] {
  const c = r.complaints;
  const counts = (label: string, rows: { key: string; count: number; previous: number }[]) => ({
    head: [label, tr(L, '本月', 'this month'), tr(L, '上月', 'previous'), tr(L, '变化', 'change')],
    right: [1, 2, 3],
    rows: rows.map((x) => [x.key, x.count, x.previous, change(x.count, x.previous)]),
  });
  const complaints: Section = {
    title: tr(L, '投诉分析', 'Complaint analysis'),
    lines: [
      tr(
        L,
        `本月受理 ${c.received} 件（上月 ${c.previous}，${change(c.received, c.previous)}），其中重大 ${c.major} 件；核查成立 ${c.founded}，不成立 ${c.unfounded}，未核查 ${c.unverified}（上月 成立 ${c.previous_founded}，不成立 ${c.previous_unfounded}，未核查 ${c.previous_unverified}）。`,
        `${c.received} complaints received (previous month ${c.previous}, ${change(c.received, c.previous)}), ${c.major} of them major; founded ${c.founded}, unfounded ${c.unfounded}, not verified yet ${c.unverified} (previous month: founded ${c.previous_founded}, unfounded ${c.previous_unfounded}, not verified ${c.previous_unverified}).`,
      ),
      c.repeat_complainants.length
        ? tr(L, `重复投诉客户（90 天内 2 次及以上）：`, `Repeat complainants (2+ complaints within 90 days): `) +
          c.repeat_complainants.map((x) => `${x.customer_id} (${x.complaints.join(', ')})`).join('; ')
        : tr(L, '没有重复投诉客户（90 天内）。', 'No repeat complainants (within 90 days).'),
    ],
    tables: c.received + c.previous > 0 ? [counts(tr(L, '类别', 'category'), c.by_category), counts(tr(L, '部门', 'department'), c.by_department), counts(tr(L, '涉及员工', 'staff'), c.by_staff)] : [],
  };
  const s = r.surveys;
  const surveys: Section = {
    title: tr(L, '回访问题', 'Survey questions'),
    lines: [
      tr(
        L,
        `本月回访 ${s.surveys} 份（上月 ${s.previous}）；因隐藏收费或整体评分 ≤ 2 本月新开跟进整改 ${s.follow_ups_opened} 项。`,
        `${s.surveys} surveys this month (previous month ${s.previous}); ${s.follow_ups_opened} follow-up rectifications opened this month for a hidden fee or an overall score <= 2.`,
      ),
    ],
    tables: [
      {
        head: [tr(L, '问题', 'question'), tr(L, '本月', 'this month'), tr(L, '回答数', 'answers'), tr(L, '上月', 'previous'), tr(L, '变化', 'change')],
        right: [1, 2, 3, 4],
        rows: s.questions.map((q) => {
          const d = QUESTION.get(q.id);
          const name = d ? tr(L, d.zh, d.en) : q.id;
          const unit = q.kind === 'share' ? tr(L, '（是的比例）', ' (share yes)') : tr(L, '（平均分 1–5）', ' (mean 1–5)');
          return [name + unit, qValue(q.kind, q.value), q.n, qValue(q.kind, q.previous), qChange(q.kind, q.value, q.previous)];
        }),
      },
    ],
  };
  return [complaints, surveys];
}

export function renderCasesTable(r: Report, L: Lang, chalk: ChalkInstance): string[] {
  const out: string[] = [];
  for (const s of caseSections(r, L)) {
    out.push('', chalk.bold(s.title), ...s.lines);
    for (const t of s.tables) if (t.rows.length) out.push(renderTable({ chalk, head: t.head, right: t.right, rows: t.rows }));
  }
  return out;
}

export function renderCasesMarkdown(r: Report, L: Lang, mdTable: (head: string[], rows: unknown[][]) => string): string[] {
  const out: string[] = [];
  for (const s of caseSections(r, L)) {
    out.push(`## ${s.title}`, '', ...s.lines.flatMap((l) => [l, '']));
    for (const t of s.tables) if (t.rows.length) out.push(mdTable(t.head, t.rows), '');
  }
  return out;
}

export function renderCasesHtml(r: Report, L: Lang, esc: (s: unknown) => string, htmlTable: (head: string[], rows: unknown[][]) => string): string[] {
  const out: string[] = [];
  for (const s of caseSections(r, L)) {
    out.push(`<h2>${esc(s.title)}</h2>`, ...s.lines.map((l) => `<p>${esc(l)}</p>`));
    for (const t of s.tables) if (t.rows.length) out.push(htmlTable(t.head, t.rows));
  }
  return out;
}
