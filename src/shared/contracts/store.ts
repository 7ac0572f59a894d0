// contract: store. A case whose flows are on a ClickHouse server (src/shared/store.ts): the case
// file keeps incidents, alerts, triage and the view; flows, counts and charts are read there.
// Implemented by src/engine/service/store-service.ts.
import type { StoreConnectRequest } from '../store';
import type { CaseInfo } from './case';
import { methodsOf } from './method-list';

export interface StoreApi {
  /**
   * A new case (named `caseName`) whose flows are on a ClickHouse server, or the open case
   * connected to its server again (its password is never kept).
   */
  connectStore(req: StoreConnectRequest): Promise<CaseInfo>;
}

export const STORE_METHODS = methodsOf<StoreApi>()(['connectStore']);
