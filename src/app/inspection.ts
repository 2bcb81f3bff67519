/**
 * Recording an on-site inspection (SPEC §7): the inspection, one answer per
 * check of the `inspection` checklist, and a rectification for every failed
 * check, owned by the inspected department and person — one transaction,
 * with the audit log.
 */
import type { Config } from '../config.js';
import { answerSheet, inspectionRef, parseInspectionType, type GivenAnswer, type InspectionType } from '../core/inspection.js';
import { addDays, isValidDate, type Zone } from '../core/time.js';
import { appendAudit } from '../db/audit.js';
import { insertInspection, insertInspectionAnswer } from '../db/inspection.js';
import type { Db } from '../db/open.js';
import { ReviewStore } from '../db/review.js';
import { UsageError } from '../errors.js';

export interface InspectionInput {
  date: string;
  site: string;
  type: string;
  inspector: string;
  department?: string | undefined;
  staff?: string | undefined;
  /** Answers by check code. */
  answers: ReadonlyMap<string, GivenAnswer>;
  /** Checks not in `answers` pass. */
  passRest: boolean;
  /** 'add' or the imported file. */
  source: string;
  /** Who records it (the audit log's actor). */
  by: string;
  at: number;
}

export interface InspectionOutcome {
  id: number;
  ref: string;
  date: string;
  passed: number;
  failed: number;
  na: number;
  rectifications: number[];
}

/**
 * The header fields of an inspection, checked: a real date not after today,
 * a site, a type (store | onsite), an inspector. Throws a usage error naming
 * the flag to fix.
 */
export function checkInspectionHeader(i: Pick<InspectionInput, 'date' | 'site' | 'type' | 'inspector'>, today: string): InspectionType {
  if (!isValidDate(i.date)) throw new UsageError(`--date must be a date like 2026-10-21, got "${i.date}"`);
  if (i.date > today) {
    throw new UsageError(`the inspection date ${i.date} is in the future (today is ${today})`, { hint: 'record an inspection on or after the day it took place: pass --date with that day' });
  }
  if (!i.site.trim()) throw new UsageError('the inspection needs a site', { hint: 'pass --site "<store or customer site>", e.g. --site 北京朝阳店' });
  const type = parseInspectionType(i.type);
  if (!type) throw new UsageError(`--type must be store or onsite (门店 / 上门), got "${i.type}"`);
  if (!i.inspector.trim()) throw new UsageError('the inspection needs an inspector', { hint: 'pass --inspector "<who inspected>"' });
  return type;
}

export function recordInspection(db: Db, config: Config, zone: Zone, input: InspectionInput): InspectionOutcome {
  const type = checkInspectionHeader(input, zone.dateOf(input.at));
  const checks = config.checklists.inspection;
  const sheet = answerSheet(checks, input.answers, input.passRest);
  if (sheet.unknown.length) {
    throw new UsageError(`not a check of the inspection checklist: ${sheet.unknown.join(', ')}`, { hint: `its checks are: ${checks.map((c) => c.code).join(', ')} (qa checklist show inspection)` });
  }
  if (sheet.noNote.length) throw new UsageError(`a failed check needs a note saying what was wrong: ${sheet.noNote.join(', ')}`, { hint: 'write --fail <code>="<what was wrong>"' });
  if (sheet.missing.length) {
    throw new UsageError(`no answer for ${sheet.missing.length} check${sheet.missing.length === 1 ? '' : 's'}: ${sheet.missing.join(', ')}`, {
      hint: 'answer them with --fail <code>="<note>" / --na <code>, or pass --pass-rest to record every check not named as passed',
    });
  }
  const store = new ReviewStore(db);
  return store.transaction(() => {
    const department = input.department?.trim() || null;
    const staff = input.staff?.trim() || null;
    const id = insertInspection(db, {
      date: input.date,
      site: input.site.trim(),
      type,
      inspector: input.inspector.trim(),
      department,
      staff,
      checks: JSON.stringify(checks.map((c) => c.code)),
      source: input.source,
      created_at: input.at,
      created_by: input.by,
    });
    const ref = inspectionRef(id);
    appendAudit(db, { actor: input.by, action: 'inspection.add', entity: 'inspection', entityId: ref, detail: { date: input.date, site: input.site.trim(), type, inspector: input.inspector.trim(), department, staff, source: input.source }, at: input.at });
    const rectifications: number[] = [];
    // The due date runs from the day of the inspection, like a finding's from the day it was found.
    const due = addDays(input.date, config.rectification.days);
    for (const a of sheet.answers) {
      insertInspectionAnswer(db, { inspection_id: id, check_code: a.code, category: a.category, severity: a.severity, check_text: `${a.zh} / ${a.en}`, result: a.result, note: a.note });
      if (a.result !== 'fail') continue;
      const rid = store.insertSubjectRectification(
        { kind: 'inspections', id: ref, check: a.code, category: a.category, severity: a.severity, text: `${a.zh} / ${a.en}`, note: a.note, by: input.inspector.trim(), at: input.at },
        { department, person: staff },
        due,
      );
      store.insertStep({ rectification_id: rid, from_state: null, to_state: 'open', actor: input.by, at: input.at, note: a.note, due_date: due });
      appendAudit(db, { actor: input.by, action: 'rectification.open', entity: 'rectification', entityId: rid, detail: { inspection: ref, check: a.code, owner_department: department, owner_person: staff, due_date: due }, at: input.at });
      rectifications.push(rid);
    }
    const count = (r: string): number => sheet.answers.filter((a) => a.result === r).length;
    return { id, ref, date: input.date, passed: count('pass'), failed: count('fail'), na: count('na'), rectifications };
  });
}
