#!/usr/bin/env node
// Entry point of `npx netsift`: runs the bundled CLI (npm run build creates it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/netsift.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('netsift: not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exit(await main(process.argv.slice(2)));
