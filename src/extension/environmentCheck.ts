import * as vscode from 'vscode';
import type { EnvironmentProblem } from '../core/engine/delegated/environmentProblem';
import { findToolProblems } from '../core/engine/delegated/toolEnvironment';
import { loadProjectFile } from '../core/project/projectFile';
import type { AssetGraphService } from './assetGraphService';
import type { CommandId } from './commands';
import { readSettings } from './config';
import { DisposableStore } from './disposables';
import type { EnvironmentNotice } from './environmentNotice';
import type { MotherDuckToken } from './motherDuckToken';
import { onDidChangePythonInterpreter, pythonInterpreterFor } from './pythonInterpreter';
import type { TargetSelection } from './targetSelection';

const SHOW_PROBLEMS: CommandId = 'assetStudio.showEnvironmentProblems';

interface FoundProblem {
  readonly problem: EnvironmentProblem;
  readonly python: string | undefined;
  readonly root: string;
}

/**
 * What the project's runs need from the machine — Dagster in the chosen
 * interpreter, dbt when dbt runs the models, a MotherDuck token for the
 * current target — checked at activation and whenever the target, the
 * interpreter, the token or the settings change, not after a run was
 * confirmed. A problem is notified once when it appears (EnvironmentNotice,
 * with its actions) and stays in a status bar item until it is fixed.
 */
export class EnvironmentCheck implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private found: FoundProblem[] = [];
  /** Messages already notified while they last: a re-check after each target switch says nothing new. */
  private readonly announced = new Set<string>();
  private ticket = 0;
  /** `toolsNeeded()` when the last check started. */
  private checkedFor: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    token: MotherDuckToken,
    private readonly notice: EnvironmentNotice,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item = this.store.add(vscode.window.createStatusBarItem('assetStudio.environment', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'Asset Studio Environment';
    this.item.command = SHOW_PROBLEMS;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    const schedule = (): void => this.schedule();
    void graphs.discovered.then(schedule);
    this.store.add(targets.onDidChange(schedule));
    this.store.add(token.onDidChange(schedule));
    // A save changes the graph: only a change of which tools it needs is worth starting the interpreter again.
    this.store.add(
      graphs.onDidChangeGraph(() => {
        if (this.toolsNeeded() !== this.checkedFor) schedule();
      }),
    );
    this.store.add(onDidChangePythonInterpreter(schedule));
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('assetStudio.pythonPath') || e.affectsConfiguration('assetStudio.dbtRunner')) schedule();
      }),
    );
    this.store.add({ dispose: () => clearTimeout(this.timer) });
  }

  /** `assetStudio.showEnvironmentProblems` (the status item's command): says again what each folder's runs lack. */
  showProblems(): void {
    if (this.found.length === 0) void vscode.window.showInformationMessage('Asset Studio: nothing missing for this project’s runs.');
    for (const f of this.found) this.notice.report(f.problem, f.python, f.root);
  }

  /** Bursts (a target switch re-reads graphs and states) become one check. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), 300);
  }

  /** Which folders have Dagster or dbt assets, as a string to compare. */
  private toolsNeeded(): string {
    return this.graphs
      .roots()
      .map((root) => {
        const sources = new Set([...(this.graphs.graphOf(root)?.nodes.values() ?? [])].map((n) => n.definition.source));
        return `${root}:${sources.has('dagster') ? 'dagster' : ''},${sources.has('dbt') ? 'dbt' : ''}`;
      })
      .join('\n');
  }

  private async check(): Promise<void> {
    const ticket = ++this.ticket;
    this.checkedFor = this.toolsNeeded();
    const found: FoundProblem[] = [];
    for (const root of this.graphs.roots()) {
      try {
        found.push(...(await this.checkFolder(root)));
      } catch (err) {
        this.log.warn(`Could not check what the runs of ${root} need: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (ticket !== this.ticket) return;
    const unique = [...new Map(found.map((f) => [f.problem.message, f])).values()];
    this.found = unique;
    for (const message of [...this.announced]) if (!unique.some((f) => f.problem.message === message)) this.announced.delete(message);
    for (const f of unique) {
      if (this.announced.has(f.problem.message)) continue;
      this.announced.add(f.problem.message);
      this.notice.report(f.problem, f.python, f.root);
    }
    this.showItem();
  }

  private async checkFolder(root: string): Promise<FoundProblem[]> {
    const graph = this.graphs.graphOf(root);
    if (!graph) return [];
    const sources = new Set([...graph.nodes.values()].map((n) => n.definition.source));
    const uri = vscode.Uri.file(root);
    const runner = sources.has('dbt') ? (readSettings(uri).dbtRunner ?? (await loadProjectFile(root)).config.dbtRunner ?? 'auto') : undefined;
    const needsDagster = sources.has('dagster');
    // With `auto`, models Asset Studio renders itself need no dbt: only `dbt_runner: dbt` makes it required up front.
    const needsDbt = runner === 'dbt';
    const python = needsDagster || needsDbt ? await pythonInterpreterFor(uri, this.log) : undefined;
    const problems = await findToolProblems({ needsDagster, needsDbt, ...(python ? { python } : {}), folders: [root] });
    const target = this.targets.targetFor(root);
    const token = target ? await this.notice.tokenProblem(target) : undefined;
    return [...problems, ...(token ? [token] : [])].map((problem) => ({ problem, python, root }));
  }

  private showItem(): void {
    if (this.found.length === 0) {
      this.item.hide();
      return;
    }
    const names = [...new Set(this.found.map((f) => missingName(f.problem)))];
    this.item.text = `$(warning) ${names.join(', ')} missing`;
    this.item.tooltip = `${this.found.map((f) => f.problem.message).join('\n\n')}\n\nClick for what fixes it.`;
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** What the status bar names: `Dagster`, `dbt`, `Python interpreter`, `MotherDuck token`. */
function missingName(problem: EnvironmentProblem): string {
  if (problem.kind === 'token') return 'MotherDuck token';
  if (problem.kind === 'interpreter') return 'Python interpreter';
  if (/^dbt\b|dbt adapter/.test(problem.message)) return 'dbt';
  if (/^Dagster\b/.test(problem.message)) return 'Dagster';
  return 'Python package';
}
