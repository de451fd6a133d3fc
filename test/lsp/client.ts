// A minimal LSP client for tests: starts the built server (`dist/cli.js lsp --stdio`) and
// speaks JSON-RPC to it. Positions in tests are found by text, never by line numbers.

import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { ROOT } from '../helpers';

export interface Published {
  uri: string;
  version?: number;
  diagnostics: { code?: string; message: string; range: { start: { line: number; character: number } }; relatedInformation?: unknown[] }[];
}

export class TestClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: MessageConnection;
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  stderr = '';
  private waiters: { pred: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  private logWaiters: (() => boolean)[] = [];

  constructor() {
    this.proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'lsp', '--stdio'], { cwd: ROOT });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    const log = (p: unknown): void => {
      this.logs.push((p as { message: string }).message);
      this.logWaiters = this.logWaiters.filter((w) => !w());
    };
    this.conn.onNotification('window/logMessage', log);
    this.conn.onNotification('window/showMessage', log);
    this.conn.onRequest('workspace/configuration', () => [{}]);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => null);
    this.conn.listen();
  }

  async initialize(opts: { pull: boolean; rootUri?: string | null; initializationOptions?: unknown; previewEdits?: boolean }): Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }> {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: opts.rootUri ?? null,
      capabilities: {
        textDocument: { ...(opts.pull ? { diagnostic: { dynamicRegistration: false } } : {}), publishDiagnostics: { relatedInformation: true } },
        workspace: { configuration: true, ...(opts.previewEdits ? { workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } } } : {}) },
      },
      initializationOptions: opts.initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
    return result as { capabilities: Record<string, unknown> };
  }

  nextDiagnostics(uri: string, pred: (p: Published) => boolean = () => true): Promise<Published> {
    return new Promise((resolve) => this.waiters.push({ pred: (p) => p.uri === uri && pred(p), resolve }));
  }

  /** Resolves once a log or shown message matches (they arrive asynchronously). */
  logMatching(re: RegExp): Promise<string> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const hit = this.logs.find((l) => re.test(l));
        if (hit) resolve(hit);
        return hit !== undefined;
      };
      if (!check()) this.logWaiters.push(check);
    });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  }

  async shutdown(): Promise<number | null> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.on('exit', (code) => resolve(code));
    });
  }

  kill(): void {
    this.conn.dispose();
    this.proc.kill();
  }
}

/** The LSP position of the first occurrence of `needle` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}
