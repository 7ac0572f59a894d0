// The engine's query layer: everything the workspace asks of a case's flows. Request/response
// shapes are in src/shared/query.ts.
export { selectorToSql, type SqlPredicate } from './selector';
export {
  checkFilter,
  compileFilter,
  filterToSql,
  parseFilter,
  FilterError,
  FILTER_KEYWORDS,
  type FilterNode,
} from './filter';
export { flowWhere, isUnfiltered, queryKey } from './where';
export { queryFlows, countFlows, pageNeedsScan, warmPaging, MAX_PAGE } from './flows';
export { timeline, chooseBucketSeconds, NICE_BUCKET_SECONDS } from './timeline';
export { topTalkers } from './top-talkers';
export { portDistribution } from './port-distribution';
export { pairScatter } from './pair-scatter';
export { hostSummary } from './host-summary';
export { importsList, rejectsPage } from './imports';
export { gated, isCancellation, type QueryOptions } from './cancel';
