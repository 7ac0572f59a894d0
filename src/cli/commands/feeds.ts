// netsift feeds: the app-wide threat-intel catalogue (under NETSIFT_HOME or the app-data folder).
import { FeedService, nearest, NetsiftError, netsiftHome } from '../../engine/index';
import type { FeedFormat, FeedStatus } from '../../shared/feeds';
import type { CliIO, Command } from '../command';

const ACTIONS = ['list', 'add', 'refresh', 'remove', 'enable', 'disable', 'allow'] as const;

/** 45 s, 12 min, 5 h, 3 d, 7 y: enough to tell a fresh list from a stale one. */
export function humanAge(seconds: number | null): string {
  if (seconds === null) return '-';
  const units: [number, string][] = [
    [365 * 86400, 'y'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  for (const [s, u] of units) if (seconds >= s) return `${Math.floor(seconds / s)} ${u}`;
  return `${Math.round(seconds)} s`;
}

function printList(list: FeedStatus[], io: CliIO): void {
  io.out(
    [
      'id',
      'enabled',
      'format',
      'entries',
      'age',
      'version',
      'guarded',
      'invalid',
      'last error',
    ].join('\t'),
  );
  for (const f of list) {
    io.out(
      [
        f.id,
        f.enabled ? 'yes' : 'no',
        f.format,
        f.current ? String(f.current.entries) : '-',
        humanAge(f.ageSeconds),
        f.current ? f.current.version : 'none (not fetched yet)',
        String(f.guarded.length),
        String(f.invalidLines),
        f.lastError ?? '',
      ].join('\t'),
    );
  }
}

function needId(flags: Record<string, unknown>, action: string): string {
  if (typeof flags.id !== 'string' || !flags.id)
    throw new NetsiftError(`feeds ${action} needs --id ID`, 'usage');
  return flags.id;
}

export const feedsCommand: Command = {
  name: 'feeds',
  synopsis:
    'list [--json] | add --id ID (--url URL | --file PATH) --format FORMAT [--interval S] [--name N] | refresh [--id ID] [--force] | ' +
    'remove --id ID | enable|disable --id ID | allow (--add CIDR | --remove CIDR | --list)',
  summary: 'threat-intel feeds for the blacklist detector: list, add, refresh, remove, allow-list',
  flags: {
    id: { type: 'string', description: 'feed id' },
    feed: { type: 'string', description: 'same as --id' },
    url: { type: 'string', description: 'http(s) URL of the list' },
    file: { type: 'string', description: 'local file imported as the feed' },
    format: {
      type: 'string',
      description: 'ip-list, cidr-list, spamhaus-drop, firehol-netset, feodo or csv:<column>',
    },
    interval: { type: 'number', description: 'minimum seconds between refreshes' },
    name: { type: 'string', description: 'display name' },
    licence: { type: 'string', description: 'licence note' },
    'trust-large-ranges': {
      type: 'boolean',
      description: 'add: match entries of a /8 (IPv6 /16) or larger; otherwise they are guarded',
    },
    replace: {
      type: 'boolean',
      description: 'add: redefine an existing feed (keeps its versions)',
    },
    force: {
      type: 'boolean',
      description: "refresh: ignore the feed's interval (never its publisher's minimum)",
    },
    timeout: {
      type: 'number',
      description: 'refresh: total seconds allowed per download',
      default: 60,
    },
    json: { type: 'boolean', description: 'list: print JSON' },
    add: { type: 'string', description: 'allow: add an IP or CIDR to the allow-list' },
    remove: { type: 'string', description: 'allow: remove an IP or CIDR from the allow-list' },
    list: { type: 'boolean', description: 'allow: print the allow-list' },
  },
  async run({ positional, flags }, io) {
    const action = positional[0] ?? 'list';
    if (!(ACTIONS as readonly string[]).includes(action) || positional.length > 1) {
      const near = positional.length === 1 ? nearest(action, ACTIONS, { prefixes: true }) : null;
      throw new NetsiftError(
        `unknown action "${positional.join(' ')}"${near ? ` (did you mean "${near}"?)` : ''}; use ${ACTIONS.join(', ')}`,
        'usage',
      );
    }
    if (typeof flags.feed === 'string') flags.id ??= flags.feed;
    const svc = new FeedService(netsiftHome());
    switch (action) {
      case 'list': {
        const list = await svc.list();
        if (flags.json) io.out(JSON.stringify(list, null, 2));
        else printList(list, io);
        return 0;
      }
      case 'add': {
        const id = needId(flags, 'add');
        if (typeof flags.format !== 'string')
          throw new NetsiftError('feeds add needs --format FORMAT', 'usage');
        const st = await svc.add(
          {
            id,
            url: flags.url as string | undefined,
            file: flags.file as string | undefined,
            format: flags.format as FeedFormat,
            intervalSeconds: flags.interval as number | undefined,
            name: flags.name as string | undefined,
            licence: flags.licence as string | undefined,
            trustLargeRanges: !!flags['trust-large-ranges'],
          },
          { replace: !!flags.replace },
        );
        io.out(
          st.current
            ? `added ${id}: ${st.current.entries} entries (version ${st.current.version})` +
                `${st.guarded.length ? `, ${st.guarded.length} guarded` : ''}${st.invalidLines ? `, ${st.invalidLines} invalid lines` : ''}`
            : `added ${id}; fetch it with: netsift feeds refresh --id ${id}`,
        );
        for (const g of st.guarded.slice(0, 10))
          io.err(`warning: ${g.entry} not matched: ${g.reason}`);
        return 0;
      }
      case 'refresh': {
        const id = flags.id as string | undefined;
        const job = svc.refresh(id, {
          force: !!flags.force,
          totalTimeoutMs: (flags.timeout as number) * 1000,
        });
        job.onProgress((p) => io.progress(`feeds ${p.done}/${p.total ?? '?'} ${p.message ?? ''}`));
        const list = await job.result;
        io.progress('');
        let failed = 0;
        for (const r of job.results ?? []) {
          const st = list.find((f) => f.id === r.id);
          if (r.outcome === 'failed') failed++;
          const what =
            r.outcome === 'failed'
              ? `failed: ${r.error}${st?.current ? ` (kept version ${st.current.version})` : ''}`
              : r.outcome === 'skipped'
                ? `skipped: not due yet (interval ${st?.intervalSeconds ?? '?'} s; --force to ignore it)`
                : `${r.outcome}: ${st?.current?.entries ?? 0} entries, version ${st?.current?.version}` +
                  (st?.current?.redirectedFrom ? ` (from ${st.current.sourceUrl})` : '');
          (r.outcome === 'failed' ? io.err : io.out)(`${r.id}: ${what}`);
        }
        return failed ? 1 : 0;
      }
      case 'remove':
        await svc.remove(needId(flags, 'remove'));
        io.out(`removed ${flags.id}`);
        return 0;
      case 'enable':
      case 'disable': {
        const st = await svc.setEnabled(needId(flags, action), action === 'enable');
        io.out(`${st.id} ${st.enabled ? 'enabled' : 'disabled'}`);
        return 0;
      }
      case 'allow': {
        const cur = await svc.allowList();
        if (flags.add === undefined && flags.remove === undefined && !flags.list)
          throw new NetsiftError('feeds allow needs --add CIDR, --remove CIDR or --list', 'usage');
        let next = cur;
        if (typeof flags.add === 'string') next = await svc.addAllow(flags.add);
        if (typeof flags.remove === 'string') next = await svc.removeAllow(flags.remove);
        if (flags.list || next !== cur) for (const e of next) io.out(e);
        if (next.length === 0 && flags.list) io.err('the allow-list is empty');
        return 0;
      }
    }
    return 2;
  },
};
