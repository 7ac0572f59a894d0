// Imports one Zeek context log (dns/http/ssl) into its case table, in one transaction with its
// context_imports row (and, for dns.log, the names its answers give): on any error nothing of
// the file is written. Lines that cannot be read are counted and the first few kept with their
// line number and reason in the row's details; a file already imported (same sha256) is refused.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  DOUBLE,
  DuckDBTimestampValue,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { ContextImportResult } from '../../shared/context';
import type { JobContext } from '../core/job';
import { ensureContextTables } from '../store/context-tables';
import { NetsiftError } from '../core/errors';
import { inTransaction, one } from '../store/sql';
import { sqlTime } from '../import/write-step';
import { NameCollector, canonicalAddr, reverseNameAddr } from '../pdns/name-collector';
import { commonCells, type Cell, type KindSpec } from './context-kinds';
import { readZeekLog } from './zeek-log-reader';

export type ContextImportSummary = ContextImportResult;

async function sha256(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }))
    h.update(chunk as Buffer);
  return h.digest('hex');
}

function appendCell(app: DuckDBAppender, type: KindSpec['columns'][number]['type'], v: Cell): void {
  if (v === null) return app.appendNull();
  switch (type) {
    case 'text':
      return app.appendVarchar(String(v));
    case 'int':
      return app.appendInteger(Number(v));
    case 'bigint':
      return app.appendBigInt(BigInt(v as number));
    case 'bool':
      return app.appendBoolean(!!v);
    case 'texts':
      return app.appendList(listValue((v as string[]).map(String)), LIST(VARCHAR));
    case 'doubles':
      return app.appendList(listValue((v as number[]).map(Number)), LIST(DOUBLE));
  }
}

/** Names from a dns.log record: query -> each address answer; PTR answers -> the reversed query. */
export function collectDnsNames(names: NameCollector, ts: number, cells: Cell[]): void {
  const [, query, qtype, , answers, ttls] = cells as [
    string,
    string | null,
    string | null,
    string,
    string[],
    number[],
  ];
  if (!query || !answers.length) return;
  const rev = qtype === 'PTR' || /\.arpa\.?$/i.test(query) ? reverseNameAddr(query) : null;
  let via: string | null = null;
  answers.forEach((a, i) => {
    const ttl = ttls[i] ?? null;
    const addr = canonicalAddr(a);
    if (addr) {
      names.add(query, addr, addr.includes(':') ? 'AAAA' : 'A', via, ts, ttl);
    } else if (rev) {
      names.add(a, rev, 'PTR', null, ts, ttl);
    } else if (/^[\w.-]+$/.test(a)) {
      via = a; // a CNAME target: the addresses after it belong to it
    }
  });
}

export async function importContextLog(
  conn: DuckDBConnection,
  file: string,
  spec: KindSpec,
  job: JobContext,
  opts: { allowDuplicate?: boolean; rejectSamples?: number } = {},
): Promise<ContextImportSummary> {
  const t0 = Date.now();
  const abs = path.resolve(file);
  const st = fs.statSync(abs);
  await ensureContextTables(conn);
  const digest = await sha256(abs);
  if (!opts.allowDuplicate) {
    const dup = await one<{ id: number }>(
      conn,
      'SELECT id FROM context_imports WHERE sha256 = $1',
      [digest],
    );
    if (dup)
      throw new NetsiftError(
        `${abs}: already imported (context import ${dup.id}, same sha256); use --allow-duplicate to import it again`,
        'input',
      );
  }
  const maxSamples = opts.rejectSamples ?? 5;
  const samples: { line: number; reason: string }[] = [];
  let rejected = 0;
  let rows = 0;
  const names = new NameCollector();
  const started = new Date();
  return inTransaction(conn, async () => {
    const id =
      (
        await one<{ id: number }>(
          conn,
          'SELECT coalesce(max(id), 0) + 1 AS id FROM context_imports',
        )
      )?.id ?? 1;
    const app = await conn.createAppender(spec.table);
    const reject = (line: number, reason: string) => {
      rejected++;
      if (samples.length < maxSamples) samples.push({ line, reason });
    };
    let outcome;
    try {
      outcome = await readZeekLog(
        abs,
        (r, line) => {
          let c;
          let cells: Cell[];
          try {
            c = commonCells(r);
            cells = spec.columns.map((col) => col.from(r));
          } catch (e) {
            reject(line, (e as Error).message);
            return;
          }
          app.appendInteger(id);
          app.appendBigInt(BigInt(line));
          app.appendTimestamp(new DuckDBTimestampValue(BigInt(c.tsMicros)));
          appendCell(app, 'text', c.uid);
          app.appendVarchar(c.origH);
          appendCell(app, 'int', c.origP);
          app.appendVarchar(c.respH);
          appendCell(app, 'int', c.respP);
          spec.columns.forEach((col, i) => appendCell(app, col.type, cells[i]));
          app.endRow();
          rows++;
          if (spec.kind === 'zeek-dns') collectDnsNames(names, c.tsMicros, cells);
        },
        (line, _raw, reason) => reject(line, reason),
        (lines) => {
          job.checkCancelled();
          job.progress({
            phase: `reading ${spec.path}.log`,
            done: lines,
            total: null,
            unit: 'rows',
            message: path.basename(abs),
          });
        },
      );
      app.flushSync();
    } finally {
      app.closeSync();
    }
    job.checkCancelled();
    if (outcome.dataLines === 0)
      throw new NetsiftError(
        `${abs}: a Zeek ${spec.path}.log without data lines; nothing imported`,
        'input',
      );
    const nameRows = await names.write(conn, 'zeek-dns', id);
    const now = fs.statSync(abs);
    if (now.size !== st.size || now.mtimeMs !== st.mtimeMs)
      throw new NetsiftError(
        `${abs}: the file changed during the import; nothing was imported`,
        'input',
      );
    const details = {
      writer: outcome.writer,
      lines: outcome.lines,
      dataLines: outcome.dataLines,
      names: nameRows,
      rejectSamples: samples,
    };
    await conn.run(
      `INSERT INTO context_imports VALUES ($1, $2, $3, $4, $5, $6, $7, $8::TIMESTAMP, $9::TIMESTAMP, $10::JSON)`,
      [
        id,
        abs,
        st.size,
        digest,
        spec.kind,
        rows,
        rejected,
        sqlTime(started),
        sqlTime(new Date()),
        JSON.stringify(details),
      ],
    );
    return {
      path: abs,
      kind: spec.kind,
      id,
      rows,
      rejected,
      names: nameRows,
      rejectSamples: samples,
      seconds: (Date.now() - t0) / 1000,
    };
  });
}
