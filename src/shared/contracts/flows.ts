// contract: flows. The flows grid, its count, the filter language's check, one host's summary,
// and the cancelling of superseded requests (the query shapes are src/shared/query.ts).
// Implemented by src/engine/service/flows-service.ts.
import type { CountRequest, FilterCheck, FlowsPage, FlowsRequest, HostSummary } from '../query';
import { methodsOf } from './method-list';

export interface FlowsApi {
  flows(req: FlowsRequest): Promise<FlowsPage>;
  countFlows(req: CountRequest): Promise<number>;
  checkFilter(text: string): Promise<FilterCheck>;
  host(ip: string): Promise<HostSummary>;
  /** Stops the running requests of these supersede tags (a pane closed; see Supersedable). */
  cancelQueries(tags: string[]): Promise<void>;
}

export const FLOWS_METHODS = methodsOf<FlowsApi>()([
  'flows',
  'countFlows',
  'checkFilter',
  'host',
  'cancelQueries',
]);
