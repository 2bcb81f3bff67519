/**
 * Files qa writes (`--out`, `--rejects`, `qa export`; SPEC §1 "Files qa
 * writes", §5): written under a temp name and renamed into place, so a
 * reader sees the old file or the new one, never half of one.
 *
 * Temp files are created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW: a file or
 * symlink planted at the name makes the open fail instead of being
 * followed) under an unpredictable name (crypto random), mode 0600, and are
 * removed on every exit path (src/io/cleanup.ts). The rename replaces a
 * symlink at the target rather than writing through it.
 *
 * Final modes: a file holding unmasked personal data (--unmask) stays 0600
 * (folders 0700); otherwise the usual 0666/0777 less the umask.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QaError } from '../errors.js';
import { registerCleanup } from './cleanup.js';

const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = fs.constants;
const EXCLUSIVE = O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0);

export interface WriteOptions {
  /** The content holds unmasked personal data (--unmask): keep it 0600. */
  private?: boolean;
}

/** A name nobody can guess: `.<base>.<24 random base64url chars>.tmp` in `dir`. */
export function tempPath(dir: string, base: string): string {
  return path.join(dir, `.${base}.${crypto.randomBytes(18).toString('base64url')}.tmp`);
}

/** The mode a finished file or folder gets (see the module comment). */
function finalMode(kind: 'file' | 'dir', opts: WriteOptions): number {
  if (opts.private) return kind === 'file' ? 0o600 : 0o700;
  // process.umask() without an argument only reads it (a documentation-only deprecation).
  const umask = process.umask();
  return (kind === 'file' ? 0o666 : 0o777) & ~umask;
}

function ioError(what: string, e: unknown, where: string): QaError {
  return new QaError(`cannot write ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { where });
}

/** Create a temp file exclusively (0600) and register its removal. */
function openTemp(dir: string, base: string): { file: string; fd: number; forget: () => void } {
  const file = tempPath(dir, base);
  const fd = fs.openSync(file, EXCLUSIVE, 0o600);
  const forget = registerCleanup(() => {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(file, { force: true });
  });
  return { file, fd, forget };
}

function writeAll(fd: number, content: string | Buffer): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** fsync a folder so a rename in it survives a crash (best effort: not every file system allows it). */
function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not supported here
  }
}

/**
 * Write `file` atomically: a temp file next to it, fsync, then rename over it.
 * On any failure the temp file is removed, the old file is untouched, and a
 * QaError names the file.
 */
export function writeFileAtomic(file: string, content: string | Buffer, opts: WriteOptions = {}): void {
  const dir = path.dirname(file);
  let t: ReturnType<typeof openTemp> | null = null;
  try {
    t = openTemp(dir, path.basename(file));
    writeAll(t.fd, content);
    fs.fsyncSync(t.fd);
    fs.fchmodSync(t.fd, finalMode('file', opts));
    fs.closeSync(t.fd);
    fs.renameSync(t.file, file);
    t.forget();
    syncDir(dir);
  } catch (e) {
    if (t) {
      t.forget();
      try {
        fs.closeSync(t.fd);
      } catch {
        // already closed
      }
      fs.rmSync(t.file, { force: true });
    }
    throw ioError(file, e, dir);
  }
}

/**
 * A file written piece by piece (--rejects): appends go to the temp file;
 * commit() renames it into place, abort() removes it. A write error is kept
 * (later writes are skipped) and reported by commit().
 */
export class AtomicFile {
  private readonly t: ReturnType<typeof openTemp>;
  private error: unknown = null;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly opts: WriteOptions = {},
  ) {
    try {
      this.t = openTemp(path.dirname(file), path.basename(file));
    } catch (e) {
      throw ioError(file, e, path.dirname(file));
    }
  }

  /** The temp file's path (tests). */
  get tempFile(): string {
    return this.t.file;
  }

  write(text: string): void {
    if (this.error || this.closed) return;
    try {
      writeAll(this.t.fd, text);
    } catch (e) {
      this.error = e;
    }
  }

  /** Rename into place; on an earlier write error, remove the temp file and throw it. */
  commit(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.error) throw this.error;
      fs.fsyncSync(this.t.fd);
      fs.fchmodSync(this.t.fd, finalMode('file', this.opts));
      fs.closeSync(this.t.fd);
      fs.renameSync(this.t.file, this.file);
      this.t.forget();
      syncDir(path.dirname(this.file));
    } catch (e) {
      this.drop();
      throw ioError(this.file, e, path.dirname(this.file));
    }
  }

  /** Remove the temp file (an interrupted or failed run). */
  abort(): void {
    this.closed = true;
    this.drop();
  }

  private drop(): void {
    this.t.forget();
    try {
      fs.closeSync(this.t.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.t.file, { force: true });
  }
}

/**
 * Replace the folder `dir` by a new one holding exactly `files` (name,
 * content), as a whole (SPEC §5 qa export): the files are written into a
 * fresh temp folder next to it (mkdtemp: random name, 0700), then the old
 * folder is renamed away, the new one renamed into place, and the old one
 * removed. An error or a signal before the swap leaves the old set as it
 * was and no temp folder; the swap itself is two renames in one
 * synchronous step (no signal handler can run between them).
 */
export function replaceDirAtomic(dir: string, files: readonly (readonly [string, string | Buffer])[], opts: WriteOptions = {}): void {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw ioError(`the folder ${parent}`, e, parent);
  }
  let tmp: string;
  try {
    tmp = fs.mkdtempSync(path.join(parent, `.${base}.`));
  } catch (e) {
    throw ioError(`a temp folder in ${parent}`, e, parent);
  }
  const forget = registerCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    for (const [name, content] of files) {
      if (name !== path.basename(name) || name.startsWith('.')) throw new Error(`bad file name ${name}`);
      const fd = fs.openSync(path.join(tmp, name), EXCLUSIVE, 0o600);
      try {
        writeAll(fd, content);
        fs.fsyncSync(fd);
        fs.fchmodSync(fd, finalMode('file', opts));
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.chmodSync(tmp, finalMode('dir', opts));
    syncDir(tmp);
    let old: string | null = null;
    try {
      fs.lstatSync(dir);
      old = path.join(parent, `.${base}.old.${crypto.randomBytes(9).toString('base64url')}`);
    } catch {
      old = null; // no old set yet
    }
    if (old) fs.renameSync(dir, old);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      if (old) fs.renameSync(old, dir);
      throw e;
    }
    forget();
    syncDir(parent);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    forget();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw ioError(`the export folder`, e, dir);
  }
}
