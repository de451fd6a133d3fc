// Reading files for a scan: into a reused scratch buffer when they fit, whole otherwise, and
// never blocking on or accepting what is not a regular file.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFailure, readRegularFile } from '../../server/src/readFile';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-read-'));
const file = (name: string, bytes: Buffer | string): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};

describe('readRegularFile', () => {
  it('reads a file that fits into the scratch buffer, as a view of it', () => {
    const scratch = Buffer.alloc(16);
    const a = readRegularFile(file('a.c', 'int a;\n'), scratch);
    expect(a.toString()).toBe('int a;\n');
    expect(a.buffer).toBe(scratch.buffer);
    const exact = readRegularFile(file('b.c', '0123456789abcdef'), scratch);
    expect(exact.toString()).toBe('0123456789abcdef');
    expect(exact.buffer).toBe(scratch.buffer);
  });

  it('gives a larger file a buffer of its own, and an empty one its empty content', () => {
    const scratch = Buffer.alloc(16);
    const big = readRegularFile(file('big.c', 'x'.repeat(100)), scratch);
    expect(big.length).toBe(100);
    expect(big.buffer).not.toBe(scratch.buffer);
    expect(readRegularFile(file('empty.c', ''), scratch).length).toBe(0);
    expect(readRegularFile(file('c.c', 'same'), undefined).toString()).toBe('same');
  });

  it('refuses directories and FIFOs without blocking, and names a missing file', () => {
    const scratch = Buffer.alloc(16);
    const fifo = path.join(dir, 'fifo.c');
    execFileSync('mkfifo', [fifo]);
    const why = (p: string): string => {
      try {
        readRegularFile(p, scratch);
        return 'read';
      } catch (e) {
        return readFailure(e);
      }
    };
    expect(why(fifo)).toBe('not a regular file');
    // A FIFO with bytes waiting in it (Linux opens a FIFO read-write without waiting).
    const held = fs.openSync(fifo, fs.constants.O_RDWR);
    try {
      fs.writeSync(held, 'int x;\n');
      expect(why(fifo)).toBe('not a regular file');
    } finally {
      fs.closeSync(held);
    }
    // Devices that give nothing, or never end.
    expect(why('/dev/null')).toBe('not a regular file');
    expect(why('/dev/zero')).toBe('not a regular file');
    expect(why(dir)).toBe('a directory');
    expect(why(path.join(dir, 'missing.c'))).toBe('ENOENT');
  });
});
