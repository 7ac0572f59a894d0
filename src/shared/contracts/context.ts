// contract: context. What is known about an address (country/AS, names, passive DNS), the
// sources of that knowledge, and packets of selected flows (src/shared/context.ts).
// Implemented by src/engine/service/context-service.ts.
import type {
  ContextStatus,
  DnsName,
  GeoInfo,
  GeoSourceInfo,
  HostContext,
  NameLookupRequest,
  PacketExportRequest,
  PacketExportResult,
  TopGeoRequest,
  TopGeoRow,
} from '../context';
import { methodsOf } from './method-list';

export interface ContextApi {
  hostContext(ip: string): Promise<HostContext>;
  /** Country/AS of addresses of the open case (the grids' visible rows). */
  geoOf(ips: string[]): Promise<GeoInfo[]>;
  /** Names of addresses at times (each flow's address at its ts), keyed "ip|at". */
  namesAt(items: { ip: string; at: string }[]): Promise<Record<string, string[]>>;
  /** Addresses a DNS name resolved to in the case (exact or suffix). */
  addressesOfName(req: NameLookupRequest): Promise<DnsName[]>;
  contextStatus(): Promise<ContextStatus>;
  /** Top countries or AS of the selected flows (charts). */
  topGeo(req: TopGeoRequest): Promise<TopGeoRow[]>;
  /** About box: GeoIP/ASN data sources, versions, dates, licences, attribution. */
  geoSources(): Promise<GeoSourceInfo>;
  /** Writes a pcap under NETSIFT_HOME/exports (download: GET /api/exports/<fileName>). */
  exportPackets(req: PacketExportRequest): Promise<PacketExportResult>;
}

export const CONTEXT_METHODS = methodsOf<ContextApi>()([
  'hostContext',
  'geoOf',
  'namesAt',
  'addressesOfName',
  'contextStatus',
  'topGeo',
  'geoSources',
  'exportPackets',
]);
