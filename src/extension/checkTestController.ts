import * as vscode from 'vscode';
import type { AssetRunOutcome, CheckOutcome } from '../core/editorModel/assetRunOutcome';
import { canRunChecks } from '../core/editorModel/assetLensModel';
import { checkFailureMessage, formatSampleRows } from '../core/editorModel/checkResultProblems';
import type { AssetGraphService } from './assetGraphService';
import type { AssetRuns, FinishedRun } from './assetRuns';
import type { TargetSelection } from './targetSelection';
import { DisposableStore } from './disposables';
import type { CommandId } from './commands';


function location(file: string, line: number): { uri: vscode.Uri; range: vscode.Range } {
  const l = Math.max(0, line - 1);
  return { uri: vscode.Uri.file(file), range: new vscode.Range(l, 0, l, 0) };
}

/**
 * The Testing view: one item per asset that has checks, one child per check.
 * Running an item runs that asset's checks on the current target; results of
 * materializations are shown here too.
 */
export class CheckTestController implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly controller = this.store.add(vscode.tests.createTestController('assetStudio.checks', 'Asset Studio Checks'));
  /** What each test item stands for (test ids may not hold every character, so they are not parsed). */
  private readonly itemInfo = new Map<string, { readonly root: string; readonly key: string; readonly check?: string }>();
  /** Runs started from the Testing view report their own results. */
  private reportingFromTestRun = false;

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly runs: AssetRuns,
    targets?: TargetSelection,
  ) {
    this.controller.createRunProfile('Run Checks', vscode.TestRunProfileKind.Run, (request, token) => this.runTests(request, token), true);
    this.controller.refreshHandler = async () => {
      await vscode.commands.executeCommand('assetStudio.refresh' satisfies CommandId);
    };
    this.store.add(graphs.onDidChangeGraph(() => this.rebuild()));
    if (targets) {
      // Results belong to the target they ran on: after a switch the gutter shows them as out of date, not as this target's.
      let shown = targets.currentName();
      this.store.add(
        targets.onDidChange(() => {
          const now = targets.currentName();
          if (now === shown) return;
          shown = now;
          this.controller.invalidateTestResults();
        }),
      );
    }
    this.store.add(
      runs.onDidFinishRun((run) => {
        if (!this.reportingFromTestRun) this.reportRun(run);
      }),
    );
  }

  private rebuild(): void {
    const items: vscode.TestItem[] = [];
    this.itemInfo.clear();
    for (const { root, graph } of this.graphs.graphs()) {
      for (const node of graph.nodes.values()) {
        if (!canRunChecks(node)) continue;
        const loc = node.definition.location;
        const assetId = assetItemId(root, node.id);
        this.itemInfo.set(assetId, { root, key: node.id });
        const asset = this.controller.createTestItem(assetId, node.id, vscode.Uri.file(loc.file));
        asset.range = location(loc.file, loc.line).range;
        asset.description = node.definition.group;
        for (const check of node.checks) {
          const checkId = `${assetId}#${check.name}`;
          this.itemInfo.set(checkId, { root, key: node.id, check: check.name });
          const item = this.controller.createTestItem(checkId, check.name, vscode.Uri.file(check.location.file));
          item.range = location(check.location.file, check.location.line).range;
          item.description = `${check.type}${check.severity === 'warn' ? ' · warn' : ''}`;
          asset.children.add(item);
        }
        items.push(asset);
      }
    }
    this.controller.items.replace(items);
  }

  private assetItemOf(item: vscode.TestItem): vscode.TestItem {
    return this.itemInfo.get(item.id)?.check !== undefined && item.parent ? item.parent : item;
  }

  private async runTests(request: vscode.TestRunRequest, cancellation: vscode.CancellationToken): Promise<void> {
    const requested: vscode.TestItem[] = [];
    if (request.include) requested.push(...request.include);
    else this.controller.items.forEach((i) => requested.push(i));
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    // Asset item id → the check items to report (all children when the asset itself was asked for).
    const plan = new Map<string, { asset: vscode.TestItem; checks: vscode.TestItem[] }>();
    for (const item of requested) {
      const asset = this.assetItemOf(item);
      const entry = plan.get(asset.id) ?? { asset, checks: [] };
      if (asset === item) asset.children.forEach((c) => entry.checks.push(c));
      else entry.checks.push(item);
      plan.set(asset.id, entry);
    }
    const run = this.controller.createTestRun(request, 'Asset Studio checks');
    this.reportingFromTestRun = true;
    try {
      for (const { asset, checks } of plan.values()) {
        if (cancellation.isCancellationRequested) break;
        const wanted = checks.filter((c) => !excluded.has(c.id));
        for (const c of wanted) run.started(c);
        const key = this.itemInfo.get(asset.id)?.key ?? '';
        const found = this.graphs.findAsset(key);
        const finished = vscode.workspace.isTrusted && found ? await this.runs.run(found, 'asset', true) : undefined;
        const outcome = finished?.outcomes.find((o) => o.key === key);
        for (const c of wanted) {
          if (!vscode.workspace.isTrusted) {
            run.skipped(c);
            continue;
          }
          this.reportCheck(run, c, key, outcome, finished?.target.name ?? '');
        }
      }
    } finally {
      this.reportingFromTestRun = false;
      run.end();
    }
  }

  private reportCheck(run: vscode.TestRun, item: vscode.TestItem, key: string, outcome: AssetRunOutcome | undefined, targetName: string): void {
    const result = outcome?.checks.find((c) => c.name === item.label);
    if (!result) {
      // Skipped: the check could not run (the asset is not built on this target); the run's one message says why.
      if (outcome?.error && outcome.status !== 'skipped') run.errored(item, new vscode.TestMessage(`${key} failed on '${targetName}': ${outcome.error}`));
      else run.skipped(item);
      return;
    }
    if (result.passed) run.passed(item, result.durationMs);
    else if (result.severity === 'warn' && !result.error) {
      // Warn never blocks: not a failed test (red), but said in the run's output at the check, and a warning in Problems.
      run.appendOutput(`⚠ ${checkFailureMessage(key, result, targetName)}\r\n`, item.uri && item.range ? new vscode.Location(item.uri, item.range) : undefined, item);
      run.passed(item, result.durationMs);
    } else run.failed(item, this.failureMessage(item, key, result, targetName), result.durationMs);
  }

  private failureMessage(item: vscode.TestItem, key: string, result: CheckOutcome, targetName: string): vscode.TestMessage {
    const samples = formatSampleRows(result.sampleRows ?? []);
    const text = `${checkFailureMessage(key, result, targetName)}${samples ? `\n\nFailing rows (up to 5):\n${samples}` : ''}`;
    const message = new vscode.TestMessage(text);
    if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
    return message;
  }

  /** Shows the check results of a materialization in the Testing view. */
  private reportRun(finished: FinishedRun): void {
    const outcomes = finished.outcomes.filter((o) => o.checks.length > 0);
    if (outcomes.length === 0) return;
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), `Materialize on ${finished.target.name}`, false);
    try {
      for (const outcome of outcomes) {
        const asset = this.controller.items.get(assetItemId(finished.root, outcome.key));
        asset?.children.forEach((c) => this.reportCheck(run, c, outcome.key, outcome, finished.target.name));
      }
    } finally {
      run.end();
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

function assetItemId(root: string, key: string): string {
  return `${root}|${key}`;
}
