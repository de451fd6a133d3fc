// The simulation webview page as text: CSP, escaping, one map per moment, lanes per actor.

import { describe, expect, it } from 'vitest';
import { SimulationView, simulationHtml } from '../../client/src/simulationHtml';

const sim: SimulationView = {
  file: 'drivers/dax/kmem.c', function: 'dev_dax_kmem_probe', kernel: '6.12', arch: 'x86_64', layout: 'default', racing: true, paths: 13,
  steps: [
    { actor: 'owner', line: 138, callee: 'request_mem_region', message: 'requests <range> "dax"' },
    { actor: 'racer', line: 159, callee: 'another driver', message: 'nests inside' },
  ],
  finding: { rule: 'resource-busy-window', severity: 'warning', line: 159, message: 'BUSY is cleared & more' },
};

describe('simulation webview page', () => {
  const html = simulationHtml(sim, ['<svg>0</svg>', '<svg>1</svg>', '<svg>2</svg>'], '.iol-bg{}', 'NONCE', 'vscode-resource:');

  it('allows nothing remote and only its own nonce for styles and script', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBe("default-src 'none'; img-src vscode-resource: data:; style-src 'nonce-NONCE'; script-src 'nonce-NONCE';");
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="NONCE">');
    expect(html).not.toMatch(/ style="/); // inline style attributes would be blocked
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('has one map per moment, the last one shown, and a slider over them', () => {
    expect([...html.matchAll(/<div class="map( current)?" data-map="(\d)">/g)].map((m) => `${m[2]}${m[1] ? '*' : ''}`)).toEqual(['0', '1', '2*']);
    expect(html).toContain('<input id="step" type="range" min="0" max="2" value="2">');
  });

  it('puts each step in its actor\'s lane and escapes what the code named', () => {
    expect(html).toContain('<h2>dev_dax_kmem_probe()</h2>');
    expect(html).toContain('<h2>another driver</h2>');
    expect(html).toContain('<div class="step owner" data-step="1">1. <span class="where">line 139</span>: requests &lt;range&gt; &quot;dax&quot;</div>');
    expect(html).toContain('<div class="step racer gap" data-step="2">');
    expect(html).toContain('BUSY is cleared &amp; more');
  });
});
