/**
 * Scoring a reviewed item (SPEC §4): it passes when no check failed; its QA
 * score is the share of applicable checks passed, weighted critical 3,
 * major 2, minor 1 (n.a. excluded). A failed check — critical or not —
 * fails the item whatever the score.
 */
import { SEVERITY_WEIGHT, type Severity } from './checklists.js';

export type Result = 'pass' | 'fail' | 'na';

export interface Answer {
  severity: Severity;
  result: Result;
}

export interface ItemScore {
  /** Every check of the checklist has an answer. */
  reviewed: boolean;
  /** Reviewed and no check failed. null while not reviewed. */
  passed: boolean | null;
  /** Weighted share of applicable checks passed, in [0,1]; null when none applies. */
  score: number | null;
  failed: number;
  answered: number;
  total: number;
}

export function scoreItem(answers: readonly Answer[], checklistSize: number): ItemScore {
  let num = 0;
  let den = 0;
  let failed = 0;
  for (const a of answers) {
    if (a.result === 'na') continue;
    const w = SEVERITY_WEIGHT[a.severity];
    den += w;
    if (a.result === 'pass') num += w;
    else failed++;
  }
  const reviewed = answers.length >= checklistSize;
  return {
    reviewed,
    passed: reviewed ? failed === 0 : null,
    score: den === 0 ? null : num / den,
    failed,
    answered: answers.length,
    total: checklistSize,
  };
}
