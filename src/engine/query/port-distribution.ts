// Destination ports by flows (or bytes), with protocol, service name and distinct sources.
import type { PortBucket, PortDistributionRequest } from '../../shared/query';
import { serviceName } from '../../shared/services';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { chartLimit } from './top-talkers';
import { memo } from './memo';
import { flowWhere, queryKey } from './where';
import { gated, type QueryOptions } from './cancel';
import { rollupSpan } from './rollup/rollup-span';
import { portsFromRollup } from './rollup/ports-sql';
import { chartSummary } from './chart-summary';

export async function portDistribution(
  store: CaseReader,
  req: PortDistributionRequest,
  opts: QueryOptions = {},
): Promise<PortBucket[]> {
  return gated(store, opts, async () => {
    const limit = chartLimit(req.limit);
    const by = req.by ?? 'flows';
    if (by !== 'bytes' && by !== 'flows')
      throw new NetsiftError(`port distribution by bytes or flows, not '${String(by)}'`, 'usage');
    const where = flowWhere(req);
    const n = where.params.length;
    const order = by === 'bytes' ? 'bytes DESC, flows DESC' : 'flows DESC, bytes DESC';
    return memo(
      store,
      `ports:${by}:${limit}:${queryKey(req)}`,
      async () => {
        // the charts' rollup when current (a brushed range: its whole windows, the flows of its
        // partial ends), else the flows
        // as the Charts tab asks: with talkers and countries, in one statement (chart-summary.ts)
        const summary = by === 'flows' ? await chartSummary(store, req, limit, opts.signal) : null;
        if (summary)
          return summary.ports.map((r) => ({ ...r, service: serviceName(r.port, r.proto) }));
        const span = await rollupSpan(store, req, undefined, 'charts');
        const fromRollup = span ? portsFromRollup(span, order, limit) : null;
        const rows = await store.all<Omit<PortBucket, 'service'>>(
          fromRollup?.sql ??
            `SELECT dst_port AS port, proto, count(*) AS flows, sum(src_bytes + dst_bytes)::BIGINT AS bytes,
              count(DISTINCT src_ip) AS sources
       FROM flows WHERE ${where.sql} GROUP BY dst_port, proto
       ORDER BY ${order}, port NULLS LAST, proto LIMIT $${n + 1}`,
          fromRollup?.params ?? [...where.params, limit],
        );
        return rows.map((r) => ({ ...r, service: serviceName(r.port, r.proto) }));
      },
      opts.signal,
    );
  });
}
