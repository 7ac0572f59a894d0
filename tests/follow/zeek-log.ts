// Zeek conn.log text for the follow tests, written from a generated capture (netsift generate's
// seed CSV): the same flows as the generator's, in Zeek's TSV with its header, so detection on
// them finds the generator's attacks.
import fs from 'node:fs';

const FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'missed_bytes',
  'history',
  'orig_pkts',
  'resp_pkts',
];
const TYPES = [
  'time',
  'string',
  'addr',
  'port',
  'addr',
  'port',
  'enum',
  'string',
  'interval',
  'count',
  'count',
  'string',
  'count',
  'string',
  'count',
  'count',
];

/** netsift's states as the Zeek conn_state that maps back to them (zeek-states.ts). */
const STATE: Record<string, string> = {
  new: 'S0',
  connecting: 'S0',
  established: 'S1',
  closing: 'S2',
  closed: 'SF',
  reset: 'REJ',
};

export function zeekHeader(open = '2017-01-27-16-24-42'): string {
  return (
    [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tconn',
      `#open\t${open}`,
      `#fields\t${FIELDS.join('\t')}`,
      `#types\t${TYPES.join('\t')}`,
    ].join('\n') + '\n'
  );
}

/** One seed CSV line as a Zeek conn.log line (no newline). */
export function zeekLine(seed: string, n: number): string {
  const [ts, proto, state, src, sp, dst, dp, sb, db] = seed.split(',');
  const epoch = (Date.parse(`${ts.replace(' ', 'T')}Z`) / 1000).toFixed(6);
  return [
    epoch,
    `C${n.toString(36)}`,
    src,
    sp,
    dst,
    dp,
    proto,
    '-',
    '-',
    sb,
    db,
    STATE[state] ?? 'OTH',
    '0',
    '-',
    '-',
    '-',
  ].join('\t');
}

/** The whole conn.log of a seed CSV file. */
export function zeekLogOf(seedCsv: string): string {
  const lines = fs.readFileSync(seedCsv, 'utf8').split('\n').filter(Boolean);
  return (
    zeekHeader() +
    lines.map((l, i) => `${zeekLine(l, i)}\n`).join('') +
    '#close\t2017-01-27-16-34-42\n'
  );
}
