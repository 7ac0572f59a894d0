// Hosts that sent and received the most (bytes or flows), counting both sides of each flow.
import type { TopTalker, TopTalkersRequest } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { hostKinder } from './host-kind';
import { memo } from './memo';
import { flowWhere, queryKey } from './where';
import { gated, type QueryOptions } from './cancel';
import { rollupSpan, type RollupSpan } from './rollup/rollup-span';
import { talkersFromRollup } from './rollup/talkers-sql';
import { hostsFromRollup } from './rollup/hosts-sql';
import { PAIR_ROLLUP_KEY } from './rollup/pair-rollup';
import { chartSummary } from './chart-summary';

export function chartLimit(limit: number | undefined, fallback = 20, max = 1000): number {
  const l = limit ?? fallback;
  if (!Number.isInteger(l) || l < 1 || l > max)
    throw new NetsiftError(`limit must be a whole number from 1 to ${max}, not ${l}`, 'usage');
  return l;
}

export async function topTalkers(
  store: CaseReader,
  req: TopTalkersRequest,
  opts: QueryOptions = {},
): Promise<TopTalker[]> {
  return gated(store, opts, async () => {
    const limit = chartLimit(req.limit);
    if (req.by !== 'bytes' && req.by !== 'flows')
      throw new NetsiftError(`top talkers by bytes or flows, not '${String(req.by)}'`, 'usage');
    const where = flowWhere(req);
    const n = where.params.length;
    const order = req.by === 'bytes' ? 'bytes DESC, flows DESC' : 'flows DESC, bytes DESC';
    return memo(
      store,
      `talkers:${req.by}:${limit}:${queryKey(req)}`,
      async () => {
        // from the charts' rollup when current (a brushed range: its whole windows, the flows of
        // its partial ends); cases analysed before it was written: the whole capture from the
        // pairs detection kept (talkers do not depend on the window length), a range from its
        // flows; a case whose addresses have several text forms: the flows (the rollups group
        // by number, the charts by text)
        // as the Charts tab asks: with ports and countries, in one statement (chart-summary.ts)
        const summary =
          req.by === 'bytes' ? await chartSummary(store, req, limit, opts.signal) : null;
        if (summary) {
          const kind = await hostKinder(store);
          return summary.talkers.map((r) => ({ ...r, kind: kind(r.ip) }));
        }
        const hosts = await rollupSpan(store, req, undefined, 'charts');
        const span =
          hosts || req.range || !(await legacyRollup(store)) ? null : await rollupSpan(store, req);
        const fromRollup = hosts
          ? talkersFromHosts(hosts, order, limit)
          : span
            ? talkersFromRollup(span, order, limit)
            : null;
        // Each side grouped on its own (by address text: far cheaper than the UHUGEINT), then merged.
        const rows = await store.all<Omit<TopTalker, 'kind'>>(
          fromRollup?.sql ??
            `WITH sides AS (
           SELECT src_ip AS ip, count(*) AS flows, sum(src_bytes) AS b_out, sum(dst_bytes) AS b_in
           FROM flows WHERE ${where.sql} GROUP BY src_ip
           UNION ALL
           SELECT dst_ip, count(*), sum(dst_bytes), sum(src_bytes) FROM flows WHERE ${where.sql} GROUP BY dst_ip
         )
         SELECT ip, sum(flows)::BIGINT AS flows, (sum(b_out) + sum(b_in))::BIGINT AS bytes,
                sum(b_out)::BIGINT AS bytes_out, sum(b_in)::BIGINT AS bytes_in
         FROM sides GROUP BY ip ORDER BY ${order}, ip LIMIT $${n + 1}`,
          fromRollup?.params ?? [...where.params, limit],
        );
        const kind = await hostKinder(store);
        return rows.map((r) => ({ ...r, kind: kind(r.ip) }));
      },
      opts.signal,
    );
  });
}

/** A pair rollup written before the charts' rollup existed (its meta does not say `charts`). */
async function legacyRollup(store: CaseReader): Promise<boolean> {
  const meta = await store.getSetting<{ charts?: boolean } | null>(PAIR_ROLLUP_KEY, null);
  return meta != null && meta.charts === undefined;
}

/** The same rows from the charts' rollup (rollup/hosts-sql.ts). */
function talkersFromHosts(span: RollupSpan, order: string, limit: number) {
  const h = hostsFromRollup(span);
  const sql = `WITH ${h.with}
    SELECT ip, flows::BIGINT AS flows, (b_out + b_in)::BIGINT AS bytes,
           b_out::BIGINT AS bytes_out, b_in::BIGINT AS bytes_in
    FROM hosts ORDER BY ${order}, ip LIMIT ${h.bind(limit)}`;
  return { sql, params: h.params };
}
