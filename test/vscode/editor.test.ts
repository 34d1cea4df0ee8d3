// The editor glue at the VS Code API level, inside a real VS Code with the
// example project (examples/nyc_taxi, copied) as the workspace.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AssetStudioTestApi } from '../../src/extension/testApi';
import { exampleRoot, testApi } from './exampleSession';
import type { FinishedRun } from '../../src/extension/assetRuns';
import { countRows } from '../support/duckdbFileRead';


/** Resolves on the next event, or rejects after `ms` with what was awaited. */
function next(event: vscode.Event<unknown>, what: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const sub = event(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** The lenses of a file as VS Code computes them (the document must be open for that). */
async function lensesOf(file: string): Promise<vscode.CodeLens[]> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document);
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
}

function diagnosticsOf(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Asset Studio');
}

suite('editor: CodeLens, runs, problems, targets', function () {
  let root: string;
  let s: AssetStudioTestApi;

  suiteSetup(async function () {
    const found = exampleRoot();
    if (!found) this.skip();
    root = found;
    s = await testApi();
    if (s.targets.currentName() !== 'dev') await s.targets.select('dev', true);
  });

  test('the example is discovered and the lenses sit on the asset header', async () => {
    const zones = s.graphs.findAsset('raw/zones');
    assert.ok(zones, 'raw/zones is in the graph');
    const file = zones.node.definition.location.file;
    const lenses = await lensesOf(file);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('▶ Materialize'), `lenses: ${titles.join(' | ')}`);
    assert.ok(titles.includes('+ upstream'));
    assert.ok(titles.includes('Lineage'));
    const n = zones.node.checks.length;
    assert.ok(n > 0);
    assert.ok(titles.some((t) => t.endsWith(`${n} checks`)), `a check summary for ${n} checks in ${titles.join(' | ')}`);
    const materialize = lenses.find((l) => l.command?.title === '▶ Materialize');
    assert.equal(materialize?.range.start.line, zones.node.definition.location.line - 1);
    assert.deepEqual(materialize?.command?.arguments, ['raw/zones']);
  });

  test('while typing above an asset its lenses follow the header, and nothing is re-read until saved', async () => {
    const zones = s.graphs.findAsset('raw/zones');
    assert.ok(zones);
    const file = zones.node.definition.location.file;
    const header = zones.node.definition.location.line - 1;
    const before = await lensesOf(file);
    assert.equal(before.find((l) => l.command?.title === '▶ Materialize')?.range.start.line, header);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const graph = s.graphs.graphOf(root);
    try {
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '-- a note\n-- another\n-- and one more\n')));
      const after = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      assert.equal(after.find((l) => l.command?.title === '▶ Materialize')?.range.start.line, header + 3);
      assert.equal(s.graphs.graphOf(root), graph, 'an unsaved edit does not rebuild the graph');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('definition problems reach the Problems panel at their line, and leave with the file', async () => {
    const file = join(root, 'assets', 'raw', 'broken_header.sql');
    const text = '/* @asset\nname: raw.broken\ndepends: [raw.no_such_asset]\n*/\nselect 1 as x\n';
    try {
      const changed = next(s.graphs.onDidChangeGraph, 'the graph to read the new file');
      writeFileSync(file, text);
      await changed;
      const problems = diagnosticsOf(file);
      assert.ok(problems.length > 0, 'the unknown dependency is a problem');
      assert.ok(problems.some((d) => /no_such_asset/.test(d.message) && d.range.start.line === 2), problems.map((d) => `${d.range.start.line}: ${d.message}`).join('\n'));
    } finally {
      const removed = next(s.graphs.onDidChangeGraph, 'the graph to drop the file');
      rmSync(file, { force: true });
      await removed;
    }
    assert.deepEqual(diagnosticsOf(file), []);
  });

  test('the codeLens.enabled setting turns the lenses off and on', async () => {
    const file = s.graphs.findAsset('raw/zones')?.node.definition.location.file ?? '';
    const config = vscode.workspace.getConfiguration('assetStudio');
    try {
      await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
      assert.deepEqual((await lensesOf(file)).filter((l) => l.command?.command.startsWith('assetStudio.')), []);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.ok((await lensesOf(file)).some((l) => l.command?.title === '▶ Materialize'));
  });

  test('materialize writes the table, records state, and the lens shows the rows', async () => {
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
    assert.ok(run, 'the run happened');
    const outcome = run.outcomes.find((o) => o.key === 'raw/zones');
    assert.equal(outcome?.status, 'success', outcome?.error);
    const dbFile = run.target.path ?? '';
    const rows = await countRows(dbFile, 'raw', 'zones');
    assert.ok(rows > 0);
    assert.equal(outcome?.rows, rows);
    const state = s.graphs.states(root).get('raw/zones');
    assert.equal(state?.status, 'fresh');
    const file = s.graphs.findAsset('raw/zones')?.node.definition.location.file ?? '';
    const lenses = await lensesOf(file);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => t.startsWith(`${rows.toLocaleString('en-US')} rows`)), titles.join(' | '));
    const n = s.graphs.findAsset('raw/zones')?.node.checks.length ?? 0;
    assert.ok(titles.includes(`✓ ${n} checks`), titles.join(' | '));
  });

  test('a failing check is a problem at its line, the data is kept, and fixing it clears the problem', async () => {
    const zones = s.graphs.findAsset('raw/zones');
    assert.ok(zones);
    const file = zones.node.definition.location.file;
    const original = readFileSync(file, 'utf8');
    const dbFile = s.targets.targetFor(root)?.path ?? '';
    const before = await countRows(dbFile, 'raw', 'zones');
    // Only Manhattan is allowed: every other borough fails, at the line written here.
    const broken = original.replace('checks:\n', 'checks:\n  - accepted_values: { column: borough, values: [Manhattan] }\n');
    assert.notEqual(broken, original);
    const checkLine = broken.split('\n').findIndex((l) => l.includes('values: [Manhattan]')) + 1;
    try {
      const changed = next(s.graphs.onDidChangeGraph, 'the graph to see the new check');
      writeFileSync(file, broken);
      await changed;
      const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
      assert.equal(run?.outcomes[0]?.status, 'failed');
      const problem = diagnosticsOf(file).find((d) => d.severity === vscode.DiagnosticSeverity.Error);
      assert.ok(problem, 'a problem for the failing check');
      assert.equal(problem.range.start.line, checkLine - 1);
      assert.match(problem.message, /accepted_values/);
      assert.equal(await countRows(dbFile, 'raw', 'zones'), before, 'the previous data is kept');
      const state = s.graphs.states(root).get('raw/zones');
      assert.equal(state?.status, 'failed', JSON.stringify(state));
      assert.equal(state?.checks?.get('accepted_values_borough')?.passed, false, JSON.stringify([...(state?.checks?.values() ?? [])]));
      const titles = (await lensesOf(file)).map((l) => l.command?.title ?? '');
      assert.ok(titles.some((t) => /^✗ 1 of \d+ checks$/.test(t)), titles.join(' | '));
    } finally {
      const changed = next(s.graphs.onDidChangeGraph, 'the graph to see the fix');
      writeFileSync(file, original);
      await changed;
    }
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
    assert.equal(run?.outcomes[0]?.status, 'success');
    assert.deepEqual(
      diagnosticsOf(file).filter((d) => d.code === 'check.failed'),
      [],
    );
  });

  test('a SQL error is a problem at its line, stays there when the state is read back, and leaves with the asset', async () => {
    const file = join(root, 'assets', 'raw', 'broken_sql.sql');
    // The unknown column is on line 5 of the file.
    const text = '/* @asset\nname: raw.broken_sql\n*/\nselect id,\n  no_such_column\nfrom raw.zones\n';
    const runErrorLines = () => diagnosticsOf(file).filter((d) => d.code === 'run.error').map((d) => d.range.start.line + 1);
    try {
      const changed = next(s.graphs.onDidChangeGraph, 'the graph to read the new file');
      writeFileSync(file, text);
      await changed;
      const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/broken_sql');
      assert.equal(run?.outcomes[0]?.status, 'failed');
      assert.match(run?.outcomes[0]?.error ?? '', /no_such_column/);
      assert.deepEqual(runErrorLines(), [5], diagnosticsOf(file).map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
      await s.graphs.refreshStates(root);
      assert.deepEqual(runErrorLines(), [5], 'the line is read back from the target');
    } finally {
      const removed = next(s.graphs.onDidChangeGraph, 'the graph to drop the file');
      rmSync(file, { force: true });
      await removed;
    }
    assert.deepEqual(diagnosticsOf(file), []);
  });

  test('the same asset twice at once runs once', async () => {
    const [a, b] = await Promise.all([
      vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones'),
      vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones'),
    ]);
    assert.equal([a, b].filter((r) => r !== undefined).length, 1);
  });

  test('what the target holds wins over what a run recorded: a deleted database reads as never materialized', async () => {
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
    assert.equal(run?.outcomes[0]?.status, 'success', run?.outcomes[0]?.error);
    assert.equal(s.graphs.states(root).get('raw/zones')?.status, 'fresh');
    const dbFile = run?.target.path ?? '';
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}.wal`, { force: true });
    try {
      await s.graphs.refreshStates(root);
      const state = s.graphs.states(root).get('raw/zones');
      assert.equal(state?.status, 'never', JSON.stringify(state));
    } finally {
      // The tests after this one start from a materialized dev target.
      await vscode.commands.executeCommand('assetStudio.materialize', 'raw/zones');
    }
  });

  test('switching to prod and running there asks first, naming the target', async () => {
    const questions: string[] = [];
    const ask = s.targets.ask;
    try {
      s.targets.ask = async (message) => {
        questions.push(message);
        return true;
      };
      assert.equal(await s.targets.select('prod'), true);
      assert.equal(s.targets.currentName(), 'prod');
      assert.match(questions[0] ?? '', /'prod'/);
      const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
      assert.equal(run?.target.name, 'prod');
      assert.equal(run?.outcomes[0]?.status, 'success', run?.outcomes[0]?.error);
      assert.match(questions[1] ?? '', /Materialize raw\/zones on the protected target 'prod'/);
      assert.ok((await countRows(run?.target.path ?? '', 'raw', 'zones')) > 0);

      // Refusing the question writes nothing.
      s.targets.ask = async () => false;
      const refused = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
      assert.equal(refused, undefined);
    } finally {
      s.targets.ask = ask;
      await s.targets.select('dev', true);
    }
  });

  test('held against prod, the Assets view marks an asset prod lacks, nothing on one both hold alike, and that one offers Compare', async function () {
    this.timeout(120_000);
    // raw/zones is on dev and prod, from the same definition (the test before); raw/taxi_trips only on dev.
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/taxi_trips');
    assert.equal(run?.outcomes[0]?.status, 'success', run?.outcomes[0]?.error);
    try {
      await s.heldAgainst.hold('prod');
      const item = (key: string) => s.assetsView.getTreeItem({ kind: 'asset', root, key });
      assert.match(String(item('raw/taxi_trips').description), / · not on prod$/);
      assert.doesNotMatch(String(item('raw/zones').description), /prod/);
      assert.match((item('raw/zones').tooltip as vscode.MarkdownString).value, /Against 'prod': same as prod\./);
      // Built on both: its lenses offer Compare with prod.
      const zones = s.graphs.findAsset('raw/zones')!.node.definition.location.file;
      const titles = (await lensesOf(zones)).map((l) => l.command?.title ?? '');
      assert.ok(titles.includes('Compare'), titles.join(' | '));
    } finally {
      await s.heldAgainst.hold(undefined);
    }
  });

  test('the Assets view lists assets by group', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.assetStudio');
    const groups = s.assetsView.getChildren();
    assert.ok(groups.length > 0);
    const assets = groups.flatMap((g) => s.assetsView.getChildren(g));
    const keys = assets.map((a) => (a.kind === 'asset' ? a.key : ''));
    for (const key of ['raw/zones', 'raw/taxi_trips', 'analytics/daily_trips', 'analytics/trips_by_borough']) {
      assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
    }
    const zones = assets.find((a) => a.kind === 'asset' && a.key === 'raw/zones');
    assert.ok(zones);
    const item = s.assetsView.getTreeItem(zones);
    assert.equal(item.contextValue, 'asset.materializable');
    assert.equal(item.command?.command, 'assetStudio.openDefinition');
  });
});
