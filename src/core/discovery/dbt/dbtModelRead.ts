// One dbt model as its own file makes it: the ref/source/config calls read into dependencies and
// config, then the asset with the project's folder configs.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AssetDefinition, DependencyRef } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { parseKey } from '../../assetKey';
import type { Problem } from '../../problem';
import type { SourceText } from '../sourceText';
import { folderConfig } from './dbtProjectFile';
import type { DbtProjectSettings } from './dbtProjectFile';
import type { DbtReadState } from './dbtReadState';
import type { JinjaCall, JinjaLiteral } from './jinjaCalls';

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}


export interface ModelRead {
  readonly settings: DbtProjectSettings;
  readonly root: string;
  readonly asset: AssetDefinition;
  readonly enabled: boolean;
  readonly problems: Problem[];
  readonly unseen: string[];
}

/** A model as its file alone makes it (kept by `state` while the text is unchanged). */
export function modelOf(projectDir: string, file: string, root: string, read: SourceText, settings: DbtProjectSettings, state: DbtReadState): ModelRead {
  const hit = state.models.get(read);
  if (hit && hit.settings === settings && hit.root === root) return hit;
  const name = path.basename(file, path.extname(file));
  const folders = path.relative(root, path.dirname(file)).split(path.sep).filter((s) => s !== '' && s !== '.');
  const fromProject = folderConfig(settings.modelsConfig, [settings.name, ...folders, name]);
  const { read: r, hash } = state.facts(file, read.text!);
  const materialized = r.materialized ?? fromProject.materialized ?? 'view';
  const asset: AssetDefinition = {
    key: r.metaKey ?? [name],
    source: 'dbt',
    location: { file, line: 1, column: 1 },
    group: r.group ?? (folders.length > 0 ? folders[folders.length - 1] : settings.name),
    kind: materialized,
    deps: r.deps,
    checks: [],
    definitionHash: hash,
    dbt: { projectDir, projectName: settings.name, resourceType: 'model', selector: name, materialized },
  };
  const model = { settings, root, asset, enabled: r.enabled ?? fromProject.enabled ?? true, problems: r.problems, unseen: r.unseen };
  state.models.set(read, model);
  return model;
}

function str(v: JinjaLiteral | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export interface ReadCalls {
  deps: DependencyRef[];
  materialized?: string;
  enabled?: boolean;
  group?: string;
  metaKey?: AssetKey;
  problems: Problem[];
  unseen: string[];
}

/** Turns the ref/source/config calls of one model into dependencies and config. */
export function readCalls(file: string, calls: readonly JinjaCall[], from = 0, to = Number.MAX_SAFE_INTEGER): ReadCalls {
  const r: ReadCalls = { deps: [], problems: [], unseen: [] };
  for (const c of calls) {
    if (c.line < from || c.line > to) continue;
    const location = { file, line: c.line, column: c.column, endLine: c.endLine, endColumn: c.endColumn };
    const where = `${path.basename(file)}:${c.line}`;
    if (c.unclosed) {
      r.problems.push({ ...location, severity: 'error', code: 'dbt.jinja.unclosed', message: `${c.name}( is not closed: end the call with ')' before '}}', e.g. {{ ${c.name}('…') }}. dbt cannot render this model.` });
      continue;
    }
    if (c.name === 'ref') {
      // ref('m'), ref('pkg', 'm'), ref('m', v=2): the model is the last positional argument.
      const name = str(c.args[c.args.length - 1]);
      if (c.args.length < 1 || c.args.length > 2 || !name || (c.args.length === 2 && !str(c.args[0]))) {
        if (c.dynamic) r.unseen.push(`dynamic ref(...) at ${where}`);
        else r.problems.push({ ...location, severity: 'warning', code: 'dbt.ref.invalid', message: "ref() takes a model name: {{ ref('model') }} or {{ ref('package', 'model') }}" });
        continue;
      }
      r.deps.push({ key: [name], origin: 'dbt-ref', location });
    } else if (c.name === 'source') {
      const s = str(c.args[0]);
      const t = str(c.args[1]);
      if (c.args.length !== 2 || !s || !t) {
        if (c.dynamic) r.unseen.push(`dynamic source(...) at ${where}`);
        else r.problems.push({ ...location, severity: 'warning', code: 'dbt.source.invalid', message: "source() takes a source and a table: {{ source('raw', 'taxi_trips') }}" });
        continue;
      }
      r.deps.push({ key: [s, t], origin: 'dbt-source', location });
    } else if (c.name === 'config') {
      const m = c.kwargs.materialized;
      if (typeof m === 'string') r.materialized = m;
      if (typeof c.kwargs.enabled === 'boolean') r.enabled = c.kwargs.enabled;
      const meta = c.kwargs.meta as Record<string, JinjaLiteral> | undefined;
      const dagster = meta && typeof meta === 'object' ? (meta.dagster as Record<string, JinjaLiteral> | undefined) : undefined;
      if (dagster && typeof dagster === 'object') {
        const k = dagster.asset_key;
        if (typeof k === 'string') r.metaKey = parseKey(k);
        else if (Array.isArray(k) && k.length > 0 && k.every((p) => typeof p === 'string')) r.metaKey = k as string[];
        if (typeof dagster.group === 'string') r.group = dagster.group;
      }
      if (typeof c.kwargs.group === 'string' && !r.group) r.group = c.kwargs.group;
    }
  }
  return r;
}
