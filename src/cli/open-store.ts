// Opens `--store URL` for a command: the password from the environment or a prompt, an optional
// mapping file, and the analyst's case when one is named (it records where its flows live).
import {
  type CaseStore,
  ClickHouseFlowStore,
  FLOW_STORE_SETTING,
  type FlowStoreSetting,
  openClickHouseStore,
  parseStoreUrl,
} from '../engine/index';
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
