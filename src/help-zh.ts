/**
 * The Chinese help of every command (SPEC §1: `--lang zh` covers help).
 *
 * ONE PLACE for a command's zh text: an entry keyed by the command's path as
 * typed (`qa`, `qa sample list`), with its description, each argument (by
 * name) and option (by long flag), and the examples shown under 示例. The
 * English text stays in program.ts (and commands/defs/*.ts); localizeHelp()
 * swaps these in when the language is zh. A command added later needs an
 * entry here: test/cli/help-zh.test.ts walks every command and subcommand
 * and fails, naming what is missing, until it has one.
 */
import type { Command, Help } from 'commander';
import stringWidth from 'string-width';

/** A CJK character (or full-width punctuation): a place a line may break. */
const CJK = '\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFF00-\\uFFEF\\u3000-\\u303F';
const CHUNK = new RegExp(`\\s*(?:[${CJK}]|[^\\s${CJK}]+)`, 'g');
/** Full-width punctuation that must not start a line. */
const NO_START = /^[，。、；：）》」』！？]/;

/**
 * commander's boxWrap for text with Chinese: Chinese has no spaces, so each
 * CJK character is a place to break (not before closing punctuation), and
 * widths are display columns (a CJK character is 2).
 */
export function wrapCjk(str: string, width: number): string {
  const out: string[] = [];
  for (const line of str.split(/\r\n|\n/)) {
    const chunks = line.match(CHUNK);
    if (!chunks) {
      out.push('');
      continue;
    }
    let cur: string[] = [chunks.shift()!];
    for (const chunk of chunks) {
      if (stringWidth(cur.join('') + chunk) <= width) cur.push(chunk);
      else if (NO_START.test(chunk.trimStart()) && cur.length > 1) {
        // Closing punctuation stays with the character before it: both go down.
        const last = cur.pop()!;
        out.push(cur.join(''));
        cur = [last.trimStart(), chunk];
      } else {
        out.push(cur.join(''));
        cur = [chunk.trimStart()];
      }
    }
    out.push(cur.join(''));
  }
  return out.join('\n');
}

export interface ZhHelp {
  description: string;
  /** By argument name (`kind`, `files`, `run-id`). */
  arguments?: Record<string, string>;
  /** By long flag (`--month`). */
  options?: Record<string, string>;
  /** Lines under 示例：(command lines, a blank line, then notes), as examples() takes them. */
  examples: string[];
}

export const ZH_HELP: Record<string, ZhHelp> = {
  qa: {
    description: '租赁业务服务质量监督：导入导出文件、抽取审核样本、记录审核结果、跟踪整改、输出月度 KPI 报告。',
    options: {
      '--version': '显示版本号',
      '--db': '数据库文件（默认：$QA_DB，否则 ./qa.sqlite）',
      '--config': '配置文件（默认：$QA_CONFIG，否则当前目录的 ./qa.config.json）',
      '--lang': '输出语言（默认取自 LANG/LC_ALL）',
      '--json': '在标准输出打印一个 JSON 文档（进度和警告写到标准错误）',
      '--no-input': '从不提问；需要回答时报用法错误（设置了 CI 时同样）',
      '--unmask': '显示完整手机号（每次使用都写入审计日志）',
    },
    examples: [
      'qa import records exports/records-2026-10.csv   # 每天早上：导入夜间导出文件，',
      'qa sample                                       # 当天抽样，',
      'qa review                                       # 然后逐项审核',
      'qa report --month 2026-10 --format html --out report.html',
      '',
      '英文界面：--lang en。每个命令的用法：qa <命令> --help。',
      '',
      '退出码：0 成功，1 失败（数据错误、读写错误），2 用法错误，',
      '        3 有 KPI 未达标（--check），70 内部错误，130 被中断',
    ],
  },
  'qa import': {
    description: '把 CSV 导出文件导入数据库（服务记录、热线录音、投诉、回访）',
    arguments: { kind: 'records（服务记录）| calls（热线录音）| complaints（投诉）| surveys（回访）', files: 'CSV 文件；- 表示从标准输入读取' },
    options: {
      '--encoding': '指定编码：utf8、gb18030、utf16le 或 utf16be（默认：按 BOM，否则自动识别）',
      '--delimiter': '分隔符：, ; | 或 tab（默认：Excel 的 sep= 行，否则表头含 tab 且无逗号时为 tab，否则为 ,）',
      '--skip-invalid': '导入有效行，被拒的行连同问题保存在数据库中',
      '--rejects': '把每个被拒的行及其问题写入这个 CSV 文件',
      '--allow-clear': '允许导入清空先前导入填写过的值（在新导出之后又导入旧导出）',
      '--max-record-bytes': '单条记录的最大字节数（默认 1048576 = 1 MiB）',
    },
    examples: [
      'qa import records exports/records-2026-10-21.csv',
      'qa import calls calls-w42.csv --encoding gb18030',
      'qa import complaints complaints.csv --skip-invalid --rejects rejects.csv',
      'cat surveys.csv | qa import surveys - --json',
      '',
      '默认全部成功或全部不写：有一行无效，这个文件就一行都不写入。',
      '同一文件再次导入不产生变化；有变化的行被更新，旧版本保留（qa history <编号>）。',
      '会清空先前已填写值的导入被拒绝，除非加 --allow-clear。',
      '可读取 UTF-8、GBK/GB18030 和带 BOM 的 UTF-16；混用编码的文件被拒绝。',
      'CRLF、LF 和单独的 CR 都算换行。',
    ],
  },
  'qa imports': {
    description: '列出历次导入：文件、sha256、行数、时间',
    options: { '--limit': '显示多少条，最新的在前' },
    examples: ['qa imports', 'qa imports --limit 5 --json'],
  },
  'qa rejects': {
    description: '显示 --skip-invalid 导入时被拒的行',
    options: { '--import': '只看这次导入（见 qa imports）', '--limit': '显示多少条，最新的在前' },
    examples: ['qa rejects', 'qa rejects --import 12 --json'],
  },
  'qa history': {
    description: '导入行的每个版本：每次导入带来、修改或清空了什么',
    arguments: { id: '服务记录、录音、投诉或回访的编号' },
    options: { '--kind': '只查这一类（编号在同类中唯一）' },
    examples: [
      'qa history SR-202610-00042',
      'qa history C-1001 --kind calls --json',
      '',
      '每次改变了某行的重新导入，都会保留被替换的版本及带来它的导入；',
      '手机号打码显示，除非加 --unmask（写入审计日志）。',
    ],
  },
  'qa db': {
    description: '数据库本身：检查它',
    examples: ['qa db check', 'qa --db /backups/qa-2026-10.sqlite db check --json'],
  },
  'qa db check': {
    description: '运行 SQLite 完整性检查和 qa 自身的一致性检查（有问题时退出码 1）',
    examples: [
      'qa db check',
      'qa db check --json',
      '',
      '检查内容：SQLite 完整性、结构版本、每次导入都已完成且行数相符、导入文本中没有',
      'U+FFFD、抽样项和审核结果指向真实的行、整改状态与其历史一致、审计日志内容可读。',
    ],
  },
  'qa sample': {
    description: '当天抽样：把上月至今的服务记录按类型补足到 20 %，每个完整周抽 50 条热线录音',
    options: {
      '--date': '按这一天运行（默认：今天）',
      '--seed': '用这个种子排序，而不是数据库的种子（记入抽样凭据）',
      '--month': '补足这一整月的服务记录（用于很晚才到的导出）',
      '--campaign': '改为给这个专项监督抽样（qa campaign start），在其关注范围和日期内',
      '--rate': '与 --campaign 一起：关注范围内的抽样比例，0 < R <= 1（0.3 = 30 %）',
    },
    examples: [
      'qa sample                      # 每天早上',
      'qa sample --date 2026-11-01    # 1 日的运行结束 10 月',
      'qa sample --month 2026-09      # 9 月的导出迟到了',
      'qa sample --json               # 给定时任务用',
      '',
      'D 日的运行补足 D-1 所在月（D 日本身的记录明天再抽）：每种 record_type',
      '抽样数 >= ceil(比例 × 总数)。D 之前每个还没抽过录音的完整 ISO 周抽',
      'min(50, 合格录音数) 条，在坐席间平均分配。排序 = sha256("<种子>:<类别>:<编号>")，',
      '排序值最小的入选。',
    ],
  },
  'qa sample list': {
    description: '打印待审清单：最近一次抽样抽到的项目（或某月的服务记录和该月各周的录音）',
    options: {
      '--month': '这个月（默认：最近一次抽样补足的月份及其抽取的录音周）',
      '--pending': '只列还没审核完的项目',
      '--format': 'table、json 或 csv（默认：table；有 --json 时为 json）',
    },
    examples: [
      'qa sample list --pending                 # qa sample 提示的就是这份清单',
      'qa sample list --month 2026-10 --format csv > worklist.csv',
      '',
      '在终端上长列表通过分页器显示（$QA_PAGER、$PAGER 或 less）；管道和重定向时不分页。',
    ],
  },
  'qa sample verify': {
    description: '根据数据库重新计算一次抽样，与其凭据比对（不一致时退出码 1）',
    arguments: { 'run-id': 'qa sample 打印的抽样批次编号' },
    examples: ['qa sample verify 17', 'qa sample verify 17 --json'],
  },
  'qa review': {
    description: '逐项审核待审清单：每个检查项通过 / 不通过 / 不适用，不通过需写说明',
    options: {
      '--item': '只审核这一个项目（服务记录或录音编号）',
      '--kind': 'records 或 calls（编号两类都有时）',
      '--auditor': '审核人（默认：$QA_USER 或登录名）',
      '--unsampled': '审核不在任何抽样中的项目，并说明原因（报告中标出）',
      '--calibration': '盲审这次校准的项目（qa calibrate start）',
    },
    examples: [
      'qa review                          # 按抽样先后审核全部待审项目',
      'qa review --item SR-202610-00042',
      'qa review --calibration 3 --auditor li    # 双人复核：看不到他人的答案',
      '',
      '一个键一个答案，无需回车：p 通过 · f 不通过（再写说明）· n 不适用',
      'a 本项及其余检查项全部通过（遇到数据判定为不通过的检查项会停下询问）',
      'c 更正已给出的答案（需写原因，历史保留）· o 播放录音（配置 review.player）',
      'k 跳过此项目 · s 停止。',
      '由数据决定的检查项（响应时限、按时交付 …）会在问题下方显示数据判定结果。',
      '每个答案立即保存：随时停止，再次运行 qa review 即可继续。',
      '需要终端；脚本请用 qa finding add / qa finding import。',
    ],
  },
  'qa finding': {
    description: '不经提问记录审核结果（供脚本使用），更正错误的答案',
    examples: [
      'qa finding add --item SR-202610-00042 --check polite --result pass',
      'qa --lang zh finding template --pending --out 审核.csv && qa finding import 审核.csv',
      'qa finding amend --item SR-202610-00042 --check polite --result pass --reason "按错了键"',
    ],
  },
  'qa finding add': {
    description: '记录一个项目的一个检查项的答案；不通过会开立整改',
    options: {
      '--item': '服务记录或录音编号',
      '--check': '检查项代码（qa checklist show）',
      '--result': 'pass（通过）、fail（不通过）或 na（不适用）',
      '--note': '问题说明（不通过时必填）',
      '--auditor': '审核人（默认：$QA_USER 或登录名）',
      '--kind': 'records 或 calls（编号两类都有时）',
      '--unsampled': '项目不在任何抽样中：为何仍要审核',
    },
    examples: [
      'qa finding add --item SR-202610-00042 --check polite --result pass',
      'qa finding add --item C-202610-00017 --check identity_check --result fail --note "未核实身份就谈订单"',
    ],
  },
  'qa finding template': {
    description: '写出 qa finding import 读取的 CSV（表头随 --lang；--pending 填好每个未答的检查项）',
    options: { '--out': '写到这个新文件，而不是标准输出', '--pending': '每个待审项目的每个未答检查项一行' },
    examples: [
      'qa --lang zh finding template --out 审核.csv               # 只有表头',
      'qa --lang zh finding template --pending --out 审核.csv     # 项目编号, 种类, 检查项代码, 结果, …',
      '',
      '填写结果（通过 / 不通过 / 不适用，或 pass / fail / na），不通过写问题说明，',
      '然后 qa finding import 审核.csv。没有填结果的行会报错。',
    ],
  },
  'qa finding import': {
    description: '从 CSV 记录多个答案（项目、检查项、结果、说明、审核人、种类、抽样外原因）—— 全部成功或全部不写',
    arguments: { file: 'CSV 文件' },
    examples: [
      'qa finding import 审核-2026-10-21.csv',
      'qa finding import answers.csv --json',
      '',
      '表头可用中文或英文：项目编号/item、种类/kind、检查项代码/check（也可写检查项的文字）、',
      '结果/result（通过、不通过、不适用、pass、fail、na）、问题说明/note、审核人/auditor、',
      '抽样外原因/unsampled。qa finding template 可生成模板。',
    ],
  },
  'qa finding amend': {
    description: '更正已记录的答案（原答案保留在历史和审计日志中）；不通过改为通过/不适用会撤销整改，改为不通过会开立整改',
    options: {
      '--item': '服务记录或录音编号',
      '--check': '检查项代码',
      '--result': '正确的答案：pass、fail 或 na',
      '--reason': '原答案为何错误',
      '--note': '更正后的问题说明（不通过而未给出时取原因）',
      '--by': '更正人（默认：$QA_USER 或登录名）',
      '--kind': 'records 或 calls（编号两类都有时）',
    },
    examples: [
      'qa finding amend --item SR-202610-00042 --check polite --result pass --reason "重听录音：00:03 有问候"',
      'qa finding amend --item C-202610-00017 --check identity_check --result fail --reason "始终未核实身份" --by supervisor.zhang',
      '',
      '已整改或已验证关闭的整改保持不变；尚未整改的被撤销（状态“已撤销”，保留记录）。',
      'qa review 中对屏幕上的项目按 c 也可更正。',
    ],
  },
  'qa rectify': {
    description: '整改闭环：待分析 → 已分析原因 → 已制定措施 → 已整改 → 已验证关闭',
    examples: ['qa rectify list --overdue', 'qa rectify show 12', 'qa rectify update 12 --to 已分析原因 --note "新员工，未培训话术"'],
  },
  'qa rectify list': {
    description: '列出整改（期限、责任人、状态）',
    options: {
      '--overdue': '只列已过期限且未整改/未验证的',
      '--dept': '只列这个责任部门的',
      '--state': '只列这些状态（逗号分隔；英文 id 或中文名称）',
    },
    examples: ['qa rectify list --overdue', 'qa rectify list --dept 技术部 --state 待分析,已分析原因 --json'],
  },
  'qa rectify show': {
    description: '一项整改及其审核结果和完整历史',
    arguments: { id: '整改编号' },
    examples: ['qa rectify show 12'],
  },
  'qa rectify update': {
    description: '把整改推进一步，并写明内容（原因、措施、证据、验证结果）',
    arguments: { id: '整改编号' },
    options: {
      '--to': '已分析原因 | 已制定措施 | 已整改 | 已验证关闭（或 analysed | planned | done | verified；从已整改回到已制定措施 = 验证未通过）',
      '--note': '这一步的原因 / 措施 / 证据 / 验证结果',
      '--due': '新的整改期限（与已制定措施一起；责任人不能自己改期：需要 --by 和 --reason）',
      '--by': '执行这一步的人（默认：$QA_USER 或登录名）；验证人不能是责任人',
      '--reason': '期限为何变更（给出新的 --due 时必填；记入审计日志）',
    },
    examples: [
      'qa rectify update 12 --to 已分析 --note "新员工，未培训话术"',
      'qa rectify update 12 --to 已制定措施 --note "10-28 培训，每个工位放话术卡" --due 2026-11-05',
      'qa rectify update 12 --to 已整改 --note "培训记录 TR-1028，已签字"',
      'qa rectify update 12 --to 已验证 --by zhang.wei --note "抽查 5 通回访电话：全部合规"',
      'qa rectify update 12 --to planned --by zhang.wei --note "5 通中仍有 2 通没有问候"   # 验证未通过',
    ],
  },
  'qa checklist': {
    description: '现行的审核检查表',
    examples: ['qa checklist show', 'qa checklist show 咨询', 'qa checklist show call --json'],
  },
  'qa checklist show': {
    description: '打印检查表（默认检查表，经配置替换或增补）',
    arguments: { kind: 'consult 咨询 | contract 合同 | delivery 交付 | repair 维修 | return 退租 | call 热线录音' },
    examples: ['qa checklist show', 'qa checklist show 维修', 'qa checklist show call --json'],
  },
  'qa log': {
    description: '审计日志：对审核结果和整改的每次改动，以及每次 --unmask',
    options: { '--since': '从这一天（YYYY-MM-DD，本地时间）或 ISO 时间起', '--limit': '显示多少条，最新的在前' },
    examples: ['qa log --since 2026-10-01', 'qa log --json'],
  },
  'qa report': {
    description: '月度服务质量监督报告：KPI、抽样覆盖、审核发现、整改、不合格率上限',
    options: {
      '--month': '月份（默认：上一个完整月）',
      '--format': 'table、json、csv、md 或 html（默认：table；有 --out 时按扩展名）',
      '--out': '写到这个文件（原子写入），而不是标准输出',
      '--check': '有 KPI 未达标时退出码为 3，并在标准错误列出',
    },
    examples: [
      'qa report --month 2026-10',
      'qa report --month 2026-10 --format html --out 报告-2026-10.html',
      'qa report --month 2026-10 --json --check   # 有 KPI 未达标时退出码 3',
      '',
      '该月还有抽样项目未审核时，报告开头会写明，依据审核的数字标为“暂定”。',
    ],
  },
  'qa export': {
    description: '写出 DIR/qa-YYYY-MM/：report.json、report.md、report.html、kpis.csv、findings.csv、rectifications.csv（供定时任务）',
    options: {
      '--month': '月份（默认：上一个完整月）',
      '--out-dir': '在哪个目录下创建 qa-YYYY-MM/',
      '--check': '有 KPI 未达标时退出码为 3，并在标准错误列出（即使加了 --quiet）',
      '--quiet': '成功时不打印任何内容',
    },
    examples: ['qa export --month 2026-10 --out-dir /srv/qa/reports', '0 6 1 * * qa export --out-dir /srv/qa/reports --quiet --check   # crontab：未达标的 KPI 会出现在邮件里'],
  },
  'qa config': {
    description: '显示现行配置',
    examples: ['qa config show', 'qa --config team.json config show --json'],
  },
  'qa config show': {
    description: '打印生效的配置（默认值经配置文件覆盖）',
    examples: ['qa config show', 'qa --config team.json config show --json'],
  },
  'qa scorecard': {
    description: '员工月度或季度考核卡：审核数、质量得分、投诉、个人 KPI、整改、申诉；附部门中位数',
    options: {
      '--month': '月份（默认：上一个完整月）',
      '--quarter': '改为季度，例如 2026-Q4',
      '--staff': '只看这个员工或坐席（中位数仍按整个部门）',
      '--dept': '只看这个部门',
      '--format': 'table、json、csv 或 html（默认：table；有 --out 时按扩展名）',
      '--out': '写到这个文件，而不是标准输出',
    },
    examples: [
      'qa scorecard --quarter 2026-Q4',
      'qa scorecard --month 2026-10 --dept 客服部',
      'qa scorecard --quarter 2026-Q4 --format csv --out 考核-Q4.csv',
      'qa scorecard --month 2026-10 --staff KF007 --json',
      '',
      '审核数字按审核人当时看到的部门和员工（审核快照），答案按更正后计；校准答案不计入。',
      '没有已审核项目的人显示“无审核”，而不是 0 %。',
    ],
  },
  'qa dispute': {
    description: '对审核结果的申诉：在 disputes.windowDays 天内提出，由审核人和申诉人以外的人裁定',
    examples: [
      'qa dispute open --item C-202610-00017 --check greeting --by A03 --reason "…"',
      'qa dispute decide 4 --overturn --by supervisor.zhang --note "…"',
      'qa dispute list --open',
    ],
  },
  'qa dispute open': {
    description: '对一个不通过的答案提出申诉（答案给出后 disputes.windowDays 天内，默认 7 天）',
    options: {
      '--item': '服务记录或录音编号',
      '--check': '不通过的检查项',
      '--by': '申诉人（员工、坐席或其主管）',
      '--reason': '审核结果为何有误',
      '--kind': 'records 或 calls（编号两类都有时）',
    },
    examples: ['qa dispute open --item C-202610-00017 --check greeting --by A03 --reason "录音 00:04 处有问候"'],
  },
  'qa dispute decide': {
    description: '维持或推翻申诉；推翻即更正答案（qa finding amend）并撤销其整改',
    arguments: { id: '申诉编号（qa dispute list）' },
    options: {
      '--uphold': '维持审核结果',
      '--overturn': '审核结果有误：答案改为通过（或 --result na）',
      '--result': '与 --overturn 一起：pass（默认）或 na',
      '--by': '裁定人：不能是审核人或申诉人',
      '--note': '裁定理由',
    },
    examples: ['qa dispute decide 4 --overturn --by supervisor.zhang --note "确认 00:04 处有问候"', 'qa dispute decide 5 --uphold --by supervisor.zhang --note "录音中没有问候"'],
  },
  'qa dispute list': {
    description: '列出申诉（状态、项目、检查项、审核人、申诉人、裁定）',
    options: { '--open': '只列等待裁定的' },
    examples: ['qa dispute list --open', 'qa dispute list --json'],
  },
  'qa calibrate': {
    description: '校准（双人复核）：多名审核人盲审相同的抽样项目；一致率和 kappa',
    examples: [
      'qa calibrate start --items 10 --kind call --auditors li,wang,zhao',
      'qa review --calibration 1 --auditor li',
      'qa calibrate answer 1 --item C-… --check greeting --result pass --auditor wang',
      'qa calibrate report 1',
    ],
  },
  'qa calibrate start': {
    description: '为指定审核人抽取 N 个已抽样的项目（按种子排序）供盲审',
    options: {
      '--items': '项目数',
      '--kind': 'consult、contract、delivery、repair、return、call、records 或 calls（默认：不限）',
      '--auditors': '两名或以上审核人，逗号分隔',
      '--seed': '用这个种子排序（默认：随机生成并记录）',
    },
    examples: [
      'qa calibrate start --items 10 --kind call --auditors li,wang,zhao',
      'qa calibrate start --items 20 --kind repair --auditors li,wang --seed 2026-Q4',
      '',
      '排序 = sha256("<种子>:calibration:<类别>:<编号>")；抽取排序值最小的 N 个已抽样项目。',
    ],
  },
  'qa calibrate answer': {
    description: '不经提问记录一个盲审答案（供脚本使用）；给出后不可更改',
    arguments: { id: '校准编号' },
    options: {
      '--item': '项目',
      '--check': '检查项',
      '--result': 'pass、fail 或 na',
      '--note': '问题说明（可选）',
      '--auditor': '答题的审核人（默认：$QA_USER 或登录名）',
    },
    examples: ['qa calibrate answer 1 --item C-202610-00017 --check greeting --result fail --auditor wang --note "未报工号"'],
  },
  'qa calibrate import': {
    description: '从 CSV 记录多个盲审答案（项目、检查项、结果、说明、审核人）—— 全部成功或全部不写',
    arguments: { id: '校准编号', file: 'CSV 文件' },
    examples: ['qa calibrate import 1 answers-wang.csv', 'qa calibrate import 1 answers.csv --json'],
  },
  'qa calibrate report': {
    description: '进度；全部答完后给出每个检查项的一致率、Cohen/Fleiss kappa 和每名审核人与多数意见的偏差',
    arguments: { id: '校准编号' },
    examples: ['qa calibrate report 1', 'qa calibrate report 1 --json'],
  },
  'qa calibrate list': {
    description: '列出校准及其审核人和进度',
    examples: ['qa calibrate list', 'qa calibrate list --json'],
  },
  'qa complaint': {
    description: '投诉案件：核查报告、列表、完整案卷',
    examples: ['qa complaint list --unverified', 'qa complaint verify TS-202610-003 --cause "客服外发客户资料截图" --responsibility 客服部/KF03', 'qa complaint show TS-202610-003'],
  },
  'qa complaint verify': {
    description: '记录投诉的核查报告；属实的投诉为责任部门/人员开立整改',
    arguments: { 'complaint-id': '投诉编号（qa complaint list）' },
    options: {
      '--cause': '原因（属实时必填；不属实时写明理由）',
      '--responsibility': '责任方：部门，可加 /员工编号（属实时）',
      '--unfounded': '核查认定投诉不属实',
      '--by': '核查人（默认：$QA_USER 或登录名）',
      '--amend': '替换先前的核查结论（原结论保留在历史和审计日志中）',
      '--reason': '为何更改核查结论（与 --amend 一起）',
    },
    examples: [
      'qa complaint verify TS-202610-003 --cause "客服外发客户资料截图" --responsibility 客服部/KF03 --by zhang.wei',
      'qa complaint verify TS-202610-007 --unfounded --cause "订单显示已按时送达，客户记错日期" --by zhang.wei',
      'qa complaint verify TS-202610-003 --amend --reason "复核：责任在仓储部" --cause "…" --responsibility 仓储部/CC02',
      '',
      '属实的投诉开立整改（qa rectify list），期限为 rectification.days 天。',
      '改为不属实会撤销尚未整改完成的整改。',
    ],
  },
  'qa complaint list': {
    description: '列出投诉及其核查和整改',
    options: { '--month': '只列这个月收到的投诉', '--open': '只列未结案的：未解决，或属实而整改尚未验证', '--unverified': '只列还没有核查报告的' },
    examples: ['qa complaint list --month 2026-10', 'qa complaint list --unverified --json'],
  },
  'qa complaint show': {
    description: '完整案卷：导出字段与时限、核查、整改、解决后的回访',
    arguments: { 'complaint-id': '投诉编号' },
    examples: ['qa complaint show TS-202610-003', 'qa complaint show TS-202610-003 --json'],
  },
  'qa callback': {
    description: '回访清单：谁需要回访、为什么、何时之前',
    examples: ['qa callback plan', 'qa callback list --overdue'],
  },
  'qa callback plan': {
    description: '把今天的回访加入清单：租赁结束、季度长期客户、流失风险访谈（6 月/12 月）、投诉人',
    options: { '--date': '按这一天运行（默认：今天）', '--seed': '流失风险抽取用这个种子排序，而不是数据库的种子（记入凭据）' },
    examples: [
      'qa callback plan                     # 每天早上，导入之后',
      'qa callback plan --date 2026-12-01 --json',
      '',
      'ended      近 35 天结束的租赁（退租完成）且之后未回访：3 个工作日内',
      'complaint  近 35 天解决的投诉且之后未回访：callback.complaintDays（7）天内',
      'quarterly  季度最后一个工作日起：租期 3 个月以上的客户，7 个工作日内',
      'churn      6 月和 12 月：6 个月没有记录的客户抽 10 %，排序 sha256("<种子>:churn:<编号>")，',
      '           15 个工作日内',
      '之后导入的该客户回访会关闭条目。重复运行不会重复添加。',
    ],
  },
  'qa callback list': {
    description: '打印回访清单（手机号打码）：未完成的条目，到期早的在前',
    options: {
      '--due': '只列在这一天或之前到期的',
      '--overdue': '只列已过期的',
      '--reason': '只列这些原因：ended、quarterly、churn、complaint（逗号分隔）',
      '--all': '也列出已有回访的条目',
    },
    examples: ['qa callback list --overdue', 'qa callback list --due 2026-11-05 --reason ended,complaint', 'qa callback list --all --json'],
  },
  'qa inspection': {
    description: '门店和上门服务的现场检查（每月至少 2 次）：记录、导入、列表',
    examples: ['qa inspection add', 'qa inspection import 现场检查-2026-10.csv', 'qa inspection list --month 2026-10'],
  },
  'qa inspection add': {
    description: '记录一次现场检查：检查表的每一项；不通过的项为被检查部门/员工开立整改',
    options: {
      '--date': '检查日期（默认：今天；不能是将来）',
      '--site': '被检查的门店或客户现场',
      '--type': 'store（门店）或 onsite（上门服务）',
      '--inspector': '检查人',
      '--dept': '被检查部门（整改责任部门）',
      '--staff': '被检查员工（整改责任人）',
      '--fail': '不通过的检查项及问题（可重复）',
      '--na': '不适用的检查项（可重复或逗号分隔）',
      '--pass': '通过的检查项（可重复或逗号分隔）',
      '--pass-rest': '未在 --fail/--na/--pass 中列出的检查项都通过（没有终端时需要）',
    },
    examples: [
      'qa inspection add                  # 在终端上：询问地点、类型、检查人和每个检查项',
      'qa inspection add --date 2026-10-12 --site 北京朝阳店 --type store --inspector supervisor.zhang \\',
      '    --dept 仓储部 --staff CC03 --fail dress="未穿工服" --na repair_procedure --pass-rest',
      '',
      '检查项：qa checklist show inspection（可在 checklists.inspection 中配置）。',
    ],
  },
  'qa inspection import': {
    description: '从 CSV 记录现场检查，每个答案一行（日期、地点、类型、检查人、部门、员工、检查项、结果、说明）—— 全部成功或全部不写',
    arguments: { file: 'CSV 文件' },
    examples: [
      'qa inspection import 现场检查-2026-10.csv',
      '',
      '检查编号相同的行（或日期、地点、类型、检查人、部门和员工都相同）是同一次检查；',
      '每个检查项都需要一行（不适用时结果填 na）。中文表头：检查编号 日期 地点 类型 检查人 部门 员工 检查项 结果 说明。',
    ],
  },
  'qa inspection list': {
    description: '列出现场检查及其通过/不通过数和整改',
    options: { '--month': '只列这个月（默认：全部）' },
    examples: ['qa inspection list --month 2026-10', 'qa inspection list --json'],
  },
  'qa campaign': {
    description: '专项监督：关注范围、日期区间、单独报告的定向抽样',
    examples: ['qa campaign start 国庆维修 --from 2026-10-01 --to 2026-10-07 --focus record_type=repair', 'qa sample --campaign 国庆维修 --rate 0.3', 'qa campaign report 国庆维修'],
  },
  'qa campaign start': {
    description: '在一个日期区间内就某个关注点（记录类型、部门和/或检查项）开始专项监督',
    arguments: { name: '专项名称' },
    options: {
      '--from': '第一天',
      '--to': '最后一天',
      '--focus': 'record_type=repair、department=技术部 或 check=<代码>（可重复：须同时满足）',
      '--seed': '用这个种子排序（默认：新的随机种子，随专项记录）',
    },
    examples: [
      'qa campaign start 国庆维修 --from 2026-10-01 --to 2026-10-07 --focus record_type=repair',
      'qa campaign start 退租争议 --from 2026-10-01 --to 2026-10-31 --focus check=damage_fair',
      'qa sample --campaign 国庆维修 --rate 0.3',
      '',
      '专项项目和其他项目一样用 qa review 审核，但不计入抽查合格率、覆盖率和不合格率推断：',
      '它们在报告中单独成节。',
    ],
  },
  'qa campaign list': {
    description: '列出专项监督及其进度',
    examples: ['qa campaign list', 'qa campaign list --json'],
  },
  'qa campaign report': {
    description: '专项结果：已审、通过、各检查项不通过数、整改，并重新核验每次抽样（有一次核验不符时退出码 1）',
    arguments: { name: '专项名称' },
    examples: ['qa campaign report 国庆维修', 'qa campaign report 国庆维修 --json'],
  },
  'qa partner': {
    description: '外部合作方（物流、维修服务商）：登记、质量档案、季度评估',
    examples: ['qa partner add 顺达物流 --kind logistics', 'qa partner report --month 2026-10', 'qa partner evaluate 顺达物流 --quarter 2026-Q4'],
  },
  'qa partner add': {
    description: '登记合作方（服务记录在 partner / 合作方 列中写它的名称）',
    arguments: { name: '导出文件中写的名称' },
    options: { '--kind': 'logistics（物流配送）或 repair（设备维修）', '--since': '合作开始日期' },
    examples: ['qa partner add 顺达物流 --kind logistics --since 2025-03-01', 'qa partner add 快修科技 --kind repair'],
  },
  'qa partner list': {
    description: '合作方名册：类别、记录数、评估，以及记录中出现但未登记的名称',
    examples: ['qa partner list', 'qa partner list --json'],
  },
  'qa partner report': {
    description: '每个合作方的质量档案：记录数、按时交付、维修响应、一次解决、设备完好、投诉、审核发现',
    options: { '--month': '月份（默认：上一个完整月）', '--quarter': '改为季度，例如 2026-Q4', '--partner': '只看这个合作方，含其评估历史' },
    examples: ['qa partner report --month 2026-10', 'qa partner report --quarter 2026-Q4 --partner 顺达物流', 'qa partner report --quarter 2026-Q4 --json'],
  },
  'qa partner evaluate': {
    description: '为合作方的季度评分，并建议保留 | 整改 | 终止（阈值见配置 partners.*）；记入其档案',
    arguments: { name: '已登记的合作方' },
    options: { '--quarter': '季度，例如 2026-Q4', '--note': '评估人意见', '--by': '评估人（默认：$QA_USER 或登录名）' },
    examples: [
      'qa partner evaluate 顺达物流 --quarter 2026-Q4',
      '',
      '评分 = 100 × 适用 KPI 的平均达成度（达标为 1，否则为 数值/目标）；',
      '评分 >= partners.keepAt（100）保留，低于 partners.terminateBelow（90）终止，',
      '介于两者之间则整改 —— 为合作方开立一项整改。',
    ],
  },
};

/** Section titles and commander's own phrases in the zh help. */
const TITLES: [RegExp, string][] = [
  [/^Usage:/gm, '用法：'],
  [/^Options:/gm, '选项：'],
  [/^Commands:/gm, '命令：'],
  [/^Arguments:/gm, '参数：'],
  [/^Global Options:/gm, '全局选项：'],
  [/ ?\(default: ([^)]*)\)/g, '（默认：$1）'],
  [/ ?\(choices: ([^)]*)\)/g, '（可选：$1）'],
];

/** commander's rendered help with its titles in Chinese. */
export function zhTitles(text: string): string {
  return TITLES.reduce((t, [re, zh]) => t.replace(re, zh), text);
}

/** The path of a command as typed: `qa sample list`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Swap the zh text into the program (every command, argument, option and the
 * examples), and Chinese section titles. A command without an entry keeps its
 * English text (the zh help test fails for it). `examples` renders the lines
 * like program.ts does, under the given heading.
 */
export function localizeHelp(program: Command, examples: (lines: string[], heading?: string) => string): void {
  const walk = (cmd: Command): void => {
    const zh = ZH_HELP[commandPath(cmd)];
    cmd.helpOption('-h, --help', '显示帮助');
    if (cmd.commands.length) cmd.helpCommand('help [command]', '显示某个命令的帮助');
    cmd.configureHelp({
      formatHelp: (c: Command, helper: Help) => zhTitles(Object.getPrototypeOf(helper).formatHelp.call(helper, c, helper)),
      displayWidth: (t: string) => stringWidth(t),
      // (default: …) and (choices: …) in Chinese before the text is wrapped.
      optionDescription(this: Help, o) {
        return zhTitles(Object.getPrototypeOf(this).optionDescription.call(this, o));
      },
      argumentDescription(this: Help, a) {
        return zhTitles(Object.getPrototypeOf(this).argumentDescription.call(this, a));
      },
      boxWrap: (t: string, width: number) => wrapCjk(t, width),
    });
    if (zh) {
      cmd.description(zh.description);
      for (const a of cmd.registeredArguments) {
        const t = zh.arguments?.[a.name()];
        if (t) a.description = t;
      }
      for (const o of cmd.options) {
        const t = o.long ? zh.options?.[o.long] : undefined;
        if (t) o.description = t;
      }
      // The English examples are after-help listeners: replace them with the zh ones.
      (cmd as unknown as NodeJS.EventEmitter).removeAllListeners('afterHelp');
      cmd.addHelpText('after', examples(zh.examples, '示例：'));
    }
    cmd.commands.forEach(walk);
  };
  walk(program);
}
