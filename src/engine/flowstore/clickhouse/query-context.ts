// What every ClickHouse flow query needs: the executor, the table model, the dialect, and the
// analyst's address classes (internal networks from the local case).
import type { HostKind } from '../../../shared/query';
import { inRanges, nonHostKind, specialKind, type IpRange } from '../../util/ip';
import type { Dialect } from '../dialect';
import type { ExecOptions, ChExecutor } from './executor';
import { Binder } from './sql-params';
import type { TableModel } from './table-model';
import { flowWhereCh, type WhereContext } from './flow-where';
import type { FlowQuery } from '../../../shared/query';

export interface QueryContext extends WhereContext {
  ex: ChExecutor;
  model: TableModel;
  dialect: Dialect;
  internal: IpRange[];
}

/** Kind of an address by the same rules as the case (query/host-kind.ts). */
export function kindOf(ctx: QueryContext, ip: string): HostKind {
  // the one address-class rule (util/ip addressClass, query/host-kind.ts): non-hosts first
  return (
    nonHostKind(ip) ?? (inRanges(ip, ctx.internal) ? 'internal' : (specialKind(ip) ?? 'public'))
  );
}

/** A fresh binder and the request's WHERE predicate bound into it. */
export function whereOf(ctx: QueryContext, q: FlowQuery): { b: Binder; where: string } {
  const b = new Binder();
  return { b, where: flowWhereCh(q, ctx, b) };
}

export type { ExecOptions };

/** A JSON number that old servers may quote (64-bit integers), or null. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
