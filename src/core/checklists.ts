/**
 * Audit checklists per item kind (SPEC §4), written from the supervision
 * content of seed 000 §三(一): service conduct (language, forbidden phrases,
 * attitude, skill), process compliance (response limits, fitting
 * recommendation, contract terms explained, pre-delivery inspection, on-time
 * repair, standard return inspection), results, and customer-information
 * protection; and seed 001 第七条 for what customers are asked about each
 * stage. The call checklist follows hotline practice: greeting, identity check
 * before discussing an order, no forbidden phrases, problem handled, correct
 * information. The config can replace a kind's list or add/remove checks.
 */
import { RECORD_TYPES } from './kinds.js';

export const CHECKLIST_KINDS = [...RECORD_TYPES, 'call', 'inspection'] as const;
export type ChecklistKind = (typeof CHECKLIST_KINDS)[number];

export const CATEGORIES = ['conduct', 'process', 'result', 'privacy'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Weights of the QA score (SPEC §4). */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { critical: 3, major: 2, minor: 1 };

export interface Check {
  code: string;
  zh: string;
  en: string;
  category: Category;
  severity: Severity;
}

export type Checklists = Record<ChecklistKind, Check[]>;

const c = (code: string, category: Category, severity: Severity, zh: string, en: string): Check => ({ code, zh, en, category, severity });

// Conduct and privacy checks shared by every service record kind.
const POLITE = c('polite', 'conduct', 'major', '服务语言礼貌、规范', 'Polite, standard service language');
const NO_FORBIDDEN = c('no_forbidden', 'conduct', 'critical', '未使用禁止用语，未敷衍、推诿客户', 'No forbidden phrases; the customer was not brushed off');
const ATTITUDE = c('attitude', 'conduct', 'minor', '服务态度耐心细致', 'Patient, attentive attitude');
const SKILL = c('skill', 'conduct', 'major', '服务技能达标（设备知识、问题解决能力）', 'Competent: equipment knowledge and problem solving');
const PRIVACY = c('privacy', 'privacy', 'critical', '无客户信息泄露风险；收集、存储、使用符合《个人信息保护法》，未过度收集', 'No risk of leaking customer data; collection, storage and use comply with PIPL; nothing collected beyond need');

export const DEFAULT_CHECKLISTS: Readonly<Checklists> = {
  consult: [
    POLITE,
    NO_FORBIDDEN,
    ATTITUDE,
    c('response_time', 'process', 'major', '在规定时限内响应咨询（工作时间 15 分钟，其他时间 30 分钟）', 'Answered within the limit (15 min in working hours, otherwise 30 min)'),
    c('fit_recommendation', 'process', 'major', '设备推荐遵循适配原则（场景、需求、预算）', 'Recommendation follows the fit principle (scene, needs, budget)'),
    SKILL,
    c('resolved', 'result', 'major', '咨询问题得到解答或约定后续', 'Question answered, or a next step agreed'),
    PRIVACY,
  ],
  contract: [
    POLITE,
    NO_FORBIDDEN,
    c('terms_explained', 'process', 'critical', '合同条款详细解读（租期、租金支付、押金、设备赔偿规则）', 'Contract terms explained (period, rent payment, deposit, damage rules)'),
    c('no_hidden_fees', 'process', 'critical', '无隐藏收费，费用与方案一致', 'No hidden charges; fees match the offer'),
    c('on_time', 'process', 'minor', '方案与合同在约定时间内完成', 'Offer and contract completed when promised'),
    c('consent', 'privacy', 'major', '使用客户信息前取得客户同意', "Customer's consent obtained before using their data"),
    PRIVACY,
  ],
  delivery: [
    POLITE,
    NO_FORBIDDEN,
    c('pre_inspection', 'process', 'critical', '交付前设备全面检测并有检测记录', 'Full inspection before delivery, with a record'),
    c('on_time', 'process', 'major', '按约定时间交付', 'Delivered at the promised time'),
    c('packaging', 'result', 'minor', '包装完整、有防护措施', 'Packaging intact and protective'),
    c('handover', 'result', 'major', '交付验收单完整、客户签收，设备状态良好', 'Acceptance form complete and signed; device in good order'),
    PRIVACY,
  ],
  repair: [
    POLITE,
    NO_FORBIDDEN,
    c('response_time', 'process', 'major', '按时响应报修（1 小时内安排技术人员，偏远地区 4 小时）', 'Technician arranged on time (1 h; 4 h in remote areas)'),
    SKILL,
    c('first_time_fix', 'result', 'major', '问题一次解决', 'Fixed on the first visit'),
    c('service_record', 'process', 'minor', '维修服务单填写完整', 'Repair form complete'),
    PRIVACY,
  ],
  return: [
    POLITE,
    NO_FORBIDDEN,
    c('return_inspection', 'process', 'major', '退租验收规范（检查、拍照、双方确认）', 'Standard return inspection (checked, photographed, confirmed by both sides)'),
    c('damage_fair', 'result', 'major', '损坏认定有据，赔偿费用合理', 'Damage assessed with evidence and charged fairly'),
    c('deposit', 'result', 'minor', '押金在约定时间内退还', 'Deposit returned when promised'),
    PRIVACY,
  ],
  call: [
    c('greeting', 'conduct', 'minor', '规范开场问候并报工号', 'Standard greeting, agent identifies themself'),
    c('identity_check', 'privacy', 'critical', '核实客户身份后才讨论订单信息', "Customer's identity checked before discussing an order"),
    POLITE,
    NO_FORBIDDEN,
    c('problem_handled', 'result', 'major', '问题得到处理或明确转办与时限', 'Problem handled, or escalated with a clear deadline'),
    c('correct_info', 'process', 'major', '提供的信息准确（价格、政策、时效）', 'Correct information given (prices, policy, timings)'),
    c('closing', 'conduct', 'minor', '规范结束语，确认是否还有其他需要', 'Standard closing; asked whether anything else is needed'),
  ],
  // On-site inspections of stores and home services (SPEC §7; seed 000 §三(二) 现场检查:
  // "观察服务人员接待客户、设备交付、现场维修等操作是否符合标准"), checking the
  // §三(一) conduct and privacy points that only show in person.
  inspection: [
    c('dress', 'conduct', 'minor', '服务人员着装统一整洁', 'Staff in uniform, neat and tidy'),
    POLITE,
    NO_FORBIDDEN,
    c('patience', 'conduct', 'minor', '接待客户主动，服务态度耐心细致', 'Customer received promptly; patient, attentive attitude'),
    c('equipment_knowledge', 'conduct', 'major', '设备知识掌握到位，能现场解答问题', 'Knows the equipment and answers questions on the spot'),
    c('handover', 'process', 'major', '设备交付规范：当面检测、演示操作、交付验收单签收', 'Handover by the book: tested in front of the customer, demonstrated, acceptance form signed'),
    c('repair_procedure', 'process', 'major', '现场维修按标准流程（故障确认、维修记录、修后测试与客户确认）', 'On-site repair by the procedure: fault confirmed, repair recorded, tested and confirmed with the customer'),
    c('price_display', 'process', 'minor', '价目与收费标准公示清晰，无隐藏收费', 'Prices and charges shown clearly; no hidden fees'),
    c('customer_info', 'privacy', 'critical', '屏幕、纸质单据上的客户信息未随意展示，单据妥善保管', 'Customer information not left visible on screens or paper; forms kept safe'),
  ],
};

/**
 * Apply the config's `checklists` section. Per kind, either an array (the
 * kind's whole list) or `{ "add": [checks], "remove": ["code"] }`. Throws an
 * Error whose message names the bad key; config.ts turns it into a usage error.
 */
export function resolveChecklists(raw: unknown): Checklists {
  const out: Checklists = structuredClone(DEFAULT_CHECKLISTS) as Checklists;
  if (raw === undefined) return out;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('checklists: must be an object of kind → checks');
  for (const [kind, spec] of Object.entries(raw as Record<string, unknown>)) {
    if (!(CHECKLIST_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`checklists.${kind}: unknown kind (the kinds are ${CHECKLIST_KINDS.join(', ')})`);
    }
    const k = kind as ChecklistKind;
    if (Array.isArray(spec)) {
      out[k] = spec.map((x, i) => parseCheck(x, `checklists.${k}[${i}]`));
    } else if (typeof spec === 'object' && spec !== null) {
      for (const key of Object.keys(spec)) {
        if (key !== 'add' && key !== 'remove') throw new Error(`checklists.${k}.${key}: unknown key (use "add" and "remove", or give the whole list as an array)`);
      }
      const { add, remove } = spec as { add?: unknown; remove?: unknown };
      if (remove !== undefined) {
        if (!Array.isArray(remove) || !remove.every((r) => typeof r === 'string')) throw new Error(`checklists.${k}.remove: must be a list of check codes`);
        for (const code of remove as string[]) {
          if (!out[k].some((ch) => ch.code === code)) throw new Error(`checklists.${k}.remove: no check "${code}" in the ${k} checklist`);
        }
        out[k] = out[k].filter((ch) => !(remove as string[]).includes(ch.code));
      }
      if (add !== undefined) {
        if (!Array.isArray(add)) throw new Error(`checklists.${k}.add: must be a list of checks`);
        out[k].push(...add.map((x, i) => parseCheck(x, `checklists.${k}.add[${i}]`)));
      }
    } else {
      throw new Error(`checklists.${k}: must be a list of checks or {"add": [...], "remove": [...]}`);
    }
    const seen = new Set<string>();
    for (const ch of out[k]) {
      if (seen.has(ch.code)) throw new Error(`checklists.${k}: check code "${ch.code}" appears twice`);
      seen.add(ch.code);
    }
    if (out[k].length === 0) throw new Error(`checklists.${k}: a checklist needs at least one check`);
  }
  return out;
}

function parseCheck(x: unknown, key: string): Check {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${key}: must be an object {code, zh, en, category, severity}`);
  const o = x as Record<string, unknown>;
  for (const f of Object.keys(o)) {
    if (!['code', 'zh', 'en', 'category', 'severity'].includes(f)) throw new Error(`${key}.${f}: unknown key`);
  }
  const str = (f: string): string => {
    const v = o[f];
    if (typeof v !== 'string' || v.trim() === '') throw new Error(`${key}.${f}: must be a non-empty string`);
    return v.trim();
  };
  const code = str('code');
  if (!/^[a-z][a-z0-9_-]{0,39}$/.test(code)) throw new Error(`${key}.code: "${code}" must be lower-case letters, digits, _ or - (at most 40)`);
  const category = str('category');
  if (!(CATEGORIES as readonly string[]).includes(category)) throw new Error(`${key}.category: must be one of ${CATEGORIES.join(', ')}, got "${category}"`);
  const severity = str('severity');
  if (!(SEVERITIES as readonly string[]).includes(severity)) throw new Error(`${key}.severity: must be one of ${SEVERITIES.join(', ')}, got "${severity}"`);
  return { code, zh: str('zh'), en: str('en'), category: category as Category, severity: severity as Severity };
}

/** The checklist kind of an item: its record_type, or 'call'. */
export function checklistKindOf(kind: 'records' | 'calls', recordType: string | null): ChecklistKind {
  return kind === 'calls' ? 'call' : (recordType as ChecklistKind);
}
