// Bundles the CLI (and the engine it uses) into out/cli/netsift.mjs. Dependencies stay external:
// they are installed by npm ci, and @duckdb/node-api is a native addon.
import { build } from 'esbuild';

await build({
  entryPoints: { netsift: 'src/cli/main.ts' },
  outdir: 'out/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
