// contract: charts. The timeline, top talkers, destination ports and the pair scatter of a
// selection. Implemented by src/engine/service/charts-service.ts.
import type {
  PairScatter,
  PairScatterRequest,
  PortBucket,
  PortDistributionRequest,
  Timeline,
  TimelineRequest,
  TopTalker,
  TopTalkersRequest,
} from '../query';
import { methodsOf } from './method-list';

export interface ChartsApi {
  timeline(req: TimelineRequest): Promise<Timeline>;
  topTalkers(req: TopTalkersRequest): Promise<TopTalker[]>;
  dstPorts(req: PortDistributionRequest): Promise<PortBucket[]>;
  pairScatter(req: PairScatterRequest): Promise<PairScatter>;
}

export const CHARTS_METHODS = methodsOf<ChartsApi>()([
  'timeline',
  'topTalkers',
  'dstPorts',
  'pairScatter',
]);
