// DNS records of the office fixture: the answers tshark reads from the pcap, and the records the
// zone files of the recording (scripts/real-traffic/zones) hold, both as "name TYPE value" text.
import fs from 'node:fs';
import path from 'node:path';

export interface Answer {
  name: string;
  type: string;
  value: string;
}

const TYPES: Record<string, string> = { '1': 'A', '28': 'AAAA', '5': 'CNAME', '12': 'PTR' };

/**
 * `tshark -T fields -E aggregator=| -e dns.resp.name -e dns.resp.type -e dns.a -e dns.aaaa -e
 * dns.cname -e dns.ptr.domain_name`: every resource record of every response, in packet order;
 * each A/AAAA/CNAME/PTR record takes the next value of its own field.
 */
export function answersFromTshark(stdout: string): Answer[] {
  const out: Answer[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [names, types, a, aaaa, cname, ptr] = line
      .split('\t')
      .map((f) => (f ? f.split('|') : []));
    const next: Record<string, string[]> = { A: a, AAAA: aaaa, CNAME: cname, PTR: ptr };
    names.forEach((name, i) => {
      const type = TYPES[types[i]] ?? types[i];
      const values = next[type];
      if (!values) return;
      const value = values.shift();
      if (value !== undefined)
        out.push({ name: name.toLowerCase(), type, value: value.toLowerCase() });
    });
  }
  return out;
}

/** Every A, AAAA, CNAME and PTR record of the zone files in a folder (<origin>.zone). */
export function zoneRecords(dir: string): Set<string> {
  const out = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.zone'))) {
    const origin = file.slice(0, -'.zone'.length).toLowerCase();
    for (const raw of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const line = raw.replace(/;.*/, '').trim();
      if (!line || line.startsWith('$')) continue;
      const [label, ...rest] = line.split(/\s+/);
      while (rest.length > 0 && (rest[0] === 'IN' || /^\d+$/.test(rest[0]))) rest.shift(); // TTL, class
      const [type, value] = rest;
      if (!['A', 'AAAA', 'CNAME', 'PTR'].includes(type)) continue;
      const name =
        label === '@' ? origin : label.endsWith('.') ? label.slice(0, -1) : `${label}.${origin}`;
      out.add(`${name.toLowerCase()} ${type} ${value.replace(/\.$/, '').toLowerCase()}`);
    }
  }
  return out;
}
