// Bundles the CLI (and the engine it uses) into out/cli/netsift.mjs. Dependencies stay external:
// they are installed by npm ci, and @duckdb/node-api is a native addon.
// Also used by the test suite's global setup, so CLI tests run the real bundle.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildCli() {
  await build({
    absWorkingDir: root,
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
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
