// The report's address context: the data-source appendix names each data set's package, version,
// data date and licence (with the attribution the licences ask for), and hosts carry their
// country and AS; all of it escaped.
import { describe, expect, it } from 'vitest';
import type { ReportContext } from '../../shared/context';
import { geoSourceInfo } from '../geo/geo-source';
import { hostGeoSuffix, hostGeoText, reportContextHtml } from './report-context';

const ctx = (): ReportContext => {
  const info = geoSourceInfo();
  return {
    geo_sources: 'x',
    datasets: info.datasets,
    attribution: info.datasets.map((d) => d.attribution),
    geo: {
      addresses: 3,
      withCountry: 2,
      withAsn: 2,
      versions: info.datasets.map((d) => `${d.package}@${d.version}`),
      builtAt: null,
      stale: false,
    },
    hosts: {
      '8.8.8.8': { ip: '8.8.8.8', country: 'US', asn: 15169, asOrg: 'GOOGLE' },
      '203.0.113.5': { ip: '203.0.113.5', country: null, asn: 64500, asOrg: '<b>Evil</b>' },
    },
    dns_names: 4,
    context_imports: [],
  };
};

describe('report address context', () => {
  it('tabulates each data set with package, version, data date and licence', () => {
    const c = ctx();
    const html = reportContextHtml(c);
    expect(c.datasets!.length).toBe(2);
    for (const d of c.datasets!) {
      expect(html).toContain(`<code>${d.package}</code>`);
      expect(html).toContain(`<code>${d.version}</code>`);
      expect(d.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(html).toContain(`<td>${d.date}</td>`);
      expect(html).toContain(d.licence);
    }
    expect(html).toContain('<th>data date</th><th>licence</th>');
    expect(html).toContain('DB-IP');
  });

  it('names the country and AS of a host as text (html.ts escapes it)', () => {
    const c = ctx();
    expect(hostGeoText(c, '8.8.8.8')).toBe('US · AS15169 GOOGLE');
    expect(hostGeoText(c, '203.0.113.5')).toBe('AS64500 <b>Evil</b>');
    expect(hostGeoText(c, '10.0.0.1')).toBe('');
    expect(hostGeoSuffix(c, '8.8.8.8')).toBe(' · US AS15169');
  });
});
