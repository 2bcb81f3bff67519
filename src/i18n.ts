/**
 * Output language: `--lang zh|en`, else LC_ALL / LC_MESSAGES / LANG (`zh*` → zh),
 * else English. JSON keys and ids are always English; only human text changes.
 */
export type Lang = 'zh' | 'en';

export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag === 'zh' || flag === 'en') return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Pick the text for the language: `tr(lang, '抽样', 'sample')`. */
export function tr(lang: Lang, zh: string, en: string): string {
  return lang === 'zh' ? zh : en;
}

let messageLang: Lang = 'en';

/**
 * The language of messages made far from a command's context (the import's
 * decoder and worker thread, the database opener). Set once per process by
 * makeContext, and by the import worker from its job.
 */
export function setMessageLang(lang: Lang): void {
  messageLang = lang;
}

/** `tr` in the process's message language (see setMessageLang). */
export function msg(zh: string, en: string): string {
  return messageLang === 'zh' ? zh : en;
}

export function getMessageLang(): Lang {
  return messageLang;
}
