// blacklist: contact with an address listed by an enabled threat-intel feed. At the start of its
// run the enabled feeds' current versions (minus guarded entries and allow-listed space) are
// copied into the case's intel_ranges, so the case records exactly which versions it matched.
// An internal host contacting a listed address ranks above a listed address contacting us.
// Steps: hits.ts finds the listed addresses among the flows' distinct ones, matches.ts groups
// their flows, alerts.ts names the entries behind each and scores it.
import { copyRangesToCase } from '../../../intel/case-ranges';
import { netsiftHome } from '../../../core/home';
import { loadMatchSet } from '../../../intel/match-set';
import { defineDetector } from '../../kit';
import { toAlerts } from './alerts';
import { HIT_TABLES, findHits } from './hits';
import { readMatches } from './matches';

export { blacklistScore } from './alerts';

/** Seconds per phase of the last run (for the benchmark's breakdown). */
export const lastRunTimings: Record<string, number> = {};

export const blacklistDetector = defineDetector({
  id: 'blacklist',
  title: 'Listed addresses (threat-intel feeds)',
  lookback: 'all', // one alert per host and listed address over the whole span
  description:
    'Flows to or from an address on an enabled feed (guarded entries and the allow-list excluded); names feed, entry, version and direction.',
  params: {
    perWindow: {
      type: 'boolean',
      default: false,
      description:
        'One alert per window instead of one per host and listed address over the whole span',
    },
    inbound: {
      type: 'boolean',
      default: true,
      description:
        'Also report listed addresses that contacted a host (ranked below outbound contact)',
    },
  },
  async run(ctx) {
    let t = performance.now();
    const lap = (phase: string) => {
      lastRunTimings[phase] = (performance.now() - t) / 1000;
      t = performance.now();
    };
    for (const k of Object.keys(lastRunTimings)) delete lastRunTimings[k];
    const set = loadMatchSet(netsiftHome(), ctx.internalNetworks);
    lap('load feeds');
    await copyRangesToCase(ctx.store, ctx.conn, set);
    lap('copy to case');
    ctx.checkCancelled();
    if (set.ranges.length === 0) return [];
    try {
      await findHits(ctx.sql, set.ranges);
      lap('address range join');
      ctx.checkCancelled();
      const perWindow = ctx.params.perWindow;
      const rows = await readMatches(ctx.sql, perWindow, ctx.windowSeconds);
      lap('flows join and group');
      ctx.checkCancelled();
      const out = toAlerts(rows, set.ranges, {
        perWindow,
        inbound: ctx.params.inbound,
        windowSeconds: ctx.windowSeconds,
        internalNetworks: ctx.internalNetworks,
      });
      lap('alerts');
      return out;
    } finally {
      await ctx.sql.dropTemp(...HIT_TABLES);
    }
  },
});
