// The same questions asked of two flow stores (the DuckDB case and ClickHouse): every FlowStore
// read method, with filters, selectors, ranges and sorts that touch each dialect difference.
// Answers must be equal (pair-scatter inliers only when neither side had to sample them).
import fs from 'node:fs';
import { expect } from 'vitest';
import type { FlowStore } from '../../src/engine/flowstore/flow-store';

export interface ParityCase {
  name: string;
  ask(s: FlowStore): Promise<unknown>;
}

const SORTS = [
  [{ column: 'id', dir: 'asc' }],
  [{ column: 'bytes', dir: 'desc' }],
  [
    { column: 'src_ip', dir: 'desc' },
    { column: 'duration', dir: 'asc' },
  ],
  [
    { column: 'ts_end', dir: 'asc' },
    { column: 'packets', dir: 'desc' },
  ],
  [
    { column: 'label', dir: 'asc' },
    { column: 'dst_port', dir: 'desc' },
  ],
] as const;

const FILTERS = [
  '',
  'proto tcp',
  'dst port 22 and src net 192.168.0.0/16',
  'not port 53',
  'src ip 192.168.100.10 or dst ip 192.168.1.10',
  'dst net 10.0.0.0/9',
  'net 2001:db8::/32',
  'host 2001:db8::5',
  'internal and not dst internal',
  'public',
  'bytes > 10000',
  'packets >= 3',
  'duration > 500',
  'duration 0',
  'bpp > 100',
  'bps >= 8000 or pps > 2',
  'flags S',
  'not flags R',
  'label ~ "scan"',
  'label = "Benign"',
  'time >= 2017-01-27 16:30 and time < 2017-01-27 16:40',
  'dst port in [22 3389] or dst port 1000-2000',
  'state reset or state connecting',
];

export function parityCases(span: { from: string; to: string }, hosts: string[]): ParityCase[] {
  const cases: ParityCase[] = [
    { name: 'flowCount', ask: (s) => s.flowCount() },
    {
      name: 'imports (counts)',
      ask: async (s) =>
        (await s.imports()).map((i) => [
          i.rows_read,
          i.rows_rejected,
          i.sha256,
          i.first_ts,
          i.last_ts,
        ]),
    },
    {
      name: 'selector',
      ask: (s) =>
        s.countFlows({
          selector: {
            from: span.from,
            to: span.to,
            anyOf: [
              { srcIps: hosts.slice(0, 2), dstPorts: [22, 443] },
              { anyIps: hosts.slice(2, 3), zeroBytes: true },
            ],
          },
        }),
    },
    {
      name: 'selector page',
      ask: (s) =>
        s.queryFlows({
          selector: { protos: ['tcp', 'udp'], states: ['established', 'closed'], dstIps: hosts },
          range: span,
          offset: 0,
          limit: 100,
        }),
    },
    { name: 'timeline', ask: (s) => s.timeline({ maxBuckets: 100 }) },
    { name: 'timeline range', ask: (s) => s.timeline({ range: span, maxBuckets: 7 }) },
    { name: 'timeline empty', ask: (s) => s.timeline({ filter: 'port 1 and port 2' }) },
    { name: 'talkers bytes', ask: (s) => s.topTalkers({ by: 'bytes', limit: 25 }) },
    {
      name: 'talkers flows',
      ask: (s) => s.topTalkers({ by: 'flows', limit: 25, filter: 'not internal' }),
    },
    { name: 'ports flows', ask: (s) => s.portDistribution({ by: 'flows', limit: 40 }) },
    {
      name: 'ports bytes',
      ask: (s) => s.portDistribution({ by: 'bytes', limit: 15, filter: 'proto udp' }),
    },
    ...hosts.map((h) => ({ name: `host ${h}`, ask: (s: FlowStore) => s.hostSummary(h) })),
    {
      name: 'pairs conns',
      ask: (s) => s.pairScatter({ feature: 'num_conns', windowSeconds: 300, limit: 50_000 }),
    },
    {
      name: 'pairs ports',
      ask: (s) => s.pairScatter({ feature: 'num_dst_ports', windowSeconds: 60, limit: 200 }),
    },
    {
      name: 'pairs bytes',
      ask: (s) => s.pairScatter({ feature: 'bytes_up', windowSeconds: 600, filter: 'proto tcp' }),
    },
  ];
  for (const f of FILTERS) {
    cases.push({ name: `count '${f}'`, ask: (s) => s.countFlows({ filter: f }) });
  }
  for (const [i, sort] of SORTS.entries())
    for (const f of ['', 'proto tcp or proto icmp'])
      cases.push({
        name: `page sort ${i} '${f}'`,
        ask: (s) => s.queryFlows({ filter: f, sort: [...sort], offset: 37, limit: 120 }),
      });
  return cases;
}

/**
 * Pair scatter: fences and totals always. Sampled: the outliers, minus those at the smallest
 * value kept (when more outliers than the cap tie there, each engine's hash picks which stay);
 * inliers only when neither side sampled them.
 */
function comparable(name: string, v: unknown): unknown {
  if (!name.startsWith('pairs')) return v;
  const p = v as { sampled: boolean; points: { outlier: boolean; value: number }[] };
  if (!p.sampled) return p;
  const out = p.points.filter((x) => x.outlier);
  const floor = Math.min(...out.map((x) => x.value));
  return { ...p, outliers: out.length, points: out.filter((x) => x.value > floor) };
}

export async function expectSameAnswers(
  a: FlowStore,
  b: FlowStore,
  cases: ParityCase[],
): Promise<number> {
  let compared = 0;
  for (const c of cases) {
    const [x, y] = [await c.ask(a), await c.ask(b)];
    expect(comparable(c.name, y), `${c.name}: ${b.info.dialect} vs ${a.info.dialect}`).toEqual(
      comparable(c.name, x),
    );
    compared++;
  }
  return compared;
}

/**
 * A small CSV (csv-mapped format) that touches what the bundled sample does not: IPv6,
 * microsecond times with an end, packets, labels with quotes, backslashes and non-ASCII text,
 * ICMP without ports, and two bad lines (rejects).
 */
export function writeMixedCsv(file: string, rows = 3000): void {
  const lines = [
    'ts,ts_end,proto,state,src_ip,src_port,dst_ip,dst_port,src_bytes,dst_bytes,src_pkts,dst_pkts,label',
  ];
  const base = Date.UTC(2017, 0, 27, 16, 25, 0);
  const labels = ['Benign', 'scan "vertical"', 'C:\\temp\\x', 'Überprüfung', '', 'benign'];
  for (let i = 0; i < rows; i++) {
    const t = base * 1000 + i * 1_234_567 + (i % 7);
    const iso = (us: number) =>
      `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
    const v6 = i % 5 === 0;
    const src = v6 ? `2001:db8::${(i % 13).toString(16)}` : `192.168.${100 + (i % 3)}.${i % 50}`;
    const dst = v6
      ? `2001:db8:1::${(i % 11) + 1}`
      : i % 4 === 0
        ? `10.${i % 200}.0.${i % 9}`
        : `192.168.1.${(i % 6) * 10}`;
    const proto = i % 17 === 0 ? 'icmp' : i % 3 === 0 ? 'udp' : 'tcp';
    const ports =
      proto === 'icmp'
        ? ['', '']
        : [String(30000 + (i % 1000)), String([22, 53, 443, 3389, 1500][i % 5])];
    const state = ['established', 'closed', 'reset', 'connecting'][i % 4];
    const end = i % 9 === 0 ? '' : iso(t + (i % 5) * 400_001);
    const pk = i % 6 === 0 ? ['', ''] : [String(i % 7), String(i % 4)];
    const label = labels[i % labels.length];
    const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    lines.push(
      [
        iso(t),
        end,
        proto,
        state,
        src,
        ports[0],
        dst,
        ports[1],
        String((i * 37) % 20000),
        String((i * 101) % 50000),
        pk[0],
        pk[1],
        q(label),
      ].join(','),
    );
    if (i === 100)
      lines.push('2017-01-27T16:30:00Z,,tcp,established,999.1.1.1,1,10.0.0.1,2,3,4,,,bad address');
    if (i === 200)
      lines.push('2017-01-27T16:31:00Z,,tcp,established,10.0.0.1,70000,10.0.0.2,2,3,4,,,bad port');
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}
