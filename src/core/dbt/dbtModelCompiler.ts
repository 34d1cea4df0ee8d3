import type { DbtIncrementalLoad } from '../asset';
import type { Problem } from '../problem';
import type { TargetConfig } from '../project/targetConfig';
import { mergeConfigValue, projectNodeConfig } from '../discovery/dbt/dbtProjectFile';
import type { DbtRunNode, DbtRunProject } from './dbtRunProject';
import type { DbtRelation } from './dbtRelation';
import { defaultSchemaName, relationAttributes, renderRelation, targetDatabase } from './dbtRelation';
import { THIS_ATTRIBUTES } from './dbtJinja';
import { readFileSync } from 'node:fs';

/** The materializations that run in-process; anything else needs dbt. */
export const IN_PROCESS_MATERIALIZATIONS: ReadonlySet<string> = new Set(['view', 'table', 'incremental', 'ephemeral']);

export interface DbtCompileOptions {
  readonly target: TargetConfig;
  /** For `env_var()`; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--vars`, over the project's. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** `--full-refresh`: what `flags.FULL_REFRESH` says. */
  readonly fullRefresh?: boolean;
}

/** What dbt decides about a node before rendering its SQL for the run (dbt's parse). */
export interface DbtNodePlan {
  readonly node: DbtRunNode;
  /** dbt_project.yml, then properties YAML, then `config()`: as dbt merges them. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly materialized: string;
  readonly relation: DbtRelation;
  /** Why it cannot run in-process (a materialization, hooks, a construct): it needs dbt. */
  readonly needsDbt?: string;
}

/** A model rendered for one run. */
export interface CompiledDbtModel {
  readonly plan: DbtNodePlan;
  /** The SQL to build from, ephemeral models inlined as CTEs. */
  readonly sql: string;
  /** The model's own rendered SQL (what `compile` shows). */
  readonly rendered: string;
  readonly isIncremental: boolean;
  /** An incremental model: how its rows load into the existing table, as its config resolves. */
  readonly incremental?: DbtIncrementalLoad;
}

export type DbtOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem; readonly needsDbt?: string };

/** The incremental strategies and on_schema_change values the in-process load applies (dbtIncrementalLoad.ts). */
const IN_PROCESS_STRATEGIES: readonly DbtIncrementalLoad['strategy'][] = ['append', 'delete+insert', 'merge'];
const IN_PROCESS_SCHEMA_CHANGES: readonly DbtIncrementalLoad['onSchemaChange'][] = ['ignore', 'fail', 'append_new_columns'];

/** Incremental options the in-process load does not apply: a model setting one runs with dbt. */
const DBT_ONLY_INCREMENTAL_OPTIONS = [
  'incremental_predicates',
  'merge_update_columns',
  'merge_exclude_columns',
  'merge_update_set_expressions',
  'merge_update_condition',
  'merge_insert_condition',
  'merge_on_using_columns',
  'merge_clauses',
  'merge_returning_columns',
];

/** dbt names with no in-process meaning: a template using one needs dbt itself. */
const NEEDS_DBT_NAMES = ['run_query', 'statement', 'load_result', 'adapter', 'return', 'graph', 'modules', 'api', 'builtins', 'selected_resources', 'store_result', 'invocation_id', 'run_started_at'];

interface RenderIssue {
  readonly message: string;
  /** Text to find in the file to place the issue at its line. */
  readonly near?: string;
  readonly needsDbt?: string;
}

/**
 * Compiles dbt models of one project for one target, as dbt-duckdb would:
 * configs resolved across dbt_project.yml, properties YAML and `config()`,
 * relations named by generate_schema_name/generate_alias_name (the project's
 * own, else dbt's defaults), `ref`/`source`/`var`/`env_var`/`is_incremental`/
 * `this`/`target` in the context, ephemeral models inlined.
 */
export class DbtModelCompiler {
  private readonly plans = new Map<string, DbtOutcome<DbtNodePlan>>();
  private readonly texts = new Map<string, string>();
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly vars: Readonly<Record<string, unknown>>;

  constructor(
    readonly project: DbtRunProject,
    private readonly opts: DbtCompileOptions,
  ) {
    this.env = opts.env ?? process.env;
    this.vars = { ...project.settings.vars, ...(opts.vars ?? {}) };
  }

  get target(): TargetConfig {
    return this.opts.target;
  }

  /** A model's or seed's config and relation (dbt's parse: `config()` captured, nothing built). */
  plan(name: string, resourceType: 'model' | 'seed' = 'model'): DbtOutcome<DbtNodePlan> {
    const memoKey = `${resourceType}:${name}`;
    const hit = this.plans.get(memoKey);
    if (hit) return hit;
    const outcome = this.planUncached(name, resourceType);
    this.plans.set(memoKey, outcome);
    return outcome;
  }

  private planUncached(name: string, resourceType: 'model' | 'seed'): DbtOutcome<DbtNodePlan> {
    const node = (resourceType === 'model' ? this.project.models : this.project.seeds).get(name);
    if (!node) return this.fail(this.project.projectDir, 1, `No dbt ${resourceType} '${name}' in project ${this.project.name}.`);
    const config: Record<string, unknown> = {};
    const tree = resourceType === 'model' ? this.project.settings.modelsConfig : this.project.settings.seedsConfig;
    for (const [k, v] of Object.entries(projectNodeConfig(tree, [this.project.name, ...node.folders, name]))) mergeConfigValue(config, k, v);
    for (const [k, v] of Object.entries(node.yamlConfig)) mergeConfigValue(config, k, v);
    if (resourceType === 'model') {
      const text = this.textOf(node.file);
      if (text === undefined) return this.fail(node.file, 1, `Cannot read ${node.file}.`);
      const captured: Record<string, unknown> = {};
      const parse = this.render(node, text, {
        this: { schema: this.target.schema, identifier: name },
        isIncremental: false,
        config: (kw) => {
          for (const [k, v] of Object.entries(kw)) mergeConfigValue(captured, k, v);
        },
        ref: () => renderRelation({ schema: this.target.schema, identifier: '__ref__' }),
      });
      if (!parse.ok) return parse;
      for (const [k, v] of Object.entries(captured)) mergeConfigValue(config, k, v);
    }
    const materialized = resourceType === 'seed' ? 'seed' : String(config.materialized ?? 'view');
    const relation = this.relationFor(node, config);
    if (!relation.ok) return relation;
    const needsDbt = this.needsDbt(materialized, config);
    return { ok: true, value: { node, config, materialized, relation: relation.value, ...(needsDbt ? { needsDbt } : {}) } };
  }

  /** Renders a model for a run; `isIncremental` is what `is_incremental()` returns (the table exists, no full refresh). */
  compile(name: string, isIncremental: boolean): DbtOutcome<CompiledDbtModel> {
    const planned = this.plan(name);
    if (!planned.ok) return planned;
    const plan = planned.value;
    const incremental = plan.materialized === 'incremental' && isIncremental;
    const ephemerals: string[] = [];
    const body = this.renderModel(plan, incremental, ephemerals, new Set([name]));
    if (!body.ok) return body;
    const ctes: string[] = [];
    // refRelation listed each ephemeral model after the ones it reads itself.
    for (const eph of ephemerals) {
      const p = this.plan(eph);
      if (!p.ok) return p;
      const r = this.renderModel(p.value, false, [], new Set([eph]));
      if (!r.ok) return r;
      ctes.push(`${cteName(eph)} AS (\n${stripSemicolon(r.value)}\n)`);
    }
    const rendered = body.value;
    const sql = ctes.length > 0 ? `WITH ${ctes.join(',\n')}\nSELECT * FROM (\n${stripSemicolon(rendered)}\n) AS __dbt_model` : stripSemicolon(rendered);
    return {
      ok: true,
      value: { plan, sql, rendered, isIncremental: incremental, ...(plan.materialized === 'incremental' ? { incremental: incrementalLoad(plan.config) } : {}) },
    };
  }

  /**
   * Renders any other text of the project (a singular test, a test argument) in
   * the context of `node`'s model: `this`, `ref`, `source`, `var`, `env_var`.
   */
  renderIn(file: string, text: string, extra: Readonly<Record<string, unknown>> = {}): DbtOutcome<string> {
    const node: DbtRunNode = { name: '__test__', resourceType: 'model', file, folders: [], yamlConfig: {} };
    return this.render(node, text, { isIncremental: false, ref: (n, pkg) => this.refRelation(n, pkg, [], new Set()), extra });
  }

  /** `ref()` as dbt renders it: another model's relation, a seed's, or an ephemeral model's CTE name. */
  refRelation(name: string, _pkg: string | undefined, ephemerals: string[], seen: Set<string>): string | RenderIssue {
    if (this.project.models.has(name)) {
      const p = this.plan(name);
      if (!p.ok) return { message: `ref('${name}'): ${p.problem.message}`, near: name };
      if (p.value.materialized === 'ephemeral') {
        if (seen.has(name)) return { message: `ref('${name}'): ephemeral models refer to each other in a cycle`, near: name };
        // Its own ephemeral refs come first, so each CTE only reads those before it.
        const inner = this.renderModel(p.value, false, ephemerals, new Set([...seen, name]));
        if (!inner.ok) return { message: inner.problem.message, near: name };
        if (!ephemerals.includes(name)) ephemerals.push(name);
        return cteName(name);
      }
      return renderRelation(p.value.relation);
    }
    if (this.project.seeds.has(name)) {
      const p = this.plan(name, 'seed');
      return p.ok ? renderRelation(p.value.relation) : { message: p.problem.message, near: name };
    }
    return { message: `ref('${name}'): no model or seed named '${name}' in project ${this.project.name}`, near: name };
  }

  /** `source()` as dbt-duckdb renders it: `schema.identifier`, or its `external_location` with placeholders filled. */
  sourceRelation(sourceName: string, tableName: string): string | RenderIssue {
    const s = this.project.sources.get(`${sourceName}.${tableName}`);
    if (!s) return { message: `source('${sourceName}', '${tableName}'): no such source table in the properties YAML`, near: sourceName };
    if (s.externalLocation) {
      const location = s.externalLocation.replace(/\{(\w+)\}/g, (m, k: string) => {
        const values: Record<string, string> = { name: s.tableName, identifier: s.identifier, schema: s.schema, source_name: s.sourceName, table_name: s.tableName };
        return values[k] ?? m;
      });
      // dbt-duckdb: a location that is a table function call is used as written, a path is quoted.
      return location.includes('(') ? location : `'${location.replace(/'/g, "''")}'`;
    }
    return renderRelation({ ...(s.database ? { database: s.database } : {}), schema: s.schema, identifier: s.identifier });
  }

  private renderModel(plan: DbtNodePlan, isIncremental: boolean, ephemerals: string[], seen: Set<string>): DbtOutcome<string> {
    const text = this.textOf(plan.node.file);
    if (text === undefined) return this.fail(plan.node.file, 1, `Cannot read ${plan.node.file}.`);
    return this.render(plan.node, text, {
      this: plan.relation,
      isIncremental,
      config: () => undefined,
      ref: (n, pkg) => this.refRelation(n, pkg, ephemerals, seen),
    });
  }

  private relationFor(node: DbtRunNode, config: Readonly<Record<string, unknown>>): DbtOutcome<DbtRelation> {
    const database = typeof config.database === 'string' ? config.database : targetDatabase(this.target);
    const nodeObject = this.nodeObject(node, config);
    let schema = defaultSchemaName(this.target, config.schema);
    if (this.project.jinja.hasMacro('generate_schema_name')) {
      const r = this.renderIn(node.file, '{{ generate_schema_name(__custom, __node) }}', { __custom: config.schema ?? null, __node: nodeObject });
      if (!r.ok) return r;
      schema = r.value.trim();
    }
    let identifier = typeof config.alias === 'string' && config.alias !== '' ? config.alias : node.name;
    if (this.project.jinja.hasMacro('generate_alias_name')) {
      const r = this.renderIn(node.file, '{{ generate_alias_name(__custom, __node) }}', { __custom: config.alias ?? null, __node: nodeObject });
      if (!r.ok) return r;
      identifier = r.value.trim();
    }
    return { ok: true, value: { ...(database ? { database } : {}), schema, identifier } };
  }

  private needsDbt(materialized: string, config: Readonly<Record<string, unknown>>): string | undefined {
    if (materialized !== 'seed' && !IN_PROCESS_MATERIALIZATIONS.has(materialized)) return `materialized='${materialized}' runs with dbt`;
    for (const hook of ['pre_hook', 'post_hook', 'pre-hook', 'post-hook']) {
      const h = config[hook];
      if (h !== undefined && h !== null && !(Array.isArray(h) && h.length === 0) && h !== '') return `${hook.replace('_', '-')} runs with dbt`;
    }
    if (materialized === 'incremental') {
      const s = config.incremental_strategy;
      if (s !== undefined && s !== null && !oneOf(IN_PROCESS_STRATEGIES, s)) return `incremental_strategy='${String(s)}' runs with dbt`;
      const change = config.on_schema_change;
      if (change !== undefined && change !== null && !oneOf(IN_PROCESS_SCHEMA_CHANGES, change)) return `on_schema_change='${String(change)}' runs with dbt`;
      const set = DBT_ONLY_INCREMENTAL_OPTIONS.find((option) => isSet(config[option]));
      if (set) return `${set} runs with dbt`;
    }
    return undefined;
  }

  private nodeObject(node: DbtRunNode, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return {
      name: node.name,
      resource_type: node.resourceType,
      package_name: this.project.name,
      unique_id: `${node.resourceType}.${this.project.name}.${node.name}`,
      fqn: [this.project.name, ...node.folders, node.name],
      original_file_path: node.file,
      config: { ...config },
      tags: Array.isArray(config.tags) ? config.tags : [],
    };
  }

  private textOf(file: string): string | undefined {
    let text = this.texts.get(file);
    if (text !== undefined) return text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    this.texts.set(file, text);
    return text;
  }

  private render(
    node: DbtRunNode,
    text: string,
    c: {
      readonly this?: DbtRelation;
      readonly isIncremental: boolean;
      readonly config?: (kwargs: Record<string, unknown>) => void;
      readonly ref: (name: string, pkg: string | undefined) => string | RenderIssue;
      readonly extra?: Readonly<Record<string, unknown>>;
    },
  ): DbtOutcome<string> {
    const issues: RenderIssue[] = [];
    const issue = (i: RenderIssue): string => {
      issues.push(i);
      return '__asset_studio_unrendered__';
    };
    const target = this.target;
    const globals: Record<string, unknown> = {
      ref: (...args: unknown[]) => {
        const { positional } = splitArgs(args);
        const names = positional.filter((a): a is string => typeof a === 'string');
        if (names.length < 1 || names.length > 2) return issue({ message: "ref() takes a model name: ref('model') or ref('package', 'model')", near: 'ref(' });
        const name = names[names.length - 1]!;
        const pkg = names.length === 2 ? names[0] : undefined;
        if (pkg !== undefined && pkg !== this.project.name) return issue({ message: `ref('${pkg}', '${name}') names another package`, near: name, needsDbt: `ref() into package '${pkg}'` });
        const r = c.ref(name, pkg);
        return typeof r === 'string' ? r : issue(r);
      },
      source: (...args: unknown[]) => {
        const { positional } = splitArgs(args);
        if (positional.length !== 2 || typeof positional[0] !== 'string' || typeof positional[1] !== 'string') {
          return issue({ message: "source() takes a source and a table: source('raw', 'orders')", near: 'source(' });
        }
        const r = this.sourceRelation(positional[0], positional[1]);
        return typeof r === 'string' ? r : issue(r);
      },
      config: (...args: unknown[]) => {
        const { positional, kwargs } = splitArgs(args);
        const dict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Record<string, unknown>) : {};
        c.config?.({ ...dict, ...kwargs });
        return '';
      },
      var: (...args: unknown[]) => {
        const { positional } = splitArgs(args);
        const name = String(positional[0]);
        if (Object.prototype.hasOwnProperty.call(this.vars, name)) return this.vars[name] ?? null;
        if (positional.length > 1) return positional[1] ?? null;
        return issue({ message: `Required var '${name}' not found: set it under vars: in dbt_project.yml or pass --vars`, near: name });
      },
      env_var: (...args: unknown[]) => {
        const { positional } = splitArgs(args);
        const name = String(positional[0]);
        const value = this.env[name];
        if (value !== undefined) return value;
        if (positional.length > 1) return positional[1] === null || positional[1] === undefined ? '' : String(positional[1]);
        return issue({ message: `env_var('${name}') is not set and has no default: set ${name} or give a default`, near: name });
      },
      is_incremental: () => c.isIncremental,
      log: () => '',
      execute: true,
      flags: { FULL_REFRESH: this.opts.fullRefresh === true },
      exceptions: {
        raise_compiler_error: (msg: unknown) => issue({ message: `Compilation error: ${String(msg)}` }),
        warn: () => '',
      },
      target: {
        name: target.name,
        schema: target.schema,
        type: 'duckdb',
        database: targetDatabase(target) ?? null,
        path: target.type === 'motherduck' ? `md:${target.database ?? ''}` : (target.path ?? null),
        threads: target.threads,
        profile_name: this.project.settings.profile ?? null,
      },
      project_name: this.project.name,
      model: this.nodeObject(node, {}),
      ...(c.this !== undefined ? { this: renderRelation(c.this), [THIS_ATTRIBUTES]: relationAttributes(c.this) } : {}),
      ...(c.extra ?? {}),
    };
    const result = this.project.jinja.render(node.file, text, globals);
    if (issues.length > 0) {
      const first = issues[0]!;
      return this.fail(node.file, lineNear(text, first.near), first.message, first.needsDbt);
    }
    if (!result.ok) {
      const e = result.error;
      const lineText = (e.file === node.file ? text.split('\n')[e.line - 1] : undefined) ?? '';
      const dbtOnly = NEEDS_DBT_NAMES.find((n) => new RegExp(`\\b${n}\\b`).test(lineText));
      const unknownFn = /unknown function: (\w+) is unknown/.exec(e.message)?.[1];
      const needsDbt = dbtOnly ? `uses ${dbtOnly}` : unknownFn ? `calls ${unknownFn}(), which is not a macro of this project (a package macro needs dbt)` : /undefined value|unknown method/.test(e.message) ? `uses something only dbt defines` : undefined;
      const message = needsDbt ? `${e.message}: ${needsDbt}` : e.message;
      return this.fail(e.file, e.line, `${message}${e.file === node.file ? '' : ` (in ${e.file}:${e.line})`}`, needsDbt);
    }
    return { ok: true, value: result.text };
  }

  private fail(file: string, line: number, message: string, needsDbt?: string): { ok: false; problem: Problem; needsDbt?: string } {
    return {
      ok: false,
      problem: { file, line, column: 1, severity: 'error', code: needsDbt ? 'dbt.needs-dbt' : 'dbt.render', message },
      ...(needsDbt ? { needsDbt } : {}),
    };
  }
}

/** The CTE name dbt gives an ephemeral model. */
export function cteName(model: string): string {
  return `__dbt__cte__${model}`;
}

/** minijinja passes keyword arguments as a trailing Map (a dict argument is one too, read the same). */
function splitArgs(args: readonly unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const positional = args.map(plain);
  const last = args[args.length - 1];
  if (last instanceof Map) {
    positional.pop();
    return { positional, kwargs: plain(last) as Record<string, unknown> };
  }
  return { positional, kwargs: {} };
}

/** Maps (Jinja dicts) as plain objects, all the way down. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/**
 * How an incremental model loads, from the options needsDbt let run in-process: the strategy
 * (dbt-duckdb's default: delete+insert with a unique_key, else append), the unique_key as written
 * (one expression, or a list of columns), on_schema_change (default ignore).
 */
function incrementalLoad(config: Readonly<Record<string, unknown>>): DbtIncrementalLoad {
  const key = config.unique_key;
  const uniqueKey = typeof key === 'string' && key.trim() !== '' ? key.trim() : Array.isArray(key) && key.length > 0 ? key.map(String) : undefined;
  const s = config.incremental_strategy;
  const change = config.on_schema_change;
  return {
    strategy: oneOf(IN_PROCESS_STRATEGIES, s) ? s : uniqueKey ? 'delete+insert' : 'append',
    ...(uniqueKey ? { uniqueKey } : {}),
    onSchemaChange: oneOf(IN_PROCESS_SCHEMA_CHANGES, change) ? change : 'ignore',
  };
}

function oneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return (values as readonly unknown[]).includes(v);
}

/** A config option given a value: not absent, null, false, or an empty list or mapping. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  return typeof v !== 'object' || Object.keys(v).length > 0;
}

function stripSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

function lineNear(text: string, near: string | undefined): number {
  if (!near) return 1;
  const at = text.indexOf(near);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}
