// The import summary's address-context lines: Zeek context logs read, names from DNS answers in
// captures, country/AS of the case's addresses.
import type { ImportContextSummary } from '../shared/context';

const n = (x: number) => x.toLocaleString('en-US');

/** Lines for stdout, and the errors (for stderr); errors make the import exit 1. */
export function describeContext(c: ImportContextSummary): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  for (const l of c.logs) {
    if (l.error) {
      err.push(`not imported: ${l.error}`);
      continue;
    }
    out.push(
      `${l.path}: ${l.kind} (context), ${n(l.rows)} rows, ${n(l.rejected)} rejected` +
        (l.names ? `, ${n(l.names)} names from its answers` : '') +
        `, ${l.seconds.toFixed(1)} s`,
    );
    for (const s of l.rejectSamples) out.push(`  line ${s.line}: ${s.reason}`);
  }
  for (const p of c.captureNames) {
    if (p.error) err.push(`names from DNS answers: ${p.error}`);
    else
      out.push(
        `${p.path}: ${n(p.names)} names from ${n(p.responses)} DNS responses, ${p.seconds.toFixed(1)} s`,
      );
  }
  if (c.geo)
    out.push(
      `country/AS: ${n(c.geo.addresses)} addresses, ${n(c.geo.withCountry)} with a country, ${n(c.geo.withAsn)} with an AS, ${c.geo.seconds.toFixed(1)} s`,
    );
  if (c.geoError) err.push(`country/AS not added: ${c.geoError}`);
  return { out, err };
}
