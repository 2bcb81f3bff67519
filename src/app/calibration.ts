/**
 * Calibration, or double review (SPEC §8): a seeded draw of already-sampled
 * items that every named auditor answers blind; then per-check agreement,
 * Cohen's kappa (two auditors) or Fleiss' kappa (three or more), and each
 * auditor's deviation from the majority.
 *
 * Blind: nothing shows an auditor's answers — not the report, not the audit
 * log (which records that an answer was given, not what it was) — until every
 * auditor has answered every check. Calibration answers live in their own
 * table and never count in KPIs, findings or scorecards.
 */
import crypto from 'node:crypto';
import type { Config } from '../config.js';
import { cohenKappa, countsByCategory, deviationsFromMajority, fleissKappa, majorityOf } from '../core/agreement.js';
import { CHECKLIST_KINDS, checklistKindOf, type Check, type ChecklistKind } from '../core/checklists.js';
import type { Result } from '../core/scoring.js';
import { appendAudit } from '../db/audit.js';
import type { Db } from '../db/open.js';
import {
  calibration,
  calibrationAnswers,
  calibrationItems,
  insertCalibration,
  insertCalibrationAnswer,
  insertCalibrationItem,
  sampledCandidates,
  type CalibrationItemRow,
  type CalibrationRow,
} from '../db/people.js';
import type { ItemKind } from '../db/review.js';
import { QaError, UsageError } from '../errors.js';

export const CALIBRATION_ALGORITHM = 'calibration-v1: rank = first 12 hex digits of sha256("<seed>:calibration:<kind>:<id>"), lowest N of the sampled items';

/** Rank of an item in a calibration draw (lower wins). */
export function calibrationRank(seed: string, kind: ItemKind, id: string): string {
  return crypto.hash('sha256', `${seed}:calibration:${kind}:${id}`, 'hex').slice(0, 12);
}

export interface StartInput {
  items: number;
  /** A checklist kind (consult … return, call) or records / calls; undefined: any sampled item. */
  kind?: string | undefined;
  auditors: string[];
  seed?: string | undefined;
  by: string;
  at: number;
}

export function parseAuditors(v: string | undefined): string[] {
  const list = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length < 2) throw new UsageError('--auditors needs at least two names, comma-separated', { hint: '--auditors li,wang,zhao' });
  const dup = list.find((a, i) => list.indexOf(a) !== i);
  if (dup) throw new UsageError(`--auditors names ${dup} twice`);
  return list;
}

export function startCalibration(db: Db, config: Config, input: StartInput): { id: number; items: CalibrationItemRow[]; population: number; seed: string } {
  // Calibration draws sampled items: the kinds of records and calls (an inspection is not sampled).
  const sampledKinds = CHECKLIST_KINDS.filter((k) => k !== 'inspection');
  if (input.kind !== undefined && !['records', 'calls', ...sampledKinds].includes(input.kind)) {
    throw new UsageError(`--kind must be one of ${[...sampledKinds, 'records', 'calls'].join(', ')}, got "${input.kind}"`);
  }
  const filter: { kind?: ItemKind; recordType?: string } =
    input.kind === undefined ? {} : input.kind === 'records' || input.kind === 'calls' ? { kind: input.kind } : input.kind === 'call' ? { kind: 'calls' } : { kind: 'records', recordType: input.kind };
  const seed = input.seed ?? crypto.randomBytes(8).toString('hex');
  return db.transaction(() => {
    const candidates = sampledCandidates(db, filter);
    if (candidates.length < input.items) {
      throw new QaError(`only ${candidates.length} sampled item${candidates.length === 1 ? '' : 's'}${input.kind ? ` of kind ${input.kind}` : ''} to draw from; ${input.items} asked for`, {
        hint: candidates.length ? `pass --items ${candidates.length} or fewer, or run qa sample first` : 'run qa sample first: calibration draws already-sampled items',
      });
    }
    const ranked = candidates
      .map((c) => ({ ...c, rank: calibrationRank(seed, c.kind, c.item_id) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.item_id < b.item_id ? -1 : 1))
      .slice(0, input.items);
    const id = insertCalibration(db, {
      kind: input.kind ?? null,
      auditors: JSON.stringify(input.auditors),
      seed,
      requested: input.items,
      population: candidates.length,
      created_by: input.by,
      created_at: input.at,
    });
    const items = ranked.map((c, position): CalibrationItemRow => {
      const checklist = checklistKindOf(c.kind, c.record_type);
      return {
        calibration_id: id,
        position: position + 1,
        kind: c.kind,
        item_id: c.item_id,
        checklist,
        checks: JSON.stringify(config.checklists[checklist].map((x) => x.code)),
        snapshot: c.row,
        rank: c.rank,
      };
    });
    for (const i of items) insertCalibrationItem(db, i);
    appendAudit(db, {
      actor: input.by,
      action: 'calibration.start',
      entity: 'calibration',
      entityId: id,
      detail: { auditors: input.auditors, kind: input.kind ?? null, seed, algorithm: CALIBRATION_ALGORITHM, population: candidates.length, items: items.map((i) => `${i.kind}:${i.item_id}`) },
      at: input.at,
    });
    return { id, items, population: candidates.length, seed };
  }).immediate();
}

export function loadCalibration(db: Db, id: number): { cal: CalibrationRow; auditors: string[]; items: CalibrationItemRow[] } {
  const cal = calibration(db, id);
  if (!cal) throw new UsageError(`there is no calibration ${id}`, { hint: 'qa calibrate list shows them' });
  return { cal, auditors: JSON.parse(cal.auditors) as string[], items: calibrationItems(db, id) };
}

/** The checks of a calibration item (the codes drawn with it), with their texts from the config when it still has them. */
export function itemChecks(config: Config, item: CalibrationItemRow): Check[] {
  const byCode = new Map(config.checklists[item.checklist as ChecklistKind]?.map((c) => [c.code, c]) ?? []);
  return (JSON.parse(item.checks) as string[]).map((code) => byCode.get(code) ?? { code, zh: code, en: code, category: 'process', severity: 'minor' });
}

export interface CalibrationAnswerInput {
  id: number;
  item: string;
  check: string;
  result: Result;
  note?: string | undefined;
  auditor: string;
  at: number;
}

/** Record one blind answer; final once given. */
export function answerCalibration(db: Db, config: Config, input: CalibrationAnswerInput): { answered: number; total: number } {
  return db.transaction(() => {
    const { auditors, items } = loadCalibration(db, input.id);
    if (!auditors.includes(input.auditor)) {
      throw new UsageError(`${input.auditor} is not an auditor of calibration ${input.id} (${auditors.join(', ')})`, { hint: 'pass --auditor <name> with one of them' });
    }
    const item = items.find((i) => i.item_id === input.item);
    if (!item) throw new UsageError(`${input.item} is not an item of calibration ${input.id}`, { hint: `qa calibrate report ${input.id} lists its items` });
    const checks = itemChecks(config, item);
    if (!checks.some((c) => c.code === input.check)) {
      throw new UsageError(`"${input.check}" is not a check of ${input.item} (${item.checklist})`, { hint: `its checks are: ${checks.map((c) => c.code).join(', ')}` });
    }
    const mine = calibrationAnswers(db, input.id, input.auditor);
    if (mine.some((a) => a.item_id === input.item && a.check_code === input.check)) {
      throw new UsageError(`${input.auditor} has answered ${input.item} ${input.check} in calibration ${input.id} already: calibration answers are final`);
    }
    insertCalibrationAnswer(db, {
      calibration_id: input.id,
      kind: item.kind,
      item_id: item.item_id,
      check_code: input.check,
      auditor: input.auditor,
      result: input.result,
      note: input.note?.trim() || null,
      at: input.at,
    });
    // Blind: the log says an answer was given, not what it was.
    appendAudit(db, { actor: input.auditor, action: 'calibration.answer', entity: 'calibration', entityId: input.id, detail: { item: `${item.kind}:${item.item_id}`, check: input.check }, at: input.at });
    const total = items.reduce((n, i) => n + itemChecks(config, i).length, 0);
    return { answered: mine.length + 1, total };
  }).immediate();
}

export interface CalibrationReport {
  id: number;
  kind: string | null;
  seed: string;
  algorithm: string;
  auditors: string[];
  items: { position: number; kind: ItemKind; item_id: string; checklist: string }[];
  /** Checks to answer per auditor (Σ over items). */
  checks_per_auditor: number;
  progress: { auditor: string; answered: number; total: number }[];
  complete: boolean;
  /** null until every auditor has answered every check (blind). */
  agreement: null | {
    method: 'cohen' | 'fleiss';
    subjects: number;
    observed: number;
    expected: number;
    kappa: number | null;
    /** Subjects (item × check) where every auditor gave the same answer. */
    unanimous: number;
    by_check: { check: string; items: number; unanimous: number; agreement: number; observed: number; kappa: number | null; majority_fail: number }[];
    by_auditor: { auditor: string; pass: number; fail: number; na: number; compared: number; deviations: number; deviation_rate: number | null }[];
    /** The item × check subjects where the auditors differed. */
    disagreements: { item_id: string; check: string; answers: Record<string, Result> }[];
  };
}

const CATEGORIES: readonly Result[] = ['pass', 'fail', 'na'];

function kappaFor(rows: Result[][], raters: number): { method: 'cohen' | 'fleiss'; observed: number; expected: number; kappa: number | null } {
  if (raters === 2) {
    const k = cohenKappa(
      rows.map((r) => r[0]!),
      rows.map((r) => r[1]!),
    );
    return { method: 'cohen', observed: k.observed, expected: k.expected, kappa: k.kappa };
  }
  const k = fleissKappa(countsByCategory(rows, CATEGORIES));
  return { method: 'fleiss', observed: k.observed, expected: k.expected, kappa: k.kappa };
}

export function calibrationReport(db: Db, config: Config, id: number): CalibrationReport {
  const { cal, auditors, items } = loadCalibration(db, id);
  const answers = calibrationAnswers(db, id);
  const checksOf = new Map(items.map((i) => [i.item_id, itemChecks(config, i).map((c) => c.code)]));
  const total = [...checksOf.values()].reduce((n, c) => n + c.length, 0);
  const progress = auditors.map((a) => ({ auditor: a, answered: answers.filter((x) => x.auditor === a).length, total }));
  const complete = progress.every((p) => p.answered >= p.total) && total > 0;
  const base = {
    id,
    kind: cal.kind,
    seed: cal.seed,
    algorithm: CALIBRATION_ALGORITHM,
    auditors,
    items: items.map((i) => ({ position: i.position, kind: i.kind, item_id: i.item_id, checklist: i.checklist })),
    checks_per_auditor: total,
    progress,
    complete,
  };
  if (!complete) return { ...base, agreement: null };
  const answerOf = new Map(answers.map((a) => [`${a.item_id}\u0000${a.check_code}\u0000${a.auditor}`, a.result]));
  const subjects: { item_id: string; check: string; row: Result[] }[] = [];
  for (const i of items) {
    for (const check of checksOf.get(i.item_id)!) {
      subjects.push({ item_id: i.item_id, check, row: auditors.map((a) => answerOf.get(`${i.item_id}\u0000${check}\u0000${a}`)!) });
    }
  }
  const rows = subjects.map((s) => s.row);
  const overall = kappaFor(rows, auditors.length);
  const allSame = (r: Result[]): boolean => r.every((x) => x === r[0]);
  const codes = [...new Set(subjects.map((s) => s.check))];
  const byCheck = codes.map((check) => {
    const rs = subjects.filter((s) => s.check === check).map((s) => s.row);
    const k = kappaFor(rs, auditors.length);
    const unanimous = rs.filter(allSame).length;
    return { check, items: rs.length, unanimous, agreement: unanimous / rs.length, observed: k.observed, kappa: k.kappa, majority_fail: rs.filter((r) => majorityOf(r) === 'fail').length };
  });
  const dev = deviationsFromMajority(rows, auditors.length);
  const byAuditor = auditors.map((a, r) => {
    const mine = rows.map((row) => row[r]!);
    return {
      auditor: a,
      pass: mine.filter((x) => x === 'pass').length,
      fail: mine.filter((x) => x === 'fail').length,
      na: mine.filter((x) => x === 'na').length,
      compared: dev[r]!.compared,
      deviations: dev[r]!.deviations,
      deviation_rate: dev[r]!.rate,
    };
  });
  return {
    ...base,
    agreement: {
      method: overall.method,
      subjects: rows.length,
      observed: overall.observed,
      expected: overall.expected,
      kappa: overall.kappa,
      unanimous: rows.filter(allSame).length,
      by_check: byCheck,
      by_auditor: byAuditor,
      disagreements: subjects.filter((s) => !allSame(s.row)).map((s) => ({ item_id: s.item_id, check: s.check, answers: Object.fromEntries(auditors.map((a, r) => [a, s.row[r]!])) })),
    },
  };
}
