// `netsift site --case CASE [--internal CIDR,... | --adopt | --reset] [--suggest] [--json]`: shows
// the case's site model (internal networks, who set them, the suggestion from the data with its
// evidence) and changes it; a change re-runs detection on an analysed case (--no-detect skips it).
import {
  buildReport,
  NetsiftError,
  parseNetworkList,
  readSite,
  refreshSuggestion,
  resetSite,
  runDetection,
  writeSite,
} from '../../engine/index';
import type { Command } from '../command';
import { openExistingCase } from '../open-case';
import { printDetectionSummary, withSigint } from './detect-options';
import { describeSite } from './site-describe';

export const siteCommand: Command = {
  name: 'site',
  synopsis:
    '--case CASE.duckdb [--internal CIDR,... | --adopt | --reset] [--suggest] [--no-detect] [--json]',
  summary: "show or set the case's internal networks (the site model); a change re-runs detection",
  flags: {
    case: { type: 'string', description: 'case file' },
    internal: {
      type: 'string',
      description: 'internal networks, e.g. 147.32.0.0/16,10.0.0.0/8,fd00::/8',
    },
    adopt: { type: 'boolean', description: 'use the networks suggested from the data' },
    reset: { type: 'boolean', description: "back to netsift's defaults (RFC 1918, ULA)" },
    suggest: {
      type: 'boolean',
      description: 'show the suggestion with its evidence (computed again from the flows)',
    },
    'no-detect': {
      type: 'boolean',
      description: 'change the networks without re-running detection',
    },
    json: { type: 'boolean', description: 'print the site model as JSON' },
    top: { type: 'number', description: 'incidents listed after a re-run', default: 10 },
  },
  async run({ positional, flags }, io) {
    if (positional.length) throw new NetsiftError(`unexpected argument ${positional[0]}`, 'usage');
    const changes = ['internal', 'adopt', 'reset'].filter(
      (k) => flags[k] !== undefined && flags[k] !== false,
    );
    if (changes.length > 1)
      throw new NetsiftError(
        `give one of --internal, --adopt, --reset (got ${changes.map((c) => `--${c}`).join(', ')})`,
        'usage',
      );
    const networks = flags.internal !== undefined ? parseNetworkList(String(flags.internal)) : null;
    const store = await openExistingCase(flags.case);
    try {
      if (flags.suggest || flags.adopt) {
        // computed again now (a forced refresh: the stored one may predate this netsift)
        await store.setSetting('site', {
          ...(await store.getSetting<object>('site', {})),
          suggestedFor: null,
        });
        await refreshSuggestion(store);
      }
      if (networks) await writeSite(store, networks, 'analyst');
      else if (flags.adopt) {
        const s = (await readSite(store, { withCoverage: false })).suggestion;
        if (!s) throw new NetsiftError(`${store.path}: no flows to suggest networks from`, 'usage');
        await writeSite(
          store,
          s.networks,
          'analyst',
          'the suggestion from the data, adopted by the analyst',
        );
      } else if (flags.reset) await resetSite(store);
      const site = await readSite(store);
      if (flags.json) io.out(JSON.stringify(site, null, 1));
      else for (const l of describeSite(site, { suggestion: !!flags.suggest })) io.out(l);
      const analysed =
        ((await store.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs'))?.n ?? 0) > 0;
      if (changes.length && analysed && !flags['no-detect']) {
        const t = performance.now();
        const job = runDetection(store);
        job.onProgress((p) => io.progress(`detect: ${p.phase} ${p.done}/${p.total ?? '?'}`));
        await withSigint(job);
        io.progress('');
        const report = await buildReport(store, {
          stages: [{ stage: 'detect', seconds: (performance.now() - t) / 1000 }],
        });
        if (!flags.json) printDetectionSummary(report, io, flags.top as number);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
