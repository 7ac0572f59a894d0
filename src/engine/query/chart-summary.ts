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
import { rollupSpan } from './rollup/rollup-span';
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

/**
 * The three answers for `q`, `limit` rows each, or null where the rollup cannot answer (no
 * current rollup, a filter, a range inside one window): the caller asks the flows. The cached
 * answer is found before any statement, so the second and third requests never wait for a query
 * connection while the first computes it. (The countries depend on the address context too; in a
 * running engine it is rebuilt only with new flows, which drop every cached answer, memo.ts.)
 */
export async function chartSummary(
  store: CaseReader,
  q: FlowQuery,
  limit: number,
  signal?: AbortSignal,
): Promise<ChartSummary | null> {
  return memo(
    store,
    `chart-summary:${limit}:${queryKey(q)}`,
    async () => {
      const span = await rollupSpan(store, q, undefined, 'charts');
      if (!span) return null;
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
