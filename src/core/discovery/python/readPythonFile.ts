// Reads Dagster definitions from one Python file, statically (docs/dagster-and-dbt.md). The file is
// never imported: tree-sitter parses the lines that can hold definitions (see
// pythonExcerpt) and this reader walks the module level of that tree.
import type { AssetKey } from '../../assetKey';
import type { AssetDefinition, CheckDefinition, DagsterAssetInfo, DependencyOrigin, DependencyRef } from '../../asset';
import type { Problem, SourceLocation } from '../../problem';
import { sha1Hex } from '../../sha1Hex';
import { DagsterNames, text } from './dagsterNames';
import { dagsterModuleFor } from './dagsterModule';
import { excerptPython } from './pythonExcerpt';
import type { PythonExcerpt } from './pythonExcerpt';
import type { PythonFacts, PythonFileDiscovery, PythonJob, PythonSchedule, PythonSelection } from './pythonFileDiscovery';
import { NO_PYTHON_FACTS } from './pythonFileDiscovery';
import { cleanDocstring, literalValue, stringList, stringValue } from './pythonLiterals';
import type { PythonParser } from './pythonParser';
import type { PySyntax } from './pythonSyntax';
import type { Node } from 'web-tree-sitter';
import { copySyntax, fieldOf } from './pythonSyntax';

/** Parameters that are never upstream assets. */
const NOT_INPUTS = new Set(['context', 'config', 'self']);
/** Annotations that mark a parameter as context, resource or config rather than an input. */
const NOT_INPUT_TYPES = new Set([
  'AssetExecutionContext',
  'OpExecutionContext',
  'AssetCheckExecutionContext',
  'ConfigurableResource',
  'Config',
  'PermissiveConfig',
  'ResourceParam',
]);
const ASSET_DECORATORS = new Set(['asset', 'graph_asset', 'observable_source_asset']);
const MULTI_ASSET_DECORATORS = new Set(['multi_asset', 'graph_multi_asset']);
const DEFINING_CALLS = new Set([
  'asset',
  'multi_asset',
  'graph_asset',
  'graph_multi_asset',
  'asset_check',
  'multi_asset_check',
  'dbt_assets',
  'AssetSpec',
  'SourceAsset',
]);

export function readPythonFile(parser: PythonParser, file: string, text: string): PythonFileDiscovery {
  // Every Dagster definition needs an import from dagster or a dagster_* package.
  if (!text.includes('dagster')) return { file, assets: [], problems: [], python: NO_PYTHON_FACTS };
  try {
    const excerpt = excerptPython(text);
    const tree = parser.parser.parse(excerpt.text);
    if (!tree) return { file, assets: [], problems: [], python: NO_PYTHON_FACTS };
    let root: PySyntax;
    let errorAt: number | undefined;
    try {
      root = copySyntax(parser, tree);
      errorAt = tree.rootNode.hasError ? firstSyntaxError(tree.rootNode) : undefined;
    } finally {
      tree.delete();
    }
    return new DagsterFileReader(file, text, excerpt, root, errorAt).read();
  } catch (error) {
    return {
      file,
      assets: [],
      problems: [
        {
          file,
          line: 1,
          column: 1,
          severity: 'warning',
          code: 'python.read-failed',
          message: `Asset Studio could not read this file's Dagster definitions (${error instanceof Error ? error.message : String(error)}). Its assets are not shown; please report this with the file.`,
        },
      ],
      python: NO_PYTHON_FACTS,
    };
  }
}

type KeyOrName = { readonly key: AssetKey } | { readonly name: string };

interface DepDraft {
  readonly target: KeyOrName;
  readonly origin: DependencyOrigin;
  readonly location: SourceLocation;
  readonly annotation?: string;
}

interface AssetDraft {
  readonly key: AssetKey;
  readonly location: SourceLocation;
  readonly group?: string;
  readonly kinds?: readonly string[];
  readonly description?: string;
  readonly deps: readonly DepDraft[];
  readonly definitionHash: string;
  readonly dagster: Omit<DagsterAssetInfo, 'file'>;
}

interface SpecDraft {
  readonly asset: AssetDraft;
  /** Used by a multi_asset: then it is that asset's output, not an external asset. */
  consumed: boolean;
}

interface Args {
  readonly positional: readonly PySyntax[];
  readonly keywords: ReadonlyMap<string, PySyntax>;
}

class DagsterFileReader {
  private readonly names = new DagsterNames();
  private readonly src: string;
  private readonly lineStarts: number[] = [0];
  private readonly assets: AssetDraft[] = [];
  private readonly specs: SpecDraft[] = [];
  private readonly specVariables = new Map<string, SpecDraft[]>();
  private readonly constants = new Map<string, PySyntax>();
  private readonly bindings = new Map<string, AssetKey[]>();
  private readonly checks: { target: KeyOrName; check: CheckDefinition }[] = [];
  private readonly classes: { name: string; bases: string[] }[] = [];
  private readonly jobs: PythonJob[] = [];
  private readonly schedules: PythonSchedule[] = [];
  private readonly unseen: string[] = [];
  private readonly problems: Problem[] = [];

  constructor(
    private readonly file: string,
    private readonly original: string,
    private readonly excerpt: PythonExcerpt,
    private readonly root: PySyntax,
    /** Offset in the excerpt of the first syntax error (an ERROR or a MISSING node), if any. */
    private readonly errorAt: number | undefined,
  ) {
    this.src = excerpt.text;
    for (let i = this.src.indexOf('\n'); i >= 0; i = this.src.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  read(): PythonFileDiscovery {
    this.statements(this.root.children);
    return this.finish();
  }

  // ---- module level ------------------------------------------------------

  private statements(nodes: readonly PySyntax[]): void {
    for (const node of nodes) this.statement(node);
  }

  private statement(node: PySyntax): void {
    switch (node.type) {
      case 'import_statement':
      case 'import_from_statement':
        this.names.addImport(node, this.src);
        return;
      case 'decorated_definition':
        this.decorated(node);
        return;
      case 'class_definition':
        this.classDefinition(node);
        return;
      case 'function_definition':
        if (this.definesAssets(node)) {
          this.unsee(node, `assets built inside function ${this.nameOf(node)}() are not shown`);
        }
        return;
      case 'expression_statement':
        for (const c of node.children) this.moduleExpression(c);
        return;
      case 'for_statement':
      case 'while_statement':
        if (this.definesAssets(node)) this.unsee(node, 'assets built in a loop are not shown');
        return;
      case 'if_statement':
      case 'try_statement':
      case 'with_statement':
      case 'elif_clause':
      case 'else_clause':
      case 'except_clause':
      case 'finally_clause':
      case 'block':
      case 'ERROR':
        // Definitions under a condition are still definitions; a broken region may still hold whole ones.
        for (const c of node.children) {
          if (c.field === 'condition') continue;
          this.statement(c);
        }
        return;
      default:
        return;
    }
  }

  private moduleExpression(node: PySyntax): void {
    if (node.type === 'assignment') {
      const left = fieldOf(node, 'left');
      const right = fieldOf(node, 'right');
      if (!right) return;
      const variable = left?.type === 'identifier' ? text(left, this.src) : undefined;
      if (variable && isConstant(right)) this.constants.set(variable, right);
      this.expression(right, variable);
      return;
    }
    this.expression(node, undefined);
  }

  /** Looks through a module-level expression for specs, jobs and schedules; `variable` is the name it is bound to. */
  private expression(node: PySyntax, variable: string | undefined): void {
    switch (node.type) {
      case 'call': {
        const called = this.names.resolve(fieldOf(node, 'function'), this.src);
        const args = this.args(node);
        if (called === 'AssetSpec' || called === 'SourceAsset') {
          const spec = this.spec(node, args, called === 'SourceAsset');
          if (spec && variable) this.specVariables.set(variable, [spec]);
          return;
        }
        if (called === 'define_asset_job') {
          this.job(node, args, variable);
          return;
        }
        if (called === 'ScheduleDefinition' || called === 'build_schedule_from_partitioned_job') {
          this.schedule(node, args, variable);
          return;
        }
        if (called === 'Definitions') this.definitionsAssets(args.keywords.get('assets'));
        // `AssetSpec(...).with_io_manager_key(...)`: the variable still names the spec.
        const fn = fieldOf(node, 'function');
        const receiver = fn?.type === 'attribute' ? fieldOf(fn, 'object') : undefined;
        if (receiver?.type === 'call') this.expression(receiver, variable);
        for (const c of node.children) if (c !== fn) this.expression(c, undefined);
        return;
      }
      case 'list':
      case 'tuple': {
        const before = this.specs.length;
        for (const c of node.children) this.expression(c, undefined);
        const added = this.specs.slice(before);
        if (variable && added.length > 0 && added.length === node.children.length) this.specVariables.set(variable, added);
        return;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        if (this.definesAssets(node)) this.unsee(node, 'assets built in a comprehension are not shown');
        return;
      case 'argument_list':
      case 'keyword_argument':
      case 'dictionary':
      case 'pair':
      case 'set':
      case 'parenthesized_expression':
      case 'list_splat':
      case 'attribute':
        for (const c of node.children) this.expression(c, undefined);
        return;
      default:
        return;
    }
  }

  /** `Definitions(assets=[..., build_assets(...)])`: a call of an unknown function there is a factory. */
  private definitionsAssets(list: PySyntax | undefined): void {
    if (!list || (list.type !== 'list' && list.type !== 'tuple')) return;
    for (const item of list.children) {
      const call = item.type === 'list_splat' ? item.children[0] : item;
      if (call?.type === 'list_comprehension' || call?.type === 'generator_expression') {
        this.unsee(call, 'assets built in a comprehension are not shown');
        continue;
      }
      if (call?.type !== 'call') continue;
      const called = this.names.resolve(fieldOf(call, 'function'), this.src);
      if (called === undefined) {
        const fn = fieldOf(call, 'function');
        this.unsee(call, `assets from ${fn ? text(fn, this.src) : 'a call'}(...) are built at run time and are not shown`);
      }
    }
  }

  private classDefinition(node: PySyntax): void {
    const name = fieldOf(node, 'name');
    const bases = fieldOf(node, 'superclasses');
    if (!name || !bases) return;
    const baseNames = bases.children
      .filter((b) => b.type === 'identifier' || b.type === 'attribute')
      .map((b) => lastDotted(text(b, this.src)));
    this.classes.push({ name: text(name, this.src), bases: baseNames });
    if (baseNames.includes('DagsterDbtTranslator')) {
      this.unsee(node, `translator ${text(name, this.src)} may rename dbt assets; its keys are not shown`);
      // A guess shown as a fact misleads: say it where the user can see it, at the class.
      this.problems.push({
        ...this.loc(name),
        severity: 'warning',
        code: 'dagster.dbt-translator',
        message: `${text(name, this.src)} subclasses DagsterDbtTranslator and may rename the dbt assets' keys or groups: Asset Studio shows dagster-dbt's default keys (the model names), which may not be the keys Dagster shows.`,
      });
    }
  }

  // ---- decorated definitions ---------------------------------------------

  private decorated(node: PySyntax): void {
    const definition = fieldOf(node, 'definition');
    if (!definition) return;
    if (definition.type === 'class_definition') {
      this.classDefinition(definition);
      return;
    }
    for (const decorator of node.children) {
      if (decorator.type !== 'decorator') continue;
      const expression = decorator.children[0];
      if (!expression) continue;
      const call = expression.type === 'call' ? expression : undefined;
      const called = this.names.resolve(call ? fieldOf(call, 'function') : expression, this.src);
      if (called === undefined) continue;
      const args = call ? this.args(call) : { positional: [], keywords: new Map<string, PySyntax>() };
      if (ASSET_DECORATORS.has(called)) this.asset(node, decorator, definition, args);
      else if (MULTI_ASSET_DECORATORS.has(called)) this.multiAsset(node, decorator, definition, args);
      else if (called === 'asset_check') this.assetCheck(decorator, definition, args);
      else if (called === 'multi_asset_check') this.checkSpecs(args.keywords.get('specs'));
      else if (called === 'dbt_assets') this.dbtAssets(node, decorator, definition);
      else if (called === 'schedule') this.scheduleDecorator(decorator, definition, args);
    }
  }

  private asset(node: PySyntax, decorator: PySyntax, fn: PySyntax, args: Args): void {
    const fnName = this.nameOf(fn);
    const kw = args.keywords;
    if (!this.argumentsHaveTheirTypes(kw)) return;
    const key = this.assetKey(kw, fnName, decorator);
    if (!key) return;
    const ins = this.ins(kw.get('ins'));
    const deps = [...this.deps(kw.get('deps'), 'deps'), ...ins.deps, ...this.parameters(fn, kw, ins.names)];
    const kinds = this.kinds(kw);
    this.addAsset(fnName, {
      key,
      location: this.loc(decorator),
      group: stringValue(kw.get('group_name'), this.src),
      kinds,
      description: stringValue(kw.get('description'), this.src) ?? this.docstring(fn),
      deps,
      definitionHash: this.hashOf(node),
      dagster: this.dagsterInfo(kw, kinds),
    });
    this.checkSpecs(kw.get('check_specs'));
  }

  private multiAsset(node: PySyntax, decorator: PySyntax, fn: PySyntax, args: Args): void {
    const kw = args.keywords;
    const ins = this.ins(kw.get('ins'));
    const shared = [...this.deps(kw.get('deps'), 'deps'), ...ins.deps, ...this.parameters(fn, kw, ins.names)];
    const group = stringValue(kw.get('group_name'), this.src);
    const kinds = this.kinds(kw);
    const location = this.loc(decorator);
    const definitionHash = this.hashOf(node);
    const keys: AssetKey[] = [];
    const outs = kw.get('outs');
    if (outs?.type === 'dictionary') {
      for (const pair of outs.children) {
        if (pair.type !== 'pair') continue;
        const outName = stringValue(fieldOf(pair, 'key'), this.src);
        const value = fieldOf(pair, 'value');
        if (outName === undefined) {
          this.unsee(pair, 'a multi_asset output with a computed name is not shown');
          continue;
        }
        const out = value?.type === 'call' ? this.args(value).keywords : new Map<string, PySyntax>();
        const key = this.assetKey(out, outName, pair);
        if (!key) continue;
        const outKinds = this.kinds(out) ?? kinds;
        keys.push(key);
        this.assets.push({
          key,
          location,
          group: stringValue(out.get('group_name'), this.src) ?? group,
          kinds: outKinds,
          description: stringValue(out.get('description'), this.src),
          deps: shared,
          definitionHash,
          dagster: this.dagsterInfo(kw, outKinds),
        });
      }
    } else if (outs) {
      this.unsee(outs, 'multi_asset outputs built at run time are not shown');
    }
    for (const spec of this.specList(kw.get('specs'))) {
      spec.consumed = true;
      const a = spec.asset;
      keys.push(a.key);
      this.assets.push({
        ...a,
        location,
        group: a.group ?? group,
        kinds: a.kinds ?? kinds,
        deps: [...a.deps, ...shared],
        definitionHash,
        dagster: this.dagsterInfo(kw, a.kinds ?? kinds),
      });
    }
    this.bindings.set(this.nameOf(fn), keys);
    this.checkSpecs(kw.get('check_specs'));
  }

  /** `specs=[AssetSpec(...), spec_variable, *spec_list]` or `specs=spec_list`. */
  private specList(node: PySyntax | undefined): SpecDraft[] {
    if (!node) return [];
    if (node.type === 'identifier') {
      const found = this.specVariables.get(text(node, this.src));
      if (!found) this.unsee(node, `specs ${text(node, this.src)} are not statically visible and are not shown`);
      return found ?? [];
    }
    if (node.type !== 'list' && node.type !== 'tuple') {
      this.unsee(node, 'multi_asset specs built at run time are not shown');
      return [];
    }
    const out: SpecDraft[] = [];
    for (const item of node.children) {
      if (item.type === 'call') {
        const called = this.names.resolve(fieldOf(item, 'function'), this.src);
        const spec = called === 'AssetSpec' ? this.spec(item, this.args(item), false) : undefined;
        if (spec) out.push(spec);
        else this.unsee(item, 'a multi_asset spec built at run time is not shown');
      } else {
        out.push(...this.specList(item.type === 'list_splat' ? item.children[0] : item));
      }
    }
    return out;
  }

  private assetCheck(decorator: PySyntax, fn: PySyntax, args: Args): void {
    const kw = args.keywords;
    const assetNode = kw.get('asset') ?? args.positional[0];
    const target = assetNode ? this.keyOrName(assetNode) : undefined;
    if (!target) {
      this.unsee(decorator, `check ${this.nameOf(fn)}: its asset is not statically visible`);
      return;
    }
    this.checks.push({
      target,
      check: {
        name: stringValue(kw.get('name'), this.src) ?? this.nameOf(fn),
        type: 'dagster',
        severity: 'error',
        blocking: kw.get('blocking')?.type === 'true',
        location: this.loc(decorator),
      },
    });
  }

  /** `check_specs=[AssetCheckSpec("name", asset=...)]`, `@multi_asset_check(specs=[...])`: each check at its spec. */
  private checkSpecs(list: PySyntax | undefined): void {
    if (!list) return;
    if (list.type !== 'list' && list.type !== 'tuple') {
      this.unsee(list, 'check specs built at run time are not shown');
      return;
    }
    for (const item of list.children) {
      if (item.type !== 'call' || this.names.resolve(fieldOf(item, 'function'), this.src) !== 'AssetCheckSpec') continue;
      const args = this.args(item);
      const name = stringValue(args.keywords.get('name') ?? args.positional[0], this.src);
      const assetNode = args.keywords.get('asset') ?? args.positional[1];
      const target = assetNode ? this.keyOrName(assetNode) : undefined;
      if (name === undefined || !target) {
        this.unsee(item, 'a check spec with a computed name or asset is not shown');
        continue;
      }
      this.checks.push({
        target,
        check: {
          name,
          type: 'dagster',
          severity: 'error',
          blocking: args.keywords.get('blocking')?.type === 'true',
          location: this.loc(item),
        },
      });
    }
  }

  private dbtAssets(node: PySyntax, decorator: PySyntax, fn: PySyntax): void {
    const name = this.nameOf(fn);
    this.addAsset(name, {
      key: [name],
      location: this.loc(decorator),
      kinds: ['dbt'],
      description: this.docstring(fn),
      deps: [],
      definitionHash: this.hashOf(node),
      dagster: { dbtAssets: true, kinds: ['dbt'] },
    });
  }

  private scheduleDecorator(decorator: PySyntax, fn: PySyntax, args: Args): void {
    const kw = args.keywords;
    const name = stringValue(kw.get('name'), this.src) ?? this.nameOf(fn);
    this.scheduleTarget(name, kw.get('job') ?? kw.get('target'), decorator);
  }

  // ---- specs, jobs, schedules ----------------------------------------------

  private spec(call: PySyntax, args: Args, sourceAsset: boolean): SpecDraft | undefined {
    const kw = args.keywords;
    const keyNode = kw.get('key') ?? args.positional[0];
    const target = keyNode ? this.keyOrName(keyNode) : undefined;
    if (!target || !('key' in target)) {
      this.unsee(call, `${sourceAsset ? 'SourceAsset' : 'AssetSpec'} with a computed key is not shown`);
      return undefined;
    }
    const kinds = this.kinds(kw);
    const draft: SpecDraft = {
      consumed: false,
      asset: {
        key: target.key,
        location: this.loc(call),
        group: stringValue(kw.get('group_name'), this.src),
        kinds,
        description: stringValue(kw.get('description'), this.src),
        deps: this.deps(kw.get('deps'), 'spec'),
        definitionHash: sha1Hex(text(call, this.src)),
        dagster: { ...(kinds ? { kinds } : {}), external: true },
      },
    };
    this.specs.push(draft);
    return draft;
  }

  private job(call: PySyntax, args: Args, variable: string | undefined): PythonJob | undefined {
    const kw = args.keywords;
    const name = stringValue(kw.get('name') ?? args.positional[0], this.src);
    if (name === undefined) {
      this.unsee(call, 'a job with a computed name is not shown');
      return undefined;
    }
    const selection = this.selection(kw.get('selection') ?? args.positional[1], `job ${name}`);
    const job: PythonJob = { name, ...(variable ? { variable } : {}), selection, location: this.loc(call) };
    this.jobs.push(job);
    return job;
  }

  private schedule(call: PySyntax, args: Args, variable: string | undefined): void {
    const kw = args.keywords;
    const target = kw.get('job') ?? kw.get('target') ?? args.positional[0];
    const jobName = stringValue(kw.get('job_name'), this.src);
    let name = stringValue(kw.get('name'), this.src);
    if (name === undefined) {
      // Dagster names an unnamed schedule after its job.
      const job = jobName ?? (target ? this.jobNameOf(target) : undefined);
      name = job !== undefined ? `${job}_schedule` : variable;
    }
    if (name === undefined) {
      this.unsee(call, 'a schedule with a computed name is not shown');
      return;
    }
    if (jobName !== undefined) {
      this.schedules.push({ name, job: jobName, location: this.loc(call) });
      return;
    }
    this.scheduleTarget(name, target, call);
  }

  private scheduleTarget(name: string, target: PySyntax | undefined, at: PySyntax): void {
    if (!target) return;
    if (target.type === 'identifier') {
      this.schedules.push({ name, job: text(target, this.src), location: this.loc(at) });
      return;
    }
    if (target.type === 'call' && this.names.resolve(fieldOf(target, 'function'), this.src) === 'define_asset_job') {
      const job = this.job(target, this.args(target), undefined);
      if (job) this.schedules.push({ name, job: job.name, location: this.loc(at) });
      return;
    }
    this.schedules.push({ name, selection: this.selection(target, `schedule ${name}`), location: this.loc(at) });
  }

  private jobNameOf(target: PySyntax): string | undefined {
    if (target.type === 'identifier') {
      const name = text(target, this.src);
      return this.jobs.find((j) => j.variable === name)?.name ?? name;
    }
    if (target.type === 'call' && this.names.resolve(fieldOf(target, 'function'), this.src) === 'define_asset_job') {
      const args = this.args(target);
      return stringValue(args.keywords.get('name') ?? args.positional[0], this.src);
    }
    return undefined;
  }

  /** `[a, "b"]`, `"group:x"`, `AssetSelection.assets(a)` / `.keys(...)` / `.groups(...)` / `.all()`, unions with `|`. */
  private selection(node: PySyntax | undefined, what: string): PythonSelection {
    const out = { keys: [] as AssetKey[], names: [] as string[], groups: [] as string[], all: false };
    if (!node) return out;
    const add = (n: PySyntax): boolean => {
      const s = stringValue(n, this.src);
      if (s !== undefined) {
        if (s === '*') out.all = true;
        else if (s.startsWith('group:')) out.groups.push(s.slice(6));
        else if (s.startsWith('key:')) out.keys.push(splitKey(s.slice(4)));
        else if (/^[\w/]+$/.test(s)) out.keys.push(splitKey(s));
        else return false;
        return true;
      }
      if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') return n.children.every((c) => this.keyInto(c, out));
      if (n.type === 'binary_operator') {
        const left = fieldOf(n, 'left');
        const right = fieldOf(n, 'right');
        const operator = left && right ? this.src.slice(left.end, right.start).trim() : '';
        return operator === '|' && add(left!) && add(right!);
      }
      if (n.type === 'call') {
        const called = this.names.resolve(fieldOf(n, 'function'), this.src);
        const items = fieldOf(n, 'arguments')?.children ?? [];
        if (called === 'AssetSelection.all') out.all = true;
        else if (called === 'AssetSelection.groups') {
          const groups = items.map((c) => stringValue(c, this.src));
          if (groups.some((g) => g === undefined)) return false;
          out.groups.push(...(groups as string[]));
        } else if (called === 'AssetSelection.assets' || called === 'AssetSelection.keys') {
          return items.every((c) => this.keyInto(c, out));
        } else return false;
        return true;
      }
      return false;
    };
    if (!add(node)) this.unsee(node, `${what}: its selection is not statically visible; its assets are not marked`);
    return out;
  }

  private keyInto(node: PySyntax, out: { keys: AssetKey[]; names: string[] }): boolean {
    const target = this.keyOrName(node);
    if (!target) return false;
    if ('key' in target) out.keys.push(target.key);
    else out.names.push(target.name);
    return true;
  }

  // ---- pieces of a definition --------------------------------------------

  /**
   * Literals Dagster refuses when it loads the file (`key=42`, `group_name=[1]`,
   * `deps="a"`): each a problem at its argument. False when the asset cannot be read.
   */
  private argumentsHaveTheirTypes(kw: ReadonlyMap<string, PySyntax>): boolean {
    const bad = (node: PySyntax, message: string) =>
      this.problems.push({ ...this.loc(node), severity: 'error', code: 'python.invalid-argument', message });
    let readable = true;
    for (const name of ['key', 'key_prefix'] as const) {
      const node = kw.get(name);
      if (node && isWrongLiteral(node, 'key')) {
        bad(node, `${name}= must be a string, a list of strings or AssetKey([...]), not ${abbreviate(text(node, this.src))}.`);
        readable = false;
      }
    }
    for (const name of ['name', 'group_name', 'description'] as const) {
      const node = kw.get(name);
      if (node && isWrongLiteral(node, 'string')) bad(node, `${name}= must be a string, not ${abbreviate(text(node, this.src))}.`);
    }
    const deps = kw.get('deps');
    if (deps && (deps.type === 'string' || deps.type === 'concatenated_string' || isWrongLiteral(deps, 'list'))) {
      bad(deps, `deps= must be a list of assets or keys, e.g. deps=[${abbreviate(text(deps, this.src))}], not ${abbreviate(text(deps, this.src))}.`);
    }
    return readable;
  }

  /** `key=`, else `key_prefix=` + `name=`, else the default name. */
  private assetKey(kw: ReadonlyMap<string, PySyntax>, defaultName: string, at: PySyntax): AssetKey | undefined {
    const keyNode = kw.get('key');
    if (keyNode) {
      const target = this.keyOrName(keyNode);
      if (target && 'key' in target) return target.key;
      this.unsee(at, `asset ${defaultName}: its key is computed; not shown`);
      return undefined;
    }
    const prefixNode = kw.get('key_prefix');
    let prefix: string[] = [];
    if (prefixNode) {
      const value = this.constant(prefixNode);
      const single = stringValue(value, this.src);
      const list = stringList(value, this.src);
      if (single === undefined && list === undefined) {
        this.unsee(at, `asset ${defaultName}: its key prefix is computed; not shown`);
        return undefined;
      }
      prefix = single !== undefined ? splitKey(single) : list!;
    }
    const nameNode = kw.get('name');
    const name = nameNode ? stringValue(this.constant(nameNode), this.src) : defaultName;
    if (name === undefined) {
      this.unsee(at, `asset ${defaultName}: its name is computed; not shown`);
      return undefined;
    }
    return [...prefix, name];
  }

  /** A key as written: a string, a list of parts, `AssetKey(...)`, `AssetDep(...)`, a spec, or a Python name. */
  private keyOrName(node: PySyntax): KeyOrName | undefined {
    const value = this.constant(node);
    const s = stringValue(value, this.src);
    if (s !== undefined) return { key: splitKey(s) };
    const parts = stringList(value, this.src);
    if (parts) return parts.length > 0 ? { key: parts } : undefined;
    if (value.type === 'identifier') return { name: text(value, this.src) };
    if (value.type === 'attribute') {
      // `spec.key`, `my_asset.key`
      const object = fieldOf(value, 'object');
      const attribute = fieldOf(value, 'attribute');
      if (object?.type === 'identifier' && attribute && text(attribute, this.src) === 'key') {
        return { name: text(object, this.src) };
      }
      return undefined;
    }
    if (value.type !== 'call') return undefined;
    const called = this.names.resolve(fieldOf(value, 'function'), this.src);
    const args = this.args(value);
    const first = args.positional[0];
    switch (called) {
      case 'AssetKey': {
        const arg = first ?? args.keywords.get('path');
        const v = arg ? this.constant(arg) : undefined;
        const one = stringValue(v, this.src);
        if (one !== undefined) return { key: [one] };
        const list = stringList(v, this.src);
        return list && list.length > 0 ? { key: list } : undefined;
      }
      case 'AssetKey.from_user_string': {
        const one = stringValue(first, this.src);
        return one === undefined ? undefined : { key: splitKey(one) };
      }
      case 'AssetDep':
      case 'AssetIn': {
        const arg = args.keywords.get(called === 'AssetDep' ? 'asset' : 'key') ?? first;
        return arg ? this.keyOrName(arg) : undefined;
      }
      case 'AssetSpec':
      case 'SourceAsset': {
        const arg = args.keywords.get('key') ?? first;
        return arg ? this.keyOrName(arg) : undefined;
      }
      default:
        return undefined;
    }
  }

  private deps(list: PySyntax | undefined, origin: DependencyOrigin): DepDraft[] {
    if (!list) return [];
    const items =
      list.type === 'list' || list.type === 'tuple' || list.type === 'set' ? list.children : [list];
    const out: DepDraft[] = [];
    for (const item of items) {
      const inner = item.type === 'list_splat' ? item.children[0] : item;
      const target = inner ? this.keyOrName(inner) : undefined;
      if (target) out.push({ target, origin, location: this.loc(item) });
      else this.unsee(item, `a dependency written as ${abbreviate(text(item, this.src))} is not statically visible`);
    }
    return out;
  }

  /** `ins={"trips": AssetIn(key=...)}`: the dependencies, and the parameter names they account for. */
  private ins(dict: PySyntax | undefined): { deps: DepDraft[]; names: Set<string> } {
    const deps: DepDraft[] = [];
    const names = new Set<string>();
    if (dict?.type !== 'dictionary') return { deps, names };
    for (const pair of dict.children) {
      if (pair.type !== 'pair') continue;
      const name = stringValue(fieldOf(pair, 'key'), this.src);
      const value = fieldOf(pair, 'value');
      if (name === undefined || !value) continue;
      names.add(name);
      let target: KeyOrName | undefined = { key: [name] };
      if (value.type === 'call' && this.names.resolve(fieldOf(value, 'function'), this.src) === 'AssetIn') {
        const args = this.args(value);
        const keyNode = args.keywords.get('key') ?? args.positional[0];
        const prefix = args.keywords.get('key_prefix');
        if (keyNode) target = this.keyOrName(keyNode);
        else if (prefix) {
          const single = stringValue(this.constant(prefix), this.src);
          const list = stringList(this.constant(prefix), this.src);
          const parts = single !== undefined ? splitKey(single) : list;
          target = parts ? { key: [...parts, name] } : undefined;
        }
      }
      if (target) deps.push({ target, origin: 'ins', location: this.loc(pair) });
      else this.unsee(pair, `input ${name}: its asset key is computed; not shown`);
    }
    return { deps, names };
  }

  /** The function's parameters that stand for upstream assets. */
  private parameters(fn: PySyntax, kw: ReadonlyMap<string, PySyntax>, insNames: ReadonlySet<string>): DepDraft[] {
    const params = fieldOf(fn, 'parameters');
    if (!params) return [];
    const resourceKeys = new Set(stringList(kw.get('required_resource_keys'), this.src) ?? []);
    const out: DepDraft[] = [];
    params.children.forEach((p, index) => {
      let nameNode: PySyntax | undefined;
      let typeNode: PySyntax | undefined;
      if (p.type === 'identifier') nameNode = p;
      else if (p.type === 'typed_parameter') {
        nameNode = p.children.find((c) => c.type === 'identifier' && c.field !== 'type');
        typeNode = fieldOf(p, 'type');
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        nameNode = fieldOf(p, 'name');
        typeNode = fieldOf(p, 'type');
      }
      if (!nameNode || nameNode.type !== 'identifier') return; // *args, **kwargs, separators
      const name = text(nameNode, this.src);
      if (NOT_INPUTS.has(name) || insNames.has(name) || resourceKeys.has(name)) return;
      const annotation = typeNode ? text(typeNode, this.src) : undefined;
      if (annotation !== undefined && isResourceOrContext(annotation)) return;
      // Dagster passes the context first whatever its name, when it is not an input.
      if (index === 0 && /context/i.test(name)) return;
      const dep: DepDraft = { target: { key: [name] }, origin: 'parameter', location: this.loc(nameNode) };
      out.push(annotation !== undefined ? { ...dep, annotation } : dep);
    });
    return out;
  }

  private kinds(kw: ReadonlyMap<string, PySyntax>): string[] | undefined {
    const kinds = stringList(kw.get('kinds'), this.src);
    if (kinds && kinds.length > 0) return kinds;
    const computeKind = stringValue(kw.get('compute_kind'), this.src);
    return computeKind !== undefined ? [computeKind] : undefined;
  }

  private dagsterInfo(kw: ReadonlyMap<string, PySyntax>, kinds: readonly string[] | undefined): Omit<DagsterAssetInfo, 'file'> {
    const automation = kw.get('automation_condition');
    return {
      ...(kinds ? { kinds } : {}),
      ...(kw.has('partitions_def') && kw.get('partitions_def')?.type !== 'none' ? { partitioned: true } : {}),
      ...(automation ? { automationCondition: text(automation, this.src) } : {}),
    };
  }

  private docstring(fn: PySyntax): string | undefined {
    const first = fieldOf(fn, 'body')?.children[0];
    if (!first) return undefined;
    const raw = this.excerpt.docstrings.get(this.rowOf(first.start));
    const doc = raw !== undefined ? literalValue(raw) : first.type === 'expression_statement' ? stringValue(first.children[0], this.src) : undefined;
    return doc === undefined ? undefined : cleanDocstring(doc);
  }

  // ---- helpers -----------------------------------------------------------

  private args(call: PySyntax): Args {
    const positional: PySyntax[] = [];
    const keywords = new Map<string, PySyntax>();
    const list = fieldOf(call, 'arguments');
    for (const c of list?.children ?? []) {
      if (c.type === 'keyword_argument') {
        const name = fieldOf(c, 'name');
        const value = fieldOf(c, 'value');
        if (name && value) keywords.set(text(name, this.src), value);
      } else if (c.type !== 'comment') {
        positional.push(c);
      }
    }
    return { positional, keywords };
  }

  /** A module-level constant the name refers to (`PREFIX = "raw"`), else the node itself. */
  private constant(node: PySyntax): PySyntax {
    if (node.type !== 'identifier') return node;
    return this.constants.get(text(node, this.src)) ?? node;
  }

  /** Whether a subtree defines assets (a Dagster decorator or spec call somewhere inside). */
  private definesAssets(node: PySyntax): boolean {
    if (node.type === 'call' || node.type === 'decorator') {
      const fn = node.type === 'call' ? fieldOf(node, 'function') : node.children[0];
      const target = fn?.type === 'call' ? fieldOf(fn, 'function') : fn;
      const called = this.names.resolve(target, this.src);
      if (called !== undefined && DEFINING_CALLS.has(called)) return true;
    }
    return node.children.some((c) => this.definesAssets(c));
  }

  private nameOf(fn: PySyntax): string {
    const name = fieldOf(fn, 'name');
    return name ? text(name, this.src) : '?';
  }

  private addAsset(pythonName: string, draft: AssetDraft): void {
    this.assets.push(draft);
    this.bindings.set(pythonName, [draft.key]);
  }

  private hashOf(node: PySyntax): string {
    const row = this.rowOf(node.start);
    const extent = this.excerpt.statements.get(row);
    return sha1Hex(extent ? this.original.slice(extent.start, extent.end) : text(node, this.src));
  }

  private rowOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private loc(node: PySyntax): SourceLocation {
    const row = this.rowOf(node.start);
    const endRow = this.rowOf(node.end);
    return {
      file: this.file,
      line: (this.excerpt.rows[row] ?? row) + 1,
      column: node.start - this.lineStarts[row]! + 1,
      endLine: (this.excerpt.rows[endRow] ?? endRow) + 1,
      endColumn: node.end - this.lineStarts[endRow]! + 1,
    };
  }

  private unsee(node: PySyntax, what: string): void {
    this.unseen.push(`${this.file}:${this.loc(node).line}: ${what}`);
  }

  // ---- result ------------------------------------------------------------

  private finish(): PythonFileDiscovery {
    for (const [variable, specs] of this.specVariables) {
      this.bindings.set(
        variable,
        specs.map((s) => s.asset.key),
      );
    }
    const module = this.assets.length > 0 || this.specs.length > 0 ? dagsterModuleFor(this.file) : undefined;
    const drafts = [...this.assets, ...this.specs.filter((s) => !s.consumed).map((s) => s.asset)];
    const nameRefs: { asset: number; dep: number; name: string }[] = [];
    const annotatedParameters: { asset: number; dep: number; annotation: string }[] = [];
    const assets: AssetDefinition[] = drafts.map((draft, assetIndex) => {
      const deps: DependencyRef[] = [];
      const seenDeps = new Set<string>();
      for (const d of draft.deps) {
        const keys: readonly AssetKey[] =
          'key' in d.target ? [d.target.key] : (this.bindings.get(d.target.name) ?? [[d.target.name]]);
        // deps=["a"] * 100_000 written out is one dependency (and one problem if it is missing).
        const ids = keys.map((k) => `${d.origin}\u0000${k.join('/')}`);
        if (ids.every((id) => seenDeps.has(id))) continue;
        for (const id of ids) seenDeps.add(id);
        if ('name' in d.target && !this.bindings.has(d.target.name)) {
          nameRefs.push({ asset: assetIndex, dep: deps.length, name: d.target.name });
        }
        if (d.annotation !== undefined) {
          annotatedParameters.push({ asset: assetIndex, dep: deps.length, annotation: d.annotation });
        }
        for (const key of keys) deps.push({ key, origin: d.origin, location: d.location });
      }
      const dagster: DagsterAssetInfo = { file: this.file, ...(module ? { module } : {}), ...draft.dagster };
      return {
        key: draft.key,
        source: 'dagster',
        location: draft.location,
        ...(draft.group !== undefined ? { group: draft.group } : {}),
        ...(draft.kinds?.[0] !== undefined ? { kind: draft.kinds[0] } : {}),
        ...(draft.description !== undefined ? { description: draft.description } : {}),
        deps,
        checks: [],
        definitionHash: draft.definitionHash,
        dagster,
      };
    });
    const checkRefs: { check: number; name: string }[] = [];
    const detachedChecks: { asset: AssetKey; check: CheckDefinition }[] = [];
    for (const { target, check } of this.checks) {
      const keys = 'key' in target ? [target.key] : this.bindings.get(target.name);
      if (keys) {
        for (const asset of keys) detachedChecks.push({ asset, check });
      } else if ('name' in target) {
        checkRefs.push({ check: detachedChecks.length, name: target.name });
        detachedChecks.push({ asset: [target.name], check });
      }
    }
    if (this.errorAt !== undefined) {
      // Dagster cannot load the file either; what was read around the error may be wrong or missing.
      const nothing = assets.length === 0 && detachedChecks.length === 0;
      this.problems.push({
        ...this.loc({ type: 'ERROR', field: null, start: this.errorAt, end: this.errorAt, children: [] }),
        severity: 'warning',
        code: 'python.syntax',
        message: nothing
          ? 'Python syntax error: Asset Studio could not read any Dagster definition from this file. Fix the syntax to see its assets.'
          : 'Python syntax error: Dagster cannot load this file, and the definitions around here may be read wrongly. Fix the syntax.',
      });
    }
    const python: PythonFacts = {
      classes: this.classes,
      bindings: [...this.bindings].map(([name, keys]) => ({ name, keys })),
      nameRefs,
      checkRefs,
      annotatedParameters,
      jobs: this.jobs,
      schedules: this.schedules,
    };
    return {
      file: this.file,
      assets,
      ...(detachedChecks.length > 0 ? { detachedChecks } : {}),
      problems: this.problems,
      ...(this.unseen.length > 0 ? { unseen: this.unseen } : {}),
      python,
    };
  }
}

/** Where the first ERROR or MISSING node starts, following only the children that hold an error. */
function firstSyntaxError(node: Node): number | undefined {
  for (let at: Node | null = node; at; ) {
    if (at.isError || at.isMissing) return at.startIndex;
    let next: Node | null = null;
    for (const c of at.children) {
      if (c && (c.hasError || c.isMissing)) {
        next = c;
        break;
      }
    }
    if (!next) return at.startIndex;
    at = next;
  }
  return undefined;
}

const SCALAR_LITERALS = new Set(['integer', 'float', 'true', 'false', 'none']);

/**
 * A literal of a type the argument never takes. Names, calls and attributes are
 * left alone: their value is not known here.
 */
function isWrongLiteral(node: PySyntax, want: 'key' | 'string' | 'list'): boolean {
  if (SCALAR_LITERALS.has(node.type) || node.type === 'dictionary') return true;
  const isList = node.type === 'list' || node.type === 'tuple';
  switch (want) {
    case 'string':
      return isList || node.type === 'set';
    case 'list':
      return false;
    case 'key':
      return isList && node.children.some((c) => SCALAR_LITERALS.has(c.type) || c.type === 'list' || c.type === 'dictionary');
  }
}

function isConstant(node: PySyntax): boolean {
  return (
    node.type === 'string' ||
    node.type === 'concatenated_string' ||
    ((node.type === 'list' || node.type === 'tuple') && node.children.every((c) => c.type === 'string'))
  );
}

/** Whether an annotation marks a resource, config or context parameter (`DuckDBResource`, `dg.ResourceParam[str]`). */
export function isResourceOrContext(annotation: string): boolean {
  const outer = lastDotted(annotation.split('[')[0]!.trim());
  if (NOT_INPUT_TYPES.has(outer) || outer.endsWith('Resource') || outer.endsWith('IOManager')) return true;
  const inner = /\[(.*)\]/s.exec(annotation)?.[1];
  return (outer === 'Optional' || outer === 'Annotated') && inner !== undefined && isResourceOrContext(inner.split(',')[0]!);
}

export function lastDotted(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(i + 1);
}

/** Dagster's string form of a key: parts joined by `/`. */
function splitKey(s: string): string[] {
  return s.split('/').filter((p) => p.length > 0);
}


function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
