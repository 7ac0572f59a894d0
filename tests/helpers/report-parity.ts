// Shared by the report tests of a case whose flows are on ClickHouse (chdb and 18.16): a small
// flow file of awkward values, the names from DNS both cases get, and the HTML's incident
// sections (what must be the same whichever store holds the flows).
import fs from 'node:fs';

/** Labels a spreadsheet would run as formulas, or that need quoting. */
export const FORMULA_LABELS = [
  '=SUM(A1:A9)',
  '+1',
  '-2',
  '@evil',
  'plain "quoted", comma',
  'Überprüfung',
];
/** The awkward file's source port for each label (a selector per label: srcPorts). */
export const labelPort = (i: number) => 41000 + i;

/**
 * csv-mapped flows with those labels, public destinations (country/AS) and two flows in one
 * millisecond whose microseconds run against their file (id) order.
 */
export function writeAwkwardCsv(file: string): void {
  const lines = [
    'ts,ts_end,proto,state,src_ip,src_port,dst_ip,dst_port,src_bytes,dst_bytes,src_pkts,dst_pkts,label',
  ];
  const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  FORMULA_LABELS.forEach((label, i) => {
    for (let k = 0; k < 3; k++) {
      // k = 0 is later in its millisecond than k = 1: time order differs from id order
      const us = k === 0 ? 900 : k === 1 ? 100 : 0;
      const ms = k === 2 ? 7 : 5;
      const ts = `2017-01-27T16:40:1${i}.${String(ms).padStart(3, '0')}${String(us).padStart(3, '0')}Z`;
      lines.push(
        [
          ts,
          k === 2 ? '' : `2017-01-27T16:40:2${i}.000001Z`,
          'tcp',
          ['established', 'closed', 'reset'][k],
          `192.168.100.${20 + i}`,
          String(labelPort(i)),
          k === 1 ? '151.101.19.250' : '8.8.8.8',
          '443',
          String(100 * (i + 1) + k),
          String(7 * k),
          k === 2 ? '' : '3',
          k === 2 ? '' : '2',
          q(label),
        ].join(','),
      );
    }
  });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Names from DNS answers, in a case's dns_names (the sample's resolvers and a CDN). */
export const DNS_NAMES_SQL = `INSERT INTO dns_names VALUES
  ('dns.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 16:20:00', '2017-01-27 16:30:00', 86400, 4),
  ('old.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 10:00:00', '2017-01-27 10:00:00', 60, 1),
  ('cdn.example', '151.101.19.250', 'A', NULL, 'zeek-dns', 1, '2017-01-27 16:24:00', '2017-01-27 16:24:00', 60, 1),
  ('router.lan', '192.168.1.10', 'PTR', NULL, 'pcap', 1, '2017-01-27 16:00:00', '2017-01-27 16:00:00', 300, 1)`;

/**
 * The `<section class="incident">` blocks of an HTML report, in order; the charts' generated
 * class names (zrN-cls-M: a counter of charts drawn in the process) made neutral.
 */
export function incidentSections(html: string): string[] {
  return (html.match(/<section class="incident"[\s\S]*?<\/section>/g) ?? []).map(neutralCharts);
}

export const neutralCharts = (html: string) => html.replace(/zr\d+-cls-\d+/g, 'zr-cls');
