// iqr SQL: per window and (src, dst) pair, four features; Tukey outer fences per window across
// the window's pairs. Feature columns come from the allow-list below, never from input.
import { windowEnd, windowIndex, windowStart } from '../windows';

export const IQR_FEATURES = {
  num_conns: 'count(*)',
  num_dst_ports: 'count(DISTINCT dst_port)',
  bytes_up: 'sum(src_bytes)',
  bytes_down: 'sum(dst_bytes)',
} as const;
export type IqrFeature = keyof typeof IQR_FEATURES;

/**
 * Pairs outside the fences of at least one selected feature. Named params: $ws, $k (fence
 * multiplier), $lower (also test the lower fence), $minCount and $minBytes (absolute floors).
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
  SELECT ${windowIndex()} AS w, src_ip, dst_ip, ${cols}, count(*) AS n
  FROM flows GROUP BY ALL
),
fences AS (SELECT w, count(*) AS npairs, ${qs} FROM pairs GROUP BY w)
SELECT p.*, f.* EXCLUDE (w), ${windowStart('p.w')} AS ws, ${windowEnd('p.w')} AS we
FROM pairs p JOIN fences f USING (w)
WHERE ${hit}
ORDER BY p.w, p.src_ip, p.dst_ip`;
}

/** The seed's output shape: one row per flow of an outlier pair-window. */
export function iqrFlowsSql(features: IqrFeature[]): string {
  return `
WITH outliers AS (${iqrSql(features)})
SELECT o.w, o.ws, o.we, fl.src_ip, fl.dst_ip, fl.src_port, fl.dst_port, fl.ts, fl.proto
FROM flows fl JOIN outliers o ON fl.src_ip = o.src_ip AND fl.dst_ip = o.dst_ip AND ${windowIndex('fl.ts')} = o.w
ORDER BY fl.ts, fl.id`;
}
