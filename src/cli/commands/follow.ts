// `netsift follow --case CASE DIR|FILE` and `netsift follow --case CASE --listen udp:HOST:PORT`:
// imports a live capture into the case batch by batch while it runs: new complete files of a
// folder, lines appended to a growing text file, or NetFlow/IPFIX datagrams. A thin door over the
// engine's follow job (src/engine/follow/follow-job.ts). Progress on stderr; Ctrl-C writes what
// is complete and prints the summary (a second Ctrl-C stops at once, without the last batch).
import fs from 'node:fs';
import net from 'node:net';
import {
  CaseStore,
  ListenerSource,
  listenText,
  NetsiftError,
  parseListen,
  startFollow,
} from '../../engine/index';
import type { FollowSource, FollowStatus } from '../../shared/follow';
import {
  NOTIFY_SEVERITIES,
  isSeverity,
  noticeBody,
  noticeTitle,
  worthTelling,
} from '../../shared/follow-notice';
import type { ImportRecord, RejectRecord } from '../../shared/model';
import type { Command } from '../command';
import { DETECT_FLAGS, detectionOptions } from './detect-options';
import { followRequest, positive } from './follow-options';
import { batchLine, followProgress, followSummary } from './follow-progress';
import { progressLine, summaryLines } from './follow-report';

export const followCommand: Command = {
  name: 'follow',
  synopsis:
    '--case CASE.duckdb (DIR | FILE | --listen udp:127.0.0.1:2055) [--format auto] [--retain 24h | --max-flows N] [--on-limit drop|stop] [--detect-every 60s] [--notify high] [--duration S] [--json]',
  summary:
    'follow a live capture into a case: new files in a folder, lines appended to a file, or NetFlow/IPFIX on UDP',
  flags: {
    case: { type: 'string', description: 'case file (created when missing)' },
    format: { type: 'string', description: 'format of the files (auto: sniffed)', default: 'auto' },
    tz: { type: 'string', description: 'zone of timestamps that carry none (IANA name)' },
    'new-only': { type: 'boolean', description: 'leave the files a folder holds at start' },
    settle: {
      type: 'number',
      description: 'seconds a file must stay unchanged, with no writer, to count as complete',
      default: 2,
    },
    poll: {
      type: 'number',
      description: 'seconds between looks at the folder or file',
      default: 0.5,
    },
    retain: { type: 'string', description: 'keep this much data time (24h, 90m, 7d)' },
    'max-flows': { type: 'number', description: 'keep at most this many flows' },
    'on-limit': {
      type: 'string',
      description: 'at --retain/--max-flows: drop the oldest windows, or stop',
    },
    'detect-every': {
      type: 'string',
      description: 'run detection while following: every 60s / 5m, or every 10b (batches)',
    },
    notify: {
      type: 'string',
      description:
        'a line on stdout for each incident that appears at or above this severity (low, medium, high, critical); detects after every batch unless --detect-every says otherwise',
    },
    window: DETECT_FLAGS.window,
    param: DETECT_FLAGS.param,
    'no-geo': { type: 'boolean', description: 'skip country and AS of addresses' },
    listen: {
      type: 'string',
      description: 'udp:HOST:PORT to receive NetFlow/IPFIX on (loopback unless --allow-remote)',
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
      description: 'listener: or as soon as this many flows wait',
      default: 50000,
    },
    sampling: {
      type: 'number',
      description: 'listener: sampling rate of exporters that announce none (1 in N)',
    },
    duration: { type: 'number', description: 'stop after this many seconds' },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
  },
  async run({ positional, flags }, io) {
    if (!flags.case) throw new NetsiftError('--case CASE.duckdb is required', 'usage');
    if (positional.length > 1)
      throw new NetsiftError(
        `follow one folder or file at a time (got ${positional.length})`,
        'usage',
      );
    if (positional.length && typeof flags.listen === 'string')
      throw new NetsiftError('give a folder or file to follow, or --listen, not both', 'usage');
    let source: FollowSource;
    if (typeof flags.listen === 'string') {
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
      source = {
        kind: 'listener',
        listen: flags.listen,
        allowRemote: !!flags['allow-remote'],
        exporters,
        sampling: positive(flags, 'sampling', true),
        batchFlows: positive(flags, 'batch-flows', true),
      };
    } else if (positional.length) {
      let st: fs.Stats;
      try {
        st = fs.statSync(positional[0]);
      } catch {
        throw new NetsiftError(`${positional[0]}: not found; nothing to follow`, 'input');
      }
      source = { kind: st.isDirectory() ? 'folder' : 'file', path: positional[0] };
    } else
      throw new NetsiftError(
        'give a folder or a file to follow, or --listen udp:HOST:PORT for NetFlow/IPFIX',
        'usage',
      );
    const req = { ...followRequest(flags), source };
    const notify = flags.notify as string | undefined;
    if (notify !== undefined && (!isSeverity(notify) || !NOTIFY_SEVERITIES.includes(notify)))
      throw new NetsiftError(
        `--notify ${notify}: expected one of ${NOTIFY_SEVERITIES.join(', ')}`,
        'usage',
      );
    // notifications need detection: after every batch unless the analyst chose a pace
    if (notify && req.detectEverySeconds === undefined && req.detectEveryBatches === undefined)
      req.detectEveryBatches = 1;
    const detection = detectionOptions({ ...flags, profile: 'default' });
    const duration = positive(flags, 'duration');

    const store = await CaseStore.open(flags.case as string);
    try {
      const t0 = Date.now();
      const handle = startFollow(store, req, { detection });
      const follower = await handle.follower;
      const listener = follower.runner instanceof ListenerSource ? follower.runner.listener : null;
      if (listener) {
        if (source.kind === 'listener' && !parseListen(source.listen).loopback)
          io.err(
            `netsift follow: WARNING: listening on ${source.listen}, not loopback: any host that can send UDP to this port can add flows to ${store.path}` +
              (source.exporters?.length
                ? ` (only datagrams from ${source.exporters.join(', ')} are accepted)`
                : '; consider --exporter IP'),
          );
        io.err(
          `listening on ${listenText(listener.address)} for NetFlow v5/v9 and IPFIX into ${store.path}; Ctrl-C to stop`,
        );
        listener.onBatch((b) => {
          io.progress('');
          io.err(
            `batch ${b.batch}: ${b.flows.toLocaleString('en-US')} flows, ${b.rejects.toLocaleString('en-US')} rejected ` +
              `(import ${b.importId}: ${b.totalFlows.toLocaleString('en-US')} flows, ${b.totalRejects.toLocaleString('en-US')} rejected so far)`,
          );
        });
      } else {
        io.err(`following ${follower.runner.describe} into ${store.path}; Ctrl-C to stop`);
        let n = 0;
        follower.onBatch((b) => {
          io.progress('');
          io.err(batchLine(++n, b));
        });
      }
      follower.onEvent((e) => {
        io.progress('');
        io.err(`  ${e}`);
      });
      if (notify && isSeverity(notify))
        follower.onDetection((r) => {
          for (const x of worthTelling(r.changes, notify)) {
            io.progress('');
            io.out(`${new Date().toISOString()} ${noticeTitle(x)}: ${noticeBody(x)}`);
          }
        });
      const progress = setInterval(
        () =>
          io.progress(
            listener ? progressLine(listener.stats()) : followProgress(follower.status()),
          ),
        500,
      );
      let stopReason = '';
      const ended = await new Promise<FollowStatus | null>((resolve) => {
        const stop = (why: string) => {
          if (stopReason) {
            io.progress('');
            io.err('netsift follow: stopping at once; the last batch is not written');
            follower.abort(why);
            process.exit(130);
          }
          stopReason = why;
          resolve(null);
        };
        process.on('SIGINT', () => stop('Ctrl-C'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        if (duration) setTimeout(() => stop(`--duration ${duration}`), duration * 1000).unref();
        void follower.finished.then((s) => resolve(s));
      });
      clearInterval(progress);
      io.progress('');
      let status: FollowStatus;
      if (ended) status = ended;
      else {
        io.err(`stopping (${stopReason}): writing the last batch...`);
        status = await follower.stop(stopReason);
      }
      await handle.job.result.catch(() => undefined);
      const seconds = (Date.now() - t0) / 1000;
      if (listener) {
        const record = await listener.record();
        const stats = listener.stats();
        const sessions = listener.sessions();
        const samples = record
          ? await store.all<RejectRecord>(
              'SELECT import_id, line, raw, reason FROM rejects WHERE import_id = $1 ORDER BY line LIMIT 5',
              [record.id],
            )
          : [];
        if (flags.json)
          io.out(
            JSON.stringify(
              { record, stats, exporters: sessions, rejectSamples: samples, follow: status },
              null,
              2,
            ),
          );
        else {
          for (const l of summaryLines(record, stats, sessions, samples, seconds)) io.out(l);
          for (const l of followSummary(status, [], seconds, true)) io.out(l);
        }
      } else {
        const imports = status.imports.length
          ? await store.all<ImportRecord>(
              `SELECT * EXCLUDE (details) FROM imports WHERE list_contains($1::INTEGER[], id) ORDER BY id`,
              [`[${status.imports.join(',')}]`],
            )
          : [];
        if (flags.json) io.out(JSON.stringify({ status, imports }, null, 2));
        else for (const l of followSummary(status, imports, seconds, false)) io.out(l);
      }
      if (status.state === 'failed') {
        io.err(`netsift follow: ${status.error}`);
        return 1;
      }
      if (status.limitReached) io.err(`netsift follow: stopped: ${status.stopReason}`);
      return 0;
    } finally {
      store.close();
    }
  },
};
