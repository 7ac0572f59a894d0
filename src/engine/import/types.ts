// The importer plug-in contract. Each format is one file (or folder) in src/engine/import/formats/
// and registers in formats/index.ts. A format only *reads*: either load() fills the staging table
// `stage_flows` (and `stage_rejects` for lines it could not read) on the import's connection, or,
// when its read is one SELECT, direct() hands that SELECT over (see DirectRead). The shared
// pipeline (pipeline.ts, with stage-write.ts or direct-write.ts) validates fields, assigns ids,
// writes flows, rejects and the imports row inside one transaction, so a failed or cancelled
// import leaves the case as before.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { JobContext } from '../core/job';
import type { TimeWindow } from './time-window';
import type { ReasonOptions } from './validate-sql';

/**
 * Staging columns every format writes (temp table created by the pipeline before load()):
 *   line BIGINT          1-based line number in the source file (record number for binary input)
 *   ts TIMESTAMP         flow start, UTC (formats convert zone-less times with ctx.tz)
 *   ts_end TIMESTAMP     flow end or NULL
 *   proto VARCHAR        lower-case name: tcp, udp, icmp, icmp6, or the number as text
 *   state VARCHAR        normalised: new|connecting|established|closing|closed|reset|other
 *   state_raw VARCHAR    the source's own state text
 *   src_ip VARCHAR, dst_ip VARCHAR   as in the source (validated by the pipeline)
 *   src_port BIGINT, dst_port BIGINT (validated 0..65535 by the pipeline; NULL allowed)
 *   src_bytes BIGINT, dst_bytes BIGINT (validated >= 0; NULL -> 0)
 *   src_pkts BIGINT, dst_pkts BIGINT  NULL when unknown
 *   label VARCHAR        the source's label column, if any
 *   raw VARCHAR          the source line (for a reject message if validation fails), may be NULL
 *                        when the format can rebuild it cheaply; the pipeline then prints the fields
 * stage_rejects(line BIGINT, raw VARCHAR, reason VARCHAR): lines the format itself could not read.
 */
export const STAGE_COLUMNS = `
  line BIGINT, ts TIMESTAMP, ts_end TIMESTAMP, proto VARCHAR, state VARCHAR, state_raw VARCHAR,
  src_ip VARCHAR, src_port BIGINT, dst_ip VARCHAR, dst_port BIGINT,
  src_bytes BIGINT, dst_bytes BIGINT, src_pkts BIGINT, dst_pkts BIGINT, label VARCHAR, raw VARCHAR`;

/**
 * read_csv options for a flow file of this many bytes: a 16 MB buffer from 64 MB up, DuckDB's
 * default below. Typed read of seed files into a table, alternating runs on 2 cores:
 * 77 MB (1M flows) 0.68-0.84 s against 1.21-1.42 s with the default; 765 MB (10M flows)
 * 4.6-6.8 s against 6.8-9.2 s. Smaller files read no faster with it (11 MB: 0.29-0.42 s against
 * 0.26-0.32 s), and 64 MB buffers were slower than 16 MB at both sizes.
 */
export function csvBufferOption(bytes: number): string {
  return bytes >= 64 * 2 ** 20 ? 'buffer_size = 16777216, ' : '';
}

/** The first bytes of a file (decompressed when gzip) and its first lines, for sniffing. */
export interface FileSample {
  path: string;
  name: string;
  gzip: boolean;
  head: Buffer;
  lines: string[];
}

export interface ImportOptions {
  /** Zone for timestamps that carry none (IANA name); 'UTC' by default. */
  tz?: string;
  /** Column mapping for header CSVs: normalised field -> source column name. */
  mapping?: Partial<Record<MappedField, string>>;
  /** Import even when a file with the same sha256 is already in the case. */
  allowDuplicate?: boolean;
  /**
   * Flows stamped outside this window are rejected (default 1990-01-01..2100-12-31, see
   * time-window.ts): a year 0001 or 9999 is a broken clock or field, not evidence.
   */
  timeWindow?: TimeWindow;
}

export type MappedField =
  | 'ts'
  | 'ts_end'
  | 'duration'
  | 'proto'
  | 'state'
  | 'src_ip'
  | 'src_port'
  | 'dst_ip'
  | 'dst_port'
  | 'src_bytes'
  | 'dst_bytes'
  | 'total_bytes'
  | 'src_pkts'
  | 'dst_pkts'
  | 'total_pkts'
  | 'label';

export interface LoadContext {
  conn: DuckDBConnection;
  path: string;
  sample: FileSample;
  options: ImportOptions;
  tz: string;
  job: JobContext;
  /** File size in bytes, for progress by bytes. */
  size: number;
  /**
   * Added by the pipeline (additive): the streamed scan of the file (sha256, line counts, blank line
   * numbers) that runs while the format loads. Text formats use it for their data line count.
   */
  scan: Promise<FileScan>;
}

/** What the pipeline's own streamed pass over the file (decompressed when gzip) found. */
export interface FileScan {
  sha256: string;
  /** Bytes of the file as stored (compressed size for gzip). */
  bytes: number;
  /** Lines in the (decompressed) text; a last line without a newline counts. */
  lines: number;
  /** Lines that are empty or only "\r": DuckDB's CSV reader skips them, so they are not data. */
  blankLines: number;
  /** 1-based numbers of the blank lines (all of them; they are few in real files). */
  blankLineNumbers: number[];
}

export interface LoadResult {
  /** Data lines seen in the file (header/comment lines excluded): rows staged + lines rejected. */
  dataLines: number;
  /** Anything worth recording in imports.details (mapping used, tool versions, ...). */
  details?: Record<string, unknown>;
  /**
   * Added (additive): for readers that cannot number lines cheaply (DuckDB's read_csv gives rejects
   * line numbers but accepted rows none). When set, stage_flows.line holds a 0-based record ordinal
   * (or NULL: the stage rowid is the ordinal, when the format filled stage_flows in one ordered
   * INSERT), and the pipeline calls lineOf only for the few rows that fail validation.
   */
  lineOf?: (ordinals: number[]) => Promise<number[]>;
  /** The file is not text (a capture): it has records, not lines, and no blank lines to report. */
  binary?: boolean;
  /** The input is incomplete but what it holds was imported (a capture cut mid-packet). */
  warnings?: string[];
}

/**
 * A format whose whole read is one DuckDB SELECT over the file (read_csv) can offer it instead of
 * load(): the pipeline then inserts straight into flows in one pass (no staging copy, see
 * direct-write.ts) and reads the file a second time only when some rows fail validation, to number
 * and explain them. Both SELECTs yield the stage columns except `line` (raw may be NULL), in file
 * order, with no joins (a join in the insert pipeline loses DuckDB's insertion order).
 */
export interface DirectRead {
  /** The read for the insert; the reader keeps its own rejects (store_rejects). */
  select: string;
  /** The same rows for the recheck pass, plus a 1-based `ordinality` column; no reject table. */
  recheck: string;
  params: string[];
  /** After the insert: put the reader's rejects in stage_rejects, count the data lines. */
  finish(): Promise<LoadResult>;
  /** The analyst's message for an error of the read itself (binary input, broken line endings). */
  explain(e: unknown): Error;
  /** Checks the read's own column types already make impossible (see validate-sql.ts Typed). */
  typed?: Typed;
  /** Its counts are UBIGINT, which can exceed flows' BIGINT (see validate-sql.ts). */
  unsignedCounts?: boolean;
  /** The source's names of count fields, for reject messages (see validate-sql.ts). */
  names?: ReasonOptions['names'];
}

/**
 * What a read guarantees by its column types, so the insert's filter may skip those checks
 * (DuckDB does not fold them: a port typed USMALLINT still got tested against 0..65535 per row).
 * The recheck that explains failed rows always runs every check.
 */
export interface Typed {
  /** src_port, dst_port are typed 0..65535 (or NULL). */
  ports: boolean;
  /** src_bytes, dst_bytes are typed >= 0 (or NULL); src_pkts, dst_pkts too, or always NULL. */
  counts: boolean;
  /** state is always one of netsift's states, or NULL. */
  states: boolean;
}

export type FormatImporter = {
  id: string;
  title: string;
  /** 0 = not this format, 1 = certainly this format. Looks only at the sample. */
  sniff(sample: FileSample): number;
} & (
  | { load(ctx: LoadContext): Promise<LoadResult>; direct?: undefined }
  /** A one-pass read (see DirectRead), for formats whose read is one SELECT. */
  | { direct(ctx: LoadContext): DirectRead; load?: undefined }
);
