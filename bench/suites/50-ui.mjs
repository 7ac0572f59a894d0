// The workspace in Chromium through `netsift serve` (see bench/ui.mjs): incident -> first rows,
// timeline data, scroll to the middle of the grid. Needs the built renderer (npm run build).
import { runUiBench } from '../ui.mjs';

export default {
  name: 'ui',
  large: true, // the workspace on the 50M case too (issue 16), kept by the steps suite when it ran first
  async run(ctx) {
    for (const size of ctx.sizes) ctx.record(`ui ${size}`, await runUiBench({ size, log: ctx.log }));
  },
};
