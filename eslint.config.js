// Layer rule (see DESIGN.md): shared <- engine <- main/cli; renderer imports only shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['**/engine/**', '**/main/**', '**/cli/**', '**/preload/**', 'electron', 'node:*', '@duckdb/*'],
      'The renderer imports only src/shared (and browser libraries).',
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      ['**/engine/**', '**/main/**', '**/cli/**', '**/renderer/**', 'electron', 'node:*', 'react', '@duckdb/*'],
      'src/shared holds types and the contract; it imports nothing from node, electron or react.',
    ),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict(
      ['**/main/**', '**/cli/**', '**/renderer/**', 'electron', 'react'],
      'The engine is plain Node: no electron, no UI, no doors.',
    ),
  },
);
