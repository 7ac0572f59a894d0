// The site model as text, for `netsift site` and the site lines `import`, `analyze` and `detect`
// print: the internal networks, who set them, how much of the capture they hold, and the
// suggestion read from the data with its evidence.
import type { SiteModel, SiteSuggestion } from '../../shared/site';

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

const SOURCE = {
  default: 'netsift default (RFC 1918, ULA)',
  analyst: 'set by the analyst',
  suggested: 'suggested from the data',
} as const;

export function describeSuggestion(s: SiteSuggestion, indent = '  '): string[] {
  const lines = [
    `${indent}suggested: ${s.networks.join(', ')} (${pct(s.coverage)} of ${n(s.flows)} flows have one of them on a side)`,
  ];
  for (const p of s.prefixes)
    lines.push(
      `${indent}  ${p.network}: ${n(p.hosts)} address${p.hosts === 1 ? '' : 'es'} (${p.top.join(', ')}${p.hosts > p.top.length ? ', ...' : ''}), ` +
        `in ${pct(p.share)} of the flows (${n(p.asSource)} as source, ${n(p.asDestination)} as destination)`,
    );
  return lines;
}

export function describeSite(site: SiteModel, opts: { suggestion?: boolean } = {}): string[] {
  const lines = [`internal networks: ${site.internal.join(', ')} (${SOURCE[site.source]})`];
  if (site.coverage)
    lines.push(
      `  ${pct(site.coverage.share)} of the flows have an internal address on a side; ` +
        `${n(site.coverage.hosts)} internal address${site.coverage.hosts === 1 ? '' : 'es'}`,
    );
  if (site.note) lines.push(`  note: ${site.note}`);
  if (opts.suggestion !== false && site.suggestion) {
    const same = site.suggestion.networks.join(',') === site.internal.join(',');
    if (!same || opts.suggestion) lines.push(...describeSuggestion(site.suggestion));
  }
  return lines;
}
