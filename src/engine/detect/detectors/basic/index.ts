// basic: the seed's sanity checks, made aggregate. Suspicious destination ports (0 and a list),
// limited broadcast from anything but a DHCP client, and "established" flows that moved no bytes.
// One alert per source, window and reason (never one per flow); always low severity: these are
// hints that add to other evidence, not incidents on their own.
import type { FlowSelector } from '../../../../shared/model';
import {
  defineDetector,
  listBinds,
  windowEnd,
  windowIndex,
  windowStart,
  type AlertDraft,
} from '../../kit';
import { BASIC_SQL } from './sql';

interface Row {
  reason: 'port' | 'broadcast' | 'zero-bytes';
  src_ip: string;
  ws: string;
  we: string;
  n: number;
  ports: number[];
  dsts: number;
}

/** Each reason's alert score: hints, never an incident on their own (see incidents/weights.ts). */
export const SCORES = { port: 0.3, broadcast: 0.2, 'zero-bytes': 0.1 } as const;

export const basicDetector = defineDetector({
  id: 'basic',
  title: 'Basic checks',
  lookback: 0, // per window and source: an alert sees only its own window
  description:
    'Suspicious destination ports, broadcast from non-DHCP sources, zero-byte established flows; one low alert per source, window and reason.',
  params: {
    ports: {
      type: 'number[]',
      default: [0],
      description: 'destination ports that are suspicious on sight (the seed used 0, 81, 82)',
    },
    broadcast: {
      type: 'boolean',
      default: true,
      description: 'flag 255.255.255.255 from non-DHCP sources',
    },
    zeroBytes: {
      type: 'boolean',
      default: true,
      description: 'flag established flows with no bytes either way',
    },
  },
  async run(ctx) {
    const ports = ctx.params.ports.filter((p) => Number.isInteger(p));
    const { d, flows } = ctx.sql;
    const list = listBinds('port', ports);
    const rows = await ctx.sql.rows<Row>(
      BASIC_SQL(d, flows, list.sql, windowIndex(d), windowStart(d, 'w'), windowEnd(d, 'w')),
      {
        ...list.binds,
        ws: ctx.windowSeconds,
        broadcast: ctx.params.broadcast,
        zero: ctx.params.zeroBytes,
      },
    );
    return rows.map((r): AlertDraft => {
      const base: FlowSelector = { from: r.ws, to: r.we, srcIps: [r.src_ip] };
      let evidence: FlowSelector;
      let summary: string;
      let note: string;
      if (r.reason === 'port') {
        evidence = { ...base, dstPorts: r.ports };
        summary = `${r.src_ip} used suspicious port${r.ports.length > 1 ? 's' : ''} ${r.ports.join(', ')} (${r.n} flows)`;
        note = `destination port in [${ports.join(', ')}]`;
      } else if (r.reason === 'broadcast') {
        evidence = { ...base, dstIps: ['255.255.255.255'] };
        summary = `${r.src_ip} sent ${r.n} flows to 255.255.255.255 (not DHCP)`;
        note = 'limited broadcast from a non-DHCP source';
      } else {
        evidence = { ...base, states: ['established'], zeroBytes: true };
        summary = `${r.src_ip} had ${r.n} established flows with no bytes`;
        note = 'established, 0 bytes both ways';
      }
      return {
        detector: 'basic',
        severity: 'low',
        score: SCORES[r.reason],
        src_ip: r.src_ip,
        dst_ip: null,
        window_start: r.ws,
        window_end: r.we,
        features: [
          {
            name:
              r.reason === 'port'
                ? 'suspicious_port_flows'
                : r.reason === 'broadcast'
                  ? 'broadcast_flows'
                  : 'zero_byte_flows',
            value: r.n,
            threshold: 1,
            direction: 'above',
            note,
          },
        ],
        flow_count: r.n,
        evidence,
        summary,
      };
    });
  },
});
