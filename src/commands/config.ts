/**
 * `qa config show` — the effective configuration (defaults + file).
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { tr } from '../i18n.js';

export function runConfigShow(ctx: Context): number {
  const { config, source } = ctx.config();
  const { stdout } = ctx.streams;
  if (ctx.json) {
    stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return EXIT.ok;
  }
  const from = source ?? tr(ctx.lang, '（无配置文件，全部为默认值）', '(no config file: all defaults)');
  stdout.write(`# ${tr(ctx.lang, '生效配置，来源', 'effective config from')} ${from}\n${JSON.stringify(config, null, 2)}\n`);
  return EXIT.ok;
}
