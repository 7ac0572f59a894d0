// iqr SQL: per window and (src, dst) pair, four features; Tukey outer fences per window across
// the window's pairs. Feature columns come from the allow-list below, never from input.
import { windowEnd, windowStart } from '../windows';

// Read from the shared per (window, src, dst, dst port) table det_wsdp (../shared.ts): one row per
// distinct port, so the distinct ports are the rows with a port.
export const IQR_FEATURES = {
  num_conns: 'sum(n)::BIGINT',
  num_dst_ports: 'count(dst_port)',
  bytes_up: 'sum(up)',
  bytes_down: 'sum(down)',
} as const;
export type IqrFeature = keyof typeof IQR_FEATURES;

/**
 * Pairs outside the fences of at least one selected feature. Named params: $ws, $k (fence
 * multiplier), $lower (also test the lower fence), $minCount and $minBytes (absolute floors).
 * Needs the temp table det_wsdp built for the same window.
 */
export function iqrSql(features: IqrFeature[]): string {
  const cols = features.map((f) => `${IQR_FEATURES[f]} AS ${f}`).join(', ');
  const qs = features
    .map((f) => `quantile_cont(${f}, 0.25) AS q1_${f}, quantile_cont(${f}, 0.75) AS q3_${f}`)
    .join(', ');
  const floor = (f: IqrFeature) => (f.startsWith('bytes') ? '$minBytes' : '$minCount');
  const hit = features
    .map(
      (f) =>
        `(p.${f} > f.q3_${f} + $k * (f.q3_${f} - f.q1_${f}) AND p.${f} >= ${floor(f)})` +
        ` OR ($lower AND p.${f} < f.q1_${f} - $k * (f.q3_${f} - f.q1_${f}))`,
    )
    .join(' OR ');
  return `
WITH pairs AS (
  SELECT w, src_num, dst_num, ${cols}, sum(n)::BIGINT AS n
  FROM det_wsdp GROUP BY w, src_num, dst_num
),
fences AS (SELECT w, count(*) AS npairs, ${qs} FROM pairs GROUP BY w),
outliers AS (
  SELECT p.*, f.* EXCLUDE (w) FROM pairs p JOIN fences f USING (w)
  WHERE ${hit}
),
-- the text forms of the outlier pairs' addresses (the evidence selects by text)
names AS (
  SELECT src_num, dst_num, min(src_ip) AS src_ip, min(dst_ip) AS dst_ip
  FROM flows SEMI JOIN outliers USING (src_num, dst_num) GROUP BY src_num, dst_num
)
SELECT o.*, nm.src_ip, nm.dst_ip, ${windowStart('o.w')} AS ws, ${windowEnd('o.w')} AS we
FROM outliers o JOIN names nm USING (src_num, dst_num)
ORDER BY o.w, nm.src_ip, nm.dst_ip`;
}

/** The seed's output shape: one row per flow of an outlier pair-window. */
export function iqrFlowsSql(features: IqrFeature[]): string {
  return `
WITH outliers AS (${iqrSql(features)})
SELECT o.w, o.ws, o.we, fl.src_ip, fl.dst_ip, fl.src_port, fl.dst_port, fl.ts, fl.proto
FROM flows fl JOIN outliers o ON fl.src_num = o.src_num AND fl.dst_num = o.dst_num
  AND epoch_us(fl.ts) // ($ws * 1000000)::BIGINT = o.w
ORDER BY fl.ts, fl.id`;
}
