/**
 * The problems of an import past the first ERROR_DETAIL_LIMIT (io/importFile.ts), kept on disk
 * so that `--json` can still list every one (SPEC §2: "all with --json or --rejects FILE")
 * while memory does not grow with the file (an export wrong in every row: 530k problems held in
 * memory took 790 MB). One JSON object per line (JSON.stringify never writes a raw newline), in
 * a private temp folder (0700, the file 0600 and created O_EXCL, like the stdin spool), removed
 * after use and on every exit path, signals included. The texts are what the summary shows:
 * phone numbers already masked unless --unmask.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerCleanup } from './cleanup.js';

export interface SpooledError {
  line: number;
  column: string;
  message: string;
}

export class ErrorSpool {
  private readonly dir: string;
  private readonly file: string;
  private fd: number | null;
  private pending: string[] = [];
  private readonly forget: () => void;
  count = 0;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-errors-'));
    this.forget = registerCleanup(() => fs.rmSync(this.dir, { recursive: true, force: true }));
    this.file = path.join(this.dir, 'errors.jsonl');
    this.fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  }

  add(e: SpooledError): void {
    this.pending.push(JSON.stringify({ line: e.line, column: e.column, message: e.message }));
    this.count++;
    if (this.pending.length >= 1024) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    fs.writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  /** Every spooled error in order, as its JSON text, read back in 1 MB pieces. */
  *lines(): Generator<string> {
    this.flush();
    const fd = fs.openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      let rest = '';
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        // Cut at the last newline: a multi-byte character never straddles it.
        const end = buf.lastIndexOf(10, n - 1);
        if (end === -1) {
          rest += buf.toString('utf8', 0, n);
          continue;
        }
        const text = rest + buf.toString('utf8', 0, end);
        rest = buf.toString('utf8', end + 1, n);
        for (const l of text.split('\n')) if (l !== '') yield l;
      }
      if (rest !== '') yield rest;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Remove the file and its folder. */
  dispose(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.forget();
  }
}
