// Detection on a ClickHouse server gives what it gives on the case (issue 19's done-when): the
// bundled sample imported into a DuckDB case and into chdb (the current ClickHouse engine in
// process), then every detector run on each — the same detector code, its SQL through the dialect
// layer — and the whole run: the same alerts, and the same incidents (keys, types, attackers,
// evidence flow counts; scores within 1e-6). The real-office fixture too (its site set), as Argus
// and as nfcapd flows: between them and the sample every detector raises alerts (the sample has
// the flood and the blacklist hit, the office background scanning and a callback, nfcapd's
// one-way records the reverse-flow reading of replies). chdb is an optional package
// (tests/chdb/): without it this skips and says so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { DETECTORS } from '../../src/engine/detect/registry';
import type { AlertDraft } from '../../src/engine/detect/types';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { importFiles } from '../../src/engine/import/pipeline';
import { CaseStore } from '../../src/engine/store/case-store';
import { writeSite } from '../../src/engine/site/site-model';
import type { Incident } from '../../src/shared/model';
import { runDetector } from '../helpers/detect';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const OFFICE = path.resolve(import.meta.dirname, '../../fixtures/real-office');
/** The office's own networks (fixtures/real-office/README.md, "Site model"). */
const OFFICE_SITE = ['192.168.50.0/24', '198.18.10.0/24', '2001:db8:c::/48'];
/**
 * The office's nfcapd file as nfdump's CSV (what netsift's nfcapd importer reads, made the same
 * way: TZ=UTC), written here before any DuckDB opens: a process holding DuckDB's large memory
 * reservations may be refused a child process (spawn ENOMEM) on a machine with little free memory
 * and heuristic overcommit, as the test process is by its end.
 */
const tmpNf = makeTmpDir('netsift-parity-nf-');
const NFDUMP_CSV = tmpNf.file('office-nfcapd.csv');
const NFDUMP_MISSING = (() => {
  try {
    const csv = execFileSync(
      process.env.NETSIFT_NFDUMP ?? 'nfdump',
      ['-r', path.join(OFFICE, 'office.nfcapd'), '-o', 'csv'],
      { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 * 1024 * 1024 },
    );
    fs.writeFileSync(NFDUMP_CSV, csv);
    return null;
  } catch {
    return 'nfdump is not installed (apt-get install nfdump; .ci/run does)';
  }
})();
afterAll(() => tmpNf.cleanup());

interface Dataset {
  name: string;
  file: string;
  flows: number;
  site?: string[];
  skip?: string | null;
}
const DATASETS: Dataset[] = [
  {
    name: 'the office (nfcapd read by nfdump, one-way)',
    file: NFDUMP_CSV,
    flows: 20_889,
    site: OFFICE_SITE,
    skip: NFDUMP_MISSING,
  },
  { name: 'the sample', file: SAMPLE, flows: 147_537 },
  {
    name: 'the office (Argus)',
    file: path.join(OFFICE, 'office.binetflow.gz'),
    flows: 12_812,
    site: OFFICE_SITE,
  },
];
const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));
const EPS = 1e-6;

/** Numbers compared within EPS, the rest exactly; object keys in order. */
function close(a: unknown, b: unknown, where: string): string[] {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a)) ? [] : [`${where}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${where}: ${a.length} items vs ${b.length}`];
    return a.flatMap((x, i) => close(x, b[i], `${where}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) =>
      close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`),
    );
  }
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

const order = (xs: AlertDraft[]) =>
  [...xs].sort((x, y) =>
    `${x.src_ip}|${x.dst_ip}|${x.window_start}|${x.summary}`.localeCompare(
      `${y.src_ip}|${y.dst_ip}|${y.window_start}|${y.summary}`,
    ),
  );

for (const ds of DATASETS)
  describe.skipIf(!chdb.mod || !!ds.skip)(
    `${ds.name}: detection on ClickHouse (chdb) equals detection on the case${
      !chdb.mod ? ` (skipped: ${chdb.why})` : ds.skip ? ` (skipped: ${ds.skip})` : ''
    }`,
    () => {
      const tmp = makeTmpDir('netsift-detect-parity-');
      let ref: CaseStore;
      let local: CaseStore;
      let ch: ClickHouseFlowStore;

      beforeAll(async () => {
        ref = await CaseStore.open(tmp.file('ref.duckdb'));
        local = await CaseStore.open(tmp.file('local.duckdb'));
        if (ds.site) for (const c of [ref, local]) await writeSite(c, ds.site, 'analyst');
        await importFiles(ref, [ds.file], { noGeo: true }).result;
        ch = await ClickHouseFlowStore.create(await ChdbExecutor.open(chdb.mod!), {
          caseStore: local,
          // small blocks on several threads: rows reach each step in varying order, as on a busy
          // server with many parts (a statement that depends on row order shows it here)
          detectSettings: { max_threads: 4, max_block_size: 997, max_insert_threads: 4 },
        });
        const sum = await ch.importFiles([ds.file]).result;
        expect(sum.flows).toBe(ds.flows);
      }, 300_000);
      afterAll(async () => {
        await ch?.close();
        ref?.close();
        local?.close();
        tmp.cleanup();
      });

      for (const det of DETECTORS)
        it(`${det.id}: the same alerts`, { timeout: 300_000 }, async () => {
          const want = order(await runDetector(ref, det));
          const sql = await ch.openDetection(await local.internalNetworks());
          let got: AlertDraft[];
          try {
            got = order(await runDetector(local, det, {}, 10, sql));
          } finally {
            await sql.close();
          }
          expect(close(got, want, det.id)).toEqual([]);
        });

      it('the whole run: the same incidents', { timeout: 600_000 }, async () => {
        await runDetection(ref).result;
        await runDetection(local, { flowStore: ch }).result;
        const read = (c: CaseStore) =>
          c.all<Incident>(
            'SELECT key, type, attacker, victims, flow_count, alert_count, score, severity FROM incidents ORDER BY key',
          );
        const want = await read(ref);
        const got = await read(local);
        expect(want.length).toBeGreaterThan(5);
        expect(close(got, want, 'incidents')).toEqual([]);
      });
    },
  );
