// contract: charts (src/shared/contracts/charts.ts). The workspace's charts of a selection, each
// on the session's query lanes (the pair scatter on a lane of its own: it can take seconds).
import type { ChartsApi } from '../../shared/contracts/charts';
import type {
  PairScatter,
  PairScatterRequest,
  PortBucket,
  PortDistributionRequest,
  Timeline,
  TimelineRequest,
  TopTalker,
  TopTalkersRequest,
} from '../../shared/query';
import { pairScatter, portDistribution, timeline, topTalkers } from '../query/index';
import type { CaseSession } from './case-session';

export class ChartsService implements ChartsApi {
  constructor(private readonly s: CaseSession) {}

  async timeline(req: TimelineRequest): Promise<Timeline> {
    if (this.s.server) return this.s.onServer(req.supersede, (f, o) => f.timeline(req, o));
    return this.s.superseding(req.supersede, () =>
      this.s.lane('charts', (lane) => timeline(lane, req)),
    );
  }

  async topTalkers(req: TopTalkersRequest): Promise<TopTalker[]> {
    if (this.s.server) return this.s.onServer(req.supersede, (f, o) => f.topTalkers(req, o));
    return this.s.superseding(req.supersede, () =>
      this.s.lane('charts', (lane) => topTalkers(lane, req)),
    );
  }

  async dstPorts(req: PortDistributionRequest): Promise<PortBucket[]> {
    if (this.s.server) return this.s.onServer(req.supersede, (f, o) => f.portDistribution(req, o));
    return this.s.superseding(req.supersede, () =>
      this.s.lane('charts', (lane) => portDistribution(lane, req)),
    );
  }

  async pairScatter(req: PairScatterRequest): Promise<PairScatter> {
    if (this.s.server) return this.s.onServer(req.supersede, (f, o) => f.pairScatter(req, o));
    return this.s.superseding(req.supersede, () =>
      this.s.lane('scatter', (lane) => pairScatter(lane, req)),
    );
  }
}
