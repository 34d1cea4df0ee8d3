import * as vscode from 'vscode';
import type { AssetStateView } from '../core/editorModel/assetRunOutcome';
import type { AssetDrift } from '../core/engine/targetDrift';
import { targetDrift } from '../core/engine/targetDrift';
import type { AssetGraphService } from './assetGraphService';
import type { CoreAccess } from './coreAccess';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';

const STATE_KEY = 'assetStudio.heldAgainst';

/**
 * The target the Assets view holds the current one against (dev against prod):
 * its run history, read read-only, tells which assets it holds from another
 * definition, or not at all. Chosen with "Hold Against Target…"; none by default.
 */
export class HeldAgainstTarget implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly drift = new Map<string, ReadonlyMap<string, AssetDrift>>();
  private readonly errors = new Map<string, string>();
  /** The other target's states per folder, as last read (its name with them): a save re-compares, it does not re-read. */
  private readonly there = new Map<string, { readonly name: string; readonly states: ReadonlyMap<string, AssetStateView> }>();
  private reading = 0;

  constructor(
    private readonly core: CoreAccess,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Runs and target switches can change what either target holds; a saved file changes only the definitions.
    this.store.add(graphs.onDidChangeStates(() => void this.refresh(true)));
    this.store.add(targets.onDidChange(() => void this.refresh(true)));
    this.store.add(graphs.onDidChangeGraph(() => void this.refresh(false)));
  }

  /** The other target's name, when one is chosen and it is not the current target. */
  name(): string | undefined {
    const name = this.workspaceState.get<string>(STATE_KEY);
    return name && name !== this.targets.currentName() && this.targets.allTargets().some((t) => t.name === name) ? name : undefined;
  }

  driftOf(root: string, key: string): AssetDrift | undefined {
    return this.name() ? this.drift.get(root)?.get(key) : undefined;
  }

  /** Why the other target could not be read for a folder (unreachable, no token), if so. */
  errorFor(root: string): string | undefined {
    return this.name() ? this.errors.get(root) : undefined;
  }

  /** `assetStudio.holdAgainstTarget`. */
  async choose(): Promise<void> {
    const current = this.targets.currentName();
    const none = { label: 'None', description: 'show the current target alone', name: undefined as string | undefined };
    const items = [
      none,
      ...this.targets
        .allTargets()
        .filter((t) => t.name !== current)
        .map((t) => ({ label: t.name, description: t.type === 'motherduck' ? `md:${t.database ?? ''}` : (t.path ?? ''), name: t.name as string | undefined })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Hold '${current}' against another target (read only)`, placeHolder: 'Which target holds what was built from which definition' });
    if (picked) await this.hold(picked.name);
  }

  /** Holds the current target against `name` (undefined: none), and reads it before returning. */
  async hold(name: string | undefined): Promise<void> {
    await this.workspaceState.update(STATE_KEY, name);
    await this.refresh(true);
  }

  /** Compares each folder against the other target, read again when `reread` or not read yet under this name. */
  private async refresh(reread: boolean): Promise<void> {
    const name = this.name();
    // Nothing held, nothing shown: a save or a run must not redraw the views for it.
    if (!name && this.drift.size === 0 && this.errors.size === 0) return;
    const ticket = ++this.reading;
    const drift = new Map<string, ReadonlyMap<string, AssetDrift>>();
    const errors = new Map<string, string>();
    if (name) {
      const token = await this.token.get();
      for (const { root, graph } of this.graphs.graphs()) {
        const other = this.targets.targetsOf(root).find((t) => t.name === name);
        if (!other) continue;
        try {
          const known = this.there.get(root);
          const there = !reread && known?.name === name ? known.states : await this.core.readStates(root, graph, other, token);
          this.there.set(root, { name, states: there });
          const here = this.graphs.states(root);
          drift.set(root, new Map(targetDrift(graph, here, there).map((d) => [d.key, d] as const)));
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.there.delete(root);
          errors.set(root, message);
          this.log.warn(`Assets view: could not read '${name}' to hold '${this.targets.currentName()}' against it: ${message}`);
        }
      }
    }
    if (ticket !== this.reading) return; // a newer read started meanwhile
    this.drift.clear();
    for (const [k, v] of drift) this.drift.set(k, v);
    this.errors.clear();
    for (const [k, v] of errors) this.errors.set(k, v);
    this.changed.fire();
  }

  dispose(): void {
    this.store.dispose();
  }
}
