// Opens `--store URL` for a command: the password from the environment or a prompt, an optional
// mapping file, and the analyst's case when one is named (it records where its flows live).
import { ClickHouseFlowStore } from '../engine/flowstore/clickhouse/clickhouse-flow-store';
import { parseStoreUrl } from '../engine/flowstore/clickhouse/store-url';
import {
  FLOW_STORE_SETTING,
  openClickHouseStore,
  type FlowStoreSetting,
} from '../engine/flowstore/open-store';
import type { CaseStore } from '../engine/store/case-store';
import { storePassword } from './store-password';

export async function openStoreFromFlags(
  url: string,
  flags: { mapping?: string; caseStore?: CaseStore },
): Promise<ClickHouseFlowStore> {
  const target = parseStoreUrl(url);
  const password = await storePassword(target.user, target.display);
  const store = await openClickHouseStore(url, {
    password,
    mappingFile: flags.mapping,
    caseStore: flags.caseStore,
  });
  if (flags.caseStore && !flags.caseStore.readOnly) {
    const setting: FlowStoreSetting = { url: target.display, mapping: flags.mapping ?? null };
    await flags.caseStore.setSetting(FLOW_STORE_SETTING, setting);
  }
  return store;
}
