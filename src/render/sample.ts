/**
 * Human output of `qa sample`, `qa sample list`, `qa sample verify`.
 */
import type { ChalkInstance } from 'chalk';
import type { SampleResult } from '../app/sample.js';
import type { VerifyResult } from '../app/verify.js';
import { RECORD_TYPE_LABELS, type RecordType } from '../core/kinds.js';
import type { Lang } from '../i18n.js';
import { tr } from '../i18n.js';
import { renderTable } from './term.js';

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

function typeLabel(t: string, lang: Lang): string {
  const l = RECORD_TYPE_LABELS[t as RecordType];
  return l ? (lang === 'zh' ? `${l.zh} ${t}` : t) : t;
}

export function renderSampleResult(r: SampleResult, pending: number, lang: Lang, chalk: ChalkInstance): string {
  const L = lang;
  const out: string[] = [];
  const rec = r.records;
  out.push(chalk.bold(tr(L, `${r.date} 抽样`, `Sample for ${r.date}`)));
  out.push(
    tr(
      L,
      `服务记录 ${rec.month}（${rec.until.slice(0, 16).replace('T', ' ')} 之前）：共 ${n(rec.population)} 条，已抽 ${n(rec.sampled)} 条（${pct(rec.coverage)}），本次新抽 ${n(rec.drawn.length)} 条`,
      `Records ${rec.month} (before ${rec.until.slice(0, 16).replace('T', ' ')}): ${n(rec.population)} in population, ${n(rec.sampled)} sampled (${pct(rec.coverage)}), ${n(rec.drawn.length)} drawn now`,
    ),
  );
  if (rec.strata.length > 0) {
    out.push(
      renderTable({
        chalk,
        head: [tr(L, '类型', 'type'), tr(L, '总数', 'population'), tr(L, '目标', 'target'), tr(L, '已抽', 'sampled'), tr(L, '本次', 'drawn now'), tr(L, '覆盖率', 'coverage')],
        right: [1, 2, 3, 4, 5],
        rows: rec.strata.map((s) => [typeLabel(s.record_type, L), n(s.population), n(s.target), n(s.sampled), n(s.drawn), pct(s.population ? s.sampled / s.population : null)]),
      }),
    );
  }
  if (r.calls.length === 0) {
    out.push(tr(L, '热线录音：没有需要新抽的完整周。', 'Calls: no complete week is waiting for a draw.'));
  }
  for (const c of r.calls) {
    const counts = c.agents.filter((a) => a.population > 0).map((a) => a.drawn);
    const lo = Math.min(...counts);
    const hi = Math.max(...counts);
    out.push(
      tr(
        L,
        `热线录音 ${c.week}：符合条件 ${n(c.population)} 条，抽取 ${n(c.drawn.length)} 条（${c.agents.length} 名坐席，每人 ${lo === hi ? lo : `${lo}–${hi}`} 条）`,
        `Calls ${c.week}: ${n(c.population)} eligible, ${n(c.drawn.length)} drawn (${c.agents.length} agents, ${lo === hi ? lo : `${lo}–${hi}`} each)`,
      ),
    );
  }
  out.push(
    tr(L, `待审核：${n(pending)} 项 —— qa sample list --pending`, `Worklist: ${n(pending)} item${pending === 1 ? '' : 's'} pending review — qa sample list --pending`),
  );
  const seed = r.seed.length > 12 ? `${r.seed.slice(0, 12)}…` : r.seed;
  out.push(
    chalk.dim(
      r.runs.length
        ? tr(L, `种子 ${seed} · 抽样批次 ${r.runs.join(', ')} · 核验：qa sample verify ${r.runs[0]}`, `seed ${seed} · runs ${r.runs.join(', ')} · check one with: qa sample verify ${r.runs[0]}`)
        : tr(L, `种子 ${seed} · 今天没有新的抽样`, `seed ${seed} · nothing new to draw today`),
    ),
  );
  return `${out.join('\n')}\n`;
}

export interface ShownItem {
  kind: string;
  item_id: string;
  period: string;
  stratum: string;
  run_id: number;
  at: string | null;
  department: string | null;
  staff_id: string | null;
  customer_phone: string | null;
  duration_seconds: number | null;
  status: string;
  answered: number;
  checks: number;
}

const STATUS_LABEL: Record<string, { zh: string; en: string }> = {
  pending: { zh: '待审', en: 'pending' },
  in_progress: { zh: '审核中', en: 'in progress' },
  passed: { zh: '通过', en: 'passed' },
  failed: { zh: '不通过', en: 'failed' },
};

/** `pendingTotal`: the items are the first of that many pending ones (after a run). */
export function renderWorklist(month: string, items: ShownItem[], lang: Lang, chalk: ChalkInstance, pendingOnly = false, pendingTotal?: number): string {
  const L = lang;
  if (items.length === 0) {
    return pendingOnly
      ? tr(L, `${month} 没有待审核的项目。\n`, `Nothing pending for ${month}.\n`)
      : tr(L, `${month} 没有抽样项目。\n`, `No sampled items for ${month}.\n`);
  }
  const table = renderTable({
    chalk,
    head: [tr(L, '编号', 'item'), tr(L, '类别', 'kind'), tr(L, '期间', 'period'), tr(L, '时间', 'when'), tr(L, '部门', 'department'), tr(L, '人员', 'staff/agent'), tr(L, '客户电话', 'phone'), tr(L, '批次', 'run'), tr(L, '状态', 'status')],
    right: [7],
    // Narrow terminals: ids, times and status stay whole; the run, the period and the phone give way.
    min: [Number.POSITIVE_INFINITY, 6, 8, 16, 6, 6, 11, undefined, 8],
    drop: [7, 2, 6],
    rows: items.map((i) => [
      i.item_id,
      i.kind === 'records' ? typeLabel(i.stratum, L) : tr(L, '录音', 'call'),
      i.period,
      i.at ? i.at.slice(0, 16).replace('T', ' ') : '',
      i.department ?? '',
      i.staff_id ?? '',
      i.customer_phone ?? '',
      i.run_id,
      `${tr(L, STATUS_LABEL[i.status]?.zh ?? i.status, STATUS_LABEL[i.status]?.en ?? i.status)}${i.status === 'in_progress' ? ` ${i.answered}/${i.checks}` : ''}`,
    ]),
  });
  if (pendingTotal !== undefined) {
    const more = pendingTotal - items.length;
    return `${table}\n${more > 0 ? tr(L, `另有 ${n(more)} 项待审 —— qa sample list --pending\n`, `… and ${n(more)} more pending — qa sample list --pending\n`) : ''}`;
  }
  const pending = items.filter((i) => i.status === 'pending' || i.status === 'in_progress').length;
  return `${table}\n${tr(L, `${items.length} 项，待审 ${pending} 项`, `${items.length} items, ${pending} pending`)}\n`;
}

export function renderVerify(v: VerifyResult, lang: Lang, chalk: ChalkInstance): string {
  const L = lang;
  const r = v.run;
  const out = [
    chalk.bold(
      tr(L, `抽样批次 ${r.id} · ${r.kind} ${r.period} · 日期 ${r.run_date} · 截至 ${r.until.slice(0, 16).replace('T', ' ')}`, `run ${r.id} · ${r.kind} ${r.period} · drawn ${r.run_date} · population before ${r.until.slice(0, 16).replace('T', ' ')}`),
    ),
    chalk.dim(`seed ${r.seed} · ${r.algorithm.split(':')[0]}`),
  ];
  for (const c of v.checks) out.push(`${c.ok ? chalk.green('✓') : chalk.red('✗')} ${c.detail}`);
  out.push(v.ok ? chalk.green(tr(L, '结果：一致', 'result: MATCH')) : chalk.red(tr(L, '结果：不一致', 'result: MISMATCH')));
  return `${out.join('\n')}\n`;
}
