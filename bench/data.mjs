// Benchmark inputs, generated once and cached under bench/.cache/ (gitignored). The real generator
// (src/engine/generate, `netsift generate`) is used when present, run from source through tsx;
// otherwise a small streaming writer of our own (gen-seed.mjs) writes the seed format.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeSeedFile } from './gen-seed.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CACHE = path.join(ROOT, 'bench/.cache');

// 50M only when asked for (bench/run.mjs gives it to suites marked `large`)
export const SIZES = { '1M': 1_000_000, '10M': 10_000_000, '50M': 50_000_000 };

/** Path of the cached seed-format file of about `label` flows, generating it when missing. */
export async function seedFile(label, log) {
  const flows = SIZES[label];
  if (!flows)
    throw new Error(`bench: unknown size ${label} (known: ${Object.keys(SIZES).join(', ')})`);
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `seed-${label}.csv`);
  if (fs.existsSync(file)) return file;
  const t0 = performance.now();
  const generator = path.join(ROOT, 'src/engine/generate/index.ts');
  let how = 'bench/gen-seed.mjs';
  if (fs.existsSync(generator)) {
    const code = `const m = await import(${JSON.stringify(generator)});
      await m.generateCapture({ out: ${JSON.stringify(file)}, flows: ${flows} });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status === 0 && fs.existsSync(file)) how = 'src/engine/generate';
    else log(`bench: the generator failed (exit ${r.status}); using bench/gen-seed.mjs`);
  }
  if (!fs.existsSync(file)) await writeSeedFile(file, flows);
  log(
    `generated ${file} with ${how} in ${((performance.now() - t0) / 1000).toFixed(0)} s (cached for next runs)`,
  );
  return file;
}
