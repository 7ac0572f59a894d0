// The workspace in Chromium through `netsift serve` (see bench/ui.mjs): incident -> first rows,
// timeline data, scroll to the middle of the grid. Needs the built renderer (npm run build).
import { runUiBench } from '../ui.mjs';

export default {
  name: 'ui',
  async run(ctx) {
    for (const size of ctx.sizes) ctx.record(`ui ${size}`, await runUiBench({ size, log: ctx.log }));
  },
};
