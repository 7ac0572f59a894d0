// What the workspace's header and the case list know of a case: its flows, span, imports,
// incidents and the zones its timestamps were read in.
import type { CaseInfo, CaseZone } from '../../shared/api';
import type { ImportRecord } from '../../shared/model';
import type { StoreFlows } from '../flowstore/store-flows';
import type { CaseStore } from '../store/case-store';
import { caseId, caseName } from './case-list';
import { ZONES_KEY } from './import-job';
import { caseZones } from './zones';

/** `server`: the case's flows are on a ClickHouse server (their figures come from there). */
export async function caseInfoOf(s: CaseStore, server?: StoreFlows | null): Promise<CaseInfo> {
  const onServer = server ? await server.figures() : null;
  const imports =
    onServer?.imports ??
    (await s.all<ImportRecord>('SELECT * EXCLUDE (details) FROM imports ORDER BY id'));
  const stats =
    onServer?.stats ??
    (await s.one<{ n: number; lo: string | null; hi: string | null }>(
      'SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM flows',
    ));
  const inc = await s.one<{ n: number }>('SELECT count(*) AS n FROM incidents');
  const al = await s.one<{ n: number }>('SELECT count(*) AS n FROM alerts');
  const runs = await s.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs');
  return {
    id: caseId(s.path),
    path: s.path,
    name: caseName(s.path),
    flows: stats?.n ?? 0,
    imports,
    firstTs: stats?.lo ?? null,
    lastTs: stats?.hi ?? null,
    incidents: inc?.n ?? 0,
    alerts: al?.n ?? 0,
    analyzed: (runs?.n ?? 0) > 0,
    zones: caseZones(
      imports,
      await s.getSetting<Record<string, { source: CaseZone['source'] }>>(ZONES_KEY, {}),
    ),
    flowStore: server?.describe() ?? null,
  };
}
