// Patches as they are mailed: an mbox holding a series, `git format-patch` files, or a plain
// unified diff. Each becomes a subject, its place in the series, and per file the hunks.

export interface Hunk {
  /** 1-based, as in the `@@ -oldStart,oldLines +newStart,newLines @@` header. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The header line, for quoting. */
  header: string;
  /** Body lines with their prefix: ' ' context, '-' removed, '+' added. */
  lines: string[];
  /** The old (new) side has no newline after its last line (`\ No newline at end of file`). */
  oldNoNewline: boolean;
  newNoNewline: boolean;
}

export interface FilePatch {
  /** Paths without the a/ and b/ prefixes; undefined for /dev/null (a new or deleted file). */
  oldPath: string | undefined;
  newPath: string | undefined;
  hunks: Hunk[];
  /** A binary diff: nothing to apply or analyze. */
  binary: boolean;
  /**
   * Not from a git diff: its two names are of one file (`diff -u x.c.orig x.c`), the one in the
   * tree to be patched, as patch(1) picks it (review.ts patchTarget()).
   */
  plain?: boolean;
}

export interface Patch {
  /** The subject without its `[PATCH ...]` prefix (the file name for a plain diff). */
  subject: string;
  /** The prefix as mailed, e.g. `[PATCH v4 11/23]`. */
  prefix: string;
  series?: { index: number; total: number; version?: number };
  author?: string;
  /** Where it came from: `file` or `file (message 3)`. */
  source: string;
  files: FilePatch[];
  /** It came as a mail (with a Subject header), not as a bare diff. */
  mailed?: boolean;
}

export class PatchParseError extends Error {}

/** Every patch in `text`; a cover letter (no diff) is left out. Throws on the first message it cannot read. */
export function parsePatches(text: string, source: string): Patch[] {
  const { patches, errors } = readPatches(text, source);
  if (errors[0] !== undefined) throw new PatchParseError(errors[0]);
  return patches;
}

/**
 * Every patch in `text` that can be read, and why each other message cannot: one malformed
 * patch of a series leaves the others to review (found in review: it discarded the series).
 */
export function readPatches(text: string, source: string): { patches: Patch[]; errors: string[]; covers: number } {
  const messages = splitMbox(text.replace(/\r\n/g, '\n'));
  const patches: Patch[] = [];
  const errors: string[] = [];
  // Mails with no diff: cover letters (`git format-patch --cover-letter`), skipped.
  let covers = 0;
  messages.forEach((m, i) => {
    const where = messages.length > 1 ? `${source} (message ${i + 1})` : source;
    try {
      const p = parseMessage(m, where, source);
      if (p.files.length) patches.push(p);
      else if (p.mailed) covers++;
    } catch (e) {
      if (!(e instanceof PatchParseError)) throw e;
      errors.push(e.message);
    }
  });
  return { patches, errors, covers };
}

/**
 * Puts each series in the order its subjects give (`n/m`), a series being one version of one
 * length: two versions in one mbox are applied one after the other, each in its own order, not
 * interleaved (found in review: v1 1/3, v2 1/3, v1 2/3, ...). Series and unnumbered patches keep
 * the order in which they first appear.
 */
export function seriesOrder(patches: Patch[]): Patch[] {
  const groups = new Map<string, { first: number; items: { p: Patch; i: number }[] }>();
  patches.forEach((p, i) => {
    const key = p.series ? `v${p.series.version ?? 1}/${p.series.total}` : `#${i}`;
    const g = groups.get(key) ?? { first: i, items: [] };
    g.items.push({ p, i });
    groups.set(key, g);
  });
  return [...groups.values()].sort((a, b) => a.first - b.first)
    .flatMap((g) => g.items.sort((a, b) => (a.p.series?.index ?? 0) - (b.p.series?.index ?? 0) || a.i - b.i).map((x) => x.p));
}

// `From <sha> Mon Sep 17 00:00:00 2001` (git format-patch) or `From user@host Tue ...` (mbox).
const FROM_LINE = /^From \S+ +\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

function splitMbox(text: string): string[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (FROM_LINE.test(l)) starts.push(i);
  });
  if (starts.length === 0) return [text];
  const out: string[] = [];
  if (starts[0] !== 0 && lines.slice(0, starts[0]).some((l) => l.trim())) out.push(lines.slice(0, starts[0]).join('\n'));
  starts.forEach((s, k) => out.push(lines.slice(s + 1, starts[k + 1] ?? lines.length).join('\n')));
  return out;
}

const HEADER = /^([A-Za-z][\w-]*):\s?(.*)$/;

function parseMessage(text: string, where: string, file: string): Patch {
  const lines = text.split('\n');
  const headers = new Map<string, string>();
  let body = 0;
  // RFC 822 headers, if the message starts with them: up to the first blank line.
  if (HEADER.test(lines[0] ?? '') && !/^(diff|---|\+\+\+|Index):?/.test(lines[0] ?? '')) {
    let last = '';
    for (body = 0; body < lines.length; body++) {
      const l = lines[body] as string;
      if (l === '') {
        body++;
        break;
      }
      if (/^\s/.test(l) && last) {
        headers.set(last, `${headers.get(last)} ${l.trim()}`);
        continue;
      }
      const m = HEADER.exec(l);
      if (!m) break;
      last = (m[1] as string).toLowerCase();
      if (!headers.has(last)) headers.set(last, m[2] as string);
    }
  }
  const rawSubject = decodeHeader(headers.get('subject') ?? '');
  const { prefix, subject, series } = splitSubject(rawSubject);
  const author = headers.has('from') ? decodeHeader(headers.get('from') as string) : undefined;
  const content = decodeBody(lines.slice(body), headers.get('content-transfer-encoding'), where);
  return {
    subject: subject || file.split('/').pop() || file, prefix, ...(series ? { series } : {}), ...(author ? { author } : {}),
    source: where, files: parseDiff(content, where), ...(headers.has('subject') ? { mailed: true } : {}),
  };
}

/**
 * The body as `git am` reads it: a mailer may have sent it base64 or quoted-printable (found in
 * review: such a patch was "no patch", and a soft line break broke a hunk). UTF-8 assumed.
 */
function decodeBody(lines: string[], encoding: string | undefined, where: string): string[] {
  const enc = encoding?.trim().toLowerCase();
  if (enc === 'base64') {
    const data = lines.join('').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new PatchParseError(`${where}: the body is not valid base64`);
    return Buffer.from(data, 'base64').toString('utf8').replace(/\r\n/g, '\n').split('\n');
  }
  if (enc === 'quoted-printable') {
    const joined = lines.join('\n').replace(/=\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < joined.length; i++) {
      const c = joined.charCodeAt(i);
      if (c === 61 && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
        bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (c < 128) bytes.push(c);
      else bytes.push(...Buffer.from(joined[i] as string, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n').split('\n');
  }
  return lines;
}

/** `[PATCH v4 11/23] mm: foo` → prefix, subject, series place. */
export function splitSubject(s: string): { prefix: string; subject: string; series?: Patch['series'] } {
  const m = /^\s*((?:\[[^\]]*\]\s*)+)/.exec(s);
  if (!m) return { prefix: '', subject: s.trim() };
  const prefix = (m[1] as string).trim();
  const n = /(\d+)\/(\d+)/.exec(prefix);
  const v = /\bv(\d+)\b/i.exec(prefix);
  return {
    prefix, subject: s.slice(m[0].length).trim(),
    ...(n ? { series: { index: Number(n[1]), total: Number(n[2]), ...(v ? { version: Number(v[1]) } : {}) } } : {}),
  };
}

/** RFC 2047 encoded words (`=?UTF-8?q?...?=`, `=?utf-8?B?...?=`), as git send-email writes them. */
function decodeHeader(s: string): string {
  return s.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=(\s+(?==\?))?/g, (_all, _charset: string, enc: string, data: string) => {
    const bytes = enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return bytes.toString('utf8');
  });
}

function stripPrefix(p: string): string | undefined {
  const path = p.split('\t')[0]?.trim() ?? '';
  if (path === '/dev/null') return undefined;
  return path.replace(/^[ab]\//, '');
}

/** A path of a `---`/`+++` line: undefined for /dev/null. */
function bare(p: string): string | undefined {
  const path = p.split('\t')[0]?.trim() ?? '';
  return path === '/dev/null' ? undefined : path;
}

/**
 * How the paths of a message's `---`/`+++` pairs are read, one way for the whole message. git's
 * own diffs (a `diff --git` line) lose only `a/` and `b/` (with --no-prefix, nothing: a rename
 * across top-level directories is not two trees). A diff of two trees, as `diff -urN linux.orig
 * linux` writes it, is read as `patch -p1` reads it, where any pair names two first components
 * that differ (found in review: only a/ and b/ were stripped); otherwise paths are kept whole
 * (`diff -u drivers/x.c.orig drivers/x.c`).
 */
function stripperFor(lines: string[]): (oldRaw: string, newRaw: string) => [string | undefined, string | undefined] {
  const keep = (oldRaw: string, newRaw: string): [string | undefined, string | undefined] => [stripPrefix(oldRaw), stripPrefix(newRaw)];
  if (lines.some((l) => l.startsWith('diff --git '))) return keep;
  // An absolute path (`diff -u x.c /elsewhere/x.c`) says nothing of a tree's first component.
  const first = (p: string | undefined): string | undefined => (p?.includes('/') && !p.startsWith('/') ? p.slice(0, p.indexOf('/')) : undefined);
  const trees = lines.some((l, i) => {
    if (!l.startsWith('--- ') || !(lines[i + 1] ?? '').startsWith('+++ ')) return false;
    const fo = first(bare(l.slice(4)));
    const fn = first(bare((lines[i + 1] as string).slice(4)));
    return fo !== undefined && fn !== undefined && fo !== fn;
  });
  if (!trees) return keep;
  const p1 = (raw: string): string | undefined => {
    const path = bare(raw);
    return path?.includes('/') ? path.slice(path.indexOf('/') + 1) : path;
  };
  return (oldRaw, newRaw) => [p1(oldRaw), p1(newRaw)];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function parseDiff(lines: string[], where: string): FilePatch[] {
  const strip = stripperFor(lines);
  const files: FilePatch[] = [];
  let cur: FilePatch | undefined;
  let gitPaths: { old: string | undefined; new: string | undefined } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('diff --git ')) {
      const m = /^diff --git (?:"?a\/)?(.+?)"? (?:"?b\/)(.+?)"?$/.exec(l);
      gitPaths = m ? { old: m[1], new: m[2] } : undefined;
      cur = { oldPath: gitPaths?.old, newPath: gitPaths?.new, hunks: [], binary: false };
      files.push(cur);
      continue;
    }
    if (cur && gitPaths && /^(new file mode|deleted file mode)/.test(l)) {
      if (l.startsWith('new')) cur.oldPath = undefined;
      else cur.newPath = undefined;
      continue;
    }
    if (cur && /^(Binary files |GIT binary patch)/.test(l)) {
      cur.binary = true;
      continue;
    }
    if (l.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) {
      const [oldPath, newPath] = strip(l.slice(4), (lines[i + 1] as string).slice(4));
      if (!cur || cur.hunks.length || !gitPaths) {
        cur = { oldPath, newPath, hunks: [], binary: false, ...(gitPaths ? {} : { plain: true }) };
        files.push(cur);
      } else {
        cur.oldPath = oldPath;
        cur.newPath = newPath;
      }
      gitPaths = undefined;
      i++;
      continue;
    }
    const h = HUNK.exec(l);
    if (h && cur) {
      const hunk: Hunk = {
        oldStart: Number(h[1]), oldLines: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]), newLines: h[4] === undefined ? 1 : Number(h[4]),
        header: l, lines: [], oldNoNewline: false, newNoNewline: false,
      };
      let oldLeft = hunk.oldLines;
      let newLeft = hunk.newLines;
      while (oldLeft > 0 || newLeft > 0) {
        i++;
        if (i >= lines.length) throw new PatchParseError(`${where}: ${cur.newPath ?? cur.oldPath}: hunk "${l}" ends early`);
        // A mailer may strip the space of an empty context line.
        const b = (lines[i] as string) === '' ? ' ' : (lines[i] as string);
        const c = b[0];
        if (c === ' ') {
          oldLeft--;
          newLeft--;
        } else if (c === '-') oldLeft--;
        else if (c === '+') newLeft--;
        else if (c === '\\') continue;
        else throw new PatchParseError(`${where}: ${cur.newPath ?? cur.oldPath}: unexpected line in hunk "${l}": ${JSON.stringify(b.slice(0, 40))}`);
        if (oldLeft < 0 || newLeft < 0) throw new PatchParseError(`${where}: ${cur.newPath ?? cur.oldPath}: hunk "${l}" has more lines than its header says`);
        hunk.lines.push(b);
        // `\ No newline at end of file` right after the last line of a side.
        if ((lines[i + 1] ?? '').startsWith('\\')) {
          if (c !== '+') hunk.oldNoNewline = true;
          if (c !== '-') hunk.newNoNewline = true;
          i++;
        }
      }
      cur.hunks.push(hunk);
    }
  }
  return files.filter((f) => f.hunks.length || f.binary || f.oldPath !== f.newPath);
}
