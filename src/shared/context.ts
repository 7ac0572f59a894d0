// Address context (issue 17): country and AS of public addresses (offline data), names from the
// capture's own DNS, Zeek http/ssl/dns logs of a host, and exporting the packets of flows. The
// shapes the service contract (src/shared/api.ts) carries; plain JSON, times ISO 8601 UTC.
import type { FlowQuery, Supersedable } from './query';
import type { FlowSelector } from './model';

/** One packaged data set (npm package) the GeoIP/ASN lookups come from. */
export interface GeoDataset {
  kind: 'country' | 'asn';
  package: string;
  version: string;
  /** Build date of the data (from the package version), YYYY-MM-DD. */
  date: string | null;
  title: string;
  licence: string;
  /** Attribution text the licence asks for (show it in the About box and reports). */
  attribution: string;
  url: string;
}

/** About box and report appendix: where country and AS data come from. */
export interface GeoSourceInfo {
  datasets: GeoDataset[];
  /** Why there is no data (package missing), else null. */
  error: string | null;
  note: string;
}

/** Country and AS of one address (null fields where the data has none or the address is special). */
export interface GeoInfo {
  ip: string;
  /** ISO 3166-1 alpha-2 code, e.g. "US". */
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}

/** A name an address had, from DNS answers seen in the case's own data. */
export interface DnsName {
  name: string;
  addr: string;
  /** A, AAAA or PTR. */
  rtype: string;
  /** When the answer came through a CNAME chain: the name that held the address record. */
  via: string | null;
  /** pcap (answers decoded from a capture) or zeek-dns (dns.log). */
  source: string;
  firstSeen: string;
  lastSeen: string;
  /** Largest TTL seen, seconds (null when unknown). */
  ttl: number | null;
  answers: number;
}

/** One row of a host's Zeek context: an HTTP host + URI, a TLS server name or a DNS query. */
export interface HostContextItem {
  kind: 'http' | 'tls' | 'dns';
  /** HTTP Host header, TLS SNI, or the DNS query. */
  value: string;
  /** HTTP: methods; DNS: query type and response code; TLS: version(s). */
  detail: string;
  /** HTTP: up to 10 distinct "METHOD uri"; DNS: up to 10 distinct answers; TLS: empty. */
  examples: string[];
  /** The host's role: it made the request (client) or answered it (server). */
  role: 'client' | 'server';
  peer: string;
  port: number | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Selects the flows behind these log lines (pivot back to the flows grid). */
  selector: FlowSelector;
}

export interface HostContext {
  ip: string;
  geo: GeoInfo | null;
  /** Every name the address had (passive DNS), newest first. */
  names: DnsName[];
  items: HostContextItem[];
  /** True when an item list was cut at its limit. */
  truncated: boolean;
}

export interface NameLookupRequest {
  name: string;
  /** Also names ending in ".<name>" (e.g. "example.com" finds "www.example.com"). */
  suffix?: boolean;
  limit?: number;
}

/** What the case holds as context: counts per table and the GeoIP/ASN versions it was built with. */
export interface ContextStatus {
  geo: {
    addresses: number;
    withCountry: number;
    withAsn: number;
    /** package@version of each data set used for the case's enrichment (null: not enriched). */
    versions: string[] | null;
    builtAt: string | null;
    /** The installed data is newer than what the case was enriched with. */
    stale: boolean;
  };
  dnsNames: number;
  zeek: { dns: number; http: number; ssl: number };
  contextImports: { path: string; kind: string; rows: number; rejected: number; sha256: string }[];
}

/** Export the packets of some flows to a pcap: an incident, a filter/selector, or flow ids. */
export interface PacketExportRequest {
  incidentId?: number | string;
  query?: FlowQuery;
  flowIds?: number[];
}

export interface PacketExportResult {
  /** Where the pcap was written (under NETSIFT_HOME/exports for the service). */
  path: string;
  fileName: string;
  flows: number;
  /** Flows that came from a capture (the others have no packets). */
  captureFlows: number;
  packets: number;
  /** Packets the selected flows count (src_pkts + dst_pkts): equal to `packets` when exact. */
  expectedPackets: number;
  bytes: number;
  /** pcap, or pcapng when the packets mix link types. */
  container: 'pcap' | 'pcapng';
  /** Per source capture: its path and how many packets came from it. */
  sources: { path: string; sha256: string; packets: number }[];
  /** Why some or all selected flows have no packets (flow-record imports), else null. */
  note: string | null;
}

/** One Zeek context log (dns/http/ssl) an import read. */
export interface ContextImportResult {
  path: string;
  kind: string;
  /** context_imports.id (0 when it failed). */
  id: number;
  rows: number;
  rejected: number;
  /** Name <-> address pairs its answers gave (dns.log). */
  names: number;
  rejectSamples: { line: number; reason: string }[];
  seconds: number;
  error?: string;
}

/** The DNS answers a capture carried. */
export interface CaptureNamesView {
  importId: number;
  path: string;
  names: number;
  responses: number;
  seconds: number;
  error?: string;
}

/** What an import added as address context (ImportSummary.context). */
export interface ImportContextSummary {
  logs: ContextImportResult[];
  captureNames: CaptureNamesView[];
  geo: {
    addresses: number;
    withCountry: number;
    withAsn: number;
    versions: string[];
    seconds: number;
  } | null;
  /** Why country/AS could not be added (the flows are imported all the same). */
  geoError: string | null;
  seconds: number;
}

/** The report's address-context part (JSON report `address_context`, HTML appendix). */
export interface ReportContext {
  /** One line per GeoIP/ASN data set: package@version, data date, licence. */
  geo_sources: string;
  /** The same data sets in full (the HTML appendix's table). */
  datasets?: GeoDataset[];
  /** Attribution the data licences ask for. */
  attribution: string[];
  /** What the case's enrichment was built with (null: not enriched). */
  geo: ContextStatus['geo'];
  /** Country/AS of the incidents' attackers and victims. */
  hosts: Record<string, GeoInfo>;
  dns_names: number;
  context_imports: ContextStatus['contextImports'];
}

/** Top countries or AS of a selection of flows (a chart; a newer request of its tag cancels it). */
export interface TopGeoRequest extends FlowQuery, Supersedable {
  by: 'country' | 'asn';
  /** Which address of each flow counts; 'any' (default) counts both sides. */
  side?: 'src' | 'dst' | 'any';
  /** Default 20, at most 1000. */
  limit?: number;
}

export interface TopGeoRow {
  /** Country code, or the AS number as text. */
  key: string;
  /** AS organisation (by asn); null by country. */
  label: string | null;
  flows: number;
  bytes: number;
  /** Distinct addresses behind it. */
  hosts: number;
}
