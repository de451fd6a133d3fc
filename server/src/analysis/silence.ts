// Noise control for an editor's document: suppression comments first, then the baseline,
// the same order as `iomem-lens check` (so both front ends hide the same findings).

import { Baseline, applyBaseline } from './baseline.js';
import type { FileAnalysis } from './finding.js';
import { applySuppressions } from './suppress.js';

/** `file`: the document's path on disk (undefined for unsaved buffers: no baseline entry). */
export function silence(a: FileAnalysis, text: string, enabled: ReadonlySet<string>, baseline: Baseline | undefined, file: string | undefined): FileAnalysis {
  return applyBaseline(applySuppressions(a, text, enabled), text, baseline, file);
}
