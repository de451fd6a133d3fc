// Document URIs as local paths. A client may send a URI that names no local file: another
// scheme (untitled:), a host (file://server/...), an encoded slash (%2F). Those are analyzed as
// buffers named by their URI, never thrown on (found in review: their diagnostics were empty).

import { fileURLToPath } from 'node:url';

/** The local path `uri` names, or why it names none. */
export function localPath(uri: string): { path: string } | { reason: string } {
  if (!uri.startsWith('file:')) return { reason: 'not a file: URI' };
  try {
    return { path: fileURLToPath(uri) };
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The local path `uri` names, or undefined. */
export function pathOf(uri: string): string | undefined {
  const p = localPath(uri);
  return 'path' in p ? p.path : undefined;
}
