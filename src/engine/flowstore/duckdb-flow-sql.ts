// The detectors' statements on the case's own DuckDB connection (the job's connection: temp
// tables live with it, interrupt() stops its running statement). The flows are the case's table.
import type { DuckDBConnection } from '@duckdb/node-api';
import { all, run } from '../store/sql';
import { DUCKDB_DETECT } from './dialect-detect';
import { bindsUsed, type Binds, type FlowSql, type TempColumnType } from './flow-sql';

const NAME = /^[a-z_][a-z0-9_]*$/;
const TYPES: Record<TempColumnType, string> = {
  bigint: 'BIGINT',
  double: 'DOUBLE',
  text: 'VARCHAR',
  bool: 'BOOLEAN',
};

export function checkTempName(name: string): string {
  if (!NAME.test(name)) throw new Error(`internal: temp table name ${name}`);
  return name;
}

export class DuckDbFlowSql implements FlowSql {
  readonly d = DUCKDB_DETECT;
  readonly flows = 'flows';
  readonly where = 'duckdb';

  /** `ownsConnection`: close() closes it (else the connection is the caller's, e.g. the job's). */
  constructor(
    readonly conn: DuckDBConnection,
    private readonly opts: { ownsConnection?: boolean } = {},
  ) {}

  rows<T>(sql: string, binds?: Binds): Promise<T[]> {
    return all<T>(this.conn, sql, bindsUsed(sql, binds));
  }

  run(sql: string, binds?: Binds): Promise<void> {
    return run(this.conn, sql, bindsUsed(sql, binds));
  }

  createTemp(name: string, select: string, binds?: Binds): Promise<void> {
    const sql = `CREATE OR REPLACE TEMP TABLE ${checkTempName(name)} AS ${select}`;
    return run(this.conn, sql, bindsUsed(sql, binds));
  }

  async loadTemp(
    name: string,
    columns: [string, TempColumnType][],
    rows: (string | number | boolean | null)[][],
  ): Promise<void> {
    const cols = columns.map(([c, t]) => `${checkTempName(c)} ${TYPES[t]}`).join(', ');
    await run(this.conn, `CREATE OR REPLACE TEMP TABLE ${checkTempName(name)} (${cols})`);
    const app = await this.conn.createAppender(name, 'main', 'temp');
    try {
      for (const row of rows) {
        columns.forEach(([, t], i) => {
          const v = row[i];
          if (v === null || v === undefined) app.appendNull();
          else if (t === 'bigint') app.appendBigInt(BigInt(v as number));
          else if (t === 'double') app.appendDouble(v as number);
          else if (t === 'bool') app.appendBoolean(v as boolean);
          else app.appendVarchar(String(v));
        });
        app.endRow();
      }
    } finally {
      app.closeSync();
    }
  }

  async dropTemp(...names: string[]): Promise<void> {
    if (names.length)
      await run(this.conn, names.map((n) => `DROP TABLE IF EXISTS ${checkTempName(n)}`).join('; '));
  }

  interrupt(): void {
    this.conn.interrupt();
  }

  async close(): Promise<void> {
    // temp tables go with the connection
    if (this.opts.ownsConnection) this.conn.closeSync();
  }
}
