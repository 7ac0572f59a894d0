import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { Incident } from '../../shared/model';
import { runDetection } from '../analysis/runner';
import { CaseStore } from '../store/case-store';
import { listIncidents } from '../triage/incident-lookup';
import { updateTriage } from '../triage/triage-store';
import { exportReport } from './export';
import { findChromium } from './pdf';
import { checkSchema, type Schema } from './schema-check';
import type { TriagedReport } from './types';

const chromium = findChromium();
const pdftotext = commandPath('pdftotext');

/** Where a command is on PATH, or null. */
function commandPath(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const tmp = makeTmpDir();
/** A note in the workspace's Markdown, with what must stay inert: raw HTML and a javascript: link. */
const NOTE =
  '## Finding\n\nConfirmed with **the owner**: <script>x</script>\n\n- see [the ticket](javascript:alert(1))\n- and [the wiki](https://wiki.example/scan)';
let store: CaseStore;
let incidents: Incident[];

/** A vertical scan (one host, 400 ports, refused) among ordinary web and DNS traffic. */
function fixture(): FlowRow[] {
  const rows: FlowRow[] = [];
  const t0 = Date.parse('2017-01-27T16:00:00Z');
  const at = (s: number) =>
    new Date(t0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
  for (let i = 0; i < 400; i++)
    rows.push({
      ts: at(300 + i * 0.5),
      src_ip: '192.168.100.96',
      src_port: 40000 + i,
      dst_ip: '192.168.1.5',
      dst_port: 1 + i,
      state: 'reset',
      src_bytes: 60,
      dst_bytes: 0,
    });
  for (let i = 0; i < 600; i++) {
    const host = `192.168.100.${10 + (i % 20)}`;
    rows.push({
      ts: at(i),
      src_ip: host,
      src_port: 50000 + i,
      dst_ip: '93.184.216.34',
      dst_port: 443,
      state: 'established',
      src_bytes: 800 + (i % 7) * 10,
      dst_bytes: 20000 + (i % 5) * 100,
    });
    rows.push({
      ts: at(i + 0.2),
      src_ip: host,
      src_port: 30000 + i,
      dst_ip: '192.168.1.53',
      dst_port: 53,
      proto: 'udp',
      state: 'closed',
      src_bytes: 70,
      dst_bytes: 120,
    });
  }
  return rows;
}

beforeAll(async () => {
  store = await CaseStore.open(tmp.file('report.duckdb'));
  await insertFlows(store, fixture());
  await runDetection(store).result;
  incidents = await listIncidents(store);
  const scan = incidents.find((i) => i.attacker === '192.168.100.96');
  if (scan)
    await updateTriage(store, scan.key, {
      status: 'confirmed',
      appendNote: NOTE,
      addTags: ['lab'],
    });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('report export', () => {
  it('finds the scan in the fixture (the report has something to show)', () => {
    expect(incidents.some((i) => i.attacker === '192.168.100.96')).toBe(true);
  });

  it('writes a self-contained HTML report with each incident, its counts and the triage', async () => {
    const out = tmp.file('r.html');
    const r = await exportReport(store, out, {});
    expect(r.incidents).toBe(incidents.length);
    const html = fs.readFileSync(out, 'utf8');
    for (const inc of incidents) {
      if (inc.attacker) expect(html).toContain(inc.attacker);
      for (const v of inc.victims.slice(0, 5)) expect(html).toContain(v);
      expect(html).toContain(`${inc.flow_count.toLocaleString('en-US')} flows`);
    }
    expect(html).toContain('<svg'); // charts inline
    // the note rendered as the workspace renders it (src/shared/markdown.ts), not as literal text
    expect(html).toContain('<h4>Finding</h4>');
    expect(html).not.toContain('## Finding');
    expect(html).toContain('Confirmed with <strong>the owner</strong>: &lt;script&gt;');
    expect(html).toContain(
      '<li>see <span class="md-link">the ticket <span class="muted">(javascript:alert(1)</span></span>)</li>',
    );
    expect(html).toContain(
      '<a href="https://wiki.example/scan" target="_blank" rel="noopener noreferrer">the wiki</a>',
    );
    expect(html).not.toMatch(/<script/i);
    // no network request: no external src/url()/@import (SVG xmlns names are not requests); the
    // note's one safe link is an anchor the reader may follow, not something the page loads
    expect(html).not.toMatch(/src\s*=\s*["']?(?:https?:)?\/\//i);
    expect(
      [...html.matchAll(/href\s*=\s*["']?(?:https?:)?\/\/[^"' >]*/gi)].map((m) => m[0]),
    ).toEqual(['href="https://wiki.example/scan']);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    // reproducibility appendix
    expect(html).toContain('Source files');
    expect(html).toContain('Detectors and parameters');
    expect(html).toContain('Address context');
    expect(html).toMatch(/@ip-location-db\/geo-whois-asn-country@[\d.]+ \(data of/);
    expect(html).toContain('DB-IP');
    // the site the run used: its internal networks and who set them
    expect(html).toMatch(/<h3>Site: internal networks<\/h3><p>[^<]*\/\d+[^<]* <span class="muted">\((netsift default|suggested from the data|set by the analyst)/);
  });

  it('writes the JSON report (analyze schema plus triage) and restricts it to one incident', async () => {
    const scan = incidents.find((i) => i.attacker === '192.168.100.96')!;
    const out = tmp.file('one.json');
    await exportReport(store, out, { incidents: [scan.id] });
    const rep = JSON.parse(fs.readFileSync(out, 'utf8')) as TriagedReport;
    expect(Object.keys(rep).sort()).toEqual(['address_context', 'alerts', 'allow_rules', 'audit', 'incidents', 'summary', 'triage']);
    expect(rep.address_context!.geo_sources).toMatch(/@ip-location-db\/asn@[\d.]+ \(data of \d{4}-\d{2}-\d{2}, CC BY 4\.0/);
    expect(rep.incidents.map((i) => i.id)).toEqual([scan.id]);
    expect(rep.alerts.length).toBeGreaterThan(0);
    expect(rep.alerts.every((a) => a.incident_id === scan.id)).toBe(true);
    expect(rep.triage[scan.key].status).toBe('confirmed');
    expect(rep.audit.map((a) => a.field)).toContain('status');
    expect(rep.summary.flows).toBe(1600);
    const schema = JSON.parse(
      fs.readFileSync(
        new URL('../../../resources/schema/report.schema.json', import.meta.url),
        'utf8',
      ),
    ) as Schema;
    expect(checkSchema(rep, schema)).toEqual([]);
    // the checker itself rejects what breaks the schema
    const broken = { ...rep, incidents: [{ ...rep.incidents[0], score: 2, severity: 'dire' }] };
    expect(checkSchema(broken, schema)).toEqual([
      '$.incidents[0].severity: "dire" not in ["info","low","medium","high","critical"]',
      '$.incidents[0].score: 2 > 1',
    ]);
    expect(checkSchema({ summary: {}, alerts: [] }, schema)).toContain('$.incidents: missing');
  });

  it('writes a CSV with exactly the incident’s evidence flows', async () => {
    const scan = incidents.find((i) => i.attacker === '192.168.100.96')!;
    const out = tmp.file('evidence.csv');
    const r = await exportReport(store, out, { incidents: [scan.key] });
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    // text columns are always quoted (formula-injection escaping, csv.ts), their names too
    expect(lines[0]).toMatch(/^incident_id,"incident_type",flow_id,ts,/);
    expect(lines.length - 1).toBe(scan.flow_count);
    expect(r.flows).toBe(scan.flow_count);
    expect(lines.slice(1).every((l) => l.startsWith(`${scan.id},`))).toBe(true);
  });

  it('refuses an unknown incident and an unknown format with a clear message', async () => {
    await expect(exportReport(store, tmp.file('x.json'), { incidents: [9999] })).rejects.toThrow(
      /no incident 9999/,
    );
    await expect(exportReport(store, tmp.file('x.docx'), {})).rejects.toThrow(
      /\.html, \.pdf, \.json, \.csv/,
    );
  });

  it.skipIf(!chromium)(
    `prints the report to PDF through headless Chromium${chromium ? '' : ' (SKIPPED: no Chromium)'}`,
    async () => {
      const out = tmp.file('r.pdf');
      await exportReport(store, out, {});
      expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    },
  );

  // the PDF's text is read with pdftotext: without it the check is skipped, visibly (it used to
  // return early with a warning and pass without checking anything)
  it.skipIf(!chromium || !pdftotext)(
    `prints the same content to PDF${
      pdftotext ? '' : ' (SKIPPED: pdftotext not installed; apt-get install poppler-utils)'
    }`,
    async () => {
      const out = tmp.file('r-text.pdf');
      await exportReport(store, out, {});
      const text = execFileSync(pdftotext!, ['-layout', out, '-'], { encoding: 'utf8' });
      for (const inc of incidents) if (inc.attacker) expect(text).toContain(inc.attacker);
      expect(text).toContain('Source files');
      expect(text).toContain('Finding');
      expect(text).not.toContain('## Finding');
      expect(text).not.toContain('**the owner**');
    },
  );
});
