// contract: context (src/shared/contracts/context.ts). What is known about an address of the
// open case (src/engine/context, src/engine/geo), on the session's query lanes, and packets of
// selected flows written under NETSIFT_HOME/exports (context-ops.ts).
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
} from '../../shared/context';
import type { ContextApi } from '../../shared/contracts/context';
import { contextStatus } from '../context/context-status';
import { addressesOf, hostContext, namesAt } from '../context/host-context';
import { topGeo } from '../context/top-geo';
import { NetsiftError } from '../core/errors';
import { caseGeo } from '../geo/geo-lookup';
import { geoSourceInfo } from '../geo/geo-source';
import type { CaseSession } from './case-session';
import { exportPacketsToHome } from './context-ops';

export class ContextService implements ContextApi {
  constructor(private readonly s: CaseSession) {}

  async hostContext(ip: string): Promise<HostContext> {
    return this.s.lane('host', async (lane) => hostContext(await lane.connection(), ip));
  }

  async geoOf(ips: string[]): Promise<GeoInfo[]> {
    if (!Array.isArray(ips) || ips.length > 5000)
      throw new NetsiftError('geoOf takes up to 5000 addresses', 'usage');
    return this.s.lane('host', async (lane) => caseGeo(await lane.connection(), ips.map(String)));
  }

  async namesAt(items: { ip: string; at: string }[]): Promise<Record<string, string[]>> {
    return this.s.lane('host', async (lane) => namesAt(await lane.connection(), items));
  }

  async addressesOfName(req: NameLookupRequest): Promise<DnsName[]> {
    return this.s.lane('host', async (lane) => addressesOf(await lane.connection(), req));
  }

  async contextStatus(): Promise<ContextStatus> {
    return this.s.lane('host', async (lane) => contextStatus(await lane.connection()));
  }

  async topGeo(req: TopGeoRequest): Promise<TopGeoRow[]> {
    return this.s.superseding(req.supersede, () =>
      this.s.lane('charts', (lane) => topGeo(lane, req)),
    );
  }

  async geoSources(): Promise<GeoSourceInfo> {
    return geoSourceInfo();
  }

  async exportPackets(req: PacketExportRequest): Promise<PacketExportResult> {
    const info = await this.s.caseInfo();
    return exportPacketsToHome(this.s.requireStore(), info?.name ?? 'case', req);
  }
}
