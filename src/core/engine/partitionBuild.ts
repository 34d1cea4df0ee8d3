import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import type { BuildContext } from './buildContext';
import { Cancelled, messageOf } from './buildContext';
import { failedChecksText, runChecks } from './assetChecksRun';
import type { CheckResult } from './checkQueries';
import type { AssetRunResult, PartitionRunResult } from './engineEvents';
import type { PartitionSlice } from './partitionRange';
import { partitionOf, partitionRange } from './partitionRange';
import { selectSql, tableExists } from './relationStatements';
import { quoteIdent, quoteLiteral } from './sqlIdentifiers';
import { donePartitions, savePartitionSql } from './stateStore';

/** Partitions (docs/materialization.md): each partition its own transaction, in order; stops at the first failure, finished ones stay. */
export async function buildPartitions(b: BuildContext, elapsed: () => number): Promise<AssetRunResult> {
  const { node, body, relation, session, run: ctx } = b;
  const spec = body.partition!;
  const choice = ctx.opts.partitions ?? {};
  let slices: PartitionSlice[];
  let resume = true;
  if (choice.partition) {
    slices = [partitionOf(spec, choice.partition)];
    resume = false;
  } else {
    slices = partitionRange(spec, choice.from, choice.to, ctx.opts.today);
  }
  const hash = node.definition.definitionHash;
  const done = resume ? await donePartitions(session.conn, node.id, hash) : new Set<string>();
  const results: PartitionRunResult[] = [];
  let total = 0;
  let lastChecks: CheckResult[] = [];
  // Asked once, at the first partition to run: after that partition commits, the table is there.
  let exists: boolean | undefined;
  for (const slice of slices) {
    if (done.has(slice.start)) continue;
    const bound: TemplateValues = {
      ...b.templates,
      partition_start: `CAST(${quoteLiteral(slice.start)} AS DATE)`,
      partition_end: `CAST(${quoteLiteral(slice.end)} AS DATE)`,
    };
    const sliceBuild: BuildContext = { ...b, templates: bound };
    let rows: number | null = null;
    const failed = (error: string, extra: Partial<AssetRunResult> = {}): Promise<AssetRunResult> => {
      results.push({ start: slice.start, status: 'failed', rows, error });
      return session.fail(error, { rows: total, durationMs: elapsed(), checks: lastChecks, partitions: results, ...extra });
    };
    try {
      session.begin();
      exists ??= await tableExists(sliceBuild);
      if (!exists) {
        rows = await session.exec(`CREATE TABLE ${relation} AS\n${await selectSql(sliceBuild)}`);
      } else {
        const col = quoteIdent(spec.column);
        await session.exec(`DELETE FROM ${relation} WHERE ${col} >= ${bound.partition_start} AND ${col} < ${bound.partition_end}`);
        rows = await session.exec(`INSERT INTO ${relation} BY NAME\n${await selectSql(sliceBuild)}`);
      }
      const checked = await runChecks(sliceBuild);
      lastChecks = checked.results;
      if (checked.aborted) return await failed(`partition ${slice.start}: ${checked.aborted}; rolled back`);
      const blocking = lastChecks.filter((c) => !c.passed && c.blocking && c.severity === 'error');
      if (blocking.length > 0) {
        return await failed(`partition ${slice.start} blocked by ${failedChecksText(blocking)}; rolled back`, { blockedBy: blocking.map((c) => c.name) });
      }
      await session.exec(savePartitionSql(node.id, slice.start, rows, hash, ctx.runId));
      await session.commit();
      exists = true;
      total += rows;
      results.push({ start: slice.start, status: 'success', rows });
    } catch (err) {
      rows = null;
      const error = `partition ${slice.start}: ${err instanceof Cancelled ? 'cancelled; rolled back' : messageOf(err)}`;
      return failed(error, { location: { file: node.definition.location.file, line: body.sqlLine, column: 1 } });
    }
  }
  return { key: node.id, status: 'success', rows: total, durationMs: elapsed(), checks: lastChecks, partitions: results };
}
