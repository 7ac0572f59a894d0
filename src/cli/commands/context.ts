// `netsift context`: address context of a case. Country/AS and names of an address with its Zeek
// http/tls/dns lines (--host), the addresses of a name (--name, --suffix), what the case holds
// (default), the data sources (--about), and a new GeoIP/ASN pass after a data update (--refresh-geo).
import {
  addressesOf,
  contextStatus,
  enrichGeo,
  geoSourceInfo,
  hostContext,
  NetsiftError,
} from '../../engine/index';
import type { HostContext } from '../../shared/context';
import type { CliIO, Command } from '../command';
import { openExistingCase } from '../open-case';

function printHost(h: HostContext, io: CliIO): void {
  const g = h.geo;
  const geo =
    g && (g.country || g.asn)
      ? `${g.country ?? '--'}, ${g.asn ? `AS${g.asn} ${g.asOrg ?? ''}`.trim() : 'no AS'}`
      : 'no country/AS (special or unknown address)';
  io.out(`${h.ip}: ${geo}`);
  for (const n of h.names)
    io.out(
      `  name ${n.name} (${n.rtype}${n.via ? ` via ${n.via}` : ''}, ${n.source}, ${n.firstSeen} .. ${n.lastSeen}, ${n.answers}x)`,
    );
  for (const i of h.items) {
    const ex = i.examples.length ? `  [${i.examples.join('; ')}]` : '';
    io.out(
      `  ${i.kind} ${i.value || '(none)'} ${i.detail} ${i.role} of ${i.peer}:${i.port ?? ''} ${i.count}x${ex}`,
    );
  }
  if (h.truncated) io.out('  ... more lines in the case');
}

export const contextCommand: Command = {
  name: 'context',
  synopsis: '--case CASE [--host IP] [--name NAME [--suffix]] [--refresh-geo] [--json] | --about',
  summary: 'address context: country/AS, names from DNS, Zeek http/tls/dns of a host',
  flags: {
    case: { type: 'string', description: 'case file' },
    host: { type: 'string', description: 'an address: its country/AS, names and Zeek context' },
    name: { type: 'string', description: 'a DNS name: the addresses it resolved to' },
    suffix: { type: 'boolean', description: 'with --name: also every name under it' },
    'refresh-geo': { type: 'boolean', description: 'redo country/AS with the installed data' },
    about: { type: 'boolean', description: 'the GeoIP/ASN data sources, versions and licences' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run({ flags }, io) {
    const json = (v: unknown) => io.out(JSON.stringify(v, null, 2));
    if (flags.about) {
      const info = geoSourceInfo();
      if (flags.json) json(info);
      else {
        for (const d of info.datasets)
          io.out(
            `${d.kind}: ${d.package}@${d.version} (data of ${d.date ?? '?'}), ${d.licence}\n  ${d.attribution}`,
          );
        if (info.error) io.err(info.error);
        io.out(info.note);
      }
      return info.error ? 1 : 0;
    }
    if (flags.suffix && !flags.name) throw new NetsiftError('--suffix goes with --name', 'usage');
    const refresh = !!flags['refresh-geo'];
    const store = await openExistingCase(flags.case, { readOnly: !refresh });
    try {
      if (refresh) {
        const r = await enrichGeo(store.conn);
        io.out(
          `country/AS of ${r.addresses} addresses: ${r.withCountry} with a country, ${r.withAsn} with an AS (${r.versions.join(', ')}), ${r.seconds.total.toFixed(2)} s`,
        );
      }
      if (flags.host) {
        const h = await hostContext(store.conn, flags.host as string);
        if (flags.json) json(h);
        else printHost(h, io);
      }
      if (flags.name) {
        const rows = await addressesOf(store.conn, {
          name: flags.name as string,
          suffix: !!flags.suffix,
        });
        if (flags.json) json(rows);
        else if (!rows.length) io.out(`no address seen for ${flags.name as string}`);
        else
          for (const n of rows)
            io.out(
              `${n.name} -> ${n.addr} (${n.rtype}, ${n.source}, ${n.firstSeen} .. ${n.lastSeen})`,
            );
      }
      if (!flags.host && !flags.name && !refresh) {
        const s = await contextStatus(store.conn);
        if (flags.json) json(s);
        else {
          io.out(
            `country/AS: ${s.geo.addresses} addresses, ${s.geo.withCountry} with a country, ${s.geo.withAsn} with an AS` +
              (s.geo.versions ? ` (${s.geo.versions.join(', ')})` : ' (not enriched yet)') +
              (s.geo.stale ? '; newer data is installed: run with --refresh-geo' : ''),
          );
          io.out(`names from DNS answers: ${s.dnsNames}`);
          io.out(`Zeek context: ${s.zeek.dns} dns, ${s.zeek.http} http, ${s.zeek.ssl} ssl lines`);
          for (const i of s.contextImports)
            io.out(`  ${i.kind}: ${i.path} (${i.rows} rows, ${i.rejected} rejected)`);
        }
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
