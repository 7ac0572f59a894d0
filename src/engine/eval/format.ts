// The eval result as a plain-text table for the terminal.
import type { EvalResult } from './types';

const pct = (x: number) => x.toFixed(2);
/** A list cut to its first entries, so a 2,500-source flood does not flood the terminal. */
const list = (xs: string[], max = 25) => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')}, ... and ${xs.length - max} more`);

export function formatEval(r: EvalResult): string {
  const out: string[] = [];
  const found = r.incidents.filter((m) => m.found).length;
  if (r.mode === 'incidents')
    out.push(
      `Attacks: ${found}/${r.incidents.length} found; ${r.reportedIncidents} reported incidents, ` +
        `${r.unmatchedReported} matching no attack; ${r.incidentsPerAttack.toFixed(1)} reported incidents per found attack ` +
        `(time slack ${r.slackSeconds} s)`,
    );
  else out.push(`Flow labels: ${r.reportedIncidents} reported incidents`);
  out.push('');
  const tw = Math.max(16, ...r.perType.map((t) => t.type.length)) + 2;
  out.push(`${r.mode === 'incidents' ? 'type' : 'label'}`.padEnd(tw) + 'found'.padStart(7) + '  missed');
  for (const t of r.perType) out.push(t.type.padEnd(tw) + `${t.found}/${t.total}`.padStart(7) + '  ' + list(t.missed, 10));
  if (r.incidents.length > 0) {
    out.push('');
    const iw = Math.max(16, ...r.incidents.map((m) => m.id.length)) + 2;
    out.push('attack'.padEnd(iw) + 'host'.padEnd(17) + 'found  type  reported incidents');
    for (const m of r.incidents)
      out.push(
        m.id.padEnd(iw) + m.host.padEnd(17) + (m.found ? 'yes' : 'NO').padEnd(7) + (m.found ? (m.typeMatch ? 'yes' : 'no') : '-').padEnd(6) +
          m.reported.map((id) => `#${id}`).join(' '),
      );
  }
  const h = r.hosts;
  out.push('');
  out.push(
    `Hosts: precision ${pct(h.precision)} (${h.reported.length - h.falsePositives.length}/${h.reported.length} reported hosts), ` +
      `recall ${pct(h.recall)} (${h.truePositives.length}/${h.truePositives.length + h.falseNegatives.length} attacking hosts), F1 ${pct(h.f1)}`,
  );
  out.push(`False-positive hosts (${h.falsePositives.length}): ${list(h.falsePositives) || 'none'}`);
  if (h.falseNegatives.length > 0) out.push(`Missed hosts (${h.falseNegatives.length}): ${list(h.falseNegatives)}`);
  if (r.benign.length > 0)
    out.push(
      'Benign look-alikes: ' +
        r.benign
          .map((b) => `${b.role} ${b.ip} ${b.reported ? `REPORTED (${b.incidentIds.map((i) => `#${i}`).join(' ')})` : 'not reported'}`)
          .join('; '),
    );
  return out.join('\n');
}
