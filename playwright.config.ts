import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// Every spec gets its own NETSIFT_HOME; the GeoIP/ASN cache built from the packaged data (once per
// data version, seconds) is shared between them instead (src/engine/geo/geo-cache.ts).
process.env.NETSIFT_GEO_CACHE ??= path.join(os.tmpdir(), 'netsift-test-geo-cache');

// Specs start `netsift serve` themselves (e2e/helpers/netsift-app.ts), from the built CLI and
// renderer: run `npm run build` first (npm test does).
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  workers: 1,
  outputDir: 'test-results',
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.NETSIFT_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    },
  },
});
