// Runs one netsift command (the bundled CLI, as `npx netsift` would) in this process and reports
// its peak RSS on the last stderr line. Usage: node bench/child-cli.mjs COMMAND [args...]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const bundle = new URL('../out/cli/netsift.mjs', import.meta.url);
if (!fs.existsSync(bundle)) {
  process.stderr.write('bench: out/cli/netsift.mjs missing; run `npm run build:cli`\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle.pathname).href);
const code = await main(process.argv.slice(2));
process.stderr.write(`\nmaxRssMB=${process.resourceUsage().maxRSS / 1024}\n`);
process.exit(code);
