// `npm run bench`: runs every suite in bench/suites/ in file-name order and prints its figures.
// Figures are printed, never asserted. Options: --sizes 1M,10M (default both), --only NAME[,NAME].
// See bench/README.md for the suite interface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE, ROOT, SIZES, seedFile } from './data.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  return process.argv[i + 1].split(',').filter(Boolean);
}

const sizes = option('sizes', ['1M', '10M']); // 50M only when asked for (--sizes 1M,10M,50M)
const only = option('only', null);
const log = (l) => process.stdout.write(`${l}\n`);
const results = [];

const ctx = {
  root: ROOT,
  cacheDir: CACHE,
  sizes,
  log,
  seedFile: (label) => seedFile(label, log),
  record(name, figures) {
    results.push({ name, figures });
    log(`\n${name}`);
    for (const [k, v] of Object.entries(figures)) log(`  ${k.padEnd(26)} ${v}`);
  },
};

log(
  `netsift bench: ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, node ${process.version}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const dir = path.join(ROOT, 'bench/suites');
const files = fs
  .readdirSync(dir)
  .filter((f) => /\.m?js$/.test(f))
  .sort();
let failed = 0;
for (const f of files) {
  const suite = (await import(pathToFileURL(path.join(dir, f)).href)).default;
  if (!suite?.run) continue;
  if (only && !only.includes(suite.name)) continue;
  log(`\n== ${suite.name} (${f})`);
  // sizes above 10M (50M: a 3.8 GB file) only for suites that say they take them (`large`): the
  // others would spend hours there for figures the steps suite gives
  const small = sizes.filter((s) => suite.large || SIZES[s] <= 10_000_000);
  if (small.length < sizes.length)
    log(
      `(${sizes.filter((s) => !small.includes(s)).join(', ')} skipped: the suite is not marked large)`,
    );
  try {
    await suite.run({ ...ctx, sizes: small });
  } catch (e) {
    failed++;
    log(`suite ${suite.name} failed: ${e instanceof Error ? e.stack : e}`);
  }
}
fs.mkdirSync(CACHE, { recursive: true });
fs.writeFileSync(
  path.join(CACHE, 'last-results.json'),
  JSON.stringify({ at: new Date().toISOString(), results }, null, 2),
);
process.exit(failed ? 1 : 0);
