// Wires every LSP handler to the server. Features live one per file in features/.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationToken, Connection, DidChangeConfigurationNotification, InitializeParams, InitializeResult,
  ErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind, createConnection,
} from 'vscode-languageserver/node';
import { FunctionCache, analyzeSteps } from '../analysis/analyze.js';
import { Baseline, findBaseline } from '../analysis/baseline.js';
import { FileAnalysis, emptyAnalysis } from '../analysis/finding.js';
import { silence } from '../analysis/silence.js';
import { AnalysisLimit } from '../analysis/limits.js';
import { ResolvedSettings, findKernelRoot, resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { AnalysisRuns, cancelled } from './analysisRuns.js';
import { DocumentStore, OpenDocument } from './documents.js';
import { DiagnosticReports } from './diagnosticReports.js';
import { EditLatency } from './editLatency.js';
import { type PublishIndex, scanPublications } from '../analysis/publish.js';
import { buildWorkspaceIndex } from './workspaceIndex.js';
import { runWhenIdle, warmUpSteps } from './warmup.js';
import { codeActions } from './features/codeActions.js';
import { SERVER_COMMANDS, executeCommand, memoryMb } from './features/commands.js';
import { diagnosticsFor } from './features/diagnostics.js';
import { pointMapper } from './positions.js';
import { hover } from './features/hover.js';
import { readRegularFile } from '../readFile.js';
import { localPath, pathOf } from './uris.js';

const PUSH_DEBOUNCE_MS = 150;
const C_LANGUAGES = new Set(['c', 'cpp', 'objective-c']);

interface Analyzed {
  /** The document revision it was computed for (DocumentStore). */
  revision: number;
  /** The settings generation it was computed under. */
  generation: number;
  analysis: FileAnalysis;
}

export class IomemLensServer {
  private store: DocumentStore | undefined;
  private parser: CParser | undefined;
  private readonly cache = new FunctionCache();
  private readonly results = new Map<string, Analyzed>();
  private readonly runs = new AnalysisRuns();
  /** Edit-to-answer times inside the server, for the status command. */
  private readonly latency = new EditLatency();
  /** Result ids of pulled diagnostics. */
  private readonly reports = new DiagnosticReports();
  private shuttingDown = false;
  /** An initialize request arrived; it has been answered (the store and parser exist). */
  private initializeSeen = false;
  private ready = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private settings: ResolvedSettings = resolveSettings({});
  private root: string | undefined;
  private pushDiagnostics = true;
  /** The client can show a workspace edit for confirmation (LSP change annotations): quick fixes preview. */
  private annotatedEdits = false;
  /** The last profile line and settings problems logged. */
  private reported = '';
  private canPullConfiguration = false;
  /** Settings sent in initializationOptions (Neovim and other clients without a settings UI). */
  private initSettings: unknown = undefined;
  /** Bumped when settings change: older analyses are stale but still answer hovers. */
  private generation = 0;
  /** The workspace's publication index (seed 002), once the background scan is done. */
  private publications: PublishIndex | undefined;
  /** Every publication of the workspace, paired or not: what a saved file's replace (reindex()). */
  private allPublications: PublishIndex | undefined;
  private readonly indexing = { cancelled: false };
  /** The workspace root's `.iomem-lens-baseline.json`: its findings are not shown. */
  private baseline: Baseline | undefined;

  constructor(private readonly conn: Connection) {
    conn.onInitialize((p) => this.initialize(p));
    conn.onInitialized(() => void this.initialized());
    conn.onDidOpenTextDocument((p) => this.guard('didOpen', () => {
      this.runs.abort(p.textDocument.uri);
      this.store?.open(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
      const local = localPath(p.textDocument.uri);
      if (p.textDocument.uri.startsWith('file:') && 'reason' in local) {
        this.conn.console.warn(`iomem-lens: ${p.textDocument.uri} names no local file (${local.reason}): analyzed as an unsaved buffer, without the tree's baseline`);
      }
      this.schedule(p.textDocument.uri);
    }));
    conn.onDidChangeTextDocument((p) => this.guard('didChange', () => {
      // A run on the old text stops at its next pause: its syntax tree is deleted by the reparse.
      this.latency.changed(p.textDocument.uri, performance.now());
      this.runs.abort(p.textDocument.uri);
      this.store?.change(p.textDocument.uri, p.textDocument.version ?? 0, p.contentChanges);
      this.schedule(p.textDocument.uri);
    }));
    conn.onDidCloseTextDocument((p) => this.guard('didClose', () => {
      this.runs.abort(p.textDocument.uri);
      this.latency.forget(p.textDocument.uri);
      this.reports.forget(p.textDocument.uri);
      this.store?.close(p.textDocument.uri);
      this.results.delete(p.textDocument.uri);
      clearTimeout(this.timers.get(p.textDocument.uri));
      if (this.pushDiagnostics) void conn.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
    }));
    conn.onDidSaveTextDocument((p) => this.guard('didSave', () => this.reindex(p.textDocument.uri)));
    conn.onDidChangeConfiguration((p) => void this.configure((p.settings as Record<string, unknown> | undefined)?.iomemLens));
    conn.languages.diagnostics.on(async (p, token) => {
      this.gate();
      const uri = p.textDocument.uri;
      const a = await this.guardAsync('diagnostic', () => this.analysisFor(uri, token));
      // Stopped by a shutdown that came meanwhile: an error, not a report with nothing in it.
      if (!a) this.gate();
      const d = this.store?.get(uri);
      const items = a ? diagnosticsFor(a, uri, d ? pointMapper(d) : undefined) : [];
      if (a) this.latency.answered(uri, performance.now());
      return this.reports.report(uri, items, p.previousResultId);
    });
    // On the analysis of the text as it is: after an edit not pulled yet, the last one stored
    // placed its findings where the text has moved (found in review). It is current after a
    // pull, as when the client hovers after its diagnostics: then nothing is walked here.
    conn.onHover(async (p, token) => {
      this.gate();
      // A position that is not one (found in review: a line of 23.5 or null read as NaN and
      // matched a finding's range) has no hover.
      if (!isPosition(p.position)) return null;
      const a = await this.guardAsync('hover', () => this.analysisFor(p.textDocument.uri, token));
      return this.guard('hover', () => {
        const d = this.store?.get(p.textDocument.uri);
        const current = a && this.results.get(p.textDocument.uri)?.analysis === a ? a : undefined;
        return d ? hover(d, current, p.position, this.settings.options) : null;
      }) ?? null;
    });
    conn.onCodeAction(async (p, token) => {
      this.gate();
      const a = await this.guardAsync('codeAction', () => this.analysisFor(p.textDocument.uri, token));
      const d = this.store?.get(p.textDocument.uri);
      return (d && a ? this.guard('codeAction', () => codeActions(d, a, p, { preview: this.annotatedEdits })) : undefined) ?? [];
    });
    conn.onExecuteCommand((p) => this.gate() ?? this.guard('executeCommand', () => executeCommand(p.command, p.arguments ?? [], {
      settings: this.settings, documents: { get: (uri) => this.store?.get(uri) }, fileName: (uri) => this.fileName(uri),
      root: this.root,
      openText: (file) => this.store?.get(pathToFileURL(file).href)?.doc.getText(),
      status: () => ({
        openDocuments: this.store?.all().length ?? 0, cachedFunctions: this.cache.size, analysesRunning: this.runs.active, memoryMb: memoryMb(),
        editLatencyMs: Object.fromEntries([...this.latency.summary()].map(([uri, s]) => [this.fileName(uri), s])),
        // By the URI the client opened it with: what a client can look its document up by
        // (found in review: a file name relative to a kernel root above the workspace missed).
        editLatencyByUri: Object.fromEntries(this.latency.summary()),
      }),
    })));
    conn.onShutdown(() => {
      // Analyses under way stop at their next pause; the answer does not wait for them.
      this.shuttingDown = true;
      this.runs.stopAll();
      this.indexing.cancelled = true;
      for (const t of this.timers.values()) clearTimeout(t);
      for (const d of this.store?.all() ?? []) this.store?.close(d.uri);
    });
  }

  private async initialize(p: InitializeParams): Promise<InitializeResult> {
    // Found in review: a second initialize reset the workspace root under the open documents.
    if (this.initializeSeen) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is already initialized');
    this.initializeSeen = true;
    const folder = p.workspaceFolders?.[0]?.uri ?? p.rootUri ?? undefined;
    const rootPath = (folder ? pathOf(folder) : undefined) ?? p.rootPath ?? undefined;
    if (folder && !pathOf(folder)) this.conn.console.warn(`iomem-lens: the workspace folder ${folder} is not a local directory: no kernel tree, baseline or publication index`);
    this.root = rootPath ? findKernelRoot(rootPath) ?? rootPath : undefined;
    const baseline = this.root ? findBaseline(this.root) : undefined;
    if (baseline && 'error' in baseline) this.conn.console.error(`iomem-lens: ${baseline.error}`);
    this.baseline = baseline && 'baseline' in baseline ? baseline.baseline : undefined;
    this.canPullConfiguration = !!p.capabilities.workspace?.configuration;
    this.annotatedEdits = !!p.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport && !!p.capabilities.workspace.workspaceEdit.documentChanges;
    const init = p.initializationOptions as { pushDiagnostics?: boolean; settings?: unknown } | undefined;
    // Clients that pull diagnostics get them pulled; pushing as well would show them twice.
    this.pushDiagnostics = init?.pushDiagnostics ?? !p.capabilities.textDocument?.diagnostic;
    this.initSettings = init?.settings;
    this.settings = resolveSettings(init?.settings ?? {}, this.root);
    // The grammar is loaded before the first document arrives, so the first open is not slowed.
    this.parser = await CParser.load();
    this.store = new DocumentStore(this.parser);
    this.ready = true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        executeCommandProvider: { commands: [...SERVER_COMMANDS] },
        diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false },
      },
      serverInfo: { name: TOOL_NAME, version: toolVersion() },
    };
  }

  private async initialized(): Promise<void> {
    void this.indexWorkspace();
    void this.warmUp();
    if (!this.canPullConfiguration) return this.reportProblems();
    void this.conn.client.register(DidChangeConfigurationNotification.type, { section: 'iomemLens' }).catch(() => undefined);
    try {
      await this.configure(await this.conn.workspace.getConfiguration('iomemLens'));
    } catch (e) {
      this.conn.console.warn(`iomem-lens: could not read settings: ${String(e)}`);
    }
  }

  /** Walks the warm-up source (warmup.ts) while no document is being analyzed. */
  private async warmUp(): Promise<void> {
    if (!this.parser) return;
    const t0 = performance.now();
    try {
      const done = await runWhenIdle(warmUpSteps(this.parser, this.settings.options), () => this.runs.active > 0, () => this.shuttingDown);
      if (done) this.conn.console.info(`iomem-lens: warmed up in ${Math.round(performance.now() - t0)} ms`);
    } catch (e) {
      this.conn.console.warn(`iomem-lens: warm-up failed: ${String(e)}`);
    }
  }

  /** Builds the publication index of the workspace in the background, then re-checks. */
  private async indexWorkspace(): Promise<void> {
    if (!this.root) return;
    try {
      const { index, all, progress } = await buildWorkspaceIndex(this.root, this.indexing);
      if (this.indexing.cancelled) return;
      this.allPublications = all;
      this.publications = index;
      this.settings.options.publications = index;
      this.conn.console.info(`iomem-lens: indexed ${progress.files} files for publications in ${Math.round(progress.ms)} ms (${index.size} paired globals)`);
      this.generation++;
      for (const d of this.store?.all() ?? []) this.schedule(d.uri);
      if (!this.pushDiagnostics) void this.conn.languages.diagnostics.refresh().catch(() => undefined);
    } catch (e) {
      this.conn.console.warn(`iomem-lens: workspace index failed: ${String(e)}`);
    }
  }

  /**
   * A file saved: its publications replace what the workspace index held of it, and every open
   * document is checked again against the index paired anew (found in review: a publisher made
   * plain kept its readers' findings until the server restarted).
   */
  private reindex(uri: string): void {
    const all = this.allPublications;
    const file = pathOf(uri);
    if (!all || !this.root || !file) return;
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return;
    const d = this.store?.get(uri);
    let text: string;
    try {
      text = d ? d.doc.getText() : readRegularFile(file).toString('utf8');
    } catch {
      return; // gone or unreadable: the index keeps what it had
    }
    all.replaceFile(rel, scanPublications(text, rel));
    this.publications = all.paired();
    this.settings.options.publications = this.publications;
    this.generation++;
    for (const o of this.store?.all() ?? []) this.schedule(o.uri);
    if (!this.pushDiagnostics) void this.conn.languages.diagnostics.refresh().catch(() => undefined);
  }

  private async configure(raw: unknown): Promise<void> {
    if (raw === undefined && this.canPullConfiguration) raw = await this.conn.workspace.getConfiguration('iomemLens');
    // An editor with nothing configured answers {} or null: the initializationOptions stand.
    const empty = raw === undefined || raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0);
    this.settings = resolveSettings(empty ? (this.initSettings ?? {}) : raw, this.root);
    if (this.publications) this.settings.options.publications = this.publications;
    this.reportProblems();
    this.generation++;
    for (const d of this.store?.all() ?? []) this.schedule(d.uri);
    if (!this.pushDiagnostics) void this.conn.languages.diagnostics.refresh().catch(() => undefined);
  }

  private reportProblems(): void {
    const { profile } = this.settings.options;
    const said = `iomem-lens: kernel ${profile.version.major}.${profile.version.minor} ${profile.arch} (${profile.source})${this.root ? `, tree ${this.root}` : ''}`;
    // Editors send the settings again after registering for changes: say only what changed.
    const key = `${said}\n${this.settings.problems.join('\n')}`;
    if (key === this.reported) return;
    this.reported = key;
    this.conn.console.info(said);
    for (const m of this.settings.problems) {
      this.conn.console.warn(`iomem-lens: ${m}`);
      void this.conn.window.showWarningMessage(`iomem-lens settings: ${m}`);
    }
  }

  /** A document's name in findings: relative to the workspace root when it is under it. */
  private fileName(uri: string): string {
    const file = pathOf(uri);
    return this.root && file ? path.relative(this.root, file) : uri;
  }

  /**
   * The analysis of the document's current version: cached, or computed in slices (see
   * AnalysisRuns). Undefined for a document that is not open (or closed meanwhile) and after
   * shutdown; rejects with RequestCancelled when `token` is cancelled first.
   */
  private async analysisFor(uri: string, token?: CancellationToken): Promise<FileAnalysis | undefined> {
    for (;;) {
      const d = this.store?.get(uri);
      if (!d || this.shuttingDown) return undefined;
      const { revision } = d;
      const generation = this.generation;
      const cached = this.results.get(uri);
      if (cached && cached.revision === revision && cached.generation === generation) return cached.analysis;
      const a = await this.runs.analysis(uri, `${revision}:${generation}`, () => this.analysisSteps(d), token);
      if (a && this.store?.get(uri) === d && d.revision === revision) {
        this.results.set(uri, { revision, generation, analysis: a });
        if (generation === this.generation) return a;
      }
      // The text or the settings changed under the run: analyze what is current now.
      if (token?.isCancellationRequested) throw cancelled();
    }
  }

  private *analysisSteps(d: OpenDocument): Generator<string, FileAnalysis, void> {
    let analysis = emptyAnalysis();
    const text = d.doc.getText();
    if (d.tree && C_LANGUAGES.has(d.doc.languageId)) {
      const file = pathOf(d.uri);
      const rel = file ? path.basename(file) : d.uri;
      analysis = yield* analyzeSteps(d.tree, text, this.settings.options, this.cache, {
        file: this.fileName(d.uri),
        onError: (fn, err, rule) => err instanceof AnalysisLimit
          ? this.conn.console.warn(`iomem-lens: ${rel}: ${fn}(): ${err.message}`)
          : this.conn.console.error(`iomem-lens: ${rel}: ${fn}(): ${rule ? `rule ${rule} failed, its findings there are lost: ` : ''}${err instanceof Error ? err.stack ?? err.message : String(err)}`),
      });
      analysis = silence(analysis, text, this.settings.options.rules, this.baseline, file);
    } else if (d.unparsed) {
      analysis.errors.push({ function: '(file)', reason: d.unparsed });
    }
    return analysis;
  }

  private schedule(uri: string): void {
    if (!this.pushDiagnostics) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => void this.guardAsync('publish', async () => {
      this.timers.delete(uri);
      const a = await this.analysisFor(uri);
      const d = this.store?.get(uri);
      // A newer version has its own publish scheduled.
      if (!a || !d || this.results.get(uri)?.analysis !== a) return;
      void this.conn.sendDiagnostics({ uri, version: d.doc.version, diagnostics: diagnosticsFor(a, uri, pointMapper(d)) });
      this.latency.answered(uri, performance.now());
    }), PUSH_DEBOUNCE_MS));
  }

  /**
   * Refuses a request before initialize has been answered or after shutdown, as the protocol
   * says (found in review: a diagnostic pull after shutdown answered with no items, which a
   * client shows as every finding gone). Returns undefined, so a handler can go on with `??`.
   */
  private gate(): undefined {
    if (!this.ready) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized yet');
    if (this.shuttingDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down');
    return undefined;
  }

  /** guard() for handlers that wait: cancellation goes back to the client, anything else is logged. */
  private async guardAsync<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      this.conn.console.error(`iomem-lens: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return undefined;
    }
  }

  /** Runs a handler; an exception is logged with its origin and never takes the server down. */
  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.conn.console.error(`iomem-lens: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return undefined;
    }
  }
}

/** A protocol position: non-negative integers, nothing else. */
function isPosition(p: unknown): boolean {
  const q = p as { line?: unknown; character?: unknown } | null | undefined;
  return Number.isInteger(q?.line) && Number.isInteger(q?.character) && (q?.line as number) >= 0 && (q?.character as number) >= 0;
}

export function startStdioServer(): void {
  const conn = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  new IomemLensServer(conn);
  conn.listen();
}

/** For the VS Code client (transport chosen by the client: IPC). */
export function startServer(): void {
  const conn = createConnection(ProposedFeatures.all);
  new IomemLensServer(conn);
  conn.listen();
}
