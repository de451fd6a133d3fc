// Reading a file the user named (a source file, a /proc/iomem dump, a baseline) without ever
// blocking: a FIFO or a device under a .c name would hang a plain readFileSync() forever.

import * as fs from 'node:fs';

/** An error whose message is what to print after "cannot read": an errno code or a reason. */
export class ReadError extends Error {}

/**
 * The bytes of a regular file; anything else (FIFO, device, directory) is refused. With
 * `scratch`, a file that fits is read into it and the result is a view of it, valid until the
 * next read into the same scratch: a scan of a whole tree then allocates no buffer per file.
 */
export function readRegularFile(file: string, scratch?: Buffer): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new ReadError(errnoCode(e));
  }
  try {
    const n = scratch ? readToEnd(fd, scratch) : 0;
    // Some bytes, then end of file before the scratch filled up: a regular file. fstat() is
    // left for the other outcomes: it was a third of the cost of reading a small file. The
    // reads are positioned (pread), which fails on a FIFO or socket (ESPIPE) and on a
    // directory (EISDIR); a device reads nothing (/dev/null) or fills the scratch (/dev/zero).
    if (n > 0 && scratch && n < scratch.length) return scratch.subarray(0, n);
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new ReadError('a directory');
    if (!st.isFile()) throw new ReadError('not a regular file');
    // Size 0 may mean "unknown" (procfs, some FUSE file systems): readFileSync() reads to EOF.
    if (scratch && st.size > 0 && st.size <= scratch.length) {
      // As readFileSync() does: the size fstat() gave (a file that shrank meanwhile ends early).
      let k = 0;
      for (let got = 1; got > 0 && k < st.size; k += got) got = fs.readSync(fd, scratch, k, st.size - k, k);
      return scratch.subarray(0, k);
    }
    return fs.readFileSync(fd);
  } catch (e) {
    throw e instanceof ReadError ? e : new ReadError(errnoCode(e));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads from the start into `buf` until end of file or `buf` is full; -1 when a read fails (fstat() says why). */
function readToEnd(fd: number, buf: Buffer): number {
  let n = 0;
  try {
    for (let got = 1; got > 0 && n < buf.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, n);
  } catch {
    return -1;
  }
  return n;
}

/** Text for a failed read: the errno code (EACCES, ENOENT) or the reason readRegularFile gave. */
export function readFailure(e: unknown): string {
  if (e instanceof ReadError) return e.message;
  return errnoCode(e);
}

function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}
