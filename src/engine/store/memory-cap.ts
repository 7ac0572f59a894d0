// A lower DuckDB memory limit for the span of some work on a case (detection): beyond it DuckDB's
// operators spill to the case's temp folder (`<case>.duckdb.tmp`, DuckDB's default next to the
// file) instead of growing the process. memory_limit is one setting of the whole database
// instance, so nested or overlapping holders share one cap (counted), and the limit the case had
// comes back when the last one ends. A limit already lower (a case opened with --memory-limit) is
// left as it is.
import type { CaseStore } from './case-store';

interface Cap {
  holders: number;
  /**
   * What gives the limit back, once the cap is set: the size the case was opened with, or 'RESET'
   * (DuckDB's default); null when the case's own limit was already at or below the cap.
   */
  ready: Promise<string | null>;
}

const caps = new WeakMap<object, Cap>();

const UNITS: Record<string, number> = {
  bytes: 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a DuckDB memory size ('512MB', '18.8 GiB', '488.2 MiB'); NaN when unreadable. */
export function memoryBytes(size: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(size);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : NaN;
}

/**
 * Caps the case's DuckDB memory at `limit` (e.g. '512MB') until the returned release is called.
 * Never raises a lower limit. SET takes no bound parameters: both sizes are checked to be a number
 * and a unit (memoryBytes) before they are written into the statement.
 */
export async function capMemory(store: CaseStore, limit: string): Promise<() => Promise<void>> {
  if (!Number.isFinite(memoryBytes(limit)))
    throw new Error(`memory-cap: not a memory size: ${limit}`);
  const scope = store.cacheScope;
  let cap = caps.get(scope);
  if (!cap) {
    const ready = (async () => {
      const now = await store.one<{ m: string }>("SELECT current_setting('memory_limit') AS m");
      if (!(memoryBytes(now?.m ?? '') > memoryBytes(limit))) return null;
      await store.run(`SET memory_limit = '${limit}'`);
      // given back exactly: the limit the case was opened with, else DuckDB's default (the
      // printed '18.8 GiB' read back would lose a little on every run)
      const own = store.memoryLimit;
      return own && Number.isFinite(memoryBytes(own)) ? own : 'RESET';
    })();
    cap = { holders: 0, ready };
    caps.set(scope, cap);
  }
  const held = cap;
  held.holders++;
  try {
    await held.ready;
  } catch (e) {
    if (--held.holders === 0 && caps.get(scope) === held) caps.delete(scope);
    throw e;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--held.holders > 0) return;
    if (caps.get(scope) === held) caps.delete(scope);
    const previous = await held.ready;
    if (previous == null) return;
    try {
      await store.run(
        previous === 'RESET' ? 'RESET memory_limit' : `SET memory_limit = '${previous}'`,
      );
    } catch {
      // the case was closed meanwhile: nothing to give back
    }
  };
}
