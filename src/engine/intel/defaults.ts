// The default feed catalogue. URLs are the publishers' own; NETSIFT_FEED_BASE_URL rewrites them to
// `<base>/<id>` so tests and benchmarks can serve every default feed from a local server.
import type { FeedSpec } from '../../shared/feeds';

export const DEFAULT_FEEDS: FeedSpec[] = [
  {
    id: 'et-compromised',
    name: 'Emerging Threats compromised IPs',
    url: 'https://rules.emergingthreats.net/blockrules/compromised-ips.txt',
    format: 'ip-list',
    enabled: true,
    intervalSeconds: 3600,
    licence: 'Proofpoint Emerging Threats Open, free for use (see rules.emergingthreats.net)',
  },
  {
    id: 'spamhaus-drop',
    name: 'Spamhaus DROP',
    url: 'https://www.spamhaus.org/drop/drop.txt',
    format: 'spamhaus-drop',
    enabled: true,
    intervalSeconds: 3600,
    minIntervalSeconds: 3600,
    licence:
      'Spamhaus DROP: free for use, no more than one download per hour (EDROP merged in April 2024)',
  },
  {
    id: 'feodo-recommended',
    name: 'abuse.ch Feodo Tracker botnet C2 (recommended)',
    url: 'https://feodotracker.abuse.ch/downloads/ipblocklist_recommended.txt',
    format: 'feodo',
    enabled: true,
    intervalSeconds: 3600,
    minIntervalSeconds: 300,
    licence: 'abuse.ch: CC0',
  },
  {
    id: 'firehol-level1',
    name: 'FireHOL level1',
    url: 'https://raw.githubusercontent.com/firehol/blocklist-ipsets/master/firehol_level1.netset',
    format: 'firehol-netset',
    enabled: true,
    intervalSeconds: 3600,
    licence:
      'FireHOL blocklist-ipsets: aggregate of third-party lists, see each source; lists bogons like 10.0.0.0/8 (guarded)',
  },
  {
    id: 'blocklist-de-all',
    name: 'blocklist.de all attackers (48 h)',
    url: 'https://lists.blocklist.de/lists/all.txt',
    format: 'ip-list',
    enabled: true,
    intervalSeconds: 3600,
    minIntervalSeconds: 1800,
    licence: 'blocklist.de: free for use',
  },
  {
    id: 'cins-army',
    name: 'CINS Army list',
    url: 'https://cinsscore.com/list/ci-badguys.txt',
    format: 'ip-list',
    enabled: true,
    intervalSeconds: 3600,
    minIntervalSeconds: 600,
    licence: 'Sentinel IPS CINS Army: free for non-commercial use',
  },
];

export function defaultFeeds(env: NodeJS.ProcessEnv = process.env): FeedSpec[] {
  const base = env.NETSIFT_FEED_BASE_URL?.replace(/\/+$/, '');
  return DEFAULT_FEEDS.map((f) => (base ? { ...f, url: `${base}/${f.id}` } : { ...f }));
}
