// Builds a synthetic case of N flows inside DuckDB (range() + hash-based pseudo-randomness), for
// benchmarking the query layer when no generated capture is at hand. Deterministic per N.
// Shape: one import, ids dense, timestamps increasing with id over ~N/100 seconds (about 100
// flows per second), 4,000 internal hosts talking to 20,000 public ones and each other, skewed
// destination ports, one scanner (10.0.66.6) sweeping ports of 10.0.1.20 in the middle.
import type { CaseStore } from '../../store/case-store';

export async function buildSyntheticFlows(store: CaseStore, n: number): Promise<void> {
  await store.run(
    `INSERT INTO imports VALUES (1, 'synthetic', 0, 'synthetic-' || $1, 'synthetic', $1, $1, 0,
       now()::TIMESTAMP, now()::TIMESTAMP, 'UTC', NULL, NULL, NULL)`,
    [n],
  );
  await store.run(
    `INSERT INTO flows
     WITH r AS (
       SELECT i, hash(i) AS h, hash(i * 7919 + 13) AS h2 FROM range(1, $1 + 1) t(i)
     ), x AS (
       SELECT i, h, h2,
         (i BETWEEN $1 // 2 AND $1 // 2 + 20000) AS scan,
         '10.0.' || ((h % 4000) // 250)::VARCHAR || '.' || ((h % 250) + 1)::VARCHAR AS int_ip,
         CASE WHEN h2 % 5 = 0
           THEN '10.0.' || ((h2 % 4000) // 250)::VARCHAR || '.' || ((h2 % 250) + 1)::VARCHAR
           ELSE (20 + (h2 % 20000) % 180)::VARCHAR || '.' || (((h2 % 20000) // 180) % 256)::VARCHAR || '.'
                || ((h2 % 20000) % 7)::VARCHAR || '.' || ((h2 % 20000) % 250 + 1)::VARCHAR
         END AS ext_ip
       FROM r
     ), y AS (
       SELECT i, h, h2, scan,
         CASE WHEN scan THEN '10.0.66.6' ELSE int_ip END AS s,
         CASE WHEN scan THEN '10.0.1.20' ELSE ext_ip END AS d,
         CASE WHEN scan THEN (i % 65535)::INTEGER + 1
              ELSE [443, 443, 443, 80, 80, 53, 22, 3389, 8080, 25, 123, 445][((h2 % 12) + 1)::BIGINT] END AS dport
       FROM x
     )
     SELECT i, 1,
       TIMESTAMP '2017-01-27 00:00:00' + to_microseconds((i * 10000 + (h % 10000))::BIGINT),
       TIMESTAMP '2017-01-27 00:00:00' + to_microseconds((i * 10000 + (h % 10000) + (h2 % 30000000))::BIGINT),
       CASE WHEN dport IN (53, 123) THEN 'udp' WHEN h % 97 = 0 THEN 'icmp' ELSE 'tcp' END,
       CASE WHEN scan THEN 'reset' ELSE ['established', 'closed', 'closed', 'closed', 'reset', 'connecting'][((h % 6) + 1)::BIGINT] END,
       NULL,
       s, (1024 + h % 60000)::INTEGER, d, dport,
       CASE WHEN scan THEN 60 ELSE (h % 20000) + 40 END,
       CASE WHEN scan THEN 0 ELSE (h2 % 200000) END,
       (h % 30) + 1, (h2 % 40),
       CASE WHEN scan THEN 'scan' ELSE NULL END,
       ip4_num(s), ip4_num(d)
     FROM y`,
    [n],
  );
}
