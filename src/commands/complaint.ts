/**
 * `qa complaint verify|list|show` — complaint cases (SPEC §6; 000 §三(二) 投诉核查, 002 §三).
 */
import type { Context } from '../context.js';
import { verifyComplaint, type VerifyResult } from '../app/complaint.js';
import { currentUser } from '../core/actor.js';
import { maskPhonesInText } from '../core/mask.js';
import { complaintTimings } from '../core/kpis.js';
import { WorkCalendar } from '../core/calendar.js';
import { Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import { complaintById, listComplaints, surveysSince, verificationsOf, type ComplaintListRow, type VerificationRow } from '../db/cases.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { ReviewStore, type RectificationView } from '../db/review.js';
import { EXIT, UsageError } from '../errors.js';
import { tr, type Lang } from '../i18n.js';
import { stateLabel } from '../render/review.js';
import { makeChalk, renderPairs, renderTable } from '../render/term.js';
import { parseMonthOption } from './options.js';

/**
 * --unmask (SPEC §1): note the complaints whose texts hold a phone number;
 * the one audit entry per command (commands/unmask.ts) names them with the
 * number of phones the output guard let through.
 */
function logShown(ctx: Context, texts: readonly { id: string; text: string | null }[]): void {
  ctx.privacy.rows(
    texts.filter((t) => t.text !== null && maskPhonesInText(t.text) !== t.text),
    (t) => `complaint:${t.id}`,
  );
}

function open(ctx: Context) {
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  return { config, zone, db };
}

const iso = (zone: Zone, t: number | null): string | null => (t === null ? null : zone.iso(t));

function verificationJson(v: VerificationRow, zone: Zone, m: (s: string | null) => string | null) {
  return {
    id: v.id,
    founded: v.founded === 1,
    cause: m(v.cause),
    responsible_department: v.responsible_department,
    responsible_person: v.responsible_person,
    verified_by: v.verified_by,
    verified_at: zone.iso(v.verified_at),
    amends: v.amends,
    reason: m(v.reason),
  };
}

function rectJson(r: RectificationView | null) {
  return r ? { id: r.id, state: r.state, owner_department: r.owner_department, owner_person: r.owner_person, due_date: r.due_date } : null;
}

function verdict(founded: 0 | 1 | null, L: Lang): string {
  return founded === null ? tr(L, '未核查', 'not verified') : founded ? tr(L, '成立', 'founded') : tr(L, '不成立', 'unfounded');
}

export function runComplaintVerify(
  ctx: Context,
  id: string,
  opts: { cause?: string; responsibility?: string; unfounded?: boolean; by?: string; amend?: boolean; reason?: string },
): number {
  if (!opts.unfounded && opts.responsibility === undefined) {
    throw new UsageError('say what the verification found: --cause <text> --responsibility <dept>[/<staff>], or --unfounded', {
      hint: 'e.g. qa complaint verify TS-202610-003 --cause "客服外发客户资料截图" --responsibility 客服部/KF03 --by zhang.wei',
    });
  }
  const { config, zone, db } = open(ctx);
  try {
    const at = ctx.now().getTime();
    const r: VerifyResult = verifyComplaint(db, config, zone, {
      id,
      founded: !opts.unfounded,
      cause: opts.cause,
      responsibility: opts.responsibility,
      by: opts.by ?? currentUser(ctx.env),
      at,
      amend: opts.amend,
      reason: opts.reason,
    });
    logShown(ctx, [{ id, text: r.verification.cause }, { id, text: r.verification.reason }]);
    const m = (s: string | null): string | null => (ctx.unmask ? s : maskPhonesInText(s));
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify({ complaint_id: id, verification: verificationJson(r.verification, zone, m), rectification_action: r.action, rectification: rectJson(r.rectification), notes: r.notes }, null, 2)}\n`);
    } else {
      const L = ctx.lang;
      const v = r.verification;
      const lines = [
        tr(L, `投诉 ${id} 核查${v.amends ? '（更正）' : ''}：${verdict(v.founded, L)}`, `complaint ${id} verified${v.amends ? ' (amended)' : ''}: ${verdict(v.founded, L)}`) +
          (v.founded ? ` — ${v.responsible_department}${v.responsible_person ? `/${v.responsible_person}` : ''}` : ''),
      ];
      const x = r.rectification;
      if (r.action === 'opened' && x) lines.push(tr(L, `已开整改 #${x.id}（${x.owner_department}${x.owner_person ? `/${x.owner_person}` : ''}，期限 ${x.due_date}）：qa rectify show ${x.id}`, `rectification #${x.id} opened (${x.owner_department}${x.owner_person ? `/${x.owner_person}` : ''}, due ${x.due_date}): qa rectify show ${x.id}`));
      if (r.action === 'moved' && x) lines.push(tr(L, `整改 #${x.id} 改由 ${x.owner_department}${x.owner_person ? `/${x.owner_person}` : ''} 负责`, `rectification #${x.id} now owned by ${x.owner_department}${x.owner_person ? `/${x.owner_person}` : ''}`));
      if (r.action === 'withdrawn' && x) lines.push(tr(L, `整改 #${x.id} 已撤销`, `rectification #${x.id} withdrawn`));
      for (const n of r.notes) ctx.streams.stderr.write(`qa: note: ${n}\n`);
      ctx.streams.stdout.write(`${lines.join('\n')}\n`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

function listJson(c: ComplaintListRow, zone: Zone, m: (s: string | null) => string | null) {
  return {
    complaint_id: c.complaint_id,
    received_at: zone.iso(c.received_at),
    customer_id: c.customer_id,
    category: c.category,
    department: c.department,
    staff_id: c.staff_id,
    severity: c.severity,
    description: m(c.description),
    resolved_at: iso(zone, c.resolved_at),
    feedback_at: iso(zone, c.feedback_at),
    verification: c.founded === null ? null : c.founded === 1 ? 'founded' : 'unfounded',
    responsible_department: c.responsible_department,
    responsible_person: c.responsible_person,
    rectification: c.rectification_id === null ? null : { id: c.rectification_id, state: c.rectification_state },
  };
}

export function runComplaintList(ctx: Context, opts: { month?: string; open?: boolean; unverified?: boolean }): number {
  const month = parseMonthOption('--month', opts.month);
  const { zone, db } = open(ctx);
  try {
    const [start, end] = month ? zone.monthRange(month) : [undefined, undefined];
    const rows = listComplaints(db, { ...(start !== undefined ? { start, end: end! } : {}), open: !!opts.open, unverified: !!opts.unverified });
    logShown(ctx, rows.map((c) => ({ id: c.complaint_id, text: c.description })));
    const m = (s: string | null): string | null => (ctx.unmask ? s : maskPhonesInText(s));
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(rows.map((c) => listJson(c, zone, m)), null, 2)}\n`);
      return EXIT.ok;
    }
    const L = ctx.lang;
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    if (rows.length === 0) {
      ctx.streams.stdout.write(tr(L, '没有符合条件的投诉。\n', 'No complaints match.\n'));
      return EXIT.ok;
    }
    const table = renderTable({
      chalk,
      head: [tr(L, '投诉编号', 'complaint'), tr(L, '受理时间', 'received'), tr(L, '客户', 'customer'), tr(L, '类别', 'category'), tr(L, '部门', 'department'), tr(L, '员工', 'staff'), tr(L, '等级', 'severity'), tr(L, '已解决', 'resolved'), tr(L, '核查', 'verification'), tr(L, '整改', 'rectification')],
      rows: rows.map((c) => [
        c.complaint_id,
        zone.format(c.received_at),
        c.customer_id,
        c.category ?? '',
        c.department ?? '',
        c.staff_id ?? '',
        c.severity === 'major' ? chalk.red(tr(L, '重大', 'major')) : c.severity === 'normal' ? tr(L, '一般', 'normal') : '',
        c.resolved_at === null ? chalk.yellow(tr(L, '否', 'no')) : zone.dateOf(c.resolved_at),
        c.founded === null ? chalk.yellow(verdict(null, L)) : verdict(c.founded, L),
        c.rectification_id === null ? '' : `#${c.rectification_id} ${stateLabel(c.rectification_state!, L)}`,
      ]),
    });
    const unverified = rows.filter((c) => c.founded === null).length;
    ctx.streams.stdout.write(`${table}\n${tr(L, `${rows.length} 件，未核查 ${unverified} 件`, `${rows.length} complaint${rows.length === 1 ? '' : 's'}, ${unverified} not verified`)}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runComplaintShow(ctx: Context, id: string): number {
  const { config, zone, db } = open(ctx);
  try {
    const c = complaintById(db, id);
    if (!c) throw new UsageError(`there is no complaint "${id}"`, { hint: 'qa complaint list shows them' });
    const store = new ReviewStore(db);
    const history = verificationsOf(db, id);
    const rect = store.sourcedRectification('complaint', id) ?? null;
    const steps = rect ? store.steps(rect.id) : [];
    const surveys = c.resolved_at === null ? [] : surveysSince(db, c.customer_id, c.resolved_at);
    let calendar: WorkCalendar;
    try {
      calendar = WorkCalendar.load(config.calendar.files);
    } catch (e) {
      throw new UsageError(`config key calendar.files: ${(e as Error).message}`);
    }
    const guessed = new Set<number>();
    const [ack, verif, inv, resolution] = complaintTimings({ ...c, founded: null }, { zone, calendar, callsPerWeek: 0, guessed, complaintDays: config.callback.complaintDays });
    if (ctx.unmask) {
      logShown(ctx, [c.description, c.demand, ...history.flatMap((v) => [v.cause, v.reason]), ...steps.map((s) => s.note), ...Object.values(c.extras ? (JSON.parse(c.extras) as Record<string, string>) : {})].map((text) => ({ id, text })));
    }
    const m = (s: string | null): string | null => (ctx.unmask ? s : maskPhonesInText(s));
    const extras = c.extras ? (JSON.parse(c.extras) as Record<string, string>) : {};
    const doc = {
      complaint: {
        complaint_id: c.complaint_id,
        received_at: zone.iso(c.received_at),
        customer_id: c.customer_id,
        acknowledged_at: iso(zone, c.acknowledged_at),
        verification_started_at: iso(zone, c.verification_started_at),
        investigated_at: iso(zone, c.investigated_at),
        solution_confirmed_at: iso(zone, c.solution_confirmed_at),
        resolved_at: iso(zone, c.resolved_at),
        feedback_at: iso(zone, c.feedback_at),
        related_record_id: c.related_record_id,
        department: c.department,
        category: c.category,
        severity: c.severity,
        staff_id: c.staff_id,
        owner: c.owner,
        description: m(c.description),
        demand: m(c.demand),
        extras: Object.fromEntries(Object.entries(extras).map(([k, v]) => [k, m(v)])),
      },
      timings: { ack_24h: ack, verification_24h: verif, investigation_48h: inv, resolution_3wd: resolution },
      verifications: history.map((v) => verificationJson(v, zone, m)),
      rectification: rect ? { ...rectJson(rect), steps: steps.map((s) => ({ from: s.from_state, to: s.to_state, by: s.actor, at: zone.iso(s.at), note: m(s.note), due_date: s.due_date })) } : null,
      surveys_after_resolution: surveys.map((s) => ({ survey_id: s.survey_id, surveyed_at: zone.iso(s.surveyed_at), channel: s.channel, overall: s.overall, hidden_fee: s.hidden_fee === null ? null : s.hidden_fee === 1 })),
    };
    if (ctx.json) {
      ctx.streams.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.ok;
    }
    const L = ctx.lang;
    const chalk = makeChalk(ctx.env, ctx.streams.stdout.isTTY);
    const t = (v: number | null): string => (v === null ? '—' : zone.format(v));
    const ok = (v: boolean | null): string => (v === null ? chalk.dim('—') : v ? chalk.green('✓') : chalk.red('✗'));
    const pairs: [string, string | number][] = [
      [tr(L, '投诉', 'complaint'), `${c.complaint_id}  ${c.category ?? ''}${c.severity === 'major' ? chalk.red(tr(L, '  重大', '  major')) : ''}`],
      [tr(L, '客户', 'customer'), c.customer_id],
      [tr(L, '部门 / 员工 / 负责人', 'department / staff / owner'), `${c.department ?? '—'} / ${c.staff_id ?? '—'} / ${c.owner ?? '—'}`],
      [tr(L, '关联记录', 'related record'), c.related_record_id ?? '—'],
      [tr(L, '问题描述', 'description'), m(c.description) ?? '—'],
      [tr(L, '客户诉求', 'demand'), m(c.demand) ?? '—'],
      [tr(L, '受理', 'received'), t(c.received_at)],
      [tr(L, '确认（24 小时）', 'acknowledged (24 h)'), `${t(c.acknowledged_at)} ${ok(ack)}`],
      [tr(L, '启动核查（24 小时）', 'verification started (24 h)'), `${t(c.verification_started_at)} ${ok(verif)}`],
      [tr(L, '初步调查（48 小时）', 'investigated (48 h)'), `${t(c.investigated_at)} ${ok(inv)}`],
      [tr(L, '方案确认', 'solution agreed'), t(c.solution_confirmed_at)],
      [tr(L, '解决（3 个工作日）', 'resolved (3 working days)'), `${t(c.resolved_at)} ${ok(resolution)}`],
      [tr(L, '结果反馈', 'result fed back'), t(c.feedback_at)],
    ];
    for (const [k, v] of Object.entries(extras)) pairs.push([k, m(v) ?? '']);
    const out = [renderPairs(pairs), '', chalk.bold(tr(L, '核查报告', 'Verification report'))];
    if (history.length === 0) out.push(chalk.yellow(tr(L, `尚未核查：qa complaint verify ${id} …`, `not verified yet: qa complaint verify ${id} …`)));
    for (const v of history) {
      out.push(
        `${zone.format(v.verified_at)}  ${v.verified_by}  ${verdict(v.founded, L)}${v.founded ? ` — ${v.responsible_department}${v.responsible_person ? `/${v.responsible_person}` : ''}` : ''}${v.cause ? `: ${m(v.cause)}` : ''}${v.amends ? tr(L, `（更正 #${v.amends}：${m(v.reason)}）`, ` (amends #${v.amends}: ${m(v.reason)})`) : ''}`,
      );
    }
    out.push('', chalk.bold(tr(L, '整改', 'Rectification')));
    if (!rect) out.push(tr(L, '无', 'none'));
    else {
      out.push(`#${rect.id}  ${stateLabel(rect.state, L)}  ${rect.owner_department ?? '—'}/${rect.owner_person ?? '—'}  ${tr(L, '期限', 'due')} ${rect.due_date}  (qa rectify show ${rect.id})`);
      for (const s of steps) out.push(`  ${zone.format(s.at)}  ${s.actor}  ${stateLabel(s.to_state, L)}${s.note ? `: ${m(s.note)}` : ''}`);
    }
    out.push('', chalk.bold(tr(L, '解决后回访', 'Surveys after resolution')));
    if (c.resolved_at === null) out.push(tr(L, '尚未解决', 'not resolved yet'));
    else if (surveys.length === 0) out.push(chalk.yellow(tr(L, '尚无回访', 'none yet')));
    for (const s of surveys) out.push(`${s.survey_id}  ${zone.format(s.surveyed_at)}  ${s.channel ?? ''}  ${tr(L, '整体', 'overall')} ${s.overall ?? '—'}${s.hidden_fee === 1 ? chalk.red(tr(L, '  隐藏收费', '  hidden fee')) : ''}`);
    ctx.streams.stdout.write(`${out.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}
