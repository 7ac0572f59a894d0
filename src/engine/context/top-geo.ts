// Top countries and top AS of a selection of flows (charts, report summaries): each flow counted
// once per side whose address has a country/AS (side 'any': on both sides when both have one).
import type { TopGeoRequest, TopGeoRow } from '../../shared/context';
import { chartLimit } from '../query/top-talkers';
import { flowWhere } from '../query/where';
import { rollupSpan } from '../query/rollup/rollup-span';
import { hostsFromRollup } from '../query/rollup/hosts-sql';
import { chartSummary } from '../query/chart-summary';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { storeHasContextTables } from '../store/context-tables';

export async function topGeo(store: CaseReader, req: TopGeoRequest): Promise<TopGeoRow[]> {
  if (req.by !== 'country' && req.by !== 'asn')
    throw new NetsiftError(`top by country or asn, not '${String(req.by)}'`, 'usage');
  const side = req.side ?? 'any';
  if (!['src', 'dst', 'any'].includes(side))
    throw new NetsiftError(`side src, dst or any, not '${side}'`, 'usage');
  const limit = chartLimit(req.limit);
  // as the Charts tab asks: with talkers and ports, in one statement (chart-summary.ts), found
  // before any statement of this request's own
  const summary =
    side === 'any' && req.by === 'country' ? await chartSummary(store, req, limit) : null;
  if (summary) return summary.geo;
  if (!(await storeHasContextTables(store))) return [];
  const where = flowWhere(req, 0, 'f');
  const key = req.by === 'country' ? 'g.country' : 'g.asn::VARCHAR';
  const label = req.by === 'country' ? 'NULL' : 'any_value(g.as_org)';
  const rest = (limit: string) =>
    `SELECT ${key} AS key, ${label} AS label, sum(s.flows)::BIGINT AS flows, sum(s.bytes)::BIGINT AS bytes,
            count(*)::BIGINT AS hosts
     FROM s JOIN geo_addrs g ON g.ip = s.ip
     WHERE ${req.by === 'country' ? 'g.country' : 'g.asn'} IS NOT NULL
     GROUP BY ${key} ORDER BY bytes DESC, flows DESC, key LIMIT ${limit}`;
  // (not cached: the address context changes without the flows changing)
  // both sides of every flow: from the charts' rollup when current (rollup/hosts-sql.ts)
  const span = side === 'any' ? await rollupSpan(store, req, undefined, 'charts') : null;
  if (span) {
    const h = hostsFromRollup(span);
    return store.all<TopGeoRow>(
      `WITH ${h.with}, s AS (SELECT ip, flows, b_out + b_in AS bytes FROM hosts)
       ${rest(h.bind(limit))}`,
      h.params,
    );
  }
  const part = (s: 'src' | 'dst') =>
    `SELECT f.${s}_ip AS ip, f.src_bytes + f.dst_bytes AS b FROM flows f WHERE ${where.sql}`;
  const parts = side === 'any' ? `${part('src')} UNION ALL ${part('dst')}` : part(side);
  return store.all<TopGeoRow>(
    `WITH s AS (SELECT ip, count(*) AS flows, sum(b) AS bytes FROM (${parts}) GROUP BY ip)
     ${rest(`$${where.params.length + 1}`)}`,
    [...where.params, limit],
  );
}
