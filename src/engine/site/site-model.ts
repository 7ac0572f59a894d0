// The case's site model (src/shared/site.ts): the internal networks in settings
// 'internal_networks' (what the SQL macros read), who set them and the latest suggestion in
// settings 'site'. Changing the networks installs the macros again on every open connection of
// the case; callers then re-run detection (setSite in the service, `netsift site`).
import type { SiteModel, SiteSource, SiteSuggestion } from '../../shared/site';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { DEFAULT_INTERNAL_NETWORKS, parseCidr, rangeToString } from '../util/ip';
import { suggestSite } from './suggest';
import { dropMemo } from '../query/memo';

export const SITE_KEY = 'site';

interface SiteMeta {
  source: SiteSource;
  updatedAt: string | null;
  note: string | null;
  suggestion: SiteSuggestion | null;
  /** The imports the suggestion was computed for (see importsKey). */
  suggestedFor: string | null;
}

const EMPTY_META: SiteMeta = {
  source: 'default',
  updatedAt: null,
  note: null,
  suggestion: null,
  suggestedFor: null,
};

/** Below this share of flows touching the default networks, they do not describe the capture. */
export const ADOPT_BELOW = 0.05;
/** ... and the suggestion is adopted when it covers at least this share. */
export const ADOPT_MIN_COVERAGE = 0.5;

/**
 * Parses an analyst's list (`147.32.0.0/16,10.0.0.0/8`, or an array) into canonical networks:
 * host bits cleared (10.1.2.3/8 -> 10.0.0.0/8), duplicates dropped, order kept. A bad entry is
 * a usage error naming it.
 */
export function parseNetworkList(input: string | string[], what = '--internal'): string[] {
  const items = (Array.isArray(input) ? input : input.split(/[\s,]+/))
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new NetsiftError(
      `${what}: give at least one network (e.g. 10.0.0.0/8,fd00::/8)`,
      'usage',
    );
  const out: string[] = [];
  for (const item of items) {
    const r = parseCidr(item);
    if (!r)
      throw new NetsiftError(
        `${what}: "${item}" is not a network (write an address or CIDR, e.g. 147.32.0.0/16 or fd00::/8)`,
        'usage',
      );
    const canon = rangeToString(r);
    if (!out.includes(canon)) out.push(canon);
  }
  return out;
}

async function readMeta(store: CaseStore): Promise<SiteMeta> {
  return { ...EMPTY_META, ...(await store.getSetting<Partial<SiteMeta>>(SITE_KEY, {})) };
}

/** Identifies the case's imports: a suggestion is computed again when they change. */
async function importsKey(store: CaseStore): Promise<string> {
  const r = await store.one<{ k: string | null }>(
    "SELECT string_agg(id::VARCHAR || ':' || sha256, ',' ORDER BY id) AS k FROM imports",
  );
  return r?.k ?? '';
}

/** Flows (and distinct addresses) with an internal address, under the networks installed now. */
async function coverage(
  store: CaseStore,
  opts: { hosts?: boolean } = {},
): Promise<SiteModel['coverage']> {
  const r = await store.one<{ n: number; hit: number }>(
    'SELECT count(*) AS n, count(*) FILTER (WHERE ip_internal(src_num) OR ip_internal(dst_num)) AS hit FROM flows',
  );
  if (!r || r.n === 0) return null;
  if (opts.hosts === false) return { flows: r.hit, share: r.hit / r.n, hosts: 0 };
  const h = await store.one<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT src_num AS a FROM flows UNION SELECT dst_num FROM flows) WHERE ip_class(a) = 'internal'`,
  );
  return { flows: r.hit, share: r.hit / r.n, hosts: h?.n ?? 0 };
}

/** The site model; `withCoverage: false` skips the pass over the flows that measures coverage. */
export async function readSite(
  store: CaseStore,
  opts: { withCoverage?: boolean } = {},
): Promise<SiteModel> {
  const meta = await readMeta(store);
  return {
    internal: await store.internalNetworks(),
    source: meta.source,
    updatedAt: meta.updatedAt,
    coverage: opts.withCoverage === false ? null : await coverage(store),
    suggestion: meta.suggestion,
    note: meta.note,
  };
}

/** Stores the internal networks and installs them on every open connection of the case. */
export async function writeSite(
  store: CaseStore,
  networks: string[],
  source: SiteSource,
  note: string | null = null,
): Promise<void> {
  if (store.readOnly)
    throw new NetsiftError(
      `${store.path}: the case is open read-only; the site cannot change`,
      'case',
    );
  const list = parseNetworkList(networks, 'internal networks');
  const meta = await readMeta(store);
  await store.setSetting('internal_networks', list);
  await store.setSetting(SITE_KEY, { ...meta, source, note, updatedAt: new Date().toISOString() });
  await store.refreshMacros(list);
  dropMemo(store); // cached pages carry the old INT/PUB marks, cached counts the old filters
}

/** Back to netsift's defaults (RFC 1918 + ULA), as a new case has them. */
export async function resetSite(store: CaseStore): Promise<void> {
  await writeSite(store, DEFAULT_INTERNAL_NETWORKS, 'default');
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/**
 * Computes the suggestion when the case's imports changed since the last one. When the analyst
 * never set the networks and the defaults cover almost none of the flows (a campus on public
 * addresses, a lab on 198.18.0.0/15, a loopback capture), the suggestion is adopted, with a note
 * saying so: detection with networks that hold none of the capture's hosts would read every scan
 * as coming from outside. Returns the (possibly new) model's note when the networks changed.
 */
export async function refreshSuggestion(
  store: CaseStore,
  /** A detection run's connection holding det_target (cheaper than the flows), if there is one. */
  run?: DuckDBConnection,
): Promise<{ adopted: boolean; suggestion: SiteSuggestion | null }> {
  if (store.readOnly) return { adopted: false, suggestion: (await readMeta(store)).suggestion };
  const meta = await readMeta(store);
  const key = await importsKey(store);
  if (meta.suggestedFor === key) return { adopted: false, suggestion: meta.suggestion };
  let suggestion: SiteSuggestion | null;
  if (run) suggestion = await suggestSite(run, 'det_target');
  else {
    const conn = await store.connect();
    try {
      suggestion = await suggestSite(conn);
    } finally {
      conn.closeSync();
    }
  }
  await store.setSetting(SITE_KEY, { ...meta, suggestion, suggestedFor: key });
  if (meta.source !== 'default' || !suggestion) return { adopted: false, suggestion };
  const cov = await coverage(store, { hosts: false });
  if (!cov || cov.share >= ADOPT_BELOW || suggestion.coverage < ADOPT_MIN_COVERAGE)
    return { adopted: false, suggestion };
  const note =
    `the default internal networks (RFC 1918, ULA) hold ${pct(cov.share)} of the flows; ` +
    `using the networks suggested from the data (${suggestion.networks.join(', ')}: ${pct(suggestion.coverage)} of the flows). ` +
    'Set your own with --internal or in the site settings.';
  await writeSite(store, suggestion.networks, 'suggested', note);
  return { adopted: true, suggestion };
}
