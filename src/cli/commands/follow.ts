// `netsift follow --case CASE --listen udp:127.0.0.1:2055`: receives NetFlow v5/v9 and IPFIX and
// appends the flows to the case in batches while it runs. Progress on stderr; Ctrl-C writes the
// last batch and prints the summary (a second Ctrl-C stops at once, without the last batch).
// Following folders and growing files will be further sources of the same command.
import net from 'node:net';
import { listenText, parseListen } from '../../engine/follow/listen-address';
import { NetflowListener } from '../../engine/follow/netflow-listener';
import { CaseStore } from '../../engine/store/case-store';
import { NetsiftError } from '../../engine/core/errors';
import type { RejectRecord } from '../../shared/model';
import type { Command } from '../command';
import { progressLine, summaryLines } from './follow-report';

function positive(
  flags: Record<string, unknown>,
  name: string,
  integer = false,
): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || v <= 0 || (integer && !Number.isInteger(v)))
    throw new NetsiftError(
      `--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${String(v)}`,
      'usage',
    );
  return v;
}

export const followCommand: Command = {
  name: 'follow',
  synopsis:
    '--case CASE.duckdb --listen udp:127.0.0.1:2055 [--allow-remote] [--exporter IP]... [--batch-seconds 10] [--sampling N] [--duration S] [--json]',
  summary: 'receive NetFlow v5/v9 and IPFIX on UDP into a case, batch by batch, until Ctrl-C',
  flags: {
    case: { type: 'string', description: 'case file (created when missing)' },
    listen: {
      type: 'string',
      description: 'udp:HOST:PORT to receive on (loopback unless --allow-remote)',
    },
    'allow-remote': {
      type: 'boolean',
      description: 'allow binding a non-loopback address (other machines can then send flows)',
    },
    exporter: {
      type: 'string[]',
      description: 'accept datagrams only from this address (repeatable)',
    },
    'batch-seconds': { type: 'number', description: 'write a batch this often', default: 10 },
    'batch-flows': {
      type: 'number',
      description: 'or as soon as this many flows wait',
      default: 50000,
    },
    sampling: {
      type: 'number',
      description: 'sampling rate of exporters that announce none (1 in N)',
    },
    duration: { type: 'number', description: 'stop after this many seconds' },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
  },
  async run({ positional, flags }, io) {
    if (positional.length)
      throw new NetsiftError(
        `following a folder or a growing file (${positional[0]}) is not available yet; --listen udp:HOST:PORT receives NetFlow/IPFIX`,
        'usage',
      );
    if (!flags.case) throw new NetsiftError('--case CASE.duckdb is required', 'usage');
    if (typeof flags.listen !== 'string')
      throw new NetsiftError('--listen udp:HOST:PORT is required', 'usage');
    const listen = parseListen(flags.listen);
    if (!listen.loopback && !flags['allow-remote'])
      throw new NetsiftError(
        `${listenText(listen)} is not a loopback address: exporters on other machines (anyone who can reach the port) ` +
          'could add flows to the case. Add --allow-remote to bind it anyway, and --exporter IP to accept only known exporters',
        'usage',
      );
    const exporters = (flags.exporter as string[] | undefined) ?? [];
    for (const e of exporters)
      if (!net.isIP(e)) throw new NetsiftError(`--exporter ${e}: not an IP address`, 'usage');
    const batchSeconds = positive(flags, 'batch-seconds');
    const batchFlows = positive(flags, 'batch-flows', true);
    const sampling = positive(flags, 'sampling', true);
    const duration = positive(flags, 'duration');

    const store = await CaseStore.open(flags.case as string);
    try {
      if (!listen.loopback)
        io.err(
          `netsift follow: WARNING: listening on ${listenText(listen)}, not loopback: any host that can send UDP to this port can add flows to ${store.path}` +
            (exporters.length
              ? ` (only datagrams from ${exporters.join(', ')} are accepted)`
              : '; consider --exporter IP'),
        );
      const listener = await NetflowListener.start(store, {
        listen,
        allowRemote: !!flags['allow-remote'],
        exporters,
        batchSeconds,
        batchFlows,
        defaultSampling: sampling,
      });
      const t0 = Date.now();
      io.err(
        `listening on ${listenText(listener.address)} for NetFlow v5/v9 and IPFIX into ${store.path}; Ctrl-C to stop`,
      );
      listener.onEvent((e) => {
        io.progress('');
        io.err(`  ${e}`);
      });
      listener.onBatch((b) => {
        io.progress('');
        io.err(
          `batch ${b.batch}: ${b.flows.toLocaleString('en-US')} flows, ${b.rejects.toLocaleString('en-US')} rejected ` +
            `(import ${b.importId}: ${b.totalFlows.toLocaleString('en-US')} flows, ${b.totalRejects.toLocaleString('en-US')} rejected so far)`,
        );
      });
      const progress = setInterval(() => io.progress(progressLine(listener.stats())), 500);
      let stopReason = '';
      await new Promise<void>((resolve) => {
        const stop = (why: string) => {
          if (stopReason) {
            io.progress('');
            io.err('netsift follow: stopping at once; the last batch is not written');
            process.exit(130);
          }
          stopReason = why;
          resolve();
        };
        process.on('SIGINT', () => stop('Ctrl-C'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        if (duration) setTimeout(() => stop(`--duration ${duration}`), duration * 1000).unref();
      });
      clearInterval(progress);
      io.progress('');
      io.err(`stopping (${stopReason}): writing the last batch...`);
      await listener.stop(stopReason);
      const record = await listener.record();
      const stats = listener.stats();
      const sessions = listener.sessions();
      const samples = record
        ? await store.all<RejectRecord>(
            'SELECT import_id, line, raw, reason FROM rejects WHERE import_id = $1 ORDER BY line LIMIT 5',
            [record.id],
          )
        : [];
      const seconds = (Date.now() - t0) / 1000;
      if (flags.json)
        io.out(
          JSON.stringify({ record, stats, exporters: sessions, rejectSamples: samples }, null, 2),
        );
      else for (const l of summaryLines(record, stats, sessions, samples, seconds)) io.out(l);
      return 0;
    } finally {
      store.close();
    }
  },
};
