import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    // renderer tests that draw components say `// @vitest-environment happy-dom` on top
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB uses all cores per instance; two test files at a time keeps 2-core CI honest.
    maxWorkers: 2,
  },
});
