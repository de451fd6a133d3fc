// The result of a `check` run, shared by every output format.

import type { KernelProfile } from '../../../model/src/index.js';
import type { Finding } from '../analysis/finding.js';

export interface FileFinding extends Finding {
  /** The path as the user gave it (or joined under a directory they gave). */
  file: string;
}

export interface CheckReport {
  profile: KernelProfile;
  findings: FileFinding[];
  stats: {
    files: number;
    parsed: number;
    /** Files whose result the saved scan index gave back: not read by this run. */
    reused: number;
    skipped: { file: string; reason: string }[];
    /** Findings hidden by suppression comments and by the baseline. */
    suppressed: number;
    baselined: number;
    ms: number;
  };
  /** Notes for stderr: settings problems, partial analyses, contained errors. */
  notes: string[];
}
