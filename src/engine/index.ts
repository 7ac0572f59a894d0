// The engine's one face: what the doors (the CLI, the loopback server in src/cli/server, Electron
// main) may use of the engine. Everything else under src/engine is its inside, free to move; an
// eslint rule (eslint.config.js) refuses a door's import of anything but this file and src/shared.
// A door that needs more adds it here, in its section, rather than reaching past it.

// ---- what every room uses: errors, jobs, the app's home folder ----
export { CancelledError, NetsiftError } from './core/errors';
export type { Job } from './core/job';
export { netsiftHome } from './core/home';
export { nearest } from './util/nearest';

// ---- a case (one DuckDB file) ----
export { CaseStore, type OpenOptions } from './store/case-store';

// ---- import ----
export { importFiles } from './import/pipeline';
export { parseTimeWindow } from './import/time-window';
export type { MappedField } from './import/types';
export { generateCapture, DEFAULTS as GENERATE_DEFAULTS } from './generate/index';

// ---- detect and analyze ----
export { runDetection, type DetectionOptions, type IncidentsSoFar } from './analysis/runner';
export { analyzeFiles, buildReport } from './analysis/analyze';
export {
  evaluate,
  flowsFileFor,
  formatEval,
  readBenignFile,
  readCaseLabels,
  readFlowLabels,
  readIncidentsFile,
  type Truth,
} from './eval/index';

// ---- site (the case's internal networks) ----
export {
  parseNetworkList,
  readSite,
  refreshSuggestion,
  resetSite,
  writeSite,
} from './site/site-model';

// ---- threat-intel feeds ----
export { FeedService } from './intel/service';

// ---- triage and allow rules ----
export { findIncident } from './triage/incident-lookup';
export { auditTrail, updateTriage } from './triage/triage-store';
export { addAllowRule, listAllowRules, removeAllowRule } from './triage/allow-rules';

// ---- reports ----
export { formatOf } from './report/format';

/**
 * Writes a report file (HTML, PDF, JSON or CSV: the extension says which). Loaded on demand: the
 * report code pulls in echarts, which other commands do not need.
 */
export async function exportReport(
  ...args: Parameters<typeof import('./report/export').exportReport>
): ReturnType<typeof import('./report/export').exportReport> {
  const { exportReport: run } = await import('./report/export');
  return run(...args);
}

// ---- address context and packets ----
export { contextStatus } from './context/context-status';
export { addressesOf, hostContext } from './context/host-context';
export { enrichGeo } from './geo/geo-enrich';
export { geoSourceInfo } from './geo/geo-source';
export { exportPackets } from './packets/export-packets';

// ---- following folders, growing files and NetFlow listeners ----
export { startFollow } from './follow/follow-job';
export { listenText, parseListen } from './follow/listen-address';
export { ListenerSource } from './follow/listener-source';
export type { ListenerStats } from './follow/netflow-listener';
export { describeSampling } from './import/netflow/sampling';
export type { SessionStats } from './import/netflow/types';

// ---- flow stores (ClickHouse) ----
export { ClickHouseFlowStore } from './flowstore/clickhouse/clickhouse-flow-store';
export { caseStoreLink } from './flowstore/case-link';
export type { FlowStore } from './flowstore/flow-store';
export { flowFigures } from './analysis/report';
export { parseStoreUrl } from './flowstore/clickhouse/store-url';
export {
  FLOW_STORE_SETTING,
  openClickHouseStore,
  type FlowStoreSetting,
} from './flowstore/open-store';

// ---- the service the workspace's doors carry (src/shared/api.ts) ----
export {
  NetsiftService,
  type DomainServices,
  type ServiceOptions,
} from './service/netsift-service';
export { defaultOps } from './service/default-ops';
export { answerCall, publicError } from './service/public-error';
export { withRequestSignal } from './service/request-signal';
export { exportedFile } from './service/triage-ops';
