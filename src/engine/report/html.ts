// The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, no network
// request) that a colleague can open anywhere and print. The PDF is this page printed by Chromium.
import { hostGeoSuffix, hostGeoText, reportContextHtml } from '../context/report-context';
import { markdownToHtml } from '../../shared/markdown';
import type { Feature, Flow, Incident } from '../../shared/model';
import { barsSvg, timelineSvg } from './charts-svg';
import type { ReportBundle } from './types';

const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const num = (n: number) => n.toLocaleString('en-US');
const when = (iso: string | null) =>
  iso ? iso.replace('T', ' ').replace(/\.000Z$|Z$/, ' UTC') : '—';

function bytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${u[i]}`;
}

const SEV_COLOR: Record<string, string> = {
  critical: '#8b0000',
  high: '#c0392b',
  medium: '#d68910',
  low: '#2874a6',
  info: '#707b7c',
};

/** Notes as the workspace shows them (the one safe Markdown subset, src/shared/markdown.ts). */
function notesHtml(md: string): string {
  return md.trim() ? markdownToHtml(md) : '<p class="muted">No notes.</p>';
}

function featureRow(f: Feature): string {
  const thr =
    f.threshold == null
      ? '—'
      : `${f.direction === 'below' ? '<' : '>'} ${num(+f.threshold.toFixed(3))}`;
  return `<tr><td>${esc(f.name)}</td><td class="r">${num(+f.value.toFixed(3))}</td><td class="r">${thr}</td><td>${esc(f.note ?? '')}</td></tr>`;
}

function flowRow(f: Flow): string {
  return `<tr><td>${esc(when(f.ts))}</td><td>${esc(f.proto)}</td><td>${esc(f.src_ip)}:${f.src_port ?? ''}</td><td>${esc(f.dst_ip)}:${f.dst_port ?? ''}</td><td>${esc(f.state)}</td><td class="r">${bytes(f.src_bytes)}</td><td class="r">${bytes(f.dst_bytes)}</td></tr>`;
}

/** Country and AS after an address (offline data), muted; '' when nothing is known. */
function geoNote(b: ReportBundle, ip: string | null): string {
  const t = hostGeoText(b.report.address_context, ip);
  return t ? ` <span class="muted">(${esc(t)})</span>` : '';
}

async function incidentSection(b: ReportBundle, inc: Incident, index: number): Promise<string> {
  const t = b.report.triage[inc.key];
  const alerts = b.report.alerts.filter((a) => a.incident_id === inc.id);
  const byDetector = new Map<string, typeof alerts>();
  for (const a of alerts) byDetector.set(a.detector, [...(byDetector.get(a.detector) ?? []), a]);
  // strongest detector first: it is the main reason the incident exists
  const detectorBlocks = [...byDetector.entries()]
    .map(([det, list]) => ({ det, list, top: [...list].sort((x, y) => y.score - x.score)[0] }))
    .sort((a, b) => b.top.score - a.top.score)
    .map(({ det, list, top }) => {
      return `<h4>${esc(det)} <span class="muted">(${num(list.length)} alert${list.length === 1 ? '' : 's'}, top score ${top.score.toFixed(2)})</span></h4>
<p>${esc(top.summary)}</p>
<table><thead><tr><th>feature</th><th class="r">value</th><th class="r">threshold</th><th>note</th></tr></thead>
<tbody>${top.features.map(featureRow).join('')}</tbody></table>`;
    })
    .join('\n');
  const flows = b.evidence[inc.id] ?? [];
  return `<section class="incident" id="incident-${inc.id}">
<h2>${index + 1}. ${esc(inc.type)} <span class="sev" style="background:${SEV_COLOR[inc.severity] ?? '#555'}">${esc(inc.severity)}</span> <span class="score">score ${inc.score.toFixed(2)}</span></h2>
<p class="summary">${esc(inc.summary)}</p>
<table class="kv">
<tr><th>Attacker</th><td>${esc(inc.attacker ?? '—')}${geoNote(b, inc.attacker)}</td></tr>
<tr><th>Victims</th><td>${inc.victims.length ? inc.victims.map((v) => `${esc(v)}${geoNote(b, v)}`).join(', ') : '—'} <span class="muted">(${num(inc.victims.length)})</span></td></tr>
<tr><th>Span</th><td>${esc(when(inc.first_seen))} → ${esc(when(inc.last_seen))}</td></tr>
<tr><th>Detectors</th><td>${inc.detectors.map(esc).join(', ')}</td></tr>
<tr><th>Alerts / flows</th><td>${num(inc.alert_count)} alerts, ${num(inc.flow_count)} flows</td></tr>
<tr><th>Status</th><td>${esc(t?.status ?? 'new')}${t?.tags.length ? ` · tags: ${t.tags.map(esc).join(', ')}` : ''}</td></tr>
</table>
<div class="chart">${await timelineSvg(b.timelines[inc.id] ?? [], { from: inc.first_seen, to: inc.last_seen })}</div>
<h3>Why: detectors and the features that fired</h3>
${detectorBlocks || '<p class="muted">No alerts recorded.</p>'}
<h3>Analyst notes</h3>
<div class="notes">${notesHtml(t?.notes ?? '')}</div>
<h3>Top evidence flows <span class="muted">(${num(flows.length)} of ${num(inc.flow_count)})</span></h3>
<table class="flows"><thead><tr><th>time</th><th>proto</th><th>source</th><th>destination</th><th>state</th><th class="r">bytes out</th><th class="r">bytes in</th></tr></thead>
<tbody>${flows.map(flowRow).join('')}</tbody></table>
<p class="muted">Evidence filter: <code>${esc(JSON.stringify(inc.evidence))}</code></p>
</section>`;
}

const CSS = `
body{font:13px/1.45 Helvetica,Arial,sans-serif;color:#222;margin:32px auto;max-width:900px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-top:2px solid #333;padding-top:12px}
h3{font-size:14px;margin:16px 0 6px}h4{font-size:13px;margin:10px 0 4px}
.notes h3,.notes h4,.notes h5,.notes h6{margin:8px 0 4px}.notes pre{background:#f4f4f4;padding:4px 6px;overflow:auto}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}.r{text-align:right}.muted{color:#777;font-weight:normal}
.kv th{width:130px}.sev{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;text-transform:uppercase}
.score{font-size:13px;color:#555;font-weight:normal}.summary{font-size:14px}
code{font:11px Menlo,Consolas,monospace;background:#f4f4f4;padding:1px 3px;word-break:break-all}
.flows td{font:11px Menlo,Consolas,monospace}.chart svg{max-width:100%;height:auto}
section.incident{page-break-inside:auto}@media print{body{margin:0}h2{page-break-before:auto}}
`;

export async function renderHtml(b: ReportBundle): Promise<string> {
  const s = b.report.summary;
  const incidents = b.incidents;
  const overview = incidents.length
    ? await barsSvg(
        incidents.slice(0, 25).map((i) => ({
          label: `${i.type} ${i.attacker ?? i.victims[0] ?? ''}`,
          value: +i.score.toFixed(2),
          color: SEV_COLOR[i.severity],
        })),
      )
    : '';
  const sections: string[] = [];
  for (const [k, i] of incidents.entries()) sections.push(await incidentSection(b, i, k));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(b.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(b.title)}</h1>
<p class="muted">Generated ${esc(when(s.generated_at))} by netsift ${esc(s.netsift_version)}</p>
<h2>Summary</h2>
<table class="kv">
<tr><th>Time range</th><td>${esc(when(s.first_ts))} → ${esc(when(s.last_ts))}</td></tr>
<tr><th>Flows</th><td>${num(s.flows)} imported, ${num(s.rejects)} rejected lines</td></tr>
<tr><th>Detection</th><td>${num(s.alerts)} alerts in ${num(s.windows)} windows of ${s.window_seconds} s, grouped into ${num(s.incidents)} incidents${s.suppressed_alerts ? `; ${num(s.suppressed_alerts)} alerts suppressed by allow-list rules` : ''}</td></tr>
<tr><th>In this report</th><td>${num(incidents.length)} incident${incidents.length === 1 ? '' : 's'}</td></tr>
</table>
<div class="chart">${await timelineSvg(b.timelines[0] ?? [])}</div>
${overview ? `<h3>Incidents by score</h3><div class="chart">${overview}</div>` : ''}
<table><thead><tr><th>#</th><th>type</th><th>severity</th><th class="r">score</th><th>attacker</th><th class="r">victims</th><th class="r">flows</th><th>status</th></tr></thead><tbody>
${incidents
  .map(
    (i, k) =>
      `<tr><td><a href="#incident-${i.id}">${k + 1}</a></td><td>${esc(i.type)}</td><td>${esc(i.severity)}</td><td class="r">${i.score.toFixed(2)}</td><td>${esc(i.attacker ?? '—')}${esc(hostGeoSuffix(b.report.address_context, i.attacker))}</td><td class="r">${num(i.victims.length)}</td><td class="r">${num(i.flow_count)}</td><td>${esc(b.report.triage[i.key]?.status ?? 'new')}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
${sections.join('\n')}
<h2>Appendix: how to reproduce</h2>
<h3>Source files</h3>
<table><thead><tr><th>file</th><th class="r">size</th><th>sha256</th><th>format</th><th class="r">rows read</th><th class="r">rejected</th></tr></thead><tbody>
${s.imports
  .map(
    (f) =>
      `<tr><td>${esc(f.path)}</td><td class="r">${bytes(f.size)}</td><td><code>${esc(f.sha256)}</code></td><td>${esc(f.format)}</td><td class="r">${num(f.rows_read)}</td><td class="r">${num(f.rows_rejected)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
${
  s.site
    ? `<h3>Site: internal networks</h3><p>${esc(s.site.internal.join(', '))} <span class="muted">(${esc(
        s.site.source === 'analyst'
          ? 'set by the analyst'
          : s.site.source === 'suggested'
            ? 'suggested from the data'
            : 'netsift default: RFC 1918, ULA',
      )})</span></p>${s.site.note ? `<p class="muted">${esc(s.site.note)}</p>` : ''}${
        s.site.suggestion && s.site.suggestion.join(',') !== s.site.internal.join(',')
          ? `<p class="muted">Suggested from the data: ${esc(s.site.suggestion.join(', '))}</p>`
          : ''
      }`
    : ''
}
<h3>Detectors and parameters</h3>
<table><thead><tr><th>detector</th><th class="r">alerts</th><th>parameters</th></tr></thead><tbody>
${s.detectors.map((d) => `<tr><td>${esc(d.id)}</td><td class="r">${num(d.alerts)}</td><td><code>${esc(JSON.stringify(d.params))}</code></td></tr>`).join('\n')}
</tbody></table>
<h3>Threat-intel feed versions</h3>
${
  s.feed_versions.length
    ? `<table><thead><tr><th>feed</th><th>version</th><th class="r">entries</th><th>sha256</th></tr></thead><tbody>${s.feed_versions
        .map(
          (f) =>
            `<tr><td>${esc(f.feed_id)}</td><td>${esc(f.version)}</td><td class="r">${num(f.entries)}</td><td><code>${esc(f.sha256)}</code></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No feed was matched in this analysis.</p>'
}
${
  b.report.allow_rules.length
    ? `<h3>Allow-list rules in force</h3><table><thead><tr><th>kind</th><th>subject</th><th>reason</th></tr></thead><tbody>${b.report.allow_rules
        .map(
          (r) =>
            `<tr><td>${esc(r.kind)}</td><td>${esc([r.ip, r.ip2, r.cidr, r.port].filter((x) => x != null).join(' '))}</td><td>${esc(r.reason)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
${reportContextHtml(b.report.address_context)}
<p class="muted">netsift ${esc(s.netsift_version)} · window ${s.window_seconds} s · case ${esc(s.case_path ?? '(temporary)')}</p>
</body></html>
`;
}
