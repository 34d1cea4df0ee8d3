import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { TargetConnectionError } from '../engine/targetConnection';
import { CompareRefused, compareAsset, previewPromotion } from './compareTargets';
import { RelationDiffError } from './relationDiff';
import type { RelationDiff } from './relationDiff';
import { promotionPreviewReport, relationDiffReport } from './diffReport';

export interface CompareReportRequest {
  readonly root: string;
  readonly graph: AssetGraph;
  readonly from: TargetConfig;
  readonly to: TargetConfig;
  /** One asset, compared row by row… */
  readonly asset?: string;
  /** …or a selection, previewed as a promotion. */
  readonly selections?: readonly string[];
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The editor's compare: the report as Markdown, or (ok false) a page saying
 * what went wrong — the target, the relation, what to do. Never throws for
 * what the user can fix; never writes either target.
 */
export interface CompareReport {
  readonly ok: boolean;
  readonly markdown: string;
  /** One asset's diff, for the data panel to draw. */
  readonly diff?: RelationDiff;
  /** What kept the compare from being made (ok false), in one sentence. */
  readonly problem?: string;
}

export async function compareTargets(request: CompareReportRequest): Promise<CompareReport> {
  const workspace = { root: request.root, graph: request.graph, targets: { targets: [request.from, request.to] } };
  const opts = { token: request.token, env: request.env };
  const title = request.asset ?? (request.selections ?? []).join(' ');
  try {
    if (request.asset !== undefined) {
      const diff = await compareAsset(workspace, request.asset, request.from.name, request.to.name, opts);
      return { ok: true, markdown: relationDiffReport(diff, request.asset), diff };
    }
    const preview = await previewPromotion(workspace, request.selections ?? ['*'], request.from.name, request.to.name, opts);
    return { ok: true, markdown: promotionPreviewReport(preview) };
  } catch (err) {
    if (err instanceof CompareRefused || err instanceof RelationDiffError || err instanceof TargetConnectionError) {
      return { ok: false, problem: err.message, markdown: `# ${title}: ${request.from.name} → ${request.to.name}\n\nThe compare could not be made: ${err.message}\n\nNothing was written to either target.\n` };
    }
    throw err;
  }
}
