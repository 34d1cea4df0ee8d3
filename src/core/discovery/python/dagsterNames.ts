// Which local names stand for Dagster's API in one file, whatever the import
// style: `from dagster import asset as a`, `import dagster as dg`, `import dagster`,
// `from dagster import *`, and the dagster_* integration packages.
import type { PySyntax } from './pythonSyntax';
import { fieldOf } from './pythonSyntax';

/** Names a `from dagster import *` makes available unqualified. */
const STAR_NAMES = new Set([
  'asset',
  'multi_asset',
  'graph_asset',
  'graph_multi_asset',
  'observable_source_asset',
  'asset_check',
  'multi_asset_check',
  'AssetSpec',
  'SourceAsset',
  'AssetKey',
  'AssetDep',
  'AssetIn',
  'AssetOut',
  'AssetCheckSpec',
  'AssetSelection',
  'ScheduleDefinition',
  'schedule',
  'define_asset_job',
  'build_schedule_from_partitioned_job',
  'Definitions',
  'ConfigurableResource',
  'Config',
  'dbt_assets',
]);

export class DagsterNames {
  /** Local name → Dagster name (`a` → `asset`). */
  private readonly names = new Map<string, string>();
  /** Local names of Dagster modules (`dg`, `dagster`, `dagster_dbt`). */
  private readonly modules = new Set<string>();
  private star = false;

  /** Records an import statement's bindings (other modules' imports are ignored). */
  addImport(node: PySyntax, source: string): void {
    if (node.type === 'import_statement') {
      for (const c of node.children) {
        if (c.type === 'dotted_name' && isDagsterModule(text(c, source))) {
          this.modules.add(text(c, source).split('.')[0]!);
        } else if (c.type === 'aliased_import') {
          const name = fieldOf(c, 'name');
          const alias = fieldOf(c, 'alias');
          if (name && alias && isDagsterModule(text(name, source))) this.modules.add(text(alias, source));
        }
      }
      return;
    }
    if (node.type !== 'import_from_statement') return;
    const moduleName = fieldOf(node, 'module_name');
    if (!moduleName || !isDagsterModule(text(moduleName, source))) return;
    for (const c of node.children) {
      if (c.field === 'module_name') continue;
      if (c.type === 'wildcard_import') this.star = true;
      else if (c.type === 'dotted_name') this.names.set(text(c, source), text(c, source));
      else if (c.type === 'aliased_import') {
        const name = fieldOf(c, 'name');
        const alias = fieldOf(c, 'alias');
        if (name && alias) this.names.set(text(alias, source), text(name, source));
      }
    }
  }

  /** The Dagster name an expression stands for (`dg.AssetSelection.groups` → `AssetSelection.groups`), if any. */
  resolve(node: PySyntax | undefined, source: string): string | undefined {
    if (!node) return undefined;
    if (node.type === 'identifier') {
      const name = text(node, source);
      return this.names.get(name) ?? (this.star && STAR_NAMES.has(name) ? name : undefined);
    }
    if (node.type === 'attribute') {
      const object = fieldOf(node, 'object');
      const attribute = fieldOf(node, 'attribute');
      if (!object || !attribute) return undefined;
      if (object.type === 'identifier' && this.modules.has(text(object, source))) return text(attribute, source);
      const inner = this.resolve(object, source);
      return inner === undefined ? undefined : `${inner}.${text(attribute, source)}`;
    }
    return undefined;
  }
}

function isDagsterModule(name: string): boolean {
  return name === 'dagster' || name.startsWith('dagster.') || name.startsWith('dagster_');
}

export function text(node: PySyntax, source: string): string {
  return source.slice(node.start, node.end);
}
