// SVG address maps of a simulation: regions as bands over the focus range (one row per nesting
// depth), BUSY / System RAM / who created it as classes, and a lane per actor for the steps.
// Colors are CSS classes over VS Code theme variables (with fallbacks for a standalone file).

import type { SimRegion } from './snapshot.js';
import type { Simulation } from './simulate.js';

export const SVG_STYLE = `
.iol-bg { fill: var(--vscode-editor-background, #ffffff); }
.iol-region { fill: var(--vscode-editorWidget-background, #f3f3f3); stroke: var(--vscode-editorWidget-border, #8a8a8a); stroke-width: 1; }
.iol-busy { fill: var(--vscode-charts-orange, #d18616); fill-opacity: 0.35; }
.iol-sysram { fill: var(--vscode-charts-green, #388a34); fill-opacity: 0.35; }
.iol-owner { stroke: var(--vscode-charts-blue, #1a85ff); stroke-width: 2; }
.iol-racer { stroke: var(--vscode-charts-red, #e51400); stroke-width: 2; stroke-dasharray: 4 2; }
.iol-changed { stroke-width: 3; }
.iol-text { fill: var(--vscode-foreground, #333333); font-family: var(--vscode-font-family, sans-serif); font-size: 11px; }
.iol-axis { stroke: var(--vscode-foreground, #333333); stroke-width: 1; }
.iol-lane { fill: none; stroke: var(--vscode-editorWidget-border, #8a8a8a); }
.iol-step-owner { fill: var(--vscode-charts-blue, #1a85ff); fill-opacity: 0.2; stroke: var(--vscode-charts-blue, #1a85ff); }
.iol-step-racer { fill: var(--vscode-charts-red, #e51400); fill-opacity: 0.2; stroke: var(--vscode-charts-red, #e51400); }
`;

const ROW = 26;
const PAD = 8;
const AXIS = 28;

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface MapOptions {
  width?: number;
  changed?: readonly number[];
  /** Put the stylesheet inside the SVG (a standalone file); a webview supplies its own. */
  embedStyle?: boolean;
  title?: string;
}

/** The body of an address map (no <svg> element), `width` wide, and its height. */
function mapBody(regions: readonly SimRegion[], focus: { start: string; end: string } | undefined, width: number, changed: readonly number[]): { body: string; height: number } {
  const shown = regions.filter((r) => !focus || (BigInt(r.end) >= BigInt(focus.start) && BigInt(r.start) <= BigInt(focus.end)));
  const lo = focus ? BigInt(focus.start) : shown.reduce((m, r) => (BigInt(r.start) < m ? BigInt(r.start) : m), shown[0] ? BigInt(shown[0].start) : 0n);
  const hi = focus ? BigInt(focus.end) : shown.reduce((m, r) => (BigInt(r.end) > m ? BigInt(r.end) : m), 0n);
  const span = hi - lo + 1n > 0n ? hi - lo + 1n : 1n;
  const inner = width - 2 * PAD;
  // Scaled in integer arithmetic: addresses exceed 2^53.
  const x = (a: bigint): number => PAD + Number(((a < lo ? lo : a > hi + 1n ? hi + 1n : a) - lo) * BigInt(inner * 16) / span) / 16;
  const depth = shown.reduce((m, r) => Math.max(m, r.depth), 0);
  const parts: string[] = [];
  for (const r of shown) {
    const x0 = x(BigInt(r.start));
    const w = Math.max(2, x(BigInt(r.end) + 1n) - x0);
    const y = PAD + r.depth * ROW;
    const cls = ['iol-region', r.busy ? 'iol-busy' : '', r.sysram ? 'iol-sysram' : '', r.owner ? `iol-${r.owner}` : '', changed.includes(r.id) ? 'iol-changed' : '']
      .filter(Boolean).join(' ');
    parts.push(`<g data-region="${r.id}"><rect class="${cls}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 4}"><title>${escapeXml(`${r.start}-${r.end} : ${r.name} [${r.flags}]`)}</title></rect>`);
    const label = `${r.name}${r.busy ? ' (BUSY)' : ''}`;
    // Labels only where they fit (about 6 px per character).
    if (w > label.length * 6 + 6) parts.push(`<text class="iol-text" x="${(x0 + 4).toFixed(1)}" y="${y + ROW / 2 + 2}">${escapeXml(label)}</text>`);
    parts.push('</g>');
  }
  const axisY = PAD + (depth + 1) * ROW + 4;
  parts.push(`<line class="iol-axis" x1="${PAD}" y1="${axisY}" x2="${width - PAD}" y2="${axisY}"/>`);
  parts.push(`<text class="iol-text" x="${PAD}" y="${axisY + 16}">0x${lo.toString(16)}</text>`);
  parts.push(`<text class="iol-text" x="${width - PAD}" y="${axisY + 16}" text-anchor="end">0x${hi.toString(16)}</text>`);
  return { body: parts.join(''), height: axisY + AXIS };
}

function svg(width: number, height: number, body: string, title: string, embedStyle: boolean): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>${embedStyle ? `<style>${SVG_STYLE}</style>` : ''}<rect class="iol-bg" width="${width}" height="${height}"/>${body}</svg>`;
}

/** The address map of one moment. */
export function renderMapSvg(regions: readonly SimRegion[], focus: { start: string; end: string } | undefined, o: MapOptions = {}): string {
  const width = o.width ?? 720;
  const { body, height } = mapBody(regions, focus, width, o.changed ?? []);
  return svg(width, height, body, o.title ?? 'iomem address map', o.embedStyle ?? false);
}

/** The whole simulation in one picture: the map after the last step, then a lane per actor. */
export function renderSimulationSvg(sim: Simulation, o: MapOptions = {}): string {
  const width = o.width ?? 900;
  const last = sim.steps[sim.steps.length - 1];
  const map = mapBody(last?.regions ?? sim.initial, sim.focus, width, sim.steps.flatMap((s) => s.changed));
  const lanes: Simulation['steps'][number]['actor'][] = sim.racing ? ['owner', 'racer'] : ['owner'];
  const laneH = 34;
  const top = map.height + 8;
  // The label column fits the longest lane label (found in review: a long function name ran
  // into step 1); about 7 px a character at the text's size.
  const labels = lanes.map((a) => (a === 'owner' ? sim.function : 'another driver'));
  const labelW = Math.max(110, Math.ceil(7 * Math.max(...labels.map((l) => l.length))) + 14);
  const stepW = sim.steps.length ? (width - 2 * PAD - labelW) / sim.steps.length : 0;
  const parts = [map.body];
  lanes.forEach((_, i) => {
    const y = top + i * laneH;
    parts.push(`<rect class="iol-lane" x="${PAD}" y="${y}" width="${width - 2 * PAD}" height="${laneH - 4}"/>`);
    parts.push(`<text class="iol-text" x="${PAD + 4}" y="${y + laneH / 2 + 2}">${escapeXml(labels[i] ?? '')}</text>`);
  });
  sim.steps.forEach((s, i) => {
    const lane = lanes.indexOf(s.actor);
    const y = top + Math.max(0, lane) * laneH + 3;
    const x0 = PAD + labelW + i * stepW;
    parts.push(`<g data-step="${i + 1}"><rect class="iol-step-${s.actor}" x="${x0.toFixed(1)}" y="${y}" width="${Math.max(4, stepW - 3).toFixed(1)}" height="${laneH - 10}">` +
      `<title>${escapeXml(`${i + 1}. line ${s.line + 1}: ${s.message}`)}</title></rect>` +
      `<text class="iol-text" x="${(x0 + 3).toFixed(1)}" y="${y + laneH / 2 - 2}">${i + 1}</text></g>`);
  });
  const height = top + lanes.length * laneH + (sim.finding ? 24 : 4);
  if (sim.finding) parts.push(`<text class="iol-text" x="${PAD}" y="${height - 8}">${escapeXml(`${sim.finding.rule}: line ${sim.finding.line + 1}`)}</text>`);
  return svg(width, height, parts.join(''), `${sim.function}: simulation`, o.embedStyle ?? true);
}
