/**
 * `qa callback plan` and the survey follow-ups (SPEC §6). A plan run loads
 * the candidates (db/callback.ts), lets core/callback.ts decide the entries,
 * and writes them with a receipt in one transaction. Survey follow-ups: a
 * survey with hidden_fee yes or overall <= 2 opens one rectification for the
 * department of the survey's record (else `callback.followUpDepartment`).
 */
import type { Config } from '../config.js';
import type { WorkCalendar } from '../core/calendar.js';
import { CALLBACK_ALGORITHM, churnPeriodOf, planCallbacks, quarterDates, quartersDue, type CallbackReason, type Plan, type PlannedEntry } from '../core/callback.js';
import { addDays, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import { churnDrawn, complaintCandidates, customerSpans, endedCandidates, insertEntries, insertRun, nextRunId, quarterHandled, surveysNeedingFollowUp } from '../db/callback.js';
import { metaGet, type Db } from '../db/open.js';
import { ReviewStore } from '../db/review.js';

export interface PlanRunInput {
  date: string;
  seed?: string | undefined;
  by: string;
  at: number;
}

export interface PlanRunResult {
  run: number;
  date: string;
  seed: string;
  population: Plan['population'];
  digest: string;
  added: (PlannedEntry & { id: number })[];
  quarters: string[];
  churn_period: string | null;
  follow_ups: number[];
  warnings: string[];
}

export function runCallbackPlan(db: Db, config: Config, zone: Zone, calendar: WorkCalendar, input: PlanRunInput): PlanRunResult {
  const seed = input.seed ?? metaGet(db, 'seed') ?? '';
  const cb = config.callback;
  return db.transaction(() => {
    const dStart = zone.dayStart(input.date);
    const from = zone.dayStart(addDays(input.date, -cb.lookbackDays));
    // A quarter is handled by the first run on or after its last working day
    // (the scan of every customer's records is done once, not every morning).
    const quarters = quartersDue(calendar, input.date, cb.lookbackDays)
      .filter((q) => !quarterHandled(db, q.quarter))
      .map((q) => {
        const cut = Math.min(dStart, zone.dayStart(addDays(q.last_workday, 1)));
        return { ...q, start: zone.dayStart(quarterDates(q.quarter)[0]), customers: customerSpans(db, cut) };
      });
    const period = churnPeriodOf(input.date);
    const churn = period && !churnDrawn(db, period) ? { period, customers: customerSpans(db, dStart) } : null;
    const plan = planCallbacks({
      date: input.date,
      seed,
      zone,
      calendar,
      lookbackDays: cb.lookbackDays,
      complaintDays: cb.complaintDays,
      churnRate: cb.churnRate,
      ended: endedCandidates(db, from, dStart),
      complaints: complaintCandidates(db, from, dStart),
      quarterly: quarters,
      churn,
    });
    const params = { lookbackDays: cb.lookbackDays, complaintDays: cb.complaintDays, churnRate: cb.churnRate, quarters: quarters.map((q) => q.quarter), churn_period: churn?.period ?? null };
    // Like sample runs: the entries first, under the run id the receipt then
    // takes (same transaction), so the append-only receipt has the final count.
    const runId = nextRunId(db);
    const added = insertEntries(db, runId, plan.entries);
    insertRun(db, {
      id: runId,
      run_date: input.date,
      seed,
      algorithm: CALLBACK_ALGORITHM,
      params: JSON.stringify(params),
      population: JSON.stringify(plan.population),
      population_digest: plan.digest,
      added: added.length,
      created_at: input.at,
      user: input.by,
    });
    appendAudit(db, { actor: input.by, action: 'callback.plan', entity: 'callback_run', entityId: runId, detail: { date: input.date, added: added.length, population: plan.population }, at: input.at });
    const followUps = openSurveyFollowUps(db, config, zone, input.by, input.at);
    const warnings: string[] = [];
    if (plan.guessedYears.length) {
      warnings.push(`no holiday calendar for ${plan.guessedYears.join(', ')}: working days there were taken as Monday–Friday (add a holiday-cn year file to calendar.files)`);
    }
    return { run: runId, date: input.date, seed, population: plan.population, digest: plan.digest, added, quarters: params.quarters, churn_period: params.churn_period, follow_ups: followUps, warnings };
  }).immediate();
}

/**
 * Open the follow-up rectification of every survey that reported a hidden
 * fee or scored overall <= 2 and has none yet. Idempotent. Returns the ids
 * opened. Runs inside the caller's transaction when there is one.
 */
export function openSurveyFollowUps(db: Db, config: Config, zone: Zone, by: string, at: number): number[] {
  const store = new ReviewStore(db);
  const opened: number[] = [];
  const work = (): void => {
    for (const s of surveysNeedingFollowUp(db)) {
      const due = addDays(zone.dateOf(at), config.rectification.days);
      const why = [s.hidden_fee === 1 ? '回访反映存在隐藏收费 / hidden fee reported' : null, s.overall !== null && s.overall <= 2 ? `整体评分 ${s.overall} / overall ${s.overall}` : null].filter(Boolean).join('; ');
      const department = s.department ?? config.callback.followUpDepartment;
      const id = store.insertSourcedRectification({ source: 'survey', source_id: s.survey_id, owner_department: department, owner_person: null, opened_at: at, due_date: due });
      store.insertStep({ rectification_id: id, from_state: null, to_state: 'open', actor: by, at, note: `${s.survey_id} (${s.customer_id}, ${zone.format(s.surveyed_at)}${s.record_id ? `, ${s.record_id}` : ''}): ${why}`, due_date: due });
      appendAudit(db, { actor: by, action: 'rectification.open', entity: 'rectification', entityId: id, detail: { survey: s.survey_id, owner_department: department, due_date: due, why }, at });
      opened.push(id);
    }
  };
  if (db.inTransaction) work();
  else db.transaction(work).immediate();
  return opened;
}

export const REASONS_ALL: readonly CallbackReason[] = ['ended', 'quarterly', 'churn', 'complaint'];
