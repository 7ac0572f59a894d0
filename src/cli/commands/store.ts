// `netsift store ACTION --store clickhouse://...`: asks a ClickHouse flow store what the workspace
// asks (counts, flow pages, timeline, top talkers, ports, a host), from the command line.
import { FLOW_SORT_COLUMNS, type FlowSort, type FlowSortColumn } from '../../shared/query';
import { CaseStore, NetsiftError } from '../../engine/index';
import type { Command } from '../command';
import { openStoreFromFlags } from '../open-store';

const ACTIONS = ['info', 'count', 'flows', 'timeline', 'top', 'ports', 'host'] as const;
const n = (x: number) => x.toLocaleString('en-US');

function parseSort(text: string | undefined): FlowSort[] | undefined {
  if (!text) return undefined;
  return text.split(',').map((part) => {
    const [column, dir = 'asc'] = part.split(':');
    if (
      !(FLOW_SORT_COLUMNS as readonly string[]).includes(column) ||
      (dir !== 'asc' && dir !== 'desc')
    )
      throw new NetsiftError(
        `--sort ${part}: COLUMN[:asc|desc], COLUMN one of ${FLOW_SORT_COLUMNS.join(', ')}`,
        'usage',
      );
    return { column: column as FlowSortColumn, dir };
  });
}

export const storeCommand: Command = {
  name: 'store',
  synopsis: `${ACTIONS.join('|')} [IP] --store clickhouse://USER@HOST:8123/DB [--mapping FILE] [--case CASE] [--filter EXPR] [--limit N] [--json]`,
  summary:
    'query flows kept in a ClickHouse store (counts, pages, timeline, top talkers, ports, a host)',
  flags: {
    store: {
      type: 'string',
      description:
        'clickhouse://user@host:8123/db (password: NETSIFT_CLICKHOUSE_PASSWORD or a prompt)',
    },
    mapping: {
      type: 'string',
      description: 'JSON file naming the columns of an existing table (read-only)',
    },
    case: {
      type: 'string',
      description: 'the local case (internal networks, incidents); it records the store URL',
    },
    filter: { type: 'string', description: 'filter expression (the workspace language)' },
    limit: { type: 'number', description: 'rows or entries', default: 20 },
    offset: { type: 'number', description: 'flows: first row', default: 0 },
    sort: { type: 'string', description: 'flows: COLUMN[:asc|desc],...' },
    by: { type: 'string', description: 'top/ports: bytes or flows', default: 'flows' },
    buckets: { type: 'number', description: 'timeline: at most this many bars', default: 30 },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run({ positional, flags }, io) {
    const [action, arg] = positional;
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new NetsiftError(`give an action: ${ACTIONS.join(', ')}`, 'usage');
    if (!flags.store)
      throw new NetsiftError('--store clickhouse://USER@HOST:8123/DB is required', 'usage');
    if (action === 'host' && !arg)
      throw new NetsiftError('store host IP: give the address', 'usage');
    const caseStore = flags.case ? await CaseStore.open(flags.case as string) : undefined;
    try {
      const store = await openStoreFromFlags(flags.store as string, {
        mapping: flags.mapping as string | undefined,
        caseStore,
      });
      try {
        const q = { filter: (flags.filter as string | undefined) ?? '' };
        const limit = flags.limit as number;
        const by = flags.by as 'bytes' | 'flows';
        const ac = new AbortController();
        const onSigint = () => ac.abort();
        process.once('SIGINT', onSigint);
        const o = {
          signal: ac.signal,
          onProgress: (p: { readRows: number; totalRows: number }) =>
            io.progress(
              `reading: ${n(p.readRows)}${p.totalRows ? ` of ~${n(p.totalRows)}` : ''} rows`,
            ),
        };
        let result: unknown;
        try {
          switch (action) {
            case 'info':
              result = {
                ...store.info,
                flows: await store.flowCount(o),
                imports: await store.imports(o),
              };
              break;
            case 'count':
              result = await store.countFlows(q, o);
              break;
            case 'flows':
              result = await store.queryFlows(
                {
                  ...q,
                  offset: flags.offset as number,
                  limit,
                  sort: parseSort(flags.sort as string | undefined),
                },
                o,
              );
              break;
            case 'timeline':
              result = await store.timeline({ ...q, maxBuckets: flags.buckets as number }, o);
              break;
            case 'top':
              result = await store.topTalkers({ ...q, by, limit }, o);
              break;
            case 'ports':
              result = await store.portDistribution({ ...q, by, limit }, o);
              break;
            case 'host':
              result = await store.hostSummary(arg, o);
              break;
          }
        } finally {
          process.off('SIGINT', onSigint);
          io.progress('');
        }
        if (flags.json || action === 'host' || action === 'info')
          io.out(JSON.stringify(result, null, 2));
        else if (typeof result === 'number') io.out(String(result));
        else if (action === 'flows')
          for (const r of (result as { rows: Record<string, unknown>[] }).rows)
            io.out(
              [
                r.id,
                r.ts,
                r.proto,
                r.state,
                `${r.src_ip}:${r.src_port ?? ''}`,
                `${r.dst_ip}:${r.dst_port ?? ''}`,
                r.src_bytes,
                r.dst_bytes,
              ].join('\t'),
            );
        else if (action === 'timeline')
          for (const b of (result as { buckets: { t: string; flows: number; bytes: number }[] })
            .buckets)
            io.out(`${b.t}\t${b.flows}\t${b.bytes}`);
        else
          for (const r of result as Record<string, unknown>[]) io.out(Object.values(r).join('\t'));
        return 0;
      } finally {
        await store.close();
      }
    } finally {
      caseStore?.close();
    }
  },
};
