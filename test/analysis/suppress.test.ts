// Suppression comments: which line each one covers, what it hides, and what it reports.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyAnalysis, type FileAnalysis, type Finding } from '../../server/src/analysis/finding';
import { applySuppressions, parseSuppressions, scanComments } from '../../server/src/analysis/suppress';
import { ROOT, analyzeSource, options } from '../helpers';

const ALL = new Set(['resource-busy-window', 'resource-flags-clobber', 'resource-leak']);
const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
const WRITE = 'res->flags = IORESOURCE_SYSTEM_RAM;';
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

function finding(rule: string, line: number): Finding {
  return { rule, severity: 'warning', function: 'f', line, col: 0, endLine: line, endCol: 1, start: 0, end: 1, message: rule, trace: [] };
}

function analysis(...findings: Finding[]): FileAnalysis {
  return { ...emptyAnalysis(), findings };
}

describe('parseSuppressions', () => {
  it('aims next-line at the next line that is not only a comment, and line at its own line', () => {
    const text = [
      'int a;',
      '/* iomem-lens-disable-next-line resource-leak: the caller releases it */',
      '// another comment',
      '/*',
      ' * a block',
      ' */',
      'foo(); // iomem-lens-disable-line resource-busy-window, resource-flags-clobber: seed 000 accepted',
      '// iomem-lens-disable-next-line resource-leak: blank line below',
      '',
      'bar();',
    ].join('\n');
    expect(parseSuppressions(text)).toEqual([
      { kind: 'next-line', line: 1, col: 0, target: 6, rules: ['resource-leak'], reason: 'the caller releases it' },
      { kind: 'line', line: 6, col: 7, target: 6, rules: ['resource-busy-window', 'resource-flags-clobber'], reason: 'seed 000 accepted' },
      // A blank line is not skipped: the suppression aims at it, and hides nothing.
      { kind: 'next-line', line: 7, col: 0, target: 8, rules: ['resource-leak'], reason: 'blank line below' },
    ]);
  });

  it('reads a directive in a block comment spanning lines, and a rule without a reason', () => {
    const text = '/*\n * iomem-lens-disable-next-line resource-leak: released\n * by the caller\n */\nfoo();\nbar(); /* iomem-lens-disable-line resource-leak */\n';
    expect(parseSuppressions(text)).toEqual([
      { kind: 'next-line', line: 0, col: 0, target: 4, rules: ['resource-leak'], reason: 'released by the caller' },
      { kind: 'line', line: 5, col: 7, target: 5, rules: ['resource-leak'] },
    ]);
  });

  it('ignores the directive in string literals and in longer words', () => {
    const text = 'char *s = "// iomem-lens-disable-line resource-leak: no";\n/* iomem-lens-disable-lines resource-leak: no */\nchar c = \'"\'; // real\n';
    expect(parseSuppressions(text)).toEqual([]);
    expect(scanComments(text).map((c) => c.body)).toEqual([' iomem-lens-disable-lines resource-leak: no ', ' real']);
  });
});

describe('applySuppressions', () => {
  it('hides only the named rules on the target line, and keeps the hidden findings', () => {
    const text = 'x;\n// iomem-lens-disable-next-line resource-leak: accepted\ny;\n';
    const a = applySuppressions(analysis(finding('resource-leak', 2), finding('resource-busy-window', 2), finding('resource-leak', 0)), text, ALL);
    expect(a.findings.map((f) => `${f.line}:${f.rule}`)).toEqual(['2:resource-busy-window', '0:resource-leak']);
    expect(a.silenced?.suppressed.map((f) => `${f.line}:${f.rule}`)).toEqual(['2:resource-leak']);
    expect(a.silenced?.problems).toEqual([]);
  });

  it('reports a missing reason, an unknown rule and an unused suppression, and still suppresses without a reason', () => {
    const text = [
      'a; // iomem-lens-disable-line resource-leak',
      'b; // iomem-lens-disable-line no-such-rule: because',
      'c; // iomem-lens-disable-line resource-busy-window: nothing here',
      'd; // iomem-lens-disable-line',
    ].join('\n');
    const a = applySuppressions(analysis(finding('resource-leak', 0)), text, ALL);
    expect(a.findings).toEqual([]);
    expect(a.silenced?.problems.map((p) => [p.kind, p.line, p.rule])).toEqual([
      ['no-reason', 0, 'resource-leak'],
      ['unknown-rule', 1, 'no-such-rule'],
      ['unused', 2, 'resource-busy-window'],
      ['unknown-rule', 3, ''],
    ]);
    expect(a.silenced?.problems[0]?.message).toMatch(/gives no reason/);
    expect(a.silenced?.problems[2]?.message).toBe('unused suppression: no resource-busy-window finding on line 3');
  });

  it('does not call a suppression unused when its rule did not run or the analysis was cut short', () => {
    const text = 'c; // iomem-lens-disable-line resource-busy-window: accepted\n';
    expect(applySuppressions(analysis(), text, new Set(['resource-leak'])).silenced?.problems).toEqual([]);
    const partial = { ...analysis(), partial: [{ function: 'f', reason: 'path bound' }] };
    expect(applySuppressions(partial, text, ALL).silenced?.problems).toEqual([]);
    expect(applySuppressions(analysis(), text, ALL).silenced?.problems.map((p) => p.kind)).toEqual(['unused']);
  });

  it('hides a real finding of the kmem example above its own comment line', async () => {
    const text = kmem.replace('\t/* Leave BUSY clear', '\t/* iomem-lens-disable-next-line resource-busy-window: kmem owns the range */\n\t/* Leave BUSY clear');
    const before = await analyzeSource(kmem);
    expect(before.findings.map((f) => f.rule)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    const a = applySuppressions(await analyzeSource(text), text, options().rules);
    expect(a.findings.map((f) => f.rule)).toEqual(['resource-flags-clobber']);
    expect(a.silenced?.suppressed.map((f) => [f.rule, f.line])).toEqual([['resource-busy-window', lineOf(text, WRITE)]]);
    expect(a.silenced?.problems).toEqual([]);
  });
});
