/**
 * On-site inspections (SPEC §7; seed 000 §三(二) 现场检查: "监督小组每月至少开展2次线下门店与
 * 上门服务现场检查，观察服务人员接待客户、设备交付、现场维修等操作是否符合标准，记录检查情况并与
 * 服务人员现场沟通整改建议"). Pure rules: the inspection types, and turning
 * the answers given (flags, prompts or a CSV) into one answer per check of
 * the `inspection` checklist.
 */
import type { Check } from './checklists.js';
import type { Result } from './scoring.js';

export const INSPECTION_TYPES = ['store', 'onsite'] as const;
export type InspectionType = (typeof INSPECTION_TYPES)[number];

export const INSPECTION_TYPE_LABELS: Readonly<Record<InspectionType, { zh: string; en: string }>> = {
  store: { zh: '门店', en: 'store' },
  onsite: { zh: '上门服务', en: 'on-site' },
};

/** store / onsite, and the Chinese names (门店, 线下门店, 上门, 上门服务). */
export function parseInspectionType(v: string): InspectionType | null {
  const s = v.trim().toLowerCase();
  if (['store', '门店', '线下门店'].includes(s)) return 'store';
  if (['onsite', 'on-site', '上门', '上门服务', '现场'].includes(s)) return 'onsite';
  return null;
}

/** The KPI target of SPEC §7: at least two inspections a month. */
export const INSPECTIONS_PER_MONTH = 2;

export interface GivenAnswer {
  result: Result;
  note: string | null;
}

export interface AnswerSheet {
  answers: (Check & GivenAnswer)[];
  /** Codes given that are not checks of the list. */
  unknown: string[];
  /** Checks without an answer (after passRest). */
  missing: string[];
  /** Fails without a note. */
  noNote: string[];
}

/**
 * One answer per check: the given ones, and with `passRest` a pass for each
 * check not given. Reports (does not throw) unknown codes, missing answers
 * and fails without a note, so the caller can name them all at once.
 */
export function answerSheet(checks: readonly Check[], given: ReadonlyMap<string, GivenAnswer>, passRest: boolean): AnswerSheet {
  const codes = new Set(checks.map((c) => c.code));
  const unknown = [...given.keys()].filter((k) => !codes.has(k));
  const answers: (Check & GivenAnswer)[] = [];
  const missing: string[] = [];
  const noNote: string[] = [];
  for (const c of checks) {
    const g = given.get(c.code) ?? (passRest ? { result: 'pass' as const, note: null } : undefined);
    if (!g) {
      missing.push(c.code);
      continue;
    }
    if (g.result === 'fail' && !g.note?.trim()) noNote.push(c.code);
    answers.push({ ...c, result: g.result, note: g.note?.trim() || null });
  }
  return { answers, unknown, missing, noNote };
}

/** The display id of an inspection: INS-12. */
export const inspectionRef = (id: number): string => `INS-${id}`;
