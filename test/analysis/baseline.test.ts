// The baseline: fingerprints that survive unrelated edits, a stable file format, validation
// that names the bad field, and matching that counts entries.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Baseline, BaselineEntry, applyBaseline, baselinePath, fingerprints, formatBaseline, loadBaseline, parseBaseline,
} from '../../server/src/analysis/baseline';
import { emptyAnalysis, type Finding } from '../../server/src/analysis/finding';

const CODE = ['int f(void)', '{', '\tint a = 1;', '\tint b = 2;', '\tres->flags = X;', '\tint c = 3;', '\tint d = 4;', '\tint e = 5;', '\treturn 0;', '}'];
const AT = 4;
const fp = (lines: string[], line = AT, rule = 'resource-flags-clobber', fn = 'f'): string => fingerprints([{ rule, function: fn, line }], lines.join('\n'))[0] as string;

function finding(rule: string, line: number): Finding {
  return { rule, severity: 'warning', function: 'f', line, col: 0, endLine: line, endCol: 1, start: 0, end: 1, message: `${rule} here`, trace: [] };
}

const entry = (file: string, rule: string, fingerprint: string): BaselineEntry => ({ file, function: 'f', rule, fingerprint, message: 'm' });

describe('fingerprints', () => {
  it('are 16 hex digits and survive line shifts, reindenting, blank lines and edits 3 lines away', () => {
    const base = fp(CODE);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(fp(['/* header */', '', ...CODE], AT + 2)).toBe(base);
    expect(fp(CODE.map((l) => l.replace('\t', '        ').replace(' = ', '  =  ')))).toBe(base);
    expect(fp([...CODE.slice(0, AT), '', '', ...CODE.slice(AT)], AT + 2)).toBe(base);
    expect(fp(CODE.map((l, i) => (i === AT + 3 ? '\tint e = 6;' : l)))).toBe(base);
    expect(fp([...CODE, 'int g(void) { return 1; }'])).toBe(base);
  });

  it('change with the finding line, the 2 lines either side, the rule and the function', () => {
    const base = fp(CODE);
    for (const i of [AT - 2, AT - 1, AT, AT + 1, AT + 2]) {
      expect(fp(CODE.map((l, j) => (j === i ? `${l} /* edited */` : l))), `line ${i}`).not.toBe(base);
    }
    expect(fp(CODE, AT, 'resource-busy-window')).not.toBe(base);
    expect(fp(CODE, AT, 'resource-flags-clobber', 'g')).not.toBe(base);
  });
});

describe('the baseline file', () => {
  const entries = [entry('b.c', 'resource-leak', 'aaaaaaaaaaaaaaaa'), entry('a.c', 'resource-leak', 'bbbbbbbbbbbbbbbb'), entry('a.c', 'dax-null-check', 'cccccccccccccccc')];

  it('is sorted, keyed in a fixed order, and the same whatever order the findings came in', () => {
    const text = formatBaseline(entries);
    expect(formatBaseline([...entries].reverse())).toBe(text);
    const j = JSON.parse(text);
    expect(j.version).toBe(1);
    expect(j.findings.map((e: BaselineEntry) => `${e.file}:${e.rule}`)).toEqual(['a.c:dax-null-check', 'a.c:resource-leak', 'b.c:resource-leak']);
    expect(Object.keys(j.findings[0])).toEqual(['file', 'function', 'rule', 'fingerprint', 'message']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseBaseline(text)).toEqual({ entries: JSON.parse(text).findings });
    // As an editor may save it, with a byte order mark (found in review: refused as invalid JSON).
    expect(parseBaseline(`\ufeff${text}`)).toEqual({ entries: JSON.parse(text).findings });
  });

  it('is validated, and the error names what is wrong', () => {
    const good = { file: 'a.c', function: 'f', rule: 'resource-leak', fingerprint: 'aaaaaaaaaaaaaaaa', message: 'm' };
    const cases: [string, RegExp][] = [
      ['{ "version": 1, ', /not valid JSON/],
      ['[]', /expected an object/],
      [JSON.stringify({ version: 2, findings: [] }), /"version" is 2, expected 1/],
      [JSON.stringify({ version: 1 }), /"findings" must be an array/],
      [JSON.stringify({ version: 1, findings: [good, 7] }), /findings\[1\] must be an object/],
      [JSON.stringify({ version: 1, findings: [{ ...good, rule: 3 }] }), /findings\[0\]\.rule must be a string/],
      [JSON.stringify({ version: 1, findings: [{ ...good, fingerprint: 'xyz' }] }), /findings\[0\]\.fingerprint must be 16 hex digits/],
    ];
    for (const [text, re] of cases) {
      const r = parseBaseline(text);
      expect('error' in r && r.error, text).toMatch(re);
    }
    expect(parseBaseline(JSON.stringify({ version: 1, findings: [good] }))).toEqual({ entries: [good] });
  });

  it('loads from disk with errors that name the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-baseline-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ nope');
    expect(loadBaseline(bad)).toEqual({ error: expect.stringMatching(new RegExp(`^${bad.replace(/[.\\]/g, '\\$&')}: malformed baseline: not valid JSON`)) });
    expect(loadBaseline(path.join(dir, 'missing.json'))).toEqual({ error: expect.stringMatching(/missing\.json: cannot read the baseline \(ENOENT\)/) });
    fs.writeFileSync(path.join(dir, 'ok.json'), formatBaseline(entries));
    const ok = loadBaseline(path.join(dir, 'ok.json'));
    expect('baseline' in ok && ok.baseline.size).toBe(3);
    expect('baseline' in ok && ok.baseline.dir).toBe(dir);
  });
});

describe('matching', () => {
  it('names files relative to the baseline directory with / separators', () => {
    expect(baselinePath('/k', '/k/drivers/dax/kmem.c')).toBe('drivers/dax/kmem.c');
    expect(baselinePath(process.cwd(), 'drivers/./dax/kmem.c')).toBe('drivers/dax/kmem.c');
  });

  it('hides a finding once per entry, by file, rule and fingerprint', () => {
    const b = new Baseline('/k', [entry('a.c', 'resource-leak', 'aaaaaaaaaaaaaaaa')]);
    const two = [{ rule: 'resource-leak', fingerprint: 'aaaaaaaaaaaaaaaa' }, { rule: 'resource-leak', fingerprint: 'aaaaaaaaaaaaaaaa' }];
    expect(b.hidden('/k/a.c', two)).toEqual([true, false]);
    expect(b.hidden('/k/a.c', two)).toEqual([true, false]);
    expect(b.hidden('/k/b.c', two)).toEqual([false, false]);
    expect(b.hidden('/k/a.c', [{ rule: 'dax-null-check', fingerprint: 'aaaaaaaaaaaaaaaa' }])).toEqual([false]);
  });

  it('applies to a file analysis and keeps the hidden findings', () => {
    const text = CODE.join('\n');
    const f = finding('resource-flags-clobber', AT);
    const other = finding('resource-leak', AT + 4);
    const b = new Baseline('/k', [entry('a.c', f.rule, fp(CODE))]);
    const a = applyBaseline({ ...emptyAnalysis(), findings: [f, other] }, text, b, '/k/a.c');
    expect(a.findings).toEqual([other]);
    expect(a.silenced?.baselined).toEqual([f]);
    expect(applyBaseline({ ...emptyAnalysis(), findings: [f] }, text, b, '/k/elsewhere/a.c').findings).toEqual([f]);
    expect(applyBaseline({ ...emptyAnalysis(), findings: [f] }, text, b, undefined).findings).toEqual([f]);
  });
});
