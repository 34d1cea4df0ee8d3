import type { AssetGraph } from '../../core/graph/assetGraph';
import type { AssetColumnLineageReader } from '../../core/lineage/assetColumnLineage';
import { columnLineageOnTarget } from '../../core/lineage/targetColumnLineage';
import { assetOutputColumns, traceColumn } from '../../core/lineage/columnTrace';
import type { LineageAssetColumns } from '../../protocol/lineageMessages';
import type { ColumnTrace } from '../../core/lineage/columnTrace';

export interface PanelColumnSource {
  /** The graph the panel draws, with its folder. */
  current(): { readonly root: string; readonly graph: AssetGraph } | undefined;
  targetFor(root: string): Parameters<typeof columnLineageOnTarget>[1] | undefined;
  token(): Promise<string | undefined>;
}

/**
 * The lineage panel's column lineage: one reader per graph and target (it
 * keeps what it read), dropped when the graph, the target or the data change,
 * since a run can change a table's columns.
 */
export class PanelColumnLineage {
  private cached: { readonly graph: AssetGraph; readonly target: string; readonly reader: Promise<AssetColumnLineageReader> } | undefined;

  constructor(private readonly source: PanelColumnSource) {}

  invalidate(): void {
    this.cached = undefined;
  }

  private reader(): { graph: AssetGraph; reader: Promise<AssetColumnLineageReader> } | undefined {
    const current = this.source.current();
    const target = current && this.source.targetFor(current.root);
    if (!current || !target) return undefined;
    if (this.cached?.graph !== current.graph || this.cached.target !== target.name) {
      const reader = this.source.token().then((token) =>
        columnLineageOnTarget(current.graph, target, { projectRoot: current.root, ...(token ? { token } : {}) }),
      );
      this.cached = { graph: current.graph, target: target.name, reader };
    }
    return { graph: current.graph, reader: this.cached.reader };
  }

  async columns(key: string): Promise<LineageAssetColumns> {
    const r = this.reader();
    if (!r) return { key, columns: [], note: 'No workspace folder with assets, or no target selected.' };
    return assetOutputColumns(await r.reader, r.graph, key);
  }

  async trace(key: string, column: string): Promise<ColumnTrace | { readonly error: string }> {
    const r = this.reader();
    if (!r) return { error: 'No workspace folder with assets, or no target selected.' };
    return traceColumn(await r.reader, r.graph, key, column);
  }
}
