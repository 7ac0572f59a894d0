// Stages one chunk of a growing text file through its format's own reader: the chunk is a small
// file of the followed file's header lines and then the new complete lines (growing-file.ts
// writes it to the spool), read on a connection of its own exactly as the import pipeline reads
// a whole file (load() into the stage tables, or a direct read staged as is), then judged by the
// pipeline's validation (stage-validate.ts). The format decides from the followed file's sample,
// taken once, so every chunk is read with the same columns and options as the whole file would be.
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { JobContext } from '../core/job';
import { scanFile } from '../import/scan-file';
import { validateStage } from '../import/stage-validate';
import type { TimeWindow } from '../import/time-window';
import {
  STAGE_COLUMNS,
  type FileSample,
  type FormatImporter,
  type ImportOptions,
  type LoadContext,
  type LoadResult,
} from '../import/types';
import type { ReasonOptions } from '../import/validate-sql';
import type { StagedBatch } from './live-import';

export interface ChunkInput {
  /** the chunk file */
  path: string;
  /** lines 1..headerLines of the chunk are the followed file's first lines */
  headerLines: number;
  /** the followed file's line number of the chunk's first line after the header */
  firstLine: number;
  format: FormatImporter;
  /** the followed file's sample (its header and first lines) */
  sample: FileSample;
  options: ImportOptions & { tz: string; timeWindow?: TimeWindow };
}

export interface StagedChunk extends StagedBatch {
  details: Record<string, unknown>;
  blankLines: number;
  lines: number;
}

/** Stages and validates the chunk on `conn` (a fresh connection: temp tables of its own). */
export async function stageChunk(
  conn: DuckDBConnection,
  input: ChunkInput,
  job: JobContext,
): Promise<StagedChunk> {
  const size = fs.statSync(input.path).size;
  const scan = scanFile(input.path, { gzip: false });
  scan.catch(() => undefined);
  const ctx: LoadContext = {
    conn,
    path: input.path,
    sample: { ...input.sample, path: input.path, gzip: false },
    options: input.options,
    tz: input.options.tz,
    job,
    size,
    scan,
  };
  let result: LoadResult;
  let reason: Pick<ReasonOptions, 'unsigned' | 'names'> | undefined;
  if (input.format.load) {
    await conn.run(`CREATE TEMP TABLE stage_flows (${STAGE_COLUMNS})`);
    await conn.run('CREATE TEMP TABLE stage_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)');
    result = await input.format.load(ctx);
  } else {
    // a direct read (the seed CSV) staged with its own column types: its unsigned counts are
    // checked against what flows can hold by the validation, as on the direct path
    const read = input.format.direct(ctx);
    await conn.run('CREATE TEMP TABLE stage_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)');
    try {
      await conn.run(
        `CREATE TEMP TABLE stage_flows AS SELECT NULL::BIGINT AS line, * FROM (${read.select})`,
        read.params,
      );
    } catch (e) {
      throw read.explain(e);
    }
    result = await read.finish();
    reason = { unsigned: read.unsignedCounts, names: read.names };
  }
  job.checkCancelled();
  const s = await scan;
  const validation = await validateStage(conn, {
    timeWindow: input.options.timeWindow,
    lineOf: result.lineOf,
    reason,
    checkCancelled: () => job.checkCancelled(),
  });
  return {
    conn,
    validation,
    dataLines: result.dataLines,
    headerLines: input.headerLines,
    firstLine: input.firstLine,
    details: result.details ?? {},
    blankLines: s.blankLines,
    lines: s.lines,
  };
}
