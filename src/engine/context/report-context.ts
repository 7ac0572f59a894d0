// The address-context part of a report: where country/AS data came from (package, version, data
// date, licence and the attribution the licences ask for), what the case's enrichment used, the
// Zeek context logs read, and the country/AS of the incidents' hosts.
import type { GeoInfo, ReportContext } from '../../shared/context';
import type { Incident } from '../../shared/model';
import { caseGeo } from '../geo/geo-lookup';
import { ensureGeoCache } from '../geo/geo-cache';
import { isServerCase } from '../geo/geo-from-data';
import { geoSourceInfo, geoSourceLine } from '../geo/geo-source';
import type { CaseStore } from '../store/case-store';
import { contextStatus } from './context-status';

export async function loadReportContext(
  store: CaseStore,
  incidents: Incident[],
): Promise<ReportContext> {
  const info = geoSourceInfo();
  const status = await contextStatus(store.conn);
  const ips = [
    ...new Set(
      incidents.flatMap((i) => [i.attacker, ...i.victims]).filter((x): x is string => !!x),
    ),
  ].slice(0, 5000);
  const geo = await caseGeo(store.conn, ips);
  return {
    geo_sources: geoSourceLine(info),
    datasets: info.datasets,
    attribution: info.datasets.map((d) => d.attribution),
    geo: (await isServerCase(store.conn)) ? await lookedUp(geo) : status.geo,
    hosts: Object.fromEntries(geo.filter((g) => g.country || g.asn).map((g) => [g.ip, g])),
    dns_names: status.dnsNames,
    context_imports: status.contextImports,
  };
}

/**
 * A case whose flows are on a server has no enrichment of its own: the report says what was
 * looked up for it (the incidents' hosts, from the data installed now).
 */
async function lookedUp(geo: GeoInfo[]): Promise<ReportContext['geo']> {
  let versions: string[] | null = null;
  try {
    versions = (await ensureGeoCache()).versions;
  } catch {
    versions = null; // the data cannot be read: "not added", as for a case without it
  }
  return {
    addresses: geo.length,
    withCountry: geo.filter((g) => g.country).length,
    withAsn: geo.filter((g) => g.asn !== null).length,
    versions,
    builtAt: new Date().toISOString(),
    stale: false,
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The appendix section of the HTML report. */
export function reportContextHtml(c: ReportContext | undefined): string {
  if (!c) return '';
  const used = c.geo.versions
    ? `Country and AS of ${c.geo.addresses.toLocaleString('en-US')} addresses (${c.geo.withCountry.toLocaleString('en-US')} with a country, ${c.geo.withAsn.toLocaleString('en-US')} with an AS) from ${esc(c.geo.versions.join(', '))}${c.geo.stale ? ' (newer data is installed)' : ''}.`
    : 'Country and AS were not added to this case.';
  const logs = c.context_imports.length
    ? `<table><thead><tr><th>context log</th><th>kind</th><th class="r">rows</th><th class="r">rejected</th><th>sha256</th></tr></thead><tbody>${c.context_imports
        .map(
          (i) =>
            `<tr><td>${esc(i.path)}</td><td>${esc(i.kind)}</td><td class="r">${i.rows}</td><td class="r">${i.rejected}</td><td><code>${esc(i.sha256)}</code></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const sources = c.datasets?.length
    ? `<table><thead><tr><th>data</th><th>source (npm package)</th><th>version</th><th>data date</th><th>licence</th></tr></thead><tbody>${c.datasets
        .map(
          (d) =>
            `<tr><td>${d.kind === 'asn' ? 'AS' : 'country'}</td><td>${esc(d.title)}<br><code>${esc(d.package)}</code></td><td><code>${esc(d.version)}</code></td><td>${esc(d.date ?? '—')}</td><td>${esc(d.licence)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<h3>Address context</h3>
<p>${used} Data sources: ${esc(c.geo_sources)}.</p>
${sources}
<p class="muted">${c.attribution.map(esc).join(' ')}</p>
<p>Names from DNS answers seen in the case: ${c.dns_names.toLocaleString('en-US')}.</p>
${logs}`;
}

/** " · US AS15169" after a host in the report, or '' when the data has nothing for it. */
export function hostGeoSuffix(c: ReportContext | undefined, ip: string | null): string {
  const g = ip ? c?.hosts[ip] : undefined;
  if (!g) return '';
  return ` · ${[g.country, g.asn ? `AS${g.asn}` : null].filter(Boolean).join(' ')}`;
}

/** "US · AS15169 GOOGLE" for a host's own line in the report, or '' when nothing is known. */
export function hostGeoText(c: ReportContext | undefined, ip: string | null): string {
  const g = ip ? c?.hosts[ip] : undefined;
  if (!g) return '';
  return [g.country, g.asn ? `AS${g.asn}${g.asOrg ? ` ${g.asOrg}` : ''}` : null]
    .filter(Boolean)
    .join(' · ');
}
