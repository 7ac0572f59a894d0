// Top talkers by bytes, top countries and destination ports by flows of one brushed range (or the
// whole capture), as the Charts tab asks for them, answered together from the charts' rollup
// (rollup/summary-sql.ts): whichever of the three requests comes first computes all three, the
// others find the answer being computed (memo.ts) and take no query connection of their own.
// A request of another shape (another limit, by flows, by AS, one side) is answered on its own.
import type { PortBucket, TopTalker } from '../../shared/query';
import type { TopGeoRow } from '../../shared/context';
import type { CaseReader } from '../store/case-reader';
import { storeHasContextTables } from '../store/context-tables';
import { memo } from './memo';
import type { RollupSpan } from './rollup/rollup-span';
import { summaryFromRollup } from './rollup/summary-sql';
import { queryKey } from './where';
import type { FlowQuery } from '../../shared/query';

export interface ChartSummary {
  talkers: Omit<TopTalker, 'kind'>[];
  ports: Omit<PortBucket, 'service'>[];
  geo: TopGeoRow[];
}

interface Row {
  part: 'talkers' | 'ports' | 'geo';
  r: number;
  ip: string;
  port: number | null;
  proto: string;
  flows: number;
  bytes: number;
  bytes_out: number;
  bytes_in: number;
  sources: number;
  key: string;
  label: string | null;
  hosts: number;
}

/** The three answers for `q` (its span of the rollup), `limit` rows each. */
export async function chartSummary(
  store: CaseReader,
  q: FlowQuery,
  span: RollupSpan,
  limit: number,
  signal?: AbortSignal,
): Promise<ChartSummary> {
  // countries depend on the address context too: rebuilt (geo enrichment), it names a new build
  const geo = await store.getSetting<{ builtAt?: string } | null>('geo_source', null);
  return memo(
    store,
    `chart-summary:${limit}:${geo?.builtAt ?? ''}:${queryKey(q)}`,
    async () => {
      const withGeo = await storeHasContextTables(store);
      const { sql, params } = summaryFromRollup(span, limit, withGeo);
      const rows = (await store.all<Row>(sql, params)).sort((a, b) => a.r - b.r);
      const part = (p: Row['part']) => rows.filter((r) => r.part === p);
      return {
        talkers: part('talkers').map(({ ip, flows, bytes, bytes_out, bytes_in }) => ({
          ip,
          flows,
          bytes,
          bytes_out,
          bytes_in,
        })),
        ports: part('ports').map(({ port, proto, flows, bytes, sources }) => ({
          port,
          proto,
          flows,
          bytes,
          sources,
        })),
        geo: part('geo').map(({ key, label, flows, bytes, hosts }) => ({
          key,
          label,
          flows,
          bytes,
          hosts,
        })),
      };
    },
    signal,
  );
}
