// Builds the CLI bundle once per test run: CLI tests spawn the same file `npx netsift` runs,
// and a bundle starts far faster than compiling TypeScript in every child process.
import os from 'node:os';
import path from 'node:path';

export default async function setup(): Promise<void> {
  // one GeoIP/ASN cache for every test's NETSIFT_HOME (built once per data version, ~10 s)
  process.env.NETSIFT_GEO_CACHE ??= path.join(os.tmpdir(), 'netsift-test-geo-cache');
  // @ts-expect-error: a plain .mjs build script without type declarations
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
