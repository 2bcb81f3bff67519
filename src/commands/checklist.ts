/**
 * `qa checklist show [kind]` — the checklists in force (defaults + config).
 */
import type { Context } from '../context.js';
import { CHECKLIST_KINDS, type ChecklistKind } from '../core/checklists.js';
import { EXIT, UsageError } from '../errors.js';
import { CHECKLIST_NAMES_ZH, idFromName } from '../core/kinds.js';
import { tr } from '../i18n.js';
import { renderChecklists } from '../render/review.js';
import { makeChalk } from '../render/term.js';

export function runChecklistShow(ctx: Context, kindArg: string | undefined): number {
  const kind = kindArg === undefined ? undefined : idFromName(kindArg, CHECKLIST_NAMES_ZH);
  if (kind !== undefined && !(CHECKLIST_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(tr(ctx.lang, `没有检查表 "${kindArg}"`, `unknown checklist "${kindArg}"`), {
      hint: tr(ctx.lang, `检查表有 ${CHECKLIST_KINDS.map((k) => `${k}${CHECKLIST_NAMES_ZH[k] ? `（${CHECKLIST_NAMES_ZH[k]![0]}）` : ''}`).join('、')}`, `the checklists are ${CHECKLIST_KINDS.join(', ')}`),
    });
  }
  const { checklists } = ctx.config().config;
  const kinds = (kind ? [kind] : [...CHECKLIST_KINDS]) as ChecklistKind[];
  if (ctx.json) {
    const doc = Object.fromEntries(kinds.map((k) => [k, checklists[k]]));
    ctx.streams.stdout.write(`${JSON.stringify(kind ? doc[kind] : doc, null, 2)}\n`);
  } else {
    ctx.streams.stdout.write(renderChecklists(kinds.map((k) => [k, checklists[k]]), ctx.lang, makeChalk(ctx.env, ctx.streams.stdout.isTTY)));
  }
  return EXIT.ok;
}
