// `netsift report --case CASE --out FILE`: the report of a case's latest detection run. A case
// whose flows are on a ClickHouse server (it records the URL) reads its evidence flows, flow
// figures and timelines there (password: NETSIFT_CLICKHOUSE_PASSWORD or a prompt).
import {
  caseStoreLink,
  exportReport,
  type FlowStore,
  formatOf,
  NetsiftError,
} from '../../engine/index';
import type { Command } from '../command';
import { openCaseToRead } from '../open-case';
import { openStoreFromFlags } from '../open-store';

export const reportCommand: Command = {
  name: 'report',
  synopsis: '--case CASE [--incident ID]... [--all] --out FILE.{html,pdf,json,csv}',
  summary: 'export an incident report (HTML/PDF with charts, JSON, CSV of evidence flows)',
  flags: {
    case: { type: 'string', description: 'case file' },
    incident: { type: 'string[]', description: 'incident id or key (repeatable); default all' },
    all: { type: 'boolean', description: 'every incident of the latest detection run' },
    out: { type: 'string', description: 'output file; the extension picks the format' },
    title: { type: 'string', description: 'report title' },
    top: {
      type: 'number',
      description: 'evidence flows shown per incident in HTML/PDF',
      default: 25,
    },
  },
  async run({ flags }, io) {
    if (!flags.out) throw new NetsiftError('--out FILE is required', 'usage');
    formatOf(flags.out as string);
    const incidents = (flags.incident as string[] | undefined) ?? [];
    if (incidents.length && flags.all)
      throw new NetsiftError('give --incident or --all, not both', 'usage');
    const store = await openCaseToRead(flags.case);
    let flows: FlowStore | null = null;
    try {
      const link = await caseStoreLink(store);
      if (link) {
        flows = await openStoreFromFlags(link.url, {
          caseStore: store,
          mapping: link.mapping ?? undefined,
        });
        io.err(`reading flows on ${flows.info.location} (ClickHouse ${flows.info.serverVersion})`);
      }
      const r = await exportReport(
        store,
        flags.out as string,
        { incidents, title: flags.title as string | undefined, topFlows: flags.top as number },
        flows,
      );
      io.out(
        `wrote ${r.out} (${r.format}, ${r.incidents} incident${r.incidents === 1 ? '' : 's'}` +
          (r.flows !== undefined ? `, ${r.flows} evidence flows` : '') +
          `, ${r.bytes.toLocaleString('en-US')} bytes)`,
      );
      return 0;
    } finally {
      await flows?.close();
      store.close();
    }
  },
};
