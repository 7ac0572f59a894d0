// DuckDB's own load of a CSV into a table of a fresh database file: the yardstick for netsift import.
// Usage: node bench/bare-load.mjs FILE.csv DB.duckdb [SETTINGS [READ_OPTIONS]]  -> one JSON line.
// SETTINGS: `;`-separated DuckDB settings applied with SET GLOBAL before the load; READ_OPTIONS:
// extra read_csv options, e.g. `buffer_size = 16777216`.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, db, settings = '', readOptions = ''] = process.argv.slice(2);
for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
const t0 = performance.now();
const inst = await DuckDBInstance.create(db);
const conn = await inst.connect();
for (const s of settings.split(';').filter(Boolean)) await conn.run(`SET GLOBAL ${s}`);
const options = readOptions ? `, ${readOptions}` : '';
await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}'${options})`);
const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
conn.closeSync();
inst.closeSync();
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({ rows, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
