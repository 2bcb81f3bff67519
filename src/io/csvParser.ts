/**
 * A streaming CSV tokenizer for the import hot path.
 *
 * Why not csv-parse here: on the 1M-row benchmark csv-parse alone took ~10 s
 * of the import's ~14 s (it builds every field from a Buffer slice), which
 * made the 2× `sqlite3 .import` target unreachable; it also counts a CRLF
 * inside a quoted field as two lines and, after a bad quote, can swallow the
 * following rows. This tokenizer splits quote-free lines with the native
 * String#split (most export lines have no quotes) and walks the rest
 * character by character. test/io/csvParser.test.ts checks it against
 * csv-parse (kept as the reference, a dev dependency) on random documents and
 * random chunkings.
 *
 * Dialect (RFC 4180, lenient like csv-parse's relax_quotes/relax_column_count):
 * records end at LF or CRLF (decode.ts has already turned a bare CR into LF); a field that starts with " is quoted, "" inside
 * is a quote, and it may span lines; a quote inside an unquoted field is an
 * ordinary character; rows may have any number of fields; an empty line is a
 * record with one empty field. Text after a closing quote (`"ab"c`) makes the
 * record malformed: it is reported with its line and raw text, and parsing
 * resumes at the next line.
 */

export interface CsvSink {
  /** A record and the line it starts on. */
  record(fields: string[], line: number): void;
  /** A malformed record: its first line, raw text (without the final newline) and why. */
  malformed(line: number, raw: string, reason: string): void;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly code: 'unclosed_quote' | 'record_too_long',
  ) {
    super(message);
  }
}

/** Longest record accepted by default (`--max-record-bytes`), in characters. */
export const DEFAULT_MAX_RECORD = 1 << 20;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvParser {
  private pending = '';
  /** Line on which `pending` starts. */
  private line: number;

  constructor(
    private readonly delimiter: string,
    private readonly sink: CsvSink,
    private readonly maxRecord = DEFAULT_MAX_RECORD,
    /** The line of the first record (2 after an Excel `sep=` line). */
    firstLine = 1,
  ) {
    this.line = firstLine;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`bad delimiter ${JSON.stringify(delimiter)}`);
    }
  }

  /** The line the next record starts on. */
  get nextLine(): number {
    return this.line;
  }

  push(chunk: string): void {
    const text = this.pending === '' ? chunk : this.pending + chunk;
    this.pending = '';
    const consumed = this.parse(text, false);
    if (consumed < text.length) {
      this.pending = text.slice(consumed);
      if (this.pending.length > this.maxRecord) {
        throw new CsvSyntaxError(`a record is longer than ${this.maxRecord} characters`, this.line, 'record_too_long');
      }
    }
  }

  end(): void {
    const text = this.pending;
    this.pending = '';
    if (text !== '') this.parse(text, true);
  }

  /** Parse complete records from `text`; returns how much was consumed. */
  private parse(text: string, final: boolean): number {
    const delim = this.delimiter;
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      const nl = text.indexOf('\n', pos);
      if (nl === -1 && !final) return pos; // incomplete last line: wait for more
      const lineEnd = nl === -1 ? n : nl;
      let end = lineEnd;
      if (end - pos > this.maxRecord) throw new CsvSyntaxError(`a record is longer than ${this.maxRecord} characters`, this.line, 'record_too_long');
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      // Fast path: no quote on this line. (Checked on the line itself: tracking
      // the next quote across the whole chunk measured 6× slower in V8.)
      const line = text.slice(pos, end);
      if (line.indexOf('"') === -1) {
        this.sink.record(line.split(delim), this.line);
        this.line++;
        pos = lineEnd + 1;
        continue;
      }
      const recordLine = this.line;
      const next = this.slowRecord(text, pos, final);
      if (next === -1) return pos; // a quoted field runs past the text: wait for more
      if (next - pos > this.maxRecord + 1) throw new CsvSyntaxError(`a record is longer than ${this.maxRecord} characters`, recordLine, 'record_too_long');
      pos = next;
    }
    return pos;
  }

  /**
   * Parse one record that contains a quote, starting at `start`. Returns the
   * position after its newline, or -1 when more text is needed.
   */
  private slowRecord(text: string, start: number, final: boolean): number {
    const d = this.delimiter.charCodeAt(0);
    const n = text.length;
    const fields: string[] = [];
    let pos = start;
    let newlines = 0;
    for (;;) {
      // At the start of a field.
      if (pos < n && text.charCodeAt(pos) === QUOTE) {
        let value = '';
        let from = pos + 1;
        let i = from;
        for (;;) {
          const qi = text.indexOf('"', i);
          if (qi === -1) {
            if (!final) return -1;
            throw new CsvSyntaxError('a quoted field is never closed', this.line, 'unclosed_quote');
          }
          if (qi + 1 < n && text.charCodeAt(qi + 1) === QUOTE) {
            value += text.slice(from, qi + 1);
            i = from = qi + 2;
            continue;
          }
          if (qi + 1 === n && !final) return -1; // could be the first half of ""
          value += text.slice(from, qi);
          for (let k = text.indexOf('\n', pos); k !== -1 && k < qi; k = text.indexOf('\n', k + 1)) newlines++;
          pos = qi + 1;
          break;
        }
        fields.push(value);
        if (pos >= n) {
          if (!final) return -1;
          return this.emit(fields, newlines, n);
        }
        const c = text.charCodeAt(pos);
        if (c === d) {
          pos++;
          continue;
        }
        if (c === LF) return this.emit(fields, newlines, pos + 1);
        if (c === CR && pos + 1 < n && text.charCodeAt(pos + 1) === LF) return this.emit(fields, newlines, pos + 2);
        if (c === CR && pos + 1 === n) return final ? this.emit(fields, newlines, n) : -1;
        // Text after a closing quote: malformed. Report up to the end of this physical line.
        const nl = text.indexOf('\n', pos);
        if (nl === -1 && !final) return -1;
        const end = nl === -1 ? n : nl;
        let rawEnd = end;
        if (rawEnd > start && text.charCodeAt(rawEnd - 1) === CR) rawEnd--;
        this.sink.malformed(this.line, text.slice(start, rawEnd), 'text after a closing quote (write a quote inside a quoted field as "")');
        this.line += newlines + 1;
        return end + 1;
      }
      // Unquoted field: up to the delimiter or the end of the line (quotes are literal).
      let i = pos;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === d || c === LF) break;
        i++;
      }
      if (i >= n && !final) return -1;
      let end = i;
      if (i < n && text.charCodeAt(i) === LF && end > pos && text.charCodeAt(end - 1) === CR) end--;
      else if (i >= n && end > pos && text.charCodeAt(end - 1) === CR) end--;
      fields.push(text.slice(pos, end));
      if (i >= n) return this.emit(fields, newlines, n);
      if (text.charCodeAt(i) === LF) return this.emit(fields, newlines, i + 1);
      pos = i + 1; // delimiter
    }
  }

  private emit(fields: string[], newlines: number, next: number): number {
    this.sink.record(fields, this.line);
    this.line += newlines + 1;
    return next;
  }
}
