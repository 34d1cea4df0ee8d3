import * as vscode from 'vscode';
import type { Problem } from '../core/problem';
import type { AssetRunOutcome } from '../core/editorModel/assetRunOutcome';
import { runOutcomeProblems } from '../core/editorModel/checkResultProblems';
import type { AssetGraphService } from './assetGraphService';
import { DisposableStore } from './disposables';
import type { TargetSelection } from './targetSelection';

/** A 1-based Problem as a VS Code range: a point widens to the rest of its line. */
export function problemRange(p: Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'>): vscode.Range {
  const line = Math.max(0, p.line - 1);
  const column = Math.max(0, p.column - 1);
  if (p.endLine !== undefined && p.endColumn !== undefined && (p.endLine > p.line || p.endColumn > p.column)) {
    return new vscode.Range(line, column, Math.max(0, p.endLine - 1), Math.max(0, p.endColumn - 1));
  }
  return new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER);
}

function toDiagnostic(p: Problem): vscode.Diagnostic {
  const severity =
    p.severity === 'error'
      ? vscode.DiagnosticSeverity.Error
      : p.severity === 'warning'
        ? vscode.DiagnosticSeverity.Warning
        : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(problemRange(p), p.message, severity);
  d.source = 'Asset Studio';
  d.code = p.code;
  return d;
}

/**
 * The Problems panel: definition problems of the graph (and of the targets),
 * and failing checks / run errors of each asset's last run on the current
 * target. Both come from one place each: the graph, and the states the
 * graph service holds (a run's outcome is recorded there the moment it ends,
 * the target's stored results after a reload, a switch, or a CLI run).
 */
export class ProblemDiagnostics implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly definitions = this.store.add(vscode.languages.createDiagnosticCollection('assetStudio.definitions'));
  private readonly runs = this.store.add(vscode.languages.createDiagnosticCollection('assetStudio.checks'));

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
  ) {
    this.store.add(graphs.onDidChangeGraph(() => this.showDefinitions()));
    this.store.add(graphs.onDidChangeGraph(() => this.showRuns()));
    this.store.add(targets.onDidChange(() => this.showRuns()));
    this.store.add(graphs.onDidChangeStates(() => this.showRuns()));
  }

  private showDefinitions(): void {
    const byFile = new Map<string, Problem[]>();
    const seen = new Set<string>();
    for (const { root, graph } of this.graphs.graphs()) {
      for (const p of [...graph.problems, ...this.targets.targetProblems(root)]) {
        // The project file's problems may come both from discovery and from target resolution.
        const id = `${p.file}:${p.line}:${p.column}:${p.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const list = byFile.get(p.file) ?? [];
        list.push(p);
        byFile.set(p.file, list);
      }
    }
    this.definitions.clear();
    for (const [file, problems] of byFile) this.definitions.set(vscode.Uri.file(file), problems.map(toDiagnostic));
  }

  /** Every asset's last-run problems on its folder's current target; assets gone from the graph take theirs with them. */
  private showRuns(): void {
    const byFile = new Map<string, Problem[]>();
    for (const { root, graph } of this.graphs.graphs()) {
      const target = this.targets.targetFor(root);
      if (!target) continue;
      for (const [key, state] of this.graphs.states(root)) {
        const node = graph.nodes.get(key);
        if (!node) continue;
        const current = new Set(node.checks.map((c) => c.name));
        const outcome: AssetRunOutcome = {
          key,
          status: state.status === 'failed' ? 'failed' : 'success',
          error: state.status === 'failed' ? state.error : undefined,
          errorLine: state.status === 'failed' ? state.errorLine : undefined,
          // Results of checks since removed from the definition are not shown.
          checks: [...(state.checks?.values() ?? [])].filter((c) => current.has(c.name)),
        };
        // node.checks, not the definition's: dbt tests and @asset_checks are attached at graph assembly.
        for (const p of runOutcomeProblems(outcome, { location: node.definition.location, checks: node.checks }, target.name)) {
          const list = byFile.get(p.file) ?? [];
          list.push(p);
          byFile.set(p.file, list);
        }
      }
    }
    this.runs.clear();
    for (const [file, problems] of byFile) this.runs.set(vscode.Uri.file(file), problems.map(toDiagnostic));
  }

  dispose(): void {
    this.store.dispose();
  }
}
