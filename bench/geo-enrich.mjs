// Benchmark of the GeoIP/ASN enrichment (issue 17): prints figures, asserts nothing.
//   node --import tsx bench/geo-enrich.mjs --size 10M [--runs 3]
// Imports the cached generated seed file (bench/data.mjs) into bench/.cache/context-<size>.duckdb
// once, then times: building the Parquet cache from the packaged CSVs (cold, in a fresh folder),
// and enriching the case (its distinct addresses joined by range) several times.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CACHE, ROOT, seedFile } from './data.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const size = arg('size', '10M');
const runs = Number(arg('runs', 3));
const log = (l) => process.stdout.write(`${l}\n`);

const seed = await seedFile(size, log);
const caseFile = path.join(CACHE, `context-${size}.duckdb`);
if (!fs.existsSync(caseFile)) {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin/netsift.js'), 'import', seed, '--case', caseFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error(`import exited ${r.status}`);
  log(
    `imported ${seed} into ${caseFile} in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached)`,
  );
}

const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-geo-'));
process.env.NETSIFT_GEO_CACHE = cacheRoot;
const { ensureGeoCache } = await import('../src/engine/geo/geo-cache.ts');
const { enrichGeo } = await import('../src/engine/geo/geo-enrich.ts');
const { CaseStore } = await import('../src/engine/store/case-store.ts');
try {
  let t = performance.now();
  const cache = await ensureGeoCache(cacheRoot);
  log(
    `geo cache build (cold): ${((performance.now() - t) / 1000).toFixed(2)} s, ${cache.countryRanges} country + ${cache.asnRanges} AS ranges`,
  );
  const store = await CaseStore.open(caseFile);
  try {
    const flows = await store.flowCount();
    for (let i = 1; i <= runs; i++) {
      t = performance.now();
      const r = await enrichGeo(store.conn);
      log(
        `enrich run ${i}: ${((performance.now() - t) / 1000).toFixed(2)} s for ${flows} flows, ${r.addresses} distinct addresses ` +
          `(${r.withCountry} with country, ${r.withAsn} with AS); addresses ${r.seconds.addresses.toFixed(2)} s, join ${r.seconds.join.toFixed(2)} s`,
      );
    }
  } finally {
    store.close();
  }
} finally {
  fs.rmSync(cacheRoot, { recursive: true, force: true });
}
