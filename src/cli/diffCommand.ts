import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { TargetConnectionError } from '../core/engine/targetConnection';
import { parseSelection } from '../core/engine/selection';
import { CompareRefused, compareAsset, previewPromotion } from '../core/diff/compareTargets';
import type { PromotionPreview } from '../core/diff/compareTargets';
import { RelationDiffError } from '../core/diff/relationDiff';
import type { RelationDiff } from '../core/diff/relationDiff';
import { promotionPreviewReport, relationDiffReport } from '../core/diff/diffReport';
import { isFolder } from './listCommand';

/**
 * `asset-studio diff SELECTION --from A --to B [--key COL…] [--json]`: one asset
 * compared row by row, or (`+KEY`, `KEY+`, `group:NAME`, `*`, several keys) the
 * promotion preview of every selected asset. Reads both targets, writes neither.
 */
export async function runDiffCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  const json = args.flags.get('json') === true;
  const to = flagString(args, 'to');
  if (args.positionals.length === 0 || !to) {
    io.stderr.write('asset-studio diff: give a SELECTION and the target to compare with, e.g. asset-studio diff analytics.daily_trips --from dev --to prod\n');
    return 2;
  }
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio diff: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  const key = (flagString(args, 'key') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const workspace = await loadWorkspace(root, io.env);
  const from = flagString(args, 'from') ?? workspace.targets.defaultTarget;
  const terms = args.positionals.flatMap((p) => parseSelection(p));
  const single = terms.length === 1 && terms[0]!.kind === 'asset' && !terms[0]!.upstream && !terms[0]!.downstream ? terms[0]!.text : undefined;
  const opts = { key, env: io.env };
  try {
    if (single !== undefined) {
      const diff = await compareAsset(workspace, single, from, to, opts);
      io.stdout.write(json ? `${JSON.stringify(relationDiffJson(diff), null, 2)}\n` : relationDiffReport(diff, single));
      return 0;
    }
    const preview = await previewPromotion(workspace, args.positionals, from, to, opts);
    io.stdout.write(json ? `${JSON.stringify(promotionPreviewJson(preview), null, 2)}\n` : promotionPreviewReport(preview));
    return preview.assets.some((a) => a.status === 'error') ? 1 : 0;
  } catch (err) {
    if (err instanceof CompareRefused) {
      io.stderr.write(`asset-studio diff: ${err.message}\n`);
      return 2;
    }
    if (err instanceof RelationDiffError || err instanceof TargetConnectionError) {
      io.stderr.write(`asset-studio diff: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** The JSON, exactly these fields; counts are numbers (`changed` is null without a key). */
export function relationDiffJson(diff: RelationDiff): unknown {
  return {
    from: diff.from,
    to: diff.to,
    relation: diff.relation,
    key: diff.key,
    schema: diff.schema,
    rows: {
      from: diff.rows.from,
      to: diff.rows.to,
      only_in_from: diff.rows.onlyInFrom,
      only_in_to: diff.rows.onlyInTo,
      changed: diff.rows.changed,
    },
    changed_columns: diff.changedColumns,
    samples: diff.samples,
  };
}

/** One entry per asset: its row delta (from − to), schema changes and changed rows; `diff` is null when it was not compared. */
export function promotionPreviewJson(preview: PromotionPreview): unknown {
  return {
    from: preview.from,
    to: preview.to,
    assets: preview.assets.map((a) => ({
      key: a.key,
      relation: a.relation ?? null,
      status: a.status,
      rows: a.diff
        ? {
            from: a.diff.rows.from,
            to: a.diff.rows.to,
            delta: a.diff.rows.from - a.diff.rows.to,
            only_in_from: a.diff.rows.onlyInFrom,
            only_in_to: a.diff.rows.onlyInTo,
            changed: a.diff.rows.changed,
          }
        : null,
      schema: a.diff?.schema ?? null,
      key_columns: a.diff?.key ?? null,
      error: a.error ?? null,
    })),
  };
}
