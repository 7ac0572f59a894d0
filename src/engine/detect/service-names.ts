// Names of well-known services, for summaries an analyst reads ("tcp/445 (smb)"). Display only:
// no detector decides anything by these names.
const NAMES: Record<string, string> = {
  'tcp/21': 'ftp',
  'tcp/22': 'ssh',
  'tcp/23': 'telnet',
  'tcp/25': 'smtp',
  'udp/53': 'dns',
  'tcp/53': 'dns',
  'tcp/80': 'http',
  'udp/123': 'ntp',
  'tcp/110': 'pop3',
  'tcp/135': 'msrpc',
  'udp/137': 'netbios',
  'tcp/139': 'netbios',
  'tcp/143': 'imap',
  'udp/161': 'snmp',
  'tcp/443': 'https',
  'tcp/445': 'smb',
  'udp/500': 'ike',
  'tcp/587': 'submission',
  'tcp/993': 'imaps',
  'tcp/995': 'pop3s',
  'tcp/1433': 'mssql',
  'udp/1900': 'ssdp',
  'tcp/2323': 'telnet-alt',
  'tcp/2375': 'docker',
  'tcp/3306': 'mysql',
  'tcp/3389': 'rdp',
  'udp/5060': 'sip',
  'tcp/5060': 'sip',
  'tcp/5432': 'postgres',
  'tcp/5555': 'adb',
  'tcp/5900': 'vnc',
  'tcp/6379': 'redis',
  'tcp/8080': 'http-alt',
  'tcp/8443': 'https-alt',
  'tcp/9200': 'elasticsearch',
  'udp/11211': 'memcached',
  'tcp/27017': 'mongodb',
};

/** 'tcp/445 (smb)', or 'tcp/40000' when the port has no common name. */
export function serviceName(proto: string, port: number | null): string {
  const key = `${proto}/${port ?? '-'}`;
  const name = NAMES[key];
  return name ? `${key} (${name})` : key;
}
