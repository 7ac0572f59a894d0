// `netsift packets --case C (--incident ID | --filter EXPR | --flow ID...) --out x.pcap`: writes the
// packets of the selected flows, read again from the pcap/pcapng they were imported from.
import { exportPackets, NetsiftError } from '../../engine/index';
import type { PacketExportRequest } from '../../shared/context';
import type { Command } from '../command';
import { openExistingCase } from '../open-case';

export const packetsCommand: Command = {
  name: 'packets',
  synopsis: '--case CASE (--incident ID | --filter EXPR | --flow ID...) --out FILE.pcap',
  summary:
    'export the packets of an incident, a filter or some flows to a pcap (from the imported capture)',
  flags: {
    case: { type: 'string', description: 'case file' },
    incident: { type: 'string', description: 'incident id or key: its evidence flows' },
    filter: { type: 'string', description: 'filter expression (the workspace filter language)' },
    flow: { type: 'string[]', description: 'flow id (repeatable)' },
    out: { type: 'string', description: 'pcap file to write (pcapng when link types mix)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ flags }, io) {
    if (!flags.out) throw new NetsiftError('--out FILE.pcap is required', 'usage');
    const flowIds = (flags.flow as string[] | undefined)?.map((s) => {
      if (!/^\d+$/.test(s)) throw new NetsiftError(`--flow ${s}: not a flow id`, 'usage');
      return Number(s);
    });
    const req: PacketExportRequest = {};
    if (flags.incident !== undefined) req.incidentId = flags.incident as string;
    if (flags.filter !== undefined) req.query = { filter: flags.filter as string };
    if (flowIds) req.flowIds = flowIds;
    if (Object.keys(req).length !== 1)
      throw new NetsiftError('give one of --incident, --filter or --flow', 'usage');
    const store = await openExistingCase(flags.case, { readOnly: true });
    try {
      const r = await exportPackets(store.conn, req, flags.out as string, (p) => {
        const pct = p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
        io.progress(`${p.phase}${pct}`);
      });
      io.progress('');
      if (flags.json) io.out(JSON.stringify(r, null, 2));
      else {
        io.out(
          `wrote ${r.path} (${r.container}, ${r.packets} packets of ${r.captureFlows} flows, ${r.bytes.toLocaleString('en-US')} bytes)`,
        );
        if (r.packets !== r.expectedPackets)
          io.err(`note: the flows count ${r.expectedPackets} packets`);
        if (r.note) io.err(`note: ${r.note}`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
