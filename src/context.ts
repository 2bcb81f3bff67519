/**
 * What every command gets from the global options and the environment:
 * database path, config, language, JSON mode, interactivity, and the streams.
 * Commands take a Context instead of reading process globals, so tests can
 * run them in-process with their own streams and clock.
 */
import { loadConfig, type LoadedConfig } from './config.js';
import { detectLang, type Lang, setMessageLang } from './i18n.js';
import { UsageError } from './errors.js';
import { guardStream, Privacy, setLayoutUnmask } from './render/output.js';

export interface GlobalOptions {
  db?: string;
  config?: string;
  lang?: string;
  json?: boolean;
  input?: boolean; // --no-input sets false
  unmask?: boolean;
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface Context {
  dbPath: string | undefined;
  lang: Lang;
  json: boolean;
  /** False when stdin is not a TTY, or --no-input, or CI is set: never prompt. */
  interactive: boolean;
  unmask: boolean;
  /** What passed the output guard: phones shown with --unmask, and the rows they came from. */
  privacy: Privacy;
  env: NodeJS.ProcessEnv;
  cwd: string;
  streams: Streams;
  /** The clock; tests pin it. */
  now: () => Date;
  config: () => LoadedConfig;
  /** Set by the import command's SIGINT handler. */
  interrupted: boolean;
}

export function makeContext(opts: GlobalOptions, streams: Streams = process, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Context {
  if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') {
    throw new UsageError(`--lang must be zh or en, got "${opts.lang}"`);
  }
  let loaded: LoadedConfig | null = null;
  const ciSet = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  // Every byte to stdout and stderr passes the privacy guard (SPEC §1: phones masked unless --unmask).
  const privacy = new Privacy(!!opts.unmask);
  setLayoutUnmask(!!opts.unmask);
  const guarded: Streams = { stdout: guardStream(streams.stdout, privacy), stderr: guardStream(streams.stderr, privacy), stdin: streams.stdin };
  const fixedNow = env.QA_NOW ? new Date(env.QA_NOW) : null;
  if (fixedNow && Number.isNaN(fixedNow.getTime())) throw new UsageError(`QA_NOW is not a date: ${env.QA_NOW}`);
  const lang = detectLang(opts.lang, env);
  setMessageLang(lang);
  return {
    dbPath: opts.db,
    lang,
    json: !!opts.json,
    interactive: opts.input !== false && !ciSet && !!streams.stdin.isTTY && !!streams.stdout.isTTY,
    unmask: !!opts.unmask,
    privacy,
    env,
    cwd,
    streams: guarded,
    now: () => (fixedNow ? new Date(fixedNow) : new Date()),
    config: () => (loaded ??= loadConfig(opts.config, env, cwd)),
    interrupted: false,
  };
}
