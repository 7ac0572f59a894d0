// npx tsx src/engine/query/bench/build-cases.ts [dir] [sizes...]: synthetic cases for the query benchmark.
import fs from 'node:fs';
import path from 'node:path';
import { CaseStore } from '../../store/case-store';
import { buildSyntheticFlows } from './synthetic-case';

const dir = process.argv[2] ?? '/tmp/netsift-bench';
const sizes = process.argv.slice(3).map(Number);
fs.mkdirSync(dir, { recursive: true });
for (const n of sizes.length ? sizes : [1_000_000, 10_000_000]) {
  const file = path.join(dir, `synthetic-${n}.duckdb`);
  if (fs.existsSync(file)) {
    console.log(`${file}: exists`);
    continue;
  }
  const t0 = Date.now();
  const s = await CaseStore.open(file, { threads: 2 });
  await buildSyntheticFlows(s, n);
  await s.run('CHECKPOINT');
  console.log(
    `${file}: ${await s.flowCount()} flows in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  s.close();
}
