// Well-known port -> service name, for formatting ports in the grids and charts. Names follow the
// IANA registry where one exists; common unofficial uses (8080 http-alt, 4444 metasploit) are
// included because analysts recognise them. `p` marks the protocols a name applies to.
type P = 'tcp' | 'udp' | 'both';

const TABLE: [number, string, P][] = [
  [7, 'echo', 'both'], [9, 'discard', 'both'], [13, 'daytime', 'both'], [17, 'qotd', 'both'],
  [19, 'chargen', 'both'], [20, 'ftp-data', 'tcp'], [21, 'ftp', 'tcp'], [22, 'ssh', 'tcp'],
  [23, 'telnet', 'tcp'], [25, 'smtp', 'tcp'], [37, 'time', 'both'], [42, 'nameserver', 'both'],
  [43, 'whois', 'tcp'], [49, 'tacacs', 'both'], [53, 'dns', 'both'], [67, 'dhcp-server', 'udp'],
  [68, 'dhcp-client', 'udp'], [69, 'tftp', 'udp'], [70, 'gopher', 'tcp'], [79, 'finger', 'tcp'],
  [80, 'http', 'tcp'], [81, 'http-alt', 'tcp'], [88, 'kerberos', 'both'], [102, 'iso-tsap', 'tcp'],
  [104, 'dicom', 'tcp'], [110, 'pop3', 'tcp'], [111, 'rpcbind', 'both'], [113, 'ident', 'tcp'],
  [119, 'nntp', 'tcp'], [123, 'ntp', 'udp'], [135, 'msrpc', 'both'], [137, 'netbios-ns', 'udp'],
  [138, 'netbios-dgm', 'udp'], [139, 'netbios-ssn', 'tcp'], [143, 'imap', 'tcp'], [161, 'snmp', 'udp'],
  [162, 'snmp-trap', 'udp'], [177, 'xdmcp', 'udp'], [179, 'bgp', 'tcp'], [194, 'irc', 'tcp'],
  [199, 'smux', 'tcp'], [389, 'ldap', 'both'], [427, 'svrloc', 'both'], [443, 'https', 'tcp'],
  [444, 'snpp', 'tcp'], [445, 'smb', 'tcp'], [464, 'kpasswd', 'both'], [465, 'smtps', 'tcp'],
  [500, 'isakmp', 'udp'], [502, 'modbus', 'tcp'], [512, 'rexec', 'tcp'], [513, 'rlogin', 'tcp'],
  [514, 'syslog', 'udp'], [515, 'printer', 'tcp'], [520, 'rip', 'udp'], [523, 'ibm-db2', 'both'],
  [540, 'uucp', 'tcp'], [548, 'afp', 'tcp'], [554, 'rtsp', 'both'], [587, 'submission', 'tcp'],
  [593, 'http-rpc-epmap', 'tcp'], [623, 'ipmi', 'udp'], [631, 'ipp', 'tcp'], [636, 'ldaps', 'tcp'],
  [646, 'ldp', 'both'], [873, 'rsync', 'tcp'], [902, 'vmware-auth', 'tcp'], [989, 'ftps-data', 'tcp'],
  [990, 'ftps', 'tcp'], [993, 'imaps', 'tcp'], [995, 'pop3s', 'tcp'], [1080, 'socks', 'tcp'],
  [1194, 'openvpn', 'both'], [1433, 'mssql', 'tcp'], [1434, 'mssql-monitor', 'udp'],
  [1521, 'oracle', 'tcp'], [1701, 'l2tp', 'udp'], [1723, 'pptp', 'tcp'], [1812, 'radius', 'udp'],
  [1813, 'radius-acct', 'udp'], [1883, 'mqtt', 'tcp'], [1900, 'ssdp', 'udp'], [2049, 'nfs', 'both'],
  [2082, 'cpanel', 'tcp'], [2083, 'cpanel-ssl', 'tcp'], [2181, 'zookeeper', 'tcp'],
  [2222, 'ssh-alt', 'tcp'], [2375, 'docker', 'tcp'], [2376, 'docker-tls', 'tcp'],
  [2379, 'etcd', 'tcp'], [2483, 'oracle-db', 'tcp'], [2484, 'oracle-db-ssl', 'tcp'],
  [3000, 'http-dev', 'tcp'], [3050, 'firebird', 'tcp'], [3128, 'squid', 'tcp'], [3260, 'iscsi', 'tcp'],
  [3268, 'globalcat-ldap', 'tcp'], [3269, 'globalcat-ldaps', 'tcp'], [3306, 'mysql', 'tcp'],
  [3389, 'rdp', 'both'], [3478, 'stun', 'both'], [3690, 'svn', 'tcp'], [4369, 'epmd', 'tcp'],
  [4444, 'metasploit', 'tcp'], [4500, 'ipsec-nat-t', 'udp'], [4786, 'cisco-smart-install', 'tcp'],
  [5000, 'upnp', 'tcp'], [5060, 'sip', 'both'], [5061, 'sips', 'tcp'], [5222, 'xmpp-client', 'tcp'],
  [5269, 'xmpp-server', 'tcp'], [5353, 'mdns', 'udp'], [5355, 'llmnr', 'udp'],
  [5432, 'postgresql', 'tcp'], [5601, 'kibana', 'tcp'], [5631, 'pcanywhere', 'tcp'],
  [5666, 'nrpe', 'tcp'], [5671, 'amqps', 'tcp'], [5672, 'amqp', 'tcp'], [5900, 'vnc', 'tcp'],
  [5901, 'vnc-1', 'tcp'], [5938, 'teamviewer', 'both'], [5984, 'couchdb', 'tcp'],
  [5985, 'winrm', 'tcp'], [5986, 'winrm-https', 'tcp'], [6000, 'x11', 'tcp'], [6379, 'redis', 'tcp'],
  [6443, 'kubernetes-api', 'tcp'], [6660, 'irc-alt', 'tcp'], [6667, 'irc', 'tcp'],
  [6697, 'ircs', 'tcp'], [6881, 'bittorrent', 'both'], [7001, 'weblogic', 'tcp'],
  [7547, 'cwmp', 'tcp'], [8000, 'http-alt', 'tcp'], [8008, 'http-alt', 'tcp'],
  [8009, 'ajp13', 'tcp'], [8080, 'http-proxy', 'tcp'], [8081, 'http-alt', 'tcp'],
  [8086, 'influxdb', 'tcp'], [8088, 'http-alt', 'tcp'], [8333, 'bitcoin', 'tcp'],
  [8443, 'https-alt', 'tcp'], [8888, 'http-alt', 'tcp'], [9000, 'http-alt', 'tcp'],
  [9001, 'tor-orport', 'tcp'], [9042, 'cassandra', 'tcp'], [9090, 'http-alt', 'tcp'],
  [9092, 'kafka', 'tcp'], [9100, 'jetdirect', 'tcp'], [9200, 'elasticsearch', 'tcp'],
  [9300, 'elasticsearch-node', 'tcp'], [9418, 'git', 'tcp'], [9999, 'abyss', 'tcp'],
  [10000, 'webmin', 'tcp'], [11211, 'memcached', 'both'], [11371, 'hkp', 'tcp'],
  [15672, 'rabbitmq-mgmt', 'tcp'], [17500, 'dropbox-lan', 'udp'], [20000, 'dnp3', 'tcp'],
  [25565, 'minecraft', 'tcp'], [27017, 'mongodb', 'tcp'], [31337, 'back-orifice', 'both'],
  [47808, 'bacnet', 'udp'], [50000, 'sap', 'tcp'],
];

const TCP = new Map<number, string>();
const UDP = new Map<number, string>();
for (const [port, name, p] of TABLE) {
  if (p !== 'udp') TCP.set(port, name);
  if (p !== 'tcp') UDP.set(port, name);
}

/** Number of known ports (for tests and docs). */
export const KNOWN_SERVICE_PORTS = TABLE.length;

/**
 * Service name for a port under a protocol ('tcp', 'udp'; others match either table), or null.
 * A name registered for the other protocol only is still returned when nothing fits better,
 * since captures often carry e.g. DNS over TCP.
 */
export function serviceName(port: number | null | undefined, proto?: string | null): string | null {
  if (port == null) return null;
  const p = (proto ?? '').toLowerCase();
  if (p === 'udp') return UDP.get(port) ?? TCP.get(port) ?? null;
  return TCP.get(port) ?? UDP.get(port) ?? null;
}

/** "443/https" style label, or just the port when it has no known service. */
export function portLabel(port: number | null | undefined, proto?: string | null): string {
  if (port == null) return '';
  const name = serviceName(port, proto);
  return name ? `${port}/${name}` : String(port);
}
