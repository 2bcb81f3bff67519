/**
 * The monthly report's SPEC §7 sections: on-site inspections of the month,
 * the special campaigns whose dates overlap it (kept apart from the
 * random-sample figures), and each partner's quality file for the month.
 * Everything here is computed live except the partners' record sums, which
 * are cached per month under the record scan's fingerprint (app/partner.ts).
 */
import type { Config } from '../config.js';
import { INSPECTIONS_PER_MONTH, inspectionRef } from '../core/inspection.js';
import { maskPhonesInText } from '../core/mask.js';
import { quarterOf } from '../core/partner.js';
import { addDays, nextMonth, type Zone } from '../core/time.js';
import { campaignsOverlapping } from '../db/campaign.js';
import { inspectionFailsByCheck, listInspections } from '../db/inspection.js';
import type { Db } from '../db/open.js';
import { summarizeCampaign, type CampaignSummary } from './campaign.js';
import { partnerFiles, type PartnerFile } from './partner.js';

export interface InspectionSection {
  count: number;
  target: number;
  list: { id: string; date: string; site: string; type: string; inspector: string; department: string | null; staff: string | null; passed: number; failed: number; na: number; rectifications: number[] }[];
  fails_by_check: { check: string; text: string; severity: string; failed: number }[];
}

export interface PartnerSection {
  month: string;
  /** The quarter the month is in: evaluations are per quarter. */
  quarter: string;
  files: PartnerFile[];
}

export interface FieldworkSections {
  inspections: InspectionSection;
  campaigns: CampaignSummary[];
  partners: PartnerSection;
}

export function fieldworkSections(db: Db, config: Config, zone: Zone, month: string, now: number): FieldworkSections {
  const first = `${month}-01`;
  const last = addDays(`${nextMonth(month)}-01`, -1);
  const list = listInspections(db, { from: first, to: last });
  return {
    inspections: {
      count: list.length,
      target: INSPECTIONS_PER_MONTH,
      list: list.map((i) => ({
        id: inspectionRef(i.id),
        date: i.date,
        site: maskPhonesInText(i.site) ?? i.site,
        type: i.type,
        inspector: i.inspector,
        department: i.department,
        staff: i.staff,
        passed: i.passed,
        failed: i.failed,
        na: i.na,
        rectifications: i.rectifications ? i.rectifications.split(',').map(Number) : [],
      })),
      fails_by_check: inspectionFailsByCheck(db, first, last).map((f) => ({ check: f.check_code, text: f.check_text, severity: f.severity, failed: f.failed })),
    },
    campaigns: campaignsOverlapping(db, first, last).map((c) => summarizeCampaign(db, config, zone, c)),
    partners: { month, quarter: quarterOf(month), files: partnerFiles(db, config, zone, { label: month, months: [month] }, now, quarterOf(month)) },
  };
}
