// Layer rule (see DESIGN.md): shared <- engine <- main/cli; renderer and preload import only
// shared; the doors (src/cli, src/cli/server, src/main) reach the engine only through its face,
// src/engine/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns, message, more = []) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }, ...more] }],
});

/** An engine module other than the face: `../engine/query/flows`, `../../engine/core/errors`. */
const ENGINE_INSIDE = '(^|/)engine/(?!index$).+';
const FACE_MESSAGE =
  'A door imports the engine only through its face (src/engine/index.ts); export what it needs there.';
// no-restricted-imports does not look at import(): the same rule for dynamic imports
const noDynamicEngineImport = {
  'no-restricted-syntax': [
    'error',
    {
      selector: `ImportExpression[source.value=/${ENGINE_INSIDE.replaceAll('/', '\\/')}/]`,
      message: FACE_MESSAGE,
    },
  ],
};
/** Tests and their helpers may reach inside the engine for fixtures. */
const TESTS = ['**/*.test.ts', '**/*.test-helper.ts'];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench/.cache/**',
      'bench/.prof/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [
        '**/engine/**',
        '**/main/**',
        '**/cli/**',
        '**/preload/**',
        'electron',
        'node:*',
        '@duckdb/*',
      ],
      'The renderer imports only src/shared (and browser libraries).',
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      [
        '**/engine/**',
        '**/main/**',
        '**/cli/**',
        '**/renderer/**',
        'electron',
        'node:*',
        'react',
        '@duckdb/*',
      ],
      'src/shared holds types and the contract; it imports nothing from node, electron or react.',
    ),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict(
      ['**/engine/**', '**/main/**', '**/cli/**', '**/renderer/**', 'node:*', '@duckdb/*', 'react'],
      'The preload imports only src/shared and electron: it exposes the contract, nothing else.',
    ),
  },
  {
    files: ['src/cli/**/*.ts'],
    ignores: TESTS,
    rules: {
      ...restrict(
        ['**/main/**', '**/renderer/**', '**/preload/**', 'electron', 'react'],
        'The CLI and its loopback server import the engine face and src/shared, never another door.',
        [{ regex: ENGINE_INSIDE, message: FACE_MESSAGE }],
      ),
      ...noDynamicEngineImport,
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: TESTS,
    rules: {
      ...restrict(
        ['**/cli/**', '**/renderer/**', '**/preload/**', 'react'],
        'Electron main imports the engine face and src/shared, never another door.',
        [{ regex: ENGINE_INSIDE, message: FACE_MESSAGE }],
      ),
      ...noDynamicEngineImport,
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict(
      ['**/main/**', '**/cli/**', '**/renderer/**', 'electron', 'react'],
      'The engine is plain Node: no electron, no UI, no doors.',
    ),
  },
);
