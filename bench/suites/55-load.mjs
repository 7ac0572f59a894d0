// `netsift serve` under load (issue 15): 20 analysts for 60 s on a ~2.86M-flow case over loopback,
// then a burst of 200 calls (bench/load.mjs says what an analyst does). Bounded: every call still
// unanswered 30 s after the run (120 s for the burst) is cut and counted as an error. Needs the
// built CLI (npm run bench builds it). Target: p95 < 500 ms with 20 analysts, 0 errors.
import os from 'node:os';
import { runLoadBench } from '../load.mjs';

export default {
  name: 'load',
  async run(ctx) {
    const load = os.loadavg()[0].toFixed(1);
    const figures = await runLoadBench({ log: ctx.log });
    ctx.record('serve under load', {
      // what it was before the short/heavy lanes (issue 15), to read the figures above against
      'before (issue 15 probe)': 'p50 700-770 ms, p95 1.6-1.8 s, 0 errors; burst of 200: p50 6.4 s',
      'before (main 722797e, load 1.8)':
        'p50 73 ms, p95 1145 ms, max 5923 ms, 0 errors; burst of 200: p50 2154 ms, p95 5791 ms',
      ...figures,
      'machine load before': load,
      target: 'p95 < 500 ms, 0 errors',
    });
  },
};
