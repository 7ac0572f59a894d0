// Timeline, top talkers and port distribution on ClickHouse: the same buckets, sums, ordering and
// limits as the DuckDB side (src/engine/query/timeline.ts, top-talkers.ts, port-distribution.ts).
import type {
  PortBucket,
  PortDistributionRequest,
  Timeline,
  TimelineRequest,
  TopTalker,
  TopTalkersRequest,
} from '../../../../shared/query';
import { serviceName } from '../../../../shared/services';
import { chooseBucketSeconds, NICE_BUCKET_SECONDS } from '../../../query/timeline';
import { chartLimit } from '../../../query/top-talkers';
import { NetsiftError } from '../../../core/errors';
import {
  kindOf,
  num,
  numOrNull,
  whereOf,
  type ExecOptions,
  type QueryContext,
} from '../query-context';
import { usToIso } from '../time-text';

export async function timelineCh(
  ctx: QueryContext,
  req: TimelineRequest,
  opts?: ExecOptions,
): Promise<Timeline> {
  const maxBuckets = Math.max(1, Math.floor(req.maxBuckets ?? 2000));
  const { b, where } = whereOf(ctx, req);
  const { model: m, dialect: d } = ctx;
  const [span] = await ctx.ex.rows<{ a: unknown; b: unknown; n: unknown }>(
    `SELECT min(${m.time.us}) AS a, max(${m.time.us}) AS b, count() AS n FROM ${m.table} WHERE ${where}`,
    b.params,
    opts,
  );
  // ClickHouse's min() of no rows is 0, not NULL: the count tells an empty selection
  if (!span || num(span.n) === 0)
    return { bucketSeconds: NICE_BUCKET_SECONDS[0], span: null, buckets: [] };
  const a = num(span.a);
  const z = num(span.b);
  const bucketSeconds = chooseBucketSeconds(a, z, maxBuckets);
  const us = bucketSeconds * 1e6;
  const first = Math.floor(a / us);
  const rows = await ctx.ex.rows<{ k: unknown; flows: unknown; bytes: unknown }>(
    `SELECT toInt32(${d.intDiv(m.time.us, b.int(us))} - ${b.int(first)}) AS k, count() AS flows,
            toInt64(sum(${m.sql.src_bytes}) + sum(${m.sql.dst_bytes})) AS bytes
     FROM ${m.table} WHERE ${where} GROUP BY k ORDER BY k`,
    b.params,
    opts,
  );
  return {
    bucketSeconds,
    span: { from: usToIso(a)!, to: usToIso(z)! },
    buckets: rows.map((r) => ({
      t: new Date(((num(r.k) + first) * us) / 1000).toISOString(),
      flows: num(r.flows),
      bytes: num(r.bytes),
    })),
  };
}

export async function topTalkersCh(
  ctx: QueryContext,
  req: TopTalkersRequest,
  opts?: ExecOptions,
): Promise<TopTalker[]> {
  const limit = chartLimit(req.limit);
  if (req.by !== 'bytes' && req.by !== 'flows')
    throw new NetsiftError(`top talkers by bytes or flows, not '${String(req.by)}'`, 'usage');
  const { b, where } = whereOf(ctx, req);
  const { model: m } = ctx;
  const s = m.sql;
  const order = req.by === 'bytes' ? 'o_bytes DESC, o_flows DESC' : 'o_flows DESC, o_bytes DESC';
  // each side grouped on its own, then merged (the same plan as the DuckDB side); inner names
  // differ from the outer aliases (an alias over a same-named column is cyclic in ClickHouse)
  const rows = await ctx.ex.rows<Record<string, unknown>>(
    `SELECT h AS o_ip, toInt64(sum(f)) AS o_flows, toInt64(sum(bo) + sum(bi)) AS o_bytes,
            toInt64(sum(bo)) AS o_out, toInt64(sum(bi)) AS o_in
     FROM (
       SELECT ${s.src_ip} AS h, count() AS f, sum(${s.src_bytes}) AS bo, sum(${s.dst_bytes}) AS bi
       FROM ${m.table} WHERE ${where} GROUP BY h
       UNION ALL
       SELECT ${s.dst_ip} AS h, count() AS f, sum(${s.dst_bytes}) AS bo, sum(${s.src_bytes}) AS bi
       FROM ${m.table} WHERE ${where} GROUP BY h
     )
     GROUP BY h ORDER BY ${order}, o_ip LIMIT ${limit}`,
    b.params,
    opts,
  );
  return rows.map((r) => ({
    ip: String(r.o_ip),
    flows: num(r.o_flows),
    bytes: num(r.o_bytes),
    bytes_out: num(r.o_out),
    bytes_in: num(r.o_in),
    kind: kindOf(ctx, String(r.o_ip)),
  }));
}

export async function portDistributionCh(
  ctx: QueryContext,
  req: PortDistributionRequest,
  opts?: ExecOptions,
): Promise<PortBucket[]> {
  const limit = chartLimit(req.limit);
  const by = req.by ?? 'flows';
  if (by !== 'bytes' && by !== 'flows')
    throw new NetsiftError(`port distribution by bytes or flows, not '${String(by)}'`, 'usage');
  const { b, where } = whereOf(ctx, req);
  const { model: m, dialect: d } = ctx;
  const s = m.sql;
  const order = by === 'bytes' ? 'o_bytes DESC, o_flows DESC' : 'o_flows DESC, o_bytes DESC';
  const rows = await ctx.ex.rows<Record<string, unknown>>(
    `SELECT ${s.dst_port} AS o_port, ${s.proto} AS o_proto, count() AS o_flows,
            toInt64(sum(${s.src_bytes} + ${s.dst_bytes})) AS o_bytes, ${d.countDistinct(s.src_ip)} AS o_sources
     FROM ${m.table} WHERE ${where} GROUP BY o_port, o_proto
     ORDER BY ${order}, o_port ASC NULLS LAST, o_proto LIMIT ${limit}`,
    b.params,
    opts,
  );
  return rows.map((r) => {
    const port = numOrNull(r.o_port);
    const proto = String(r.o_proto);
    return {
      port,
      proto,
      service: serviceName(port, proto),
      flows: num(r.o_flows),
      bytes: num(r.o_bytes),
      sources: num(r.o_sources),
    };
  });
}
