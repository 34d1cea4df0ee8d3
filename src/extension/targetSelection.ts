import * as vscode from 'vscode';
import { isProtectedTarget } from '../core/project/targetConfig';
import type { TargetConfig } from '../core/project/targetConfig';
import type { AssetGraph } from '../core/graph/assetGraph';
import type { CoreAccess, ResolvedTargets } from './coreAccess';
import { DisposableStore } from './disposables';
import type { TargetStatusItem } from './targetStatusItem';

const STATE_KEY = 'assetStudio.currentTarget';
const DEFER_KEY = 'assetStudio.deferTarget';

/** Where a target writes, for pickers and confirmations: a file path or `md:<database>`. Never a token. */
export function describeTargetLocation(target: TargetConfig): string {
  return target.type === 'motherduck' ? `md:${target.database ?? ''}` : (target.path ?? '');
}

/**
 * The current target of the workspace (one name, stored in workspaceState so
 * it survives a reload), the targets of each folder, and the confirmations a
 * protected target needs.
 */
export class TargetSelection implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  /** Fires when the current target or the list of targets changes. */
  readonly onDidChange = this.changed.event;
  private readonly byRoot = new Map<string, ResolvedTargets>();
  /**
   * Asks a modal yes/no question naming the target; true when the user chose
   * `confirm`. A field so the in-editor tests can see the question and answer it.
   */
  ask = async (message: string, detail: string, confirm: string): Promise<boolean> =>
    (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm)) === confirm;
  /** Says at once what keeps a target just chosen from working (a MotherDuck token missing); set by the session. */
  checkTarget: (target: TargetConfig) => Promise<boolean> = async () => true;

  constructor(
    private readonly core: CoreAccess,
    private readonly workspaceState: vscode.Memento,
    private readonly statusItem: TargetStatusItem,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Re-reads asset-studio.yml and profiles.yml of a folder; true (and an onDidChange) only when what they say changed. */
  async reload(root: string, graph: AssetGraph): Promise<boolean> {
    const before = this.byRoot.get(root);
    try {
      const resolved = await this.core.loadTargets(root, graph);
      if (before && JSON.stringify(before) === JSON.stringify(resolved)) return false;
      this.byRoot.set(root, resolved);
    } catch (err) {
      this.log.error(`Targets of ${root} could not be read: ${err instanceof Error ? err.message : String(err)}`);
      if (before) return false;
    }
    this.updateStatus();
    this.changed.fire();
    return true;
  }

  forget(root: string): void {
    this.byRoot.delete(root);
    this.updateStatus();
    this.changed.fire();
  }

  targetProblems(root: string): ResolvedTargets['problems'] {
    return this.byRoot.get(root)?.problems ?? [];
  }

  /** The chosen name: the stored choice, else the first folder's default target. */
  currentName(): string {
    const stored = this.workspaceState.get<string>(STATE_KEY);
    if (stored && this.allTargets().some((t) => t.name === stored)) return stored;
    const first = [...this.byRoot.values()][0];
    return stored ?? first?.defaultTarget ?? 'dev';
  }

  /** The current target as configured in one folder (its default when it has no target of that name). */
  targetFor(root: string): TargetConfig | undefined {
    const resolved = this.byRoot.get(root);
    if (!resolved) return undefined;
    const name = this.currentName();
    return resolved.targets.find((t) => t.name === name) ?? resolved.targets.find((t) => t.name === resolved.defaultTarget);
  }

  /** The targets one folder configures (its asset-studio.yml or dbt profile), as that folder resolves them. */
  targetsOf(root: string): readonly TargetConfig[] {
    return this.byRoot.get(root)?.targets ?? [];
  }

  /** Every target by name, first folder first. */
  allTargets(): TargetConfig[] {
    const seen = new Map<string, TargetConfig>();
    for (const resolved of this.byRoot.values()) {
      for (const t of resolved.targets) if (!seen.has(t.name)) seen.set(t.name, t);
    }
    return [...seen.values()];
  }

  async select(name: string, confirmed = false): Promise<boolean> {
    const target = this.allTargets().find((t) => t.name === name);
    if (!target) {
      void vscode.window.showErrorMessage(`Asset Studio: there is no target named '${name}' in asset-studio.yml or profiles.yml.`);
      return false;
    }
    if (target.unavailable) {
      // Said when it is chosen, not after a run was confirmed on it.
      void vscode.window.showWarningMessage(`Asset Studio: target '${name}' is unavailable: ${target.unavailable}.`);
      return false;
    }
    if (isProtectedTarget(target) && !confirmed) {
      const allowed = await this.ask(
        `Switch to the protected target '${name}' (${describeTargetLocation(target)})?`,
        `Every materialization on '${name}' will ask again before it writes.`,
        `Switch to ${name}`,
      );
      if (!allowed) return false;
    }
    await this.workspaceState.update(STATE_KEY, name);
    this.log.info(`Target: ${name} (${describeTargetLocation(target)})`);
    this.updateStatus();
    this.changed.fire();
    void this.checkTarget(target);
    return true;
  }

  /** The target unbuilt upstream is read from ("dev, deferring to prod"), when one is chosen and is not the current one. */
  deferName(): string | undefined {
    const name = this.workspaceState.get<string>(DEFER_KEY);
    return name && name !== this.currentName() && this.allTargets().some((t) => t.name === name) ? name : undefined;
  }

  deferTargetFor(root: string): TargetConfig | undefined {
    const name = this.deferName();
    return name ? this.byRoot.get(root)?.targets.find((t) => t.name === name) : undefined;
  }

  /** Defers to a target (read-only: no confirmation, whatever its protection), or stops deferring. */
  async setDefer(name: string | undefined): Promise<void> {
    await this.workspaceState.update(DEFER_KEY, name);
    this.log.info(name ? `Target: ${this.currentName()}, deferring to ${name} (read only)` : `Target: ${this.currentName()}, not deferring`);
    this.updateStatus();
    this.changed.fire();
  }

  /** Asks before a run that writes to a protected target; true when allowed. */
  async confirmRun(target: TargetConfig, what: string): Promise<boolean> {
    if (!isProtectedTarget(target)) return true;
    return this.ask(
      `${what} on the protected target '${target.name}' (${describeTargetLocation(target)})?`,
      `'${target.name}' is protected: this writes to it.`,
      `Run on ${target.name}`,
    );
  }

  /** `assetStudio.selectTarget`. */
  async pick(): Promise<void> {
    const current = this.currentName();
    type Item = vscode.QuickPickItem & { readonly target?: TargetConfig; readonly defer?: string | null };
    const items: Item[] = this.allTargets().map((t) => ({
      label: `${t.name === current ? '$(check) ' : ''}${t.name}`,
      description: `${t.type === 'motherduck' ? 'MotherDuck' : 'DuckDB'} · ${describeTargetLocation(t)}`,
      detail: [
        t.unavailable ? `$(warning) unavailable: ${t.unavailable}` : undefined,
        isProtectedTarget(t) ? '$(shield) protected: asks before every run' : undefined,
        t.from === 'dbt-profile' ? 'from dbt profiles.yml' : t.from === 'default' ? 'built-in default' : 'from asset-studio.yml',
      ]
        .filter((s) => s !== undefined)
        .join(' · '),
      target: t,
    }));
    // Deferring reads another target's relations where the current one lacks them; it never writes there.
    const deferring = this.deferName();
    for (const t of this.allTargets()) {
      if (t.name === current) continue;
      items.push({
        label: `${t.name === deferring ? '$(check) ' : ''}$(references) ${current}, deferring to ${t.name}`,
        description: `build on ${current}; what ${current} lacks upstream is read from ${t.name} (read only)`,
        defer: t.name,
      });
    }
    if (deferring) items.push({ label: `$(close) ${current}, not deferring`, defer: null });
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Asset Studio: no targets yet — the workspace is still being read.');
      return;
    }
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Asset Studio: Select Target',
      placeHolder: `Current target: ${current}`,
    });
    if (chosen?.defer !== undefined) await this.setDefer(chosen.defer ?? undefined);
    else if (chosen?.target) await this.select(chosen.target.name);
  }

  private updateStatus(): void {
    const name = this.currentName();
    const target = this.allTargets().find((t) => t.name === name);
    const defer = this.deferName();
    this.statusItem.show(defer ? `${name} ⇢ ${defer}` : name, target ? isProtectedTarget(target) : name === 'prod');
  }

  dispose(): void {
    this.store.dispose();
  }
}
