import type * as vscode from 'vscode';
import type { RememberedLayout } from '../../protocol/lineageMessages';

const storageKey = 'assetStudio.lineage.layout';

interface Stored {
  /** The extension's version: another version's layout code may place nodes differently. */
  readonly version: string;
  readonly layout: RememberedLayout;
}

/**
 * The last layout a lineage panel computed, kept in the workspace's storage so
 * that the next panel — after closing it or reloading the window — draws the
 * same graph without laying it out again.
 */
export class LayoutMemory {
  private last: RememberedLayout | undefined;

  constructor(
    private readonly storage: vscode.Memento,
    private readonly version: string,
  ) {
    const stored = storage.get<Stored>(storageKey);
    if (stored?.version === version) this.last = stored.layout;
  }

  get(): RememberedLayout | undefined {
    return this.last;
  }

  set(layout: RememberedLayout): void {
    this.last = layout;
    void this.storage.update(storageKey, { version: this.version, layout } satisfies Stored);
  }
}
