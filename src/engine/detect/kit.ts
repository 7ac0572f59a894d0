// The detector kit: what a detector (detectors/<id>/) imports, in one place. A detector needs
// nothing else of the engine but its own folder (and the address helpers of util/ip, the feeds of
// intel for the blacklist).
export { defineDetector, type ParamsOf } from './define';
export type { AlertDraft, DetectContext, Detector, ParamSpecs } from './types';
export { all, one, run } from '../store/sql';
export { ignoredServices, listBinds } from './binds';
export { clamp01, noisyOr, round, saturate, severityOf } from './stats';
export {
  isoJustAfter,
  justAfter,
  usedParams,
  windowEnd,
  windowIndex,
  windowKey,
  windowMicros,
  windowSpan,
  windowStart,
} from './windows';
export { formatDuration } from './wording';
export { serviceName } from './service-names';
export { SCAN_MODE_SQL, TARGET_COLS, targetCtes } from './probe-targets';
export * from './shared-tables';
export type { FlowSql, Binds } from '../flowstore/flow-sql';
export type { DetectDialect } from '../flowstore/dialect-detect';
export { selectorWhere } from '../flowstore/selector-sql';
export { evidenceCount } from './evidence-count';
export { pick } from './pick';
export { stageCtes, stagedRows } from './staged';
