// Per-run aggregates that several detectors read, built once as temp tables on the job's
// connection instead of each detector scanning and hashing the 10M flows again:
//   det_addr   every distinct address (src or dst) with its class (internal, public), so range
//              macros run once per address, not once per flow
//   det_wsdp   per (window, src, dst, dst port) flow count, bytes both ways and failed flows, on
//              numeric addresses (integers hash far faster than text); iqr and hbos derive their
//              per-pair and per-host-window features from it, distinct counts included
// The runner passes one cache per run (DetectContext.shared); without it (a detector run on its
// own, as in tests) each call rebuilds the table, so results never depend on the cache.
import { run } from '../store/sql';
import type { DetectContext } from './types';

/** A flow that got nowhere: SYN without answer, refused, or nothing came back. */
const FAILED = `(state IN ('connecting', 'reset') OR (dst_bytes = 0 AND coalesce(dst_pkts, 0) = 0))`;

async function ensure(ctx: DetectContext, key: string, build: () => Promise<void>): Promise<void> {
  if (!ctx.shared) return build();
  let p = ctx.shared.get(key);
  if (!p) {
    p = build();
    ctx.shared.set(key, p);
  }
  return p;
}

/** Temp table det_addr(num, internal, public): the classes of every address in the flows. */
export async function addressClasses(ctx: DetectContext): Promise<string> {
  await ensure(ctx, 'det_addr', () =>
    run(
      ctx.conn,
      `CREATE OR REPLACE TEMP TABLE det_addr AS
         SELECT n AS num, ip_internal(n) AS internal, ip_public(n) AS public
       FROM (SELECT DISTINCT src_num AS n FROM flows UNION SELECT DISTINCT dst_num FROM flows)`,
    ),
  );
  return 'det_addr';
}

/**
 * Temp table det_wsdp(w, src_num, dst_num, dst_port, n, up, down, failed) for the context's
 * window (w = epoch_us(ts) // window microseconds, as the detectors' own windows).
 */
export async function windowPairPorts(ctx: DetectContext): Promise<string> {
  const us = Math.round(ctx.windowSeconds * 1e6);
  await ensure(ctx, `det_wsdp:${us}`, () =>
    run(
      ctx.conn,
      `CREATE OR REPLACE TEMP TABLE det_wsdp AS
         SELECT epoch_us(ts) // $1::BIGINT AS w, src_num, dst_num, dst_port, count(*) AS n,
                sum(src_bytes) AS up, sum(dst_bytes) AS down, count_if(${FAILED}) AS failed
       FROM flows GROUP BY ALL`,
      [us],
    ),
  );
  return 'det_wsdp';
}
