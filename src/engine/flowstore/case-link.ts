// A case whose flows live on a ClickHouse server: the case records where (setting flow_store: the
// URL without password, a mapping file, and at most the NAME of an environment variable holding
// the password), the open session holds the connection. Used by the workspace's service
// (connectStore, reopening such a case) and the CLI (detect on a case that names its store).
import { NetsiftError } from '../core/errors';
import type { CaseFlowStore, StoreConnectRequest } from '../../shared/store';
import type { CaseStore } from '../store/case-store';
import type { ClickHouseFlowStore } from './clickhouse/clickhouse-flow-store';
import { parseStoreUrl } from './clickhouse/store-url';
import { FLOW_STORE_SETTING, openClickHouseStore, type FlowStoreSetting } from './open-store';

/** Environment variables a request may name for the password (never any other). */
const ENV_NAME = /^NETSIFT_[A-Z0-9_]{1,64}$/;

/** The case's store, or null for a case that holds its own flows. */
export async function caseStoreLink(store: CaseStore): Promise<FlowStoreSetting | null> {
  const s = await store.getSetting<FlowStoreSetting | null>(FLOW_STORE_SETTING, null);
  return s && typeof s.url === 'string' ? s : null;
}

/** The URL with TLS asked for by the flag (same as clickhouses:// or ?secure=1). */
export function withTls(url: string, tls: boolean | undefined): string {
  const t = parseStoreUrl(url); // refuses a password in the URL, bad names, unknown options
  if (!tls || t.secure) return url;
  return `${url.trim()}${url.includes('?') ? '&' : '?'}secure=1`;
}

/** The password a request gives: typed, or read from a NETSIFT_* environment variable. */
export function requestPassword(req: Pick<StoreConnectRequest, 'password' | 'passwordEnv'>): {
  password: string;
  env: string | null;
} {
  if (typeof req.password === 'string' && req.password !== '')
    return { password: req.password, env: null };
  if (req.passwordEnv) {
    const name = String(req.passwordEnv);
    if (!ENV_NAME.test(name))
      throw new NetsiftError(
        `password variable ${name}: only NETSIFT_* environment variables may hold it`,
        'usage',
      );
    const v = process.env[name];
    if (v === undefined)
      throw new NetsiftError(
        `password variable ${name} is not set in netsift's environment (set it before starting netsift)`,
        'usage',
      );
    return { password: v, env: name };
  }
  return { password: '', env: null };
}

/**
 * Connects the case to its store and records the link (URL without password, the variable's
 * name when the password came from one).
 */
export async function connectCase(
  caseStore: CaseStore,
  url: string,
  password: string,
  link: { mapping?: string | null; passwordEnv?: string | null } = {},
): Promise<ClickHouseFlowStore> {
  const target = parseStoreUrl(url);
  const flows = await openClickHouseStore(url, {
    password,
    mappingFile: link.mapping ?? undefined,
    caseStore,
  });
  if (!caseStore.readOnly) {
    const setting: FlowStoreSetting = {
      url: target.display,
      mapping: link.mapping ?? null,
      ...(link.passwordEnv ? { passwordEnv: link.passwordEnv } : {}),
    };
    await caseStore.setSetting(FLOW_STORE_SETTING, setting);
  }
  return flows;
}

/** What the header shows about the case's store (connected or waiting for its password). */
export function describeLink(
  link: FlowStoreSetting,
  flows: ClickHouseFlowStore | null,
  error: string | null,
): CaseFlowStore {
  return {
    kind: 'clickhouse',
    location: flows?.info.location ?? link.url,
    table: flows?.info.table ?? parseStoreUrl(link.url).table,
    connected: !!flows,
    serverVersion: flows?.info.serverVersion ?? null,
    readOnly: flows?.info.readOnly ?? !!link.mapping,
    detection: flows ? flows.info.dialect === 'clickhouse' : false,
    passwordEnv: link.passwordEnv ?? null,
    error,
  };
}
