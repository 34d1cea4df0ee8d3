import * as vscode from 'vscode';
import type { AssetRunOutcome } from '../core/editorModel/assetRunOutcome';
import { environmentProblemOf } from '../core/engine/delegated/environmentProblem';
import type { EnvironmentProblem } from '../core/engine/delegated/environmentProblem';
import { motherDuckTokenFor } from '../core/project/motherDuckToken';
import type { TargetConfig } from '../core/project/targetConfig';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { CommandId } from './commands';

const SELECT_INTERPRETER = 'Select Interpreter';
const OPEN_TERMINAL = 'Open Terminal';
const SET_TOKEN = 'Set MotherDuck Token';
const SHOW_LOG = 'Show Log';

/**
 * A missing tool, interpreter or MotherDuck token, said once in a
 * notification with what fixes it — not as a problem in the user's code, and
 * for a token as soon as the target is chosen rather than after a run.
 */
export class EnvironmentNotice implements vscode.Disposable {
  private readonly store = new DisposableStore();
  /** Messages on screen now: eight models missing dbt make one notification, not eight. */
  private readonly showing = new Set<string>();

  constructor(
    private readonly token: MotherDuckToken,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A MotherDuck target with no token from its token_env or secret storage: says so now and returns false. */
  async checkTarget(target: TargetConfig): Promise<boolean> {
    const problem = await this.tokenProblem(target);
    if (problem) this.show(problem);
    return problem === undefined;
  }

  /** What is missing for a MotherDuck target: its token (from token_env or secret storage). */
  async tokenProblem(target: TargetConfig): Promise<EnvironmentProblem | undefined> {
    if (target.type !== 'motherduck') return undefined;
    const choice = motherDuckTokenFor(target, { saved: await this.token.get() });
    if (choice.source !== 'none') return undefined;
    return { kind: 'token', message: choice.hint ?? `Target '${target.name}' has no MotherDuck token.` };
  }

  /** Says a problem found before any run (a missing tool or interpreter), with what fixes it. */
  report(problem: EnvironmentProblem, python: string | undefined, cwd: string): void {
    this.show(problem, python, cwd);
  }

  /**
   * After a run: one notification for the environment problems among its
   * failures. True when every failure was one, so the caller adds no toast of its own.
   */
  reportRun(outcomes: readonly AssetRunOutcome[], python: string | undefined, cwd: string): boolean {
    const failed = outcomes.filter((o) => o.status === 'failed');
    const problems = failed.map((o) => environmentProblemOf(o.error)).filter((p): p is EnvironmentProblem => p !== undefined);
    const first = problems[0];
    if (!first) return false;
    this.show(first, python, cwd);
    return problems.length === failed.length;
  }

  private show(problem: EnvironmentProblem, python?: string, cwd?: string): void {
    if (this.showing.has(problem.message)) return;
    this.showing.add(problem.message);
    this.log.warn(problem.message);
    const actions =
      problem.kind === 'token'
        ? [SET_TOKEN, SHOW_LOG]
        : [SELECT_INTERPRETER, ...(problem.pipPackages ? [OPEN_TERMINAL] : []), SHOW_LOG];
    void vscode.window.showErrorMessage(`Asset Studio: ${problem.message}`, ...actions).then(async (choice) => {
      this.showing.delete(problem.message);
      if (choice === SET_TOKEN) await vscode.commands.executeCommand('assetStudio.setMotherDuckToken' satisfies CommandId);
      else if (choice === SELECT_INTERPRETER) await selectInterpreter();
      else if (choice === OPEN_TERMINAL && problem.pipPackages) this.openInstallTerminal(problem.pipPackages, python, cwd);
      else if (choice === SHOW_LOG) this.log.show();
    });
  }

  /** A terminal with the install command typed but not run: the user sees what it does and presses Enter. */
  private openInstallTerminal(packages: string, python: string | undefined, cwd: string | undefined): void {
    const terminal = this.store.add(vscode.window.createTerminal({ name: 'Asset Studio: install', ...(cwd ? { cwd } : {}) }));
    terminal.show();
    const pip = python ? `${shellQuote(python)} -m pip` : 'python3 -m pip';
    terminal.sendText(`${pip} install ${packages}`, false);
  }

  dispose(): void {
    this.store.dispose();
  }
}

async function selectInterpreter(): Promise<void> {
  if (vscode.extensions.getExtension('ms-python.python')) await vscode.commands.executeCommand('python.setInterpreter');
  else await vscode.commands.executeCommand('workbench.action.openSettings', 'assetStudio.pythonPath');
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
