// The conversations and scans of the office fixture that its three views must agree on, and the
// queries that measure them in a case (orientation-independent: a flow written server-first, or
// NetFlow's one record per direction, adds to the same totals).
import type { CaseStore } from '../../src/engine/store/case-store';

export interface Conversation {
  name: string;
  client: string;
  server: string;
  port: number;
  proto: 'tcp' | 'udp';
  /** at least this many connections in the recording (so a check cannot pass on nothing) */
  minConnections: number;
}

const DB = '198.18.10.20';
const pollers = [101, 102, 103, 104, 105, 106].map((n): Conversation => ({
  name: `app${n - 100} polls redis on db`,
  client: `198.18.10.${n}`,
  server: DB,
  port: 6379,
  proto: 'tcp',
  minConnections: 50,
}));

export const CONVERSATIONS: Conversation[] = [
  ...pollers,
  {
    name: 'nightly backup: db to backup (rsync)',
    client: DB,
    server: '198.18.10.30',
    port: 873,
    proto: 'tcp',
    minConnections: 1,
  },
  {
    name: 'nightly backup: www to backup (rsync)',
    client: '198.18.10.10',
    server: '198.18.10.30',
    port: 873,
    proto: 'tcp',
    minConnections: 1,
  },
  {
    name: 'exfiltration: grace-pc to files.example.org',
    client: '192.168.50.32',
    server: '198.51.100.200',
    port: 443,
    proto: 'tcp',
    minConnections: 4,
  },
  {
    name: 'small upload: bob-pc to files.example.org',
    client: '192.168.50.22',
    server: '198.51.100.200',
    port: 443,
    proto: 'tcp',
    minConnections: 1,
  },
  {
    name: 'download: erin-pc from www.example.org',
    client: '192.168.50.25',
    server: '198.51.100.10',
    port: 80,
    proto: 'tcp',
    minConnections: 1,
  },
  {
    name: 'beacon: frank-pc to its C2',
    client: '192.168.50.31',
    server: '203.0.113.66',
    port: 80,
    proto: 'tcp',
    minConnections: 20,
  },
  {
    name: 'failed callback: heidi-pc to 198.51.100.45:8443',
    client: '192.168.50.33',
    server: '198.51.100.45',
    port: 8443,
    proto: 'tcp',
    minConnections: 100,
  },
  {
    name: 'brute force: 198.51.100.77 to the bastion',
    client: '198.51.100.77',
    server: '198.18.10.22',
    port: 22,
    proto: 'tcp',
    minConnections: 30,
  },
  {
    name: 'monitoring: mon to www:443 (nothing listens)',
    client: '198.18.10.40',
    server: '198.18.10.10',
    port: 443,
    proto: 'tcp',
    minConnections: 20,
  },
  {
    name: 'monitoring: mon to db:5432 (retired)',
    client: '198.18.10.40',
    server: DB,
    port: 5432,
    proto: 'tcp',
    minConnections: 20,
  },
  {
    name: 'monitoring over IPv6: mon to www',
    client: '2001:db8:c:10::40',
    server: '2001:db8:c:10::10',
    port: 80,
    proto: 'tcp',
    minConnections: 20,
  },
  {
    name: 'SSH logins over IPv6: alice-pc to the bastion',
    client: '2001:db8:c:50::21',
    server: '2001:db8:c:10::22',
    port: 22,
    proto: 'tcp',
    minConnections: 2,
  },
  {
    name: 'DNS: ns1 forwards to ns.example.net',
    client: '198.18.10.53',
    server: '203.0.113.53',
    port: 53,
    proto: 'udp',
    minConnections: 10,
  },
  {
    name: 'DNS: alice-pc asks ns1',
    client: '192.168.50.21',
    server: '198.18.10.53',
    port: 53,
    proto: 'udp',
    minConnections: 10,
  },
];

export interface Totals {
  connections: number;
  upPkts: number;
  downPkts: number;
  upBytes: number;
  downBytes: number;
}

export async function conversationCheck(store: CaseStore, c: Conversation): Promise<Totals> {
  const row = await store.one<Totals>(
    `SELECT count(DISTINCT CASE WHEN src_ip = $1 THEN src_port ELSE dst_port END)::BIGINT AS connections,
       coalesce(sum(CASE WHEN src_ip = $1 THEN src_pkts ELSE coalesce(dst_pkts, 0) END), 0)::BIGINT AS "upPkts",
       coalesce(sum(CASE WHEN src_ip = $2 THEN src_pkts ELSE coalesce(dst_pkts, 0) END), 0)::BIGINT AS "downPkts",
       coalesce(sum(CASE WHEN src_ip = $1 THEN src_bytes ELSE dst_bytes END), 0)::BIGINT AS "upBytes",
       coalesce(sum(CASE WHEN src_ip = $2 THEN src_bytes ELSE dst_bytes END), 0)::BIGINT AS "downBytes"
     FROM flows
     WHERE proto = $4
       AND ((src_ip = $1 AND dst_ip = $2 AND dst_port = $3) OR (src_ip = $2 AND dst_ip = $1 AND src_port = $3))`,
    [c.client, c.server, c.port, c.proto],
  );
  return row!;
}

export interface Scan {
  name: string;
  /** its id in office.incidents.csv, which names the attacker and the victims */
  incident: string;
  proto: 'tcp' | 'udp';
  /** only these destination ports (all when empty) */
  ports: number[];
  /** distinct victim:port pairs the scan probed */
  targets: number;
}

export const SCANS: Scan[] = [
  {
    name: 'vertical scan: ivan-pc, 1032 ports of db',
    incident: 'vertical-scan-1',
    proto: 'tcp',
    ports: [],
    targets: 1032,
  },
  {
    name: 'horizontal sweep: judy-pc, 445 and 3389 on 253 addresses',
    incident: 'horizontal-scan-1',
    proto: 'tcp',
    ports: [445, 3389],
    targets: 506,
  },
  {
    name: 'slow scan: mallory-pc, 10 ports on 19 servers',
    incident: 'slow-scan-1',
    proto: 'tcp',
    ports: [21, 22, 23, 25, 80, 139, 443, 445, 3389, 8080],
    targets: 190,
  },
  {
    name: 'UDP scan: niaj-pc, top 100 ports of ns1 and www',
    incident: 'udp-scan-1',
    proto: 'udp',
    ports: [],
    targets: 200,
  },
  {
    name: 'internet scanner 100.66.7.10: top 20 ports on 253 addresses',
    incident: 'background-scan-1',
    proto: 'tcp',
    ports: [],
    targets: 5060,
  },
  {
    name: 'internet scanner 100.66.7.11: telnet on 253 addresses',
    incident: 'background-scan-2',
    proto: 'tcp',
    ports: [23],
    targets: 253,
  },
];

/**
 * The victim:port pairs an attacker sent to, sorted (its other traffic to the same victims, such
 * as a workstation's browsing, adds no pair the scan did not probe).
 */
export async function scanTargets(
  store: CaseStore,
  s: Scan,
  attacker: string,
  victims: string[],
): Promise<string[]> {
  const rows = await store.all<{ t: string }>(
    `SELECT DISTINCT dst_ip || ':' || dst_port AS t FROM flows
     WHERE src_ip = $1 AND proto = $2 AND list_contains(string_split($4, ';'), dst_ip)
       AND ($3 = '' OR list_contains(string_split($3, ',')::INTEGER[], dst_port))
     ORDER BY t`,
    [attacker, s.proto, s.ports.join(','), victims.join(';')],
  );
  return rows.map((r) => r.t);
}
