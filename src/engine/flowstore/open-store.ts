// Opens the flow store a door names: a ClickHouse URL (with the password given apart, and an
// optional mapping file) or the case's own DuckDB flows.
import type { CaseStore } from '../store/case-store';
import { ClickHouseFlowStore } from './clickhouse/clickhouse-flow-store';
import { HttpExecutor } from './clickhouse/http-executor';
import { readMapping } from './clickhouse/mapping-file';
import { parseStoreUrl } from './clickhouse/store-url';
import { DuckDbFlowStore } from './duckdb-flow-store';
import type { FlowStore } from './flow-store';

export interface OpenClickHouseOptions {
  /** From NETSIFT_CLICKHOUSE_PASSWORD or a prompt (src/cli/store-password.ts). */
  password: string;
  /** A mapping file for an existing table (read-only). */
  mappingFile?: string;
  /** The analyst's local case. */
  caseStore?: CaseStore;
}

export async function openClickHouseStore(
  url: string,
  opts: OpenClickHouseOptions,
): Promise<ClickHouseFlowStore> {
  const target = parseStoreUrl(url);
  const mapping = opts.mappingFile ? readMapping(opts.mappingFile) : undefined;
  const ex = await HttpExecutor.connect(target, { password: opts.password });
  try {
    return await ClickHouseFlowStore.create(ex, {
      location: target.display,
      table: target.table,
      importsTable: target.importsTable,
      mapping,
      caseStore: opts.caseStore,
    });
  } catch (e) {
    await ex.close();
    throw e;
  }
}

export function caseFlowStore(store: CaseStore): FlowStore {
  return new DuckDbFlowStore(store);
}

export { FLOW_STORE_SETTING, type FlowStoreSetting } from './flow-store-setting';
