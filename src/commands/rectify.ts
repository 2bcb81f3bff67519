/**
 * `qa rectify list|show|update` — the rectification closed loop (SPEC §4).
 */
import type { Context } from '../context.js';
import { updateRectification } from '../app/review.js';
import { currentUser, osUser } from '../core/actor.js';
import { Zone } from '../core/time.js';
import { openDb, resolveDbPath } from '../db/open.js';
import { ReviewStore, type RectificationView } from '../db/review.js';
import { EXIT, UsageError } from '../errors.js';
import { tr } from '../i18n.js';
import { overdueDays, STATE_LABELS, STATES } from '../core/rectification.js';
import { idArgument } from './options.js';

function today(ctx: Context, zone: Zone): string {
  return zone.dateOf(ctx.now().getTime());
}

/** The JSON shape of a rectification (texts as stored: the output guard masks phones). */
function json(r: RectificationView, zone: Zone, todayDate: string): Record<string, unknown> {
  const m = (v: string | null): string | null => v;
  return {
    id: r.id,
    state: r.state,
    item: { kind: r.kind, id: r.item_id, checklist: r.checklist },
    source: r.source,
    check: { code: r.check_code, category: r.category, severity: r.severity, text: r.check_text },
    finding_note: m(r.finding_note),
    found_by: r.auditor,
    found_at: zone.iso(r.found_at),
    owner_department: r.owner_department,
    owner_person: r.owner_person,
    due_date: r.due_date,
    overdue_days: overdueDays(r, todayDate),
    cause: m(r.cause),
    measures: m(r.measures),
    evidence: m(r.evidence),
    verification: m(r.verification),
    done_at: r.done_at === null ? null : zone.iso(r.done_at),
    done_by: r.done_by,
    verified_at: r.verified_at === null ? null : zone.iso(r.verified_at),
    verified_by: r.verified_by,
  };
}

/** Human renderers (chalk, cli-table3) load only when printing for people. */
async function renderers(ctx: Context) {
  const [R, T] = await Promise.all([import('../render/review.js'), import('../render/term.js')]);
  return { ...R, chalk: T.makeChalk(ctx.env, ctx.streams.stdout.isTTY) };
}

export async function runRectifyList(ctx: Context, opts: { overdue?: boolean; dept?: string; state?: string }): Promise<number> {
  const states = opts.state?.split(',').map((s) => s.trim());
  for (const s of states ?? []) {
    // withdrawn: a complaint rectification taken back by a re-verification (SPEC §6).
    if (![...STATES, 'withdrawn'].includes(s)) throw new UsageError(`--state must be one of ${[...STATES, 'withdrawn'].join(', ')}, got "${s}"`);
  }
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const t = today(ctx, zone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const store = new ReviewStore(db);
    // Overdue means not done/verified: with --state it narrows those states (done alone leaves nothing).
    const wanted = opts.overdue ? (states ?? ['open', 'analysed', 'planned']).filter((s) => s !== 'done' && s !== 'verified' && s !== 'withdrawn') : states;
    const rows =
      wanted && wanted.length === 0
        ? []
        : store.listRectifications({
            ...(wanted ? { states: wanted } : {}),
            ...(opts.overdue ? { dueBefore: t } : {}),
            ...(opts.dept ? { dept: opts.dept } : {}),
          });
    ctx.privacy.rows(rows, (r) => `rectification:${r.id}`);
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify(rows.map((r) => json(r, zone, t)), null, 2)}\n`);
    else {
      const R = await renderers(ctx);
      ctx.streams.stdout.write(R.renderRectificationList(rows, t, ctx.lang, R.chalk));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

function parseId(v: string): number {
  return idArgument('rectification id', v);
}

export async function runRectifyShow(ctx: Context, idArg: string): Promise<number> {
  const id = parseId(idArg);
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const t = today(ctx, zone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const store = new ReviewStore(db);
    const r = store.rectification(id);
    if (!r) throw new UsageError(`there is no rectification ${id}`, { hint: 'qa rectify list shows them' });
    const steps = store.steps(id);
    ctx.privacy.rows([{ r, steps }], () => `rectification:${id}`);
    // A finding's item may have changed since the review; a complaint or survey follow-up, an inspection's or a
    // partner evaluation's rectification has no reviewed item that an import could change.
    let changed = false;
    if (r.kind === 'records' || r.kind === 'calls') {
      const review = store.review(r.kind, r.item_id)!;
      const item = store.findItems(r.item_id, r.kind)[0];
      changed = !!item && review.snapshot_import_id !== null && item.row.import_id !== review.snapshot_import_id;
    }
    if (ctx.json) {
      ctx.streams.stdout.write(
        `${JSON.stringify(
          {
            ...json(r, zone, t),
            changed_after_review: changed,
            steps: steps.map((s) => ({ from: s.from_state, to: s.to_state, by: s.actor, at: zone.iso(s.at), note: s.note, due_date: s.due_date })),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const R = await renderers(ctx);
      ctx.streams.stdout.write(R.renderRectification(r, steps, changed, t, zone, ctx.lang, R.chalk));
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

export function runRectifyUpdate(ctx: Context, idArg: string, opts: { to?: string; note?: string; due?: string; by?: string; reason?: string }): number {
  const id = parseId(idArg);
  if (!opts.to) throw new UsageError('--to <state> is required', { hint: `the states are ${STATES.filter((s) => s !== 'withdrawn').join(' → ')}` });
  const { config } = ctx.config();
  const zone = new Zone(config.timezone);
  const db = openDb(resolveDbPath(ctx.dbPath, ctx.env, ctx.cwd), { mustExist: true });
  try {
    const at = ctx.now().getTime();
    const r = updateRectification(new ReviewStore(db), {
      id,
      to: opts.to,
      note: opts.note,
      due: opts.due,
      by: opts.by ?? currentUser(ctx.env),
      at,
      today: zone.dateOf(at),
      reason: opts.reason,
      // --by is typed: the owner is also recognised by QA_USER or the login.
      runBy: [ctx.env.QA_USER, osUser(ctx.env)],
    });
    ctx.privacy.rows([r], () => `rectification:${id}`);
    if (ctx.json) ctx.streams.stdout.write(`${JSON.stringify(json(r, zone, today(ctx, zone)), null, 2)}\n`);
    else ctx.streams.stdout.write(tr(ctx.lang, `整改 #${id} → ${STATE_LABELS[r.state].zh}（期限 ${r.due_date}）\n`, `rectification #${id} → ${r.state} (due ${r.due_date})\n`));
    return EXIT.ok;
  } finally {
    db.close();
  }
}
