// The simulation webview's page: pure (no vscode import), so it can be tested as text. Strict
// Content-Security-Policy: nothing remote, one nonce for the stylesheet and the slider script.

export interface SimStepView {
  actor: 'owner' | 'racer';
  line: number;
  callee: string;
  message: string;
}

export interface SimulationView {
  file: string;
  function: string;
  kernel: string;
  arch: string;
  layout: string;
  racing: boolean;
  paths: number;
  steps: SimStepView[];
  finding?: { rule: string; severity: string; line: number; message: string };
}

export function escapeHtml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const PAGE_STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px; }
h1 { font-size: 1.2em; } .meta { opacity: .8; }
.controls { display: flex; gap: 12px; align-items: center; margin: 12px 0; }
.map { display: none; } .map.current { display: block; }
.lanes { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; } .lanes.single { grid-template-columns: 1fr; }
.lane h2 { font-size: 1em; margin: 4px 0; }
.step { padding: 4px 6px; margin: 2px 0; border-left: 3px solid transparent; opacity: .55; cursor: pointer; }
.step.done { opacity: 1; } .step.current { border-left-color: var(--vscode-focusBorder); background: var(--vscode-editor-selectionBackground); }
.step.owner { margin-right: 0; } .step.racer { color: var(--vscode-charts-red); }
.step.gap { visibility: hidden; }
.finding { margin-top: 12px; padding: 8px; border: 1px solid var(--vscode-inputValidation-warningBorder); }
`;

/** `maps[0]` is the tree before the function runs, `maps[i]` the tree after step i. */
export function simulationHtml(sim: SimulationView, maps: readonly string[], svgStyle: string, nonce: string, cspSource: string): string {
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const lanes = sim.racing ? (['owner', 'racer'] as const) : (['owner'] as const);
  const laneHtml = lanes.map((actor) => `<div class="lane"><h2>${actor === 'owner' ? `${escapeHtml(sim.function)}()` : 'another driver'}</h2>` +
    sim.steps.map((s, i) => `<div class="step ${s.actor}${s.actor === actor ? '' : ' gap'}" data-step="${i + 1}">${i + 1}. ` +
      `<span class="where">line ${s.line + 1}</span>: ${escapeHtml(s.message)}</div>`).join('') + '</div>').join('');
  const mapHtml = maps.map((svg, i) => `<div class="map${i === maps.length - 1 ? ' current' : ''}" data-map="${i}">${svg}</div>`).join('');
  const finding = sim.finding
    ? `<div class="finding"><strong>${escapeHtml(sim.finding.rule)}</strong> (${escapeHtml(sim.finding.severity)}, line ${sim.finding.line + 1}): ${escapeHtml(sim.finding.message)}</div>`
    : '<div class="finding">This path ends without a finding.</div>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${PAGE_STYLE}${svgStyle}</style>
<title>${escapeHtml(sim.function)}: simulation</title></head>
<body>
<h1>${escapeHtml(sim.function)}() <span class="meta">${escapeHtml(sim.file)}</span></h1>
<p class="meta">kernel ${escapeHtml(sim.kernel)} ${escapeHtml(sim.arch)} · layout "${escapeHtml(sim.layout)}" · ${sim.paths} paths walked${sim.racing ? ' · another driver races' : ''}</p>
<div class="controls"><label for="step">Step</label><input id="step" type="range" min="0" max="${sim.steps.length}" value="${sim.steps.length}"><span id="label"></span></div>
${mapHtml}
<div class="lanes${sim.racing ? '' : ' single'}">${laneHtml}</div>
${finding}
<script nonce="${nonce}">
(function () {
  const slider = document.getElementById('step');
  const label = document.getElementById('label');
  const total = ${sim.steps.length};
  function show(n) {
    document.querySelectorAll('.map').forEach((m) => m.classList.toggle('current', Number(m.dataset.map) === n));
    document.querySelectorAll('.step').forEach((s) => {
      const k = Number(s.dataset.step);
      s.classList.toggle('done', k <= n);
      s.classList.toggle('current', k === n);
    });
    label.textContent = n === 0 ? 'before the function runs' : 'after step ' + n + ' of ' + total;
  }
  slider.addEventListener('input', () => show(Number(slider.value)));
  document.querySelectorAll('.step').forEach((s) => s.addEventListener('click', () => { slider.value = s.dataset.step; show(Number(s.dataset.step)); }));
  show(total);
})();
</script>
</body></html>`;
}
