// iqr SQL: per window and (src, dst) pair, four features; Tukey outer fences per window across
// the window's pairs. Feature columns come from the allow-list below, never from input.
import { windowEnd, windowKey, windowStart, type DetectDialect } from '../../kit';

// Read from the shared per (window, src, dst) table det_wsd (../../shared-tables.ts); its ports are the
// pair-window's distinct destination ports.
export const IQR_FEATURES = {
  num_conns: 'n',
  num_dst_ports: 'ports',
  bytes_up: 'up',
  bytes_down: 'down',
} as const;
export type IqrFeature = keyof typeof IQR_FEATURES;

/**
 * Pairs outside the fences of at least one selected feature. Named params: $ws, $k (fence
 * multiplier), $lower (also test the lower fence), $minCount and $minBytes (absolute floors).
 * Needs the temp tables det_wsd built for the same window and det_ipname.
 */
export function iqrSql(d: DetectDialect, features: IqrFeature[]): string {
  const cols = features.map((f) => `${IQR_FEATURES[f]} AS ${f}`).join(', ');
  const qs = features
    .map((f) => `${d.quantileCont(f, 0.25)} AS q1_${f}, ${d.quantileCont(f, 0.75)} AS q3_${f}`)
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
-- a view on det_wsd, not a copy: materialised (DuckDB's choice for a CTE read twice), its 4.8M
-- rows cost more than reading the table twice
WITH pairs AS ${d.notMaterialized} (SELECT w, src_num, dst_num, ${cols}, n FROM det_wsd),
fences AS (SELECT w, count(*) AS npairs, ${qs} FROM pairs GROUP BY w),
outliers AS (
  SELECT p.*, f.* ${d.exclude(['w'])} FROM pairs p JOIN fences f USING (w)
  WHERE ${hit}
),
-- the text forms of the outlier pairs' addresses (the evidence selects by text)
src_names AS (SELECT num, min(ip) AS ip FROM det_ipname WHERE num IN (SELECT src_num FROM outliers) GROUP BY num),
dst_names AS (SELECT num, min(ip) AS ip FROM det_ipname WHERE num IN (SELECT dst_num FROM outliers) GROUP BY num)
SELECT o.*, s.ip AS src_ip, d.ip AS dst_ip, ${windowStart(d, 'o.w')} AS ws, ${windowEnd(d, 'o.w')} AS we
FROM outliers o JOIN src_names s ON s.num = o.src_num JOIN dst_names d ON d.num = o.dst_num
ORDER BY o.w, src_ip, dst_ip`;
}

/** The seed's output shape: one row per flow of an outlier pair-window ($us: windowMicros). */
export function iqrFlowsSql(d: DetectDialect, flows: string, features: IqrFeature[]): string {
  return `
WITH outliers AS (${iqrSql(d, features)})
SELECT o.w, o.ws, o.we, fl.src_ip, fl.dst_ip, fl.src_port, fl.dst_port, fl.ts, fl.proto
FROM ${flows} fl JOIN outliers o ON fl.src_num = o.src_num AND fl.dst_num = o.dst_num
  AND ${windowKey(d, 'fl.ts')} = o.w
ORDER BY fl.ts, fl.id`;
}
