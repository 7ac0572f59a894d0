// The staged import path, for formats that fill staging tables (FormatImporter.load): the format
// reads its file into temp tables stage_flows and stage_rejects of the import's connection, the
// stage is judged in SQL (stage-validate.ts, shared with the live imports of src/engine/follow),
// and the good rows, the rejects and the imports row are written to the case in one transaction.
// Its sibling for formats whose read is one SELECT is direct-write.ts; pipeline.ts picks one.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportFileSummary } from '../../shared/model';
import { one } from '../store/sql';
import { insertStagedFlowsSql, validateStage } from './stage-validate';
import { STAGE_COLUMNS } from './types';
import {
  checkUnchanged,
  finishImport,
  lapTimer,
  loadContext,
  nextIds,
  refuseDuplicate,
  type Step,
  type WriteStrategy,
} from './write-step';

export const stageWrite: WriteStrategy = { write };

/**
 * Reading and validating touch only temp tables of this connection (outside the transaction, so
 * stage rowids are plain 0..n-1 ordinals); the writes to the case happen in one transaction.
 */
async function write(
  conn: DuckDBConnection,
  step: Step,
): Promise<Omit<ImportFileSummary, 'seconds'>> {
  const { abs, st, format, options, job } = step;
  const { timings, lap } = lapTimer();
  await conn.run(`CREATE TEMP TABLE stage_flows (${STAGE_COLUMNS})`);
  await conn.run('CREATE TEMP TABLE stage_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)');
  const result = await format.load!(loadContext(conn, step));
  lap('load');
  job.checkCancelled();
  const scan = await step.scan;
  lap('scan_wait');
  checkUnchanged(abs, st);

  step.setPhase('validate');
  const v = await validateStage(conn, {
    timeWindow: options.timeWindow,
    lineOf: result.lineOf,
    checkCancelled: () => job.checkCancelled(),
    lap,
  });
  const bad = v.bad;

  lap('validate');
  step.setPhase('write');
  await conn.run('BEGIN TRANSACTION');
  await refuseDuplicate(conn, abs, scan.sha256, options.allowDuplicate);
  const ids = await nextIds(conn);
  const importId = ids.importId;
  await conn.run(insertStagedFlowsSql(v), [ids.base, importId]);
  lap('flows');
  job.checkCancelled();
  const staged = (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM stage_flows'))!.n;
  return finishImport(conn, step, { importId, rowsRead: staged - bad, result, scan, timings, lap });
}
