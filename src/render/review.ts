/**
 * Human output for reviews, findings, checklists, rectifications and the audit log.
 */
import type { ChalkInstance } from 'chalk';
import type { ReviewState } from '../app/review.js';
import type { Check, ChecklistKind } from '../core/checklists.js';
import { RECORD_TYPE_LABELS, type RecordType } from '../core/kinds.js';
import { maskPhone } from '../core/mask.js';
import { overdueDays, STATE_LABELS } from '../core/rectification.js';
import type { Zone } from '../core/time.js';
import type { AuditEntry } from '../db/audit.js';
import type { RectificationView, StepRow } from '../db/review.js';
import { tr, type Lang } from '../i18n.js';
import { renderPairs, renderTable } from './term.js';

const yesNo = (v: unknown, L: Lang): string => (v === 1 ? tr(L, '是', 'yes') : v === 0 ? tr(L, '否', 'no') : '');

/**
 * The item as the auditor needs to see it. The phone column is masked here
 * (maskPhone also hides a value that is not phone-shaped); phones in notes,
 * status, extras and recording_ref are masked by the output guard.
 */
export function renderItem(st: ReviewState, zone: Zone, L: Lang, unmask: boolean, chalk: ChalkInstance): string {
  const r = st.item.row;
  const t = (v: unknown): string => (typeof v === 'number' ? zone.format(v) : '');
  const phone = (v: unknown): string => (typeof v === 'string' ? (unmask ? v : (maskPhone(v) ?? '')) : '');
  let pairs: [string, string | number][];
  if (st.item.kind === 'records') {
    const type = r.record_type as RecordType;
    pairs = [
      [tr(L, '记录', 'record'), `${st.item.id}  ${RECORD_TYPE_LABELS[type]?.zh ?? ''} ${type}`],
      [tr(L, '发生时间', 'occurred'), t(r.occurred_at)],
      [tr(L, '部门 / 员工', 'department / staff'), `${r.department ?? '—'} / ${r.staff_id ?? '—'}`],
      [tr(L, '客户', 'customer'), `${r.customer_id ?? '—'}  ${phone(r.customer_phone)}`],
      [tr(L, '渠道', 'channel'), `${r.channel ?? ''}${r.remote === 1 ? tr(L, '（偏远地区）', ' (remote area)') : ''}`],
    ];
    if (r.first_response_at !== null) pairs.push([tr(L, '首次响应', 'first response'), t(r.first_response_at)]);
    if (r.promised_at !== null) pairs.push([tr(L, '约定时间', 'promised'), t(r.promised_at)]);
    if (r.completed_at !== null) pairs.push([tr(L, '完成时间', 'completed'), t(r.completed_at)]);
    if (r.first_time_fix !== null) pairs.push([tr(L, '一次解决', 'first-time fix'), yesNo(r.first_time_fix, L)]);
    if (r.recommendation_fit !== null) pairs.push([tr(L, '推荐适配', 'recommendation fit'), yesNo(r.recommendation_fit, L)]);
    if (r.device_intact !== null) pairs.push([tr(L, '设备完好', 'device intact'), yesNo(r.device_intact, L)]);
    if (r.status) pairs.push([tr(L, '状态', 'status'), String(r.status)]);
    if (r.notes) pairs.push([tr(L, '备注', 'notes'), String(r.notes).replace(/\n/g, ' ⏎ ')]);
    if (r.extras) for (const [k, v] of Object.entries(JSON.parse(String(r.extras)) as Record<string, string>)) pairs.push([k, String(v)]);
  } else {
    const d = Number(r.duration_seconds);
    pairs = [
      [tr(L, '录音', 'call'), st.item.id],
      [tr(L, '开始时间', 'started'), t(r.started_at)],
      [tr(L, '坐席', 'agent'), String(r.agent_id)],
      [tr(L, '时长', 'duration'), `${Math.floor(d / 60)}:${String(d % 60).padStart(2, '0')}`],
      [tr(L, '方向 / 队列', 'direction / queue'), `${r.direction ?? '—'} / ${r.queue ?? '—'}`],
      [tr(L, '客户电话', 'phone'), phone(r.customer_phone)],
      [tr(L, '录音文件', 'recording'), String(r.recording_ref ?? '')],
    ];
  }
  const flags: string[] = [];
  if (!st.sampled) flags.push(chalk.yellow(tr(L, '不在抽样中', 'not in a sample')));
  if (st.changedAfterReview) flags.push(chalk.yellow(tr(L, '审核开始后记录被导入更新', 'changed by an import after the review started')));
  return `${renderPairs(pairs)}${flags.length ? `\n${flags.join(' · ')}` : ''}\n`;
}

export function checkText(c: Pick<Check, 'zh' | 'en'>, L: Lang): string {
  return L === 'zh' ? c.zh : c.en;
}

/** A finding's stored check text ("zh / en", as the auditor saw it) in the --lang. */
export function storedCheckText(stored: string, L: Lang): string {
  const i = stored.indexOf(' / ');
  if (i < 0) return stored;
  return L === 'zh' ? stored.slice(0, i) : stored.slice(i + 3);
}

const SEV: Record<string, { zh: string; en: string }> = {
  critical: { zh: '严重', en: 'critical' },
  major: { zh: '重要', en: 'major' },
  minor: { zh: '一般', en: 'minor' },
};
const CAT: Record<string, { zh: string; en: string }> = {
  conduct: { zh: '服务规范', en: 'conduct' },
  process: { zh: '流程合规', en: 'process' },
  result: { zh: '服务结果', en: 'result' },
  privacy: { zh: '信息保护', en: 'privacy' },
};
/**
 * A stored id in the --lang through `map`, or the id as stored when the map
 * has no such key. Own keys only: findings.category and .severity are plain
 * TEXT, and a stored `constructor` found Object.prototype's function here and
 * came out as an empty cell.
 */
export const label = (map: Readonly<Record<string, { zh: string; en: string }>>, key: string, L: Lang): string => {
  const l = Object.hasOwn(map, key) ? map[key] : undefined;
  return l ? tr(L, l.zh, l.en) : key;
};
const RESULT: Record<string, { zh: string; en: string }> = {
  pass: { zh: '通过', en: 'pass' },
  fail: { zh: '不通过', en: 'fail' },
  na: { zh: '不适用', en: 'n.a.' },
};
/** pass / fail / na in the --lang (通过 / 不通过 / 不适用). */
export const resultLabel = (s: string, L: Lang): string => label(RESULT, s, L);
export const severityLabel = (s: string, L: Lang): string => label(SEV, s, L);
export const categoryLabel = (s: string, L: Lang): string => label(CAT, s, L);
export const stateLabel = (s: string, L: Lang): string => label(STATE_LABELS as Record<string, { zh: string; en: string }>, s, L);

export function renderChecklists(lists: [ChecklistKind, Check[]][], L: Lang, chalk: ChalkInstance): string {
  return lists
    .map(([kind, checks]) => {
      const title =
        kind === 'call'
          ? tr(L, '热线录音 call', 'call')
          : kind === 'inspection'
            ? tr(L, '现场检查 inspection', 'inspection (on-site)')
            : `${tr(L, RECORD_TYPE_LABELS[kind as RecordType].zh + ' ', '')}${kind}`;
      return `${chalk.bold(title)}\n${renderTable({
        chalk,
        head: [tr(L, '代码', 'code'), tr(L, '类别', 'category'), tr(L, '严重度', 'severity'), tr(L, '检查项', 'check')],
        rows: checks.map((c) => [c.code, categoryLabel(c.category, L), severityLabel(c.severity, L), checkText(c, L)]),
      })}`;
    })
    .join('\n\n')
    .concat('\n');
}

export function renderRectificationList(rows: RectificationView[], today: string, L: Lang, chalk: ChalkInstance): string {
  if (rows.length === 0) return tr(L, '没有符合条件的整改项。\n', 'No rectifications match.\n');
  const table = renderTable({
    chalk,
    head: [tr(L, '编号', 'id'), tr(L, '状态', 'state'), tr(L, '期限', 'due'), tr(L, '逾期天数', 'overdue'), tr(L, '责任部门', 'department'), tr(L, '责任人', 'owner'), tr(L, '项目', 'item'), tr(L, '检查项', 'check'), tr(L, '严重度', 'severity')],
    right: [0, 3],
    // Narrow terminals: the check text is clipped; severity, then department give way.
    min: [undefined, 6, 10, undefined, 6, 6, Number.POSITIVE_INFINITY, 10, 4],
    drop: [8, 4],
    rows: rows.map((r) => {
      const od = overdueDays(r, today);
      return [r.id, stateLabel(r.state, L), r.due_date, od ? chalk.red(String(od)) : '', r.owner_department ?? '', r.owner_person ?? '', r.item_id, storedCheckText(r.check_text, L), severityLabel(r.severity, L)];
    }),
  });
  const overdue = rows.filter((r) => overdueDays(r, today) > 0).length;
  return `${table}\n${tr(L, `${rows.length} 项，逾期 ${overdue} 项`, `${rows.length} rectification${rows.length === 1 ? '' : 's'}, ${overdue} overdue`)}\n`;
}

/** One rectification and its history (texts as stored: phones are masked by the output guard, src/render/output.ts). */
export function renderRectification(r: RectificationView, steps: StepRow[], changedAfterReview: boolean, today: string, zone: Zone, L: Lang, chalk: ChalkInstance): string {
  const od = overdueDays(r, today);
  const m = (v: string | null): string => v ?? '';
  const pairs: [string, string | number][] = [
    [tr(L, '整改', 'rectification'), `#${r.id}  ${stateLabel(r.state, L)}${od ? chalk.red(tr(L, `（逾期 ${od} 天）`, ` (${od} days overdue)`)) : ''}`],
    [tr(L, "问题", "finding"), `${r.item_id} · ${r.check_code} · ${severityLabel(r.severity, L)} · ${storedCheckText(r.check_text, L)}`],
    [tr(L, '审核人 / 时间', 'found by / at'), `${r.auditor} · ${zone.format(r.found_at)}`],
    [tr(L, '问题说明', 'note'), m(r.finding_note)],
    [tr(L, '责任部门 / 责任人', 'owner'), `${r.owner_department ?? '—'} / ${r.owner_person ?? '—'}`],
    [tr(L, '整改期限', 'due'), r.due_date],
  ];
  if (r.cause) pairs.push([tr(L, '原因', 'cause'), m(r.cause)]);
  if (r.measures) pairs.push([tr(L, '措施', 'measures'), m(r.measures)]);
  if (r.evidence) pairs.push([tr(L, '整改证据', 'evidence'), m(r.evidence)]);
  if (r.verification) pairs.push([tr(L, '验证结果', 'verification'), m(r.verification)]);
  if (r.verified_by) pairs.push([tr(L, '验证人', 'verified by'), `${r.verified_by} · ${zone.format(r.verified_at!)}`]);
  const history = renderTable({
    chalk,
    head: [tr(L, '时间', 'when'), tr(L, '人员', 'who'), tr(L, '步骤', 'step'), tr(L, '内容', 'text'), tr(L, '期限', 'due')],
    rows: steps.map((s) => [zone.format(s.at), s.actor, `${s.from_state ? `${stateLabel(s.from_state, L)} → ` : ''}${stateLabel(s.to_state, L)}`, m(s.note), s.due_date ?? '']),
  });
  const flag = changedAfterReview ? `\n${chalk.yellow(tr(L, '注意：该记录在审核后被导入更新', 'note: the item was changed by an import after the review'))}` : '';
  return `${renderPairs(pairs)}${flag}\n${history}\n`;
}

/** The audit log as a table; the detail as stored, valid JSON or not (the output guard masks phones). */
export function renderAudit(rows: AuditEntry[], zone: Zone, L: Lang, chalk: ChalkInstance): string {
  if (rows.length === 0) return tr(L, '审计日志中没有记录。\n', 'Nothing in the audit log for that period.\n');
  return `${renderTable({
    chalk,
    head: [tr(L, '编号', 'id'), tr(L, '时间', 'when'), tr(L, '人员', 'who'), tr(L, '操作', 'action'), tr(L, '对象', 'entity'), tr(L, '内容', 'detail'), tr(L, '系统用户', 'os user')],
    right: [0],
    // The detail (JSON) is what gets clipped; qa log --json has it whole.
    min: [undefined, 16, 6, 12, 9, 10, 6],
    // The os user gives way first on a narrow terminal (qa log --json has it).
    drop: [6],
    rows: rows.map((a) => [a.id, zone.format(a.at, true), a.actor, a.action, a.entity ? `${a.entity} ${a.entity_id ?? ''}` : '', a.detail ?? '', a.os_user ?? '']),
  })}\n`;
}
