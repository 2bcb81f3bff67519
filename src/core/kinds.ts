/**
 * The four input kinds of SPEC §2: their canonical columns, value types,
 * required flags and built-in header aliases (English and the Chinese headers
 * the company's systems export). The database tables use the canonical names.
 */
import { lookupTable } from './lookup.js';

export const KINDS = ['records', 'calls', 'complaints', 'surveys'] as const;
export type Kind = (typeof KINDS)[number];

export type FieldType =
  | 'text' // free text, trimmed; empty = null
  | 'timestamp' // epoch milliseconds (UTC); see io/values.ts for accepted forms
  | 'bool' // 1 / 0
  | 'duration' // whole seconds >= 0
  | 'score' // 1–5
  | 'record_type' // one of RECORD_TYPES
  | 'phone' // text; full-width digits normalised, numbers Excel made of it refused (io/values.ts parsePhone)
  | 'choice'; // one of FieldDef.choices (stored as the English id)

export interface FieldDef {
  name: string;
  type: FieldType;
  required: boolean;
  aliases: readonly string[];
  /** Personal data: masked in every output unless --unmask. */
  personal?: boolean;
  /** For 'choice': accepted spellings (lower-case) → the stored id. */
  choices?: Readonly<Record<string, string>>;
}

export interface KindSchema {
  kind: Kind;
  table: string;
  idField: string;
  /** The timestamp that decides the month (or ISO week for calls). */
  timeField: string;
  /** Whether rows get a sampling rank (hash of seed, kind, id). */
  ranked: boolean;
  fields: readonly FieldDef[];
}

export const RECORD_TYPES = ['consult', 'contract', 'delivery', 'repair', 'return'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Accepted spellings of record_type (compared lower-case, trimmed). */
export const RECORD_TYPE_ALIASES: Readonly<Record<string, RecordType>> = lookupTable({
  consult: 'consult', consultation: 'consult', 咨询: 'consult', 咨询服务: 'consult', 咨询聊天: 'consult', 咨询聊天记录: 'consult',
  contract: 'contract', 合同: 'contract', 合同签订: 'contract', 签约: 'contract',
  delivery: 'delivery', 交付: 'delivery', 设备交付: 'delivery', 交付验收: 'delivery', 交付验收单: 'delivery',
  repair: 'repair', 维修: 'repair', 售后维修: 'repair', 维修服务: 'repair', 维修服务单: 'repair',
  return: 'return', 退租: 'return', 退租验收: 'return', 退租验收单: 'return',
});

export const RECORD_TYPE_LABELS: Readonly<Record<RecordType, { zh: string; en: string }>> = {
  consult: { zh: '咨询', en: 'consult' },
  contract: { zh: '合同', en: 'contract' },
  delivery: { zh: '交付', en: 'delivery' },
  repair: { zh: '维修', en: 'repair' },
  return: { zh: '退租', en: 'return' },
};

/** Exports name the customer's phone many ways; every one of them is personal data. */
const PHONE_ALIASES = ['客户电话', '手机号', '手机号码', '手机', '联系电话', '电话', '联系方式', 'phone', 'mobile', 'customer_mobile'];

const f = (name: string, type: FieldType, required: boolean, aliases: string[], personal = false): FieldDef =>
  personal ? { name, type, required, aliases, personal } : { name, type, required, aliases };

/**
 * Every 'choice' column's spellings, by index: a refused value's problem
 * carries the index (a number survives the import worker's messages), so
 * the message can list what the column accepts.
 */
export const CHOICE_SETS: Readonly<Record<string, string>>[] = [];

/** The accepted values of a choice set, for messages: "normal 一般, major 重大". */
export function choiceList(set: number): string {
  const choices = CHOICE_SETS[set] ?? {};
  const ids = [...new Set(Object.values(choices))];
  return ids
    .map((i) => {
      const zh = Object.keys(choices).find((k) => choices[k] === i && /[^\x00-\x7f]/.test(k));
      return zh ? `${i} ${zh}` : i;
    })
    .join(', ');
}

/** A 'choice' column: its ids with their Chinese names (SPEC §6), each accepted in either language. */
const choice = (name: string, aliases: string[], values: Record<string, string[]>): FieldDef => {
  // No prototype: a cell `constructor` is not a choice (see core/lookup.ts).
  const choices = Object.create(null) as Record<string, string>;
  for (const [id, spellings] of Object.entries(values)) for (const s of [id, ...spellings]) choices[s.toLowerCase()] = id;
  CHOICE_SETS.push(choices);
  return { name, type: 'choice', required: false, aliases, choices };
};

/** Complaint severity (SPEC §6): 一般 / 重大. */
export const COMPLAINT_SEVERITIES = { normal: ['一般', '普通'], major: ['重大', '严重'] } as const;
/** Survey channels (SPEC §6; 001 第八条 线上问卷, 电话回访, 深度访谈; 000 §三(二) 电话或短信回访). */
export const SURVEY_CHANNELS = {
  phone: ['电话', '电话回访', 'tel', 'call'],
  sms: ['短信', '短信回访', 'text'],
  online: ['线上', '线上问卷', '问卷', 'web', 'wechat', '微信'],
  interview: ['访谈', '深度访谈', '面谈', 'visit'],
} as const;
export type SurveyChannel = keyof typeof SURVEY_CHANNELS;

/** The survey questions of 000 §三(二) and 001 第七条 (SPEC §6): yes/no shares and 1–5 dimension means. */
export const SURVEY_QUESTIONS: readonly { id: string; kind: 'share' | 'mean'; zh: string; en: string }[] = [
  { id: 'overall', kind: 'mean', zh: '整体评分', en: 'Overall score' },
  { id: 'would_recommend', kind: 'share', zh: '愿意推荐', en: 'Would recommend' },
  { id: 'attitude_ok', kind: 'share', zh: '服务态度满意', en: 'Satisfied with the staff attitude' },
  { id: 'resolved_in_time', kind: 'share', zh: '问题及时解决', en: 'Problem solved in time' },
  { id: 'recommendation_fit', kind: 'share', zh: '推荐符合需求', en: 'Recommended kit fitted the need' },
  { id: 'hidden_fee', kind: 'share', zh: '存在隐藏收费', en: 'Hidden fees reported' },
  { id: 'consult_score', kind: 'mean', zh: '咨询对接', en: 'Consultation' },
  { id: 'plan_score', kind: 'mean', zh: '方案与合同', en: 'Plan and contract' },
  { id: 'delivery_score', kind: 'mean', zh: '设备交付', en: 'Delivery' },
  { id: 'tech_score', kind: 'mean', zh: '技术支持', en: 'Technical support' },
  { id: 'return_score', kind: 'mean', zh: '设备回收', en: 'Equipment return' },
];

export const KIND_SCHEMAS: Readonly<Record<Kind, KindSchema>> = {
  records: {
    kind: 'records',
    table: 'records',
    idField: 'record_id',
    timeField: 'occurred_at',
    ranked: true,
    fields: [
      f('record_id', 'text', true, ['记录编号', '单号']),
      f('record_type', 'record_type', true, ['记录类型', '服务类型']),
      f('occurred_at', 'timestamp', true, ['发生时间', '创建时间']),
      f('department', 'text', false, ['部门']),
      f('staff_id', 'text', false, ['员工编号', '服务人员']),
      f('customer_id', 'text', false, ['客户编号']),
      f('customer_phone', 'phone', false, PHONE_ALIASES, true),
      f('channel', 'text', false, ['渠道']),
      f('remote', 'bool', false, ['偏远地区']),
      f('first_response_at', 'timestamp', false, ['首次响应时间']),
      f('promised_at', 'timestamp', false, ['约定时间']),
      f('completed_at', 'timestamp', false, ['完成时间']),
      f('first_time_fix', 'bool', false, ['一次解决']),
      f('recommendation_fit', 'bool', false, ['推荐适配']),
      f('device_intact', 'bool', false, ['设备完好']),
      f('status', 'text', false, ['状态']),
      f('notes', 'text', false, ['备注']),
      // SPEC §7: the outside partner (logistics / repair vendor) that did the work.
      f('partner', 'text', false, ['合作方', '合作服务商', '服务商', 'vendor']),
    ],
  },
  calls: {
    kind: 'calls',
    table: 'calls',
    idField: 'call_id',
    timeField: 'started_at',
    ranked: true,
    fields: [
      f('call_id', 'text', true, ['通话编号']),
      f('started_at', 'timestamp', true, ['开始时间', '通话时间']),
      f('agent_id', 'text', true, ['坐席', '客服编号']),
      f('duration_seconds', 'duration', true, ['时长', '通话时长']),
      f('direction', 'text', false, ['呼叫方向']),
      f('queue', 'text', false, ['队列']),
      f('customer_phone', 'phone', false, PHONE_ALIASES, true),
      f('recording_ref', 'text', false, ['录音文件', '录音地址']),
    ],
  },
  complaints: {
    kind: 'complaints',
    table: 'complaints',
    idField: 'complaint_id',
    timeField: 'received_at',
    ranked: false,
    fields: [
      f('complaint_id', 'text', true, ['投诉编号']),
      f('received_at', 'timestamp', true, ['投诉时间', '受理时间']),
      f('customer_id', 'text', true, ['客户编号']),
      f('acknowledged_at', 'timestamp', false, ['确认时间']),
      f('verification_started_at', 'timestamp', false, ['核查启动时间']),
      f('investigated_at', 'timestamp', false, ['初步调查完成时间']),
      f('solution_confirmed_at', 'timestamp', false, ['方案确认时间']),
      f('resolved_at', 'timestamp', false, ['解决时间']),
      f('related_record_id', 'text', false, ['关联记录']),
      f('department', 'text', false, ['部门']),
      f('category', 'text', false, ['类别']),
      // SPEC §6 (002 三(一)3 信息登记: 问题描述及诉求; 三(二)2 专人负责; 三(三)2 结果反馈)
      f('description', 'text', false, ['问题描述', '投诉内容']),
      f('demand', 'text', false, ['客户诉求', '诉求']),
      choice('severity', ['严重程度', '投诉等级'], COMPLAINT_SEVERITIES as unknown as Record<string, string[]>),
      f('staff_id', 'text', false, ['涉及员工', '被投诉人']),
      f('owner', 'text', false, ['负责人', '处理人']),
      f('feedback_at', 'timestamp', false, ['反馈时间', '结果反馈时间']),
    ],
  },
  surveys: {
    kind: 'surveys',
    table: 'surveys',
    idField: 'survey_id',
    timeField: 'surveyed_at',
    ranked: false,
    fields: [
      f('survey_id', 'text', true, ['回访编号']),
      f('customer_id', 'text', true, ['客户编号']),
      f('surveyed_at', 'timestamp', true, ['回访时间']),
      f('overall', 'score', false, ['整体评分', '满意度']),
      f('would_recommend', 'bool', false, ['是否推荐']),
      choice('channel', ['方式', '回访方式', '渠道'], SURVEY_CHANNELS as unknown as Record<string, string[]>),
      f('record_id', 'text', false, ['关联记录']),
      // SPEC §6: the questions of 000 §三(二) 客户回访 and 001 第七条.
      f('attitude_ok', 'bool', false, ['服务态度满意', '态度满意']),
      f('resolved_in_time', 'bool', false, ['问题及时解决', '及时解决']),
      f('recommendation_fit', 'bool', false, ['推荐符合需求', '推荐适配']),
      f('hidden_fee', 'bool', false, ['存在隐藏收费', '隐藏收费']),
      f('consult_score', 'score', false, ['咨询对接', '咨询对接评分']),
      f('plan_score', 'score', false, ['方案与合同', '方案与合同评分']),
      f('delivery_score', 'score', false, ['设备交付', '设备交付评分']),
      f('tech_score', 'score', false, ['技术支持', '技术支持评分']),
      f('return_score', 'score', false, ['设备回收', '设备回收评分']),
    ],
  },
};

export function isKind(s: string): s is Kind {
  return (KINDS as readonly string[]).includes(s);
}

/** Chinese names of the import kinds (SPEC §1: accepted wherever the ids are). */
export const KIND_NAMES_ZH: Readonly<Record<string, string[]>> = {
  records: ['服务记录', '记录'],
  calls: ['热线录音', '录音', '通话'],
  complaints: ['投诉'],
  surveys: ['回访', '满意度调查', '调查'],
};

/** Chinese names of the checklist kinds (record types and 热线录音 for calls). */
export const CHECKLIST_NAMES_ZH: Readonly<Record<string, string[]>> = {
  consult: ['咨询'],
  contract: ['合同'],
  delivery: ['交付'],
  repair: ['维修'],
  return: ['退租'],
  call: ['热线录音', '录音', '通话'],
  inspection: ['现场检查', '检查'],
};

/**
 * An id from what a user typed: the id itself (any case) or one of its
 * Chinese names in `names`; the input unchanged when it names none (the
 * caller reports it).
 */
export function idFromName(input: string, names: Readonly<Record<string, string[]>>): string {
  const s = input.trim();
  if (Object.hasOwn(names, s.toLowerCase())) return s.toLowerCase();
  for (const [id, zh] of Object.entries(names)) if (zh.includes(s)) return id;
  return s;
}
