// Where the offline GeoIP/ASN data comes from: two npm packages of the ip-location-db project,
// installed with netsift (no network at run time). Updating the packages refreshes the data; the
// version names the build date (2.3.YYYYMMDDHH), which is shown as the data's date.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GeoSourceInfo, GeoDataset } from '../../shared/context';
import { NetsiftError } from '../core/errors';

interface DatasetSpec {
  kind: 'country' | 'asn';
  pkg: string;
  files: { v4: string; v6: string };
  title: string;
  licence: string;
  attribution: string;
  url: string;
}

export const DATASETS: DatasetSpec[] = [
  {
    kind: 'country',
    pkg: '@ip-location-db/geo-whois-asn-country',
    files: { v4: 'geo-whois-asn-country-ipv4-num.csv', v6: 'geo-whois-asn-country-ipv6-num.csv' },
    title: 'ip-location-db geo-whois-asn-country (GeoFeed + RIR whois + ASN country)',
    licence: 'CC0-1.0 (package); RIR statistics CC BY 4.0 by the NRO',
    attribution:
      'Country data: ip-location-db (sapics), from GeoFeed, RIR whois and NRO statistics (nro.net).',
    url: 'https://github.com/sapics/ip-location-db',
  },
  {
    kind: 'asn',
    pkg: '@ip-location-db/asn',
    files: { v4: 'asn-ipv4-num.csv', v6: 'asn-ipv6-num.csv' },
    title: 'ip-location-db asn (RouteViews + RIR + DB-IP IP to ASN Lite)',
    licence: 'CC BY 4.0 (RouteViews, DB-IP, NRO)',
    attribution:
      'AS data: ip-location-db (sapics), from RouteViews (routeviews.org), NRO (nro.net) and IP to ASN Lite by DB-IP (https://db-ip.com), CC BY 4.0.',
    url: 'https://github.com/sapics/ip-location-db',
  },
];

/** 2.3.2026061719 -> 2026-06-17 (the package's build date); null for other version shapes. */
export function versionDate(version: string): string | null {
  const m = /\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

function packageDir(pkg: string, env: NodeJS.ProcessEnv): string | null {
  if (env.NETSIFT_GEO_PACKAGES) {
    const dir = path.join(env.NETSIFT_GEO_PACKAGES, pkg);
    return fs.existsSync(path.join(dir, 'package.json')) ? dir : null;
  }
  try {
    const req = createRequire(import.meta.url);
    return path.dirname(req.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

export interface LocatedDataset extends GeoDataset {
  dir: string;
  v4File: string;
  v6File: string;
}

/** The installed data sets, or a clear error naming the missing package. */
export function locateDatasets(env: NodeJS.ProcessEnv = process.env): LocatedDataset[] {
  return DATASETS.map((d) => {
    const dir = packageDir(d.pkg, env);
    if (!dir)
      throw new NetsiftError(
        `GeoIP/ASN data package ${d.pkg} is not installed (npm ci installs it); no country or AS data`,
        'internal',
      );
    const version = (
      JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const v4File = path.join(dir, d.files.v4);
    const v6File = path.join(dir, d.files.v6);
    for (const f of [v4File, v6File])
      if (!fs.existsSync(f))
        throw new NetsiftError(`${f}: missing from package ${d.pkg}@${version}`, 'internal');
    return {
      kind: d.kind,
      package: d.pkg,
      version,
      date: versionDate(version),
      title: d.title,
      licence: d.licence,
      attribution: d.attribution,
      url: d.url,
      dir,
      v4File,
      v6File,
    };
  });
}

/** The About/appendix text: one line per data set, plus what netsift does with it. */
export function geoSourceInfo(env: NodeJS.ProcessEnv = process.env): GeoSourceInfo {
  let datasets: GeoDataset[] = [];
  let error: string | null = null;
  try {
    datasets = locateDatasets(env).map((d) => ({
      kind: d.kind,
      package: d.package,
      version: d.version,
      date: d.date,
      title: d.title,
      licence: d.licence,
      attribution: d.attribution,
      url: d.url,
    }));
  } catch (e) {
    error = (e as Error).message;
  }
  return {
    datasets,
    error,
    note: 'Offline: looked up in the packaged data, never on the network. Private, loopback, link-local, multicast, documentation and other special-purpose addresses never get a country or AS.',
  };
}

/** One line naming source, version, data date and licence of each data set (report appendix). */
export function geoSourceLine(info: GeoSourceInfo): string {
  if (!info.datasets.length) return `GeoIP/ASN: not available (${info.error ?? 'no data'})`;
  return info.datasets
    .map((d) => `${d.package}@${d.version} (data of ${d.date ?? 'unknown date'}, ${d.licence})`)
    .join('; ');
}
