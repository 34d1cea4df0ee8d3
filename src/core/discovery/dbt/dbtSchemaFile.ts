import { createHash } from 'node:crypto';
import type { YamlNode } from '../../yamlTree';
import type { AssetDefinition, CheckDefinition, CheckSeverity } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { parseKey } from '../../assetKey';
import type { Problem, SourceLocation } from '../../problem';
import { genericTestName } from './dbtTestNames';
import { child, entriesOf, itemsOf, jsOf, locationOf, parseYamlWithPositions, stringOf } from './yamlDocument';
import type { PositionedYaml } from './yamlDocument';

/** What a `models:`/`seeds:`/`snapshots:` entry adds to a node found elsewhere (its .sql/.csv file). */
export interface DbtNodePatch {
  readonly name: string;
  readonly resourceType: 'model' | 'seed' | 'snapshot';
  readonly description?: string;
  readonly materialized?: string;
  /** `meta.dagster.asset_key`: dagster-dbt uses it as the node's asset key. */
  readonly assetKey?: AssetKey;
  /** `meta.dagster.group`. */
  readonly group?: string;
  readonly enabled?: boolean;
  /** The entry's `config:` as plain values. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly location: SourceLocation;
}

export interface DbtSchemaFile {
  readonly file: string;
  /** One asset per source table. */
  readonly sources: AssetDefinition[];
  readonly detachedChecks: { asset: AssetKey; check: CheckDefinition }[];
  readonly patches: DbtNodePatch[];
  readonly problems: Problem[];
}

export interface DbtSchemaContext {
  readonly projectDir: string;
  readonly projectName: string;
}

/** dbt test properties that are configs, not arguments (dbt-core's CONFIG_ARGS, plus name/description). */
const NOT_ARGUMENTS = new Set([
  'config',
  'name',
  'description',
  'test_name',
  'arguments',
  'severity',
  'tags',
  'enabled',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'meta',
  'database',
  'schema',
  'alias',
]);

const CODE_YAML = 'dbt.yaml.invalid';
const CODE_SCHEMA = 'dbt.schema.invalid';

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function problem(loc: SourceLocation, code: string, message: string, severity: Problem['severity'] = 'error'): Problem {
  return { file: loc.file, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn, severity, code, message };
}

/** `meta.dagster.<field>` read from `meta:` or `config: {meta:}` of a YAML entry. */
function dagsterMeta(entry: YamlNode | undefined, field: string): YamlNode | undefined {
  return child(child(child(entry, 'meta'), 'dagster'), field) ?? child(child(child(child(entry, 'config'), 'meta'), 'dagster'), field);
}

function assetKeyFromMeta(y: PositionedYaml, node: YamlNode | undefined, problems: Problem[]): AssetKey | undefined {
  if (node === undefined) return undefined;
  const value = jsOf(node);
  if (typeof value === 'string' && value.trim() !== '') return parseKey(value);
  if (Array.isArray(value) && value.length > 0 && value.every((p) => typeof p === 'string' && p !== '')) return value as string[];
  problems.push(problem(locationOf(y, node), CODE_SCHEMA, 'meta.dagster.asset_key must be a list of key parts, e.g. ["raw", "taxi_trips"]', 'warning'));
  return undefined;
}

interface TestTarget {
  readonly key: AssetKey;
  /** The name dbt uses in test names: the model, or `<source>_<table>`. */
  readonly testTargetName: string;
  readonly onSource: boolean;
}

/** Reads one entry of a `tests:`/`data_tests:` list into a check, or a problem. */
function readTest(
  y: PositionedYaml,
  item: YamlNode,
  target: TestTarget,
  column: string | undefined,
  problems: Problem[],
): CheckDefinition | undefined {
  const location = locationOf(y, item);
  let fullName: string | undefined;
  let props: Record<string, unknown> = {};
  if (item.kind === 'scalar' && typeof item.value === 'string') {
    fullName = item.value;
  } else if (item.kind === 'map') {
    const entries = entriesOf(item);
    const testNameEntry = entries.find((e) => e.key === 'test_name');
    if (testNameEntry) {
      // The long form: `- name: my_name \n test_name: unique \n …`
      fullName = stringOf(testNameEntry.value);
      props = (jsOf(item) as Record<string, unknown>) ?? {};
    } else if (entries.length === 1) {
      fullName = entries[0].key;
      const value = jsOf(entries[0].value);
      if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
        problems.push(problem(locationOf(y, entries[0].value), CODE_SCHEMA, `dbt test '${fullName}': its properties must be a mapping`));
        return undefined;
      }
      props = (value as Record<string, unknown>) ?? {};
    }
  }
  if (!fullName) {
    problems.push(problem(location, CODE_SCHEMA, 'Cannot read this dbt test: write a test name (`- not_null`) or a mapping (`- accepted_values: {values: [...]}`)'));
    return undefined;
  }
  const dot = fullName.lastIndexOf('.');
  const namespace = dot > 0 ? fullName.slice(0, dot) : undefined;
  const testName = dot > 0 ? fullName.slice(dot + 1) : fullName;
  const config = (props.config && typeof props.config === 'object' ? props.config : {}) as Record<string, unknown>;
  if (config.enabled === false || props.enabled === false) return undefined;

  const args: Record<string, unknown> = {};
  // dbt 1.10 puts arguments under `arguments:`; before, they sat beside the configs.
  const source = props.arguments && typeof props.arguments === 'object' ? (props.arguments as Record<string, unknown>) : props;
  for (const [k, v] of Object.entries(source)) if (!NOT_ARGUMENTS.has(k) || source !== props) args[k] = v;
  if (column !== undefined) args.column_name = column;

  if (testName === 'relationships' && 'to' in args && typeof args.to !== 'string') {
    problems.push(problem(location, CODE_SCHEMA, `dbt test 'relationships': \`to:\` must name the parent, e.g. to: ref('customers') or to: source('raw', 'customers'), not ${JSON.stringify(args.to)}`));
    return undefined;
  }
  const severityText = String(config.severity ?? props.severity ?? 'error').toLowerCase();
  const severity: CheckSeverity = severityText === 'warn' ? 'warn' : 'error';
  const customName = typeof props.name === 'string' && props.name !== '' ? props.name : undefined;
  const name = customName ?? genericTestName(testName, namespace, target.testTargetName, args, target.onSource).name;
  return {
    name,
    type: 'dbt',
    severity,
    // `dbt build` skips the children of a model whose error-level test fails (it does not roll back).
    blocking: severity === 'error',
    location,
    config: {
      test: testName,
      ...(namespace ? { namespace } : {}),
      ...(column !== undefined ? { column } : {}),
      args,
      ...(typeof (config.where ?? props.where) === 'string' ? { where: config.where ?? props.where } : {}),
    },
  };
}

/**
 * The `name:` of an entry when it is text. A number or a boolean (`name: 5`) is a
 * problem at it: dbt rejects it, and the quoted form says what was meant.
 */
function nameText(y: PositionedYaml, entry: YamlNode | undefined, what: string, missing: string, problems: Problem[]): string | undefined {
  const node = child(entry, 'name');
  if (node?.kind === 'scalar' && node.value !== null && typeof node.value !== 'string') {
    problems.push(problem(locationOf(y, node), CODE_SCHEMA, `The \`name:\` of ${what} must be text, not ${String(node.value)}: quote it (name: '${String(node.value)}') if that is the name`));
    return undefined;
  }
  const name = stringOf(node);
  if (!name) problems.push(problem(locationOf(y, entry), CODE_SCHEMA, missing));
  return name;
}

/** True when `node` is a list or absent/empty; otherwise says that `what:` must be a list. */
function isList(y: PositionedYaml, node: YamlNode | undefined, what: string, problems: Problem[]): boolean {
  if (node === undefined || node.kind === 'seq' || (node.kind === 'scalar' && (node.value === null || node.value === ''))) return true;
  problems.push(problem(locationOf(y, node), CODE_SCHEMA, `\`${what}:\` must be a list`));
  return false;
}

/** Column tests and node-level tests of one YAML entry (model, seed, snapshot or source table). */
function readTests(
  y: PositionedYaml,
  entry: YamlNode,
  target: TestTarget,
  out: { asset: AssetKey; check: CheckDefinition }[],
  problems: Problem[],
): void {
  const add = (list: YamlNode | undefined, column: string | undefined): void => {
    if (!isList(y, list, 'tests', problems)) return;
    for (const item of itemsOf(list)) {
      const check = readTest(y, item, target, column, problems);
      if (check) out.push({ asset: target.key, check });
    }
  };
  add(child(entry, 'tests'), undefined);
  add(child(entry, 'data_tests'), undefined);
  if (!isList(y, child(entry, 'columns'), 'columns', problems)) return;
  for (const col of itemsOf(child(entry, 'columns'))) {
    const colName = nameText(y, col, 'a column', 'A dbt column needs a `name:`', problems);
    if (!colName) continue;
    add(child(col, 'tests'), colName);
    add(child(col, 'data_tests'), colName);
  }
}

function readSources(y: PositionedYaml, text: string, ctx: DbtSchemaContext, result: DbtSchemaFile): void {
  const list = child(y.root, 'sources');
  if (list === undefined) return;
  if (list.kind !== 'seq') {
    if (!(list.kind === 'scalar' && list.value === null)) result.problems.push(problem(locationOf(y, list), CODE_SCHEMA, '`sources:` must be a list'));
    return;
  }
  for (const src of itemsOf(list)) {
    const sourceName = nameText(y, src, 'a source', 'A dbt source needs a `name:`', result.problems);
    if (!sourceName) continue;
    const sourceLink = assetKeyFromMeta(y, dagsterMeta(src, 'asset_key'), result.problems);
    const sourceDescription = stringOf(child(src, 'description'));
    const sourceSchema = stringOf(child(src, 'schema')) ?? sourceName;
    const sourceDatabase = stringOf(child(src, 'database'));
    const sourceLocation = externalLocationOf(src);
    if (!isList(y, child(src, 'tables'), 'tables', result.problems)) continue;
    for (const table of itemsOf(child(src, 'tables'))) {
      const tableName = nameText(y, table, `a table of source '${sourceName}'`, `A table of dbt source '${sourceName}' needs a \`name:\``, result.problems);
      if (!tableName) continue;
      const key: AssetKey = [sourceName, tableName];
      const linkedKey = assetKeyFromMeta(y, dagsterMeta(table, 'asset_key'), result.problems) ?? sourceLink;
      result.sources.push({
        key,
        source: 'dbt',
        location: locationOf(y, table),
        group: sourceName,
        description: stringOf(child(table, 'description')) ?? sourceDescription,
        deps: [],
        checks: [],
        definitionHash: hashText(text.slice(table.start, table.end)),
        dbt: {
          projectDir: ctx.projectDir,
          projectName: ctx.projectName,
          resourceType: 'source',
          selector: `source:${sourceName}.${tableName}`,
          ...(linkedKey ? { linkedKey } : {}),
          sourceTable: {
            sourceName,
            tableName,
            ...(sourceDatabase ? { database: sourceDatabase } : {}),
            schema: sourceSchema,
            identifier: stringOf(child(table, 'identifier')) ?? tableName,
            ...((externalLocationOf(table) ?? sourceLocation) ? { externalLocation: externalLocationOf(table) ?? sourceLocation } : {}),
          },
        },
      });
      readTests(y, table, { key, testTargetName: `${sourceName}_${tableName}`, onSource: true }, result.detachedChecks, result.problems);
    }
  }
}

/** dbt-duckdb reads a source from a file when `meta.external_location` (or `config.meta`) names one. */
function externalLocationOf(entry: YamlNode | undefined): string | undefined {
  return stringOf(child(child(entry, 'meta'), 'external_location')) ?? stringOf(child(child(child(entry, 'config'), 'meta'), 'external_location'));
}

function readNodes(y: PositionedYaml, section: 'models' | 'seeds' | 'snapshots', result: DbtSchemaFile): void {
  const list = child(y.root, section);
  if (list === undefined) return;
  if (list.kind !== 'seq') {
    if (!(list.kind === 'scalar' && list.value === null)) result.problems.push(problem(locationOf(y, list), CODE_SCHEMA, `\`${section}:\` must be a list`));
    return;
  }
  const resourceType = section === 'models' ? 'model' : section === 'seeds' ? 'seed' : 'snapshot';
  for (const entry of itemsOf(list)) {
    const name = nameText(y, entry, `a ${resourceType}`, `An entry of \`${section}:\` needs a \`name:\``, result.problems);
    if (!name) continue;
    const assetKey = assetKeyFromMeta(y, dagsterMeta(entry, 'asset_key'), result.problems);
    const group = stringOf(dagsterMeta(entry, 'group'));
    const config = child(entry, 'config');
    const enabled = jsOf(child(config, 'enabled'));
    const configValues = config?.kind === 'map' ? (jsOf(config) as Record<string, unknown>) : undefined;
    result.patches.push({
      name,
      resourceType,
      description: stringOf(child(entry, 'description')),
      materialized: stringOf(child(config, 'materialized')),
      assetKey,
      group,
      enabled: typeof enabled === 'boolean' ? enabled : undefined,
      ...(configValues ? { config: configValues } : {}),
      location: locationOf(y, entry),
    });
    // Tests are keyed by the node name here; the project reader re-keys them when meta gives another key.
    readTests(y, entry, { key: [name], testTargetName: name, onSource: false }, result.detachedChecks, result.problems);
  }
}

/** Reads one dbt properties file (`schema.yml`, `_sources.yml`, …). Never throws. */
export function readDbtSchemaFile(file: string, text: string, ctx: DbtSchemaContext): DbtSchemaFile {
  const result: DbtSchemaFile = { file, sources: [], detachedChecks: [], patches: [], problems: [] };
  try {
    const y = parseYamlWithPositions(file, text, CODE_YAML);
    result.problems.push(...y.problems);
    const root = y.root;
    if (root === null || (root.kind === 'scalar' && (root.value === null || root.value === ''))) return result;
    if (root.kind !== 'map') {
      if (y.problems.length === 0) result.problems.push(problem(locationOf(y, root), CODE_SCHEMA, 'A dbt properties file must be a mapping (`version: 2`, `models:`, `sources:`)'));
      return result;
    }
    readSources(y, text, ctx, result);
    readNodes(y, 'models', result);
    readNodes(y, 'seeds', result);
    readNodes(y, 'snapshots', result);
  } catch (err) {
    result.problems.push({ file, line: 1, column: 1, severity: 'error', code: CODE_SCHEMA, message: `Cannot read dbt properties: ${String(err)}` });
  }
  return result;
}
