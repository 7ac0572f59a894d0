// Incremental detection while following (issue 20 item 2): a capture appended to a followed file
// chunk by chunk, detection after every batch (the first run full, each later one only what
// arrived since), gives the same incidents as a full detection run on the finished data: keys,
// types, attackers, victims, evidence and its flow counts, alert counts, span and scores. Run on
// the bundled sample and on the real-traffic fixture (fixtures/real-office, its site networks
// set). Along the way incidents keep their ids and the analyst's triage.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { Follower } from '../../src/engine/follow/follower';
import { writeSite } from '../../src/engine/site/site-model';
import { CaseStore } from '../../src/engine/store/case-store';
import { getTriage, updateTriage } from '../../src/engine/triage/triage-store';
import type { IncidentNotice } from '../../src/shared/follow';
import { makeTmpDir } from '../helpers/tmp';
import { until } from '../netflow/flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'resources/sample/netsift-sample.csv.gz');
const OFFICE = path.join(ROOT, 'fixtures/real-office/office.binetflow.gz');
const OFFICE_SITE = ['192.168.50.0/24', '198.18.10.0/24', '2001:db8:c::/48'];

interface IncidentRow {
  id: number;
  key: string;
  type: string;
  attacker: string | null;
  victims: string[];
  score: number;
  severity: string;
  first_seen: string;
  last_seen: string;
  flow_count: number;
  alert_count: number;
  detectors: string[];
  evidence: string;
  summary: string;
}

const incidentsOf = (store: CaseStore) =>
  store.all<IncidentRow>(
    `SELECT id, key, type, attacker, victims, score, severity, first_seen, last_seen, flow_count,
            alert_count, detectors, evidence::VARCHAR AS evidence, summary
     FROM incidents ORDER BY key`,
  );

/** Every alert as a full run writes it (ids aside), with the key of its incident. */
const alertsOf = (store: CaseStore) =>
  store.all(
    `SELECT a.detector, a.kind, a.entity, a.src_ip, a.dst_ip, a.window_start, a.window_end, round(a.score, 6) AS score,
            a.flow_count, a.summary, a.evidence::VARCHAR AS evidence, i.key AS incident
     FROM alerts a LEFT JOIN incidents i ON i.id = a.incident_id
     ORDER BY ALL`,
  );

/** Follows `header + lines` appended in `chunks` parts, detecting after every batch. */
async function follow(
  name: string,
  header: string,
  lines: string[],
  chunks: number,
  format: string,
  site?: string[],
) {
  const file = tmp.file(`${name}.log`);
  fs.writeFileSync(file, header);
  const store = await CaseStore.open(tmp.file(`${name}.duckdb`));
  if (site) await writeSite(store, site, 'analyst');
  const f = await Follower.start(store, {
    source: { kind: 'file', path: file },
    format,
    batchSeconds: 0.05,
    pollSeconds: 0.02,
    noGeo: true,
    detectEveryBatches: 1,
  });
  const modes: string[] = [];
  f.onEvent((e) => {
    const m = /^detection run \d+: .*\((full|incremental)/.exec(e);
    if (m) modes.push(m[1]);
  });
  const notices: IncidentNotice[] = [];
  f.onDetection((r) => notices.push(...r.changes));
  const idsByKey = new Map<string, number[]>();
  const per = Math.ceil(lines.length / chunks);
  let triaged: string | null = null;
  for (let k = 0; k < chunks; k++) {
    fs.appendFileSync(file, lines.slice(k * per, (k + 1) * per).join('\n') + '\n');
    const want = Math.min(lines.length, (k + 1) * per);
    await until(
      `chunk ${k + 1} imported and detected`,
      () => {
        const s = f.status();
        return (
          s.flows + s.rejects === want && !s.detection!.running && s.detection!.behindSeconds === 0
        );
      },
      240_000,
    );
    for (const x of await incidentsOf(store))
      idsByKey.set(x.key, [...(idsByKey.get(x.key) ?? []), x.id]);
    // the analyst triages the first incident there is; it must survive every later run
    if (!triaged) {
      const first = (await incidentsOf(store))[0];
      if (first) {
        triaged = first.key;
        await updateTriage(store, first.key, {
          status: 'confirmed',
          notes: 'seen while following',
        });
      }
    }
  }
  const end = await f.stop('test');
  expect(end.state).toBe('stopped');
  expect(end.detection?.error).toBeNull();
  return { store, modes, notices, idsByKey, triaged };
}

async function expectSameAsFullRun(r: Awaited<ReturnType<typeof follow>>, chunks: number) {
  const { store, modes, idsByKey, triaged } = r;
  try {
    // the first run is full, the later ones incremental
    expect(modes[0]).toBe('full');
    expect(modes.filter((m) => m === 'incremental').length).toBeGreaterThanOrEqual(chunks - 1);
    expect(modes.slice(1).every((m) => m === 'incremental')).toBe(true);
    const followed = await incidentsOf(store);
    const followedAlerts = await alertsOf(store);
    expect(followed.length).toBeGreaterThan(2);
    // an incident keeps its id from the run that raised it to the end
    for (const x of followed)
      expect(new Set(idsByKey.get(x.key) ?? [x.id])).toEqual(new Set([x.id]));
    expect(triaged).not.toBeNull();
    expect((await getTriage(store, triaged!)).status).toBe('confirmed');

    await runDetection(store).result;
    const full = await incidentsOf(store);
    const strip = ({ id: _id, score, ...x }: IncidentRow) => ({
      ...x,
      score: Math.round(score * 1e6),
    });
    expect(followed.map(strip)).toEqual(full.map(strip));
    for (let i = 0; i < full.length; i++) expect(followed[i].score).toBeCloseTo(full[i].score, 6);
    // and so are the alerts behind them (the windows evaluated again replaced, not added)
    expect(followedAlerts).toEqual(await alertsOf(store));
    expect((await getTriage(store, triaged!)).status).toBe('confirmed');
  } finally {
    store.close();
  }
}

describe('incremental detection while following', () => {
  it(
    'the bundled sample in 6 chunks: the same incidents as a full run, ids and triage kept',
    { timeout: 600_000 },
    async () => {
      const lines = zlib.gunzipSync(fs.readFileSync(SAMPLE)).toString().trimEnd().split('\n');
      const r = await follow('sample', '', lines, 6, 'seed');
      // each incident was announced once when it appeared (or again when its severity rose)
      const keys = new Set(r.notices.filter((n) => n.change === 'new').map((n) => n.key));
      expect(keys.size).toBe(r.notices.filter((n) => n.change === 'new').length);
      expect([...keys].sort()).toEqual((await incidentsOf(r.store)).map((x) => x.key).sort());
      await expectSameAsFullRun(r, 6);
    },
  );

  it.skipIf(!fs.existsSync(OFFICE))(
    'the real-office capture (Argus) in 5 chunks with its site networks: the same incidents as a full run',
    { timeout: 600_000 },
    async () => {
      const [header, ...lines] = zlib
        .gunzipSync(fs.readFileSync(OFFICE))
        .toString()
        .trimEnd()
        .split('\n');
      const r = await follow('office', `${header}\n`, lines, 5, 'argus', OFFICE_SITE);
      await expectSameAsFullRun(r, 5);
    },
  );
});
