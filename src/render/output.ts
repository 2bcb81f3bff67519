/**
 * The one place every output passes (SPEC §1 personal data): stdout, stderr
 * and every file qa writes go through a Privacy, which masks each phone
 * number in the text (src/core/mask.ts) or, with --unmask, lets it through
 * and counts it, so the audit-log entry can say how many were shown and
 * from which rows.
 *
 * Commands do not mask fields one by one: whatever they render (tables, JSON,
 * CSV, Markdown, HTML, the review screen, error lines) is masked on the way
 * out. A phone column is still passed through maskPhone first where its
 * value may not be phone-shaped (a typo of 5 digits).
 */
import { countPhones, countPhonesDeep, maskPhonesInText } from '../core/mask.js';

export class Privacy {
  /** Phone numbers that went out unmasked (only counted with --unmask). */
  phones = 0;
  private readonly rowIds = new Set<string>();

  constructor(readonly unmask: boolean) {}

  /** The text as it may be shown: phones masked, or (with --unmask) counted and kept. */
  text(s: string): string {
    if (!this.unmask) return maskPhonesInText(s);
    this.phones += countPhones(s);
    return s;
  }

  /**
   * Note the rows about to be shown (with --unmask): the ids of those that
   * hold a phone number in any of their fields go into the audit entry.
   */
  rows<T>(rows: Iterable<T>, idOf: (row: T) => string | number): void {
    if (!this.unmask) return;
    for (const r of rows) if (countPhonesDeep(r) > 0) this.rowIds.add(String(idOf(r)));
  }

  /** Ids of the rows with phone numbers shown, in the order first seen. */
  shownRows(): string[] {
    return [...this.rowIds];
  }
}

let layoutUnmask = false;

/** Set by makeContext for the command being run: whether --unmask is on. */
export function setLayoutUnmask(unmask: boolean): void {
  layoutUnmask = unmask;
}

/**
 * A table cell before layout (src/render/term.ts): masked already, so the
 * columns are measured on what will be shown (the stream guard would
 * otherwise shorten a cell after its borders were drawn). With --unmask the
 * cell is kept; the stream guard counts what goes out.
 */
export function forLayout(cell: string): string {
  return layoutUnmask ? cell : maskPhonesInText(cell);
}

type Writable = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

function asText(chunk: unknown): string | null {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  return null;
}

/**
 * The stream, with every write (and end) passed through the Privacy first.
 * Everything else (isTTY, columns, on, once …) is the stream's own.
 */
export function guardStream<T extends Writable>(stream: T, privacy: Privacy): T {
  const wrap =
    (fn: (...a: unknown[]) => unknown) =>
    (chunk: unknown, ...rest: unknown[]): unknown => {
      const text = asText(chunk);
      return fn.call(stream, text === null ? chunk : privacy.text(text), ...rest);
    };
  const write = wrap(stream.write as (...a: unknown[]) => unknown);
  const end = wrap(stream.end as (...a: unknown[]) => unknown);
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === 'end') return (chunk?: unknown, ...rest: unknown[]) => (chunk === undefined || typeof chunk === 'function' ? (target.end as (...a: unknown[]) => unknown).call(target, chunk, ...rest) : end(chunk, ...rest));
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
